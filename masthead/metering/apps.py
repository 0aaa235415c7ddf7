from django.apps import AppConfig


class MeteringConfig(AppConfig):
    name = "masthead.metering"
    label = "metering"
    verbose_name = "Meter, wall and trials"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (sign-in carry-over, policy cache)
