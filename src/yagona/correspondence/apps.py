from django.apps import AppConfig


class CorrespondenceConfig(AppConfig):
    """Inter-agency document flow: journals, registration cards, approval, sending
    over the exchange, resolutions and control (docs/document-flow.md)."""

    name = "yagona.correspondence"
