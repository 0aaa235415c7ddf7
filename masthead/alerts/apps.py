from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "masthead.alerts"
    label = "alerts"
    verbose_name = "Series alerts"
