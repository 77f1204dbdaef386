from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "yagona.accounts"
    label = "accounts"
