from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "yagona.exchange"
