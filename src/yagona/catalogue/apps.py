from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "yagona.catalogue"
    label = "catalogue"
