from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo seed and the `demo` and `seed_demo` commands: the top of the layers, the only app
    that may import every other one."""

    name = "groundswell.demo"
    label = "demo"
