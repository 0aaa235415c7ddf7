from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "masthead.alerts"
    label = "alerts"
    verbose_name = "Series alerts"

    def ready(self) -> None:
        from . import recipients  # noqa: F401  (registers the recipient source)
