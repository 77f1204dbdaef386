from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo people and sample applications (embedded mode): the top floor, it may use
    every room's services to fill them."""

    name = "yagona.demo"
    label = "demo"
