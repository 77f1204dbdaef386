from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "yagona.applications"
    label = "applications"

    def ready(self):
        from yagona.applications import forwarding  # noqa: F401 - subscribes to events
