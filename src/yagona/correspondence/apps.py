from django.apps import AppConfig


class CorrespondenceConfig(AppConfig):
    """Inter-agency document flow: journals, registration cards, approval, sending
    over the exchange, resolutions and control (docs/document-flow.md)."""

    name = "yagona.correspondence"

    def ready(self):
        from yagona.core import events
        from yagona.correspondence import delivery, packs
        from yagona.exchange import common

        events.subscribe("country.loaded")(packs.load)
        common.offer_everywhere(delivery.SEND_DOCUMENT)  # every agency's registry office
