from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "yagona.applications"
    label = "applications"
