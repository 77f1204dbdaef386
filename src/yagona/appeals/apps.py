from django.apps import AppConfig


class AppealsConfig(AppConfig):
    """Appeals, complaints and problem reports with legal deadlines (docs/appeals.md)."""

    name = "yagona.appeals"

    def ready(self):
        from yagona.appeals import forwarding, packs  # noqa: F401 - forwarding subscribes
        from yagona.core import events

        events.subscribe("country.loaded")(packs.load)
