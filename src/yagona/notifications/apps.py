from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "yagona.notifications"
    label = "notifications"
