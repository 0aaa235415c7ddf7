from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "masthead.mail"
    label = "mail"
    verbose_name = "Email"

    def ready(self) -> None:
        from anymail.signals import tracking

        from .webhooks import on_tracking

        tracking.connect(on_tracking, dispatch_uid="masthead.mail.suppress_on_tracking")
