from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "masthead.content"
    label = "content"
    verbose_name = "Content"

    def ready(self) -> None:
        from . import comment_threads, discovery, letters, signals  # noqa: F401

        comment_threads.register()
        discovery.connect()
