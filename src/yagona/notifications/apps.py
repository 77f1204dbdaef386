from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "yagona.notifications"
    label = "notifications"

    def ready(self):
        from yagona.notifications import handlers  # noqa: F401 (subscribes to events)
