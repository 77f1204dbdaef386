from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "yagona.backoffice"
    label = "backoffice"
