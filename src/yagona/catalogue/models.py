from django.db import models

from yagona.core.text import localized


class LifeEvent(models.Model):
    code = models.SlugField(max_length=64, unique=True)
    name = models.JSONField()
    description = models.JSONField(default=dict)
    order = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "code"]

    def __str__(self):
        return localized(self.name)


class Service(models.Model):
    """A public service in the catalogue. Its form is data (JSON Schema + UI hints)."""

    code = models.SlugField(max_length=100, unique=True)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT,
                               related_name="services")
    life_events = models.ManyToManyField(LifeEvent, related_name="services", blank=True)
    online = models.BooleanField(default=True)
    applicant_kinds = models.JSONField(default=list)  # "person", "organisation"
    name = models.JSONField()
    summary = models.JSONField(default=dict)
    description = models.JSONField(default=dict)
    who_may_apply = models.JSONField(default=dict)
    documents = models.JSONField(default=list)  # list of translated texts
    # Documents the state already holds, read from a base registry through the exchange
    # instead of being asked for: [{"registry": code, "label": texts, "fields": [...]}]
    state_documents = models.JSONField(default=list)
    fee_minor = models.PositiveIntegerField(default=0)
    processing_days = models.PositiveIntegerField()
    legal_basis = models.JSONField(default=dict)
    offline = models.JSONField(default=dict)
    form = models.JSONField(default=dict)  # {"schema": {...}, "ui": {...}}
    # The pack's ``signature: required``: the applicant signs the application (the
    # platform's remote signature, in the portal) before it can be submitted.
    signature_required = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return localized(self.name)

    @property
    def display_name(self) -> str:
        return localized(self.name)


class SearchDocument(models.Model):
    """A service's searchable text in one language, folded for accent-free search.

    ``title`` and ``body`` hold folded words, each preceded by a space, so that
    ``contains(" " + term)`` finds words beginning with the term on every database.
    """

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="search_docs")
    language = models.CharField(max_length=8)
    title = models.TextField()
    body = models.TextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "language"],
                                               name="one_search_doc_per_language")]
