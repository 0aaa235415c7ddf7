from django.apps import AppConfig


class PageCacheConfig(AppConfig):
    name = "masthead.pagecache"
    label = "pagecache"

    def ready(self) -> None:
        # core keeps the site settings per process while the generation they
        # were read under is current; it learns the generation from us.
        from masthead.core.models import site_settings_generation_source

        from .store import current_generation

        site_settings_generation_source(current_generation)
