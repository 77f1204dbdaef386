from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "yagona.core"
    label = "core"
