from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "masthead.mail"
    label = "mail"
    verbose_name = "Email"
