from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo newspaper: its loader and the ``load_demo`` command."""

    name = "masthead.demo"
    label = "demo"
