from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "yagona.api"
    label = "api"
