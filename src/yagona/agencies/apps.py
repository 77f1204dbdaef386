from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "yagona.agencies"
    label = "agencies"
