from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "yagona.portal"
    label = "portal"
