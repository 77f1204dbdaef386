from django.apps import AppConfig


class OpenDataConfig(AppConfig):
    """Open government data: agencies' datasets, versions, requests (docs/open-data.md)."""

    name = "yagona.opendata"
    label = "opendata"
