"""Agencies' open datasets: metadata in the pack's languages, resources (files kept by
their SHA-256, links), the versions published, the facets search counts, and people's
requests for data with the agencies' public answers."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yagona.core.text import localized


class Dataset(models.Model):
    """A dataset of an agency (CKAN's package, DCAT's dcat:Dataset). Its metadata is
    edited as a draft; publishing makes a numbered version of it and of its files."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.SlugField(max_length=100, unique=True)  # CKAN's name: its address
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT,
                               related_name="datasets")
    title = models.JSONField()  # language -> text
    description = models.JSONField(default=dict)
    keywords = models.JSONField(default=dict)  # language -> [word, ...]
    themes = models.JSONField(default=list)  # vocabulary.THEMES codes
    licence = models.CharField(max_length=32)
    frequency = models.CharField(max_length=16)
    temporal_start = models.DateField(null=True, blank=True)
    temporal_end = models.DateField(null=True, blank=True)
    spatial = models.JSONField(default=dict)  # language -> the place it covers
    contact_email = models.EmailField(blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    version = models.PositiveIntegerField(default=0)  # the last published version
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)  # first published
    withdrawn_reason = models.TextField(blank=True)
    search_text = models.TextField(default="", editable=False)  # folded words, " w1 w2 "
    title_words = models.TextField(default="", editable=False)  # the titles', ranked first

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["state", "-modified_at"])]

    def __str__(self):
        return localized(self.title)


class StoredFile(models.Model):
    """A file a resource holds, kept once per content: a replaced file stays for the
    versions that published it."""

    sha256 = models.CharField(max_length=64, unique=True)
    file = models.FileField(upload_to="opendata/%Y/%m/")
    size = models.PositiveBigIntegerField()
    media_type = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)


class Resource(models.Model):
    """A distribution of a dataset: an uploaded file or a link."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE,
                                related_name="resources")
    name = models.JSONField()
    description = models.JSONField(default=dict)
    format = models.CharField(max_length=16)  # vocabulary.FORMATS
    stored = models.ForeignKey(StoredFile, null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    url = models.URLField(max_length=500, blank=True)  # a link, when no file
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return localized(self.name)


class DatasetVersion(models.Model):
    """What one publication made public: the metadata and the resources, with the hash
    of each file, as they were."""

    class Change(models.TextChoices):
        PUBLISHED = "published", _("Published")
        DESCRIPTION = "description", _("The description changed")
        RESOURCE_ADDED = "resource_added", _("A resource was added")
        FILE_REPLACED = "file_replaced", _("A file was replaced")
        RESOURCE_REMOVED = "resource_removed", _("A resource was removed")

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE,
                                related_name="versions")
    number = models.PositiveIntegerField()
    change = models.CharField(max_length=16, choices=Change.choices)
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(blank=True)  # what changed, in the publisher's own words
    snapshot = models.JSONField()

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["dataset", "number"],
                                               name="one_number_per_dataset")]


class Facet(models.Model):
    """One value a published dataset is found by (its agency, a theme, a keyword, a
    format, its licence): search counts these rows, the same way on both databases."""

    class Kind(models.TextChoices):
        ORGANIZATION = "organization"
        GROUPS = "groups"
        TAGS = "tags"
        RES_FORMAT = "res_format"
        LICENSE_ID = "license_id"

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="facets")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    value = models.CharField(max_length=200)
    language = models.CharField(max_length=8, blank=True)  # a keyword's; the page shows its own

    class Meta:
        indexes = [models.Index(fields=["kind", "value"])]


class DatasetRequest(models.Model):
    """A person's request for data the state does not publish yet, and the answer, both
    public."""

    class State(models.TextChoices):
        OPEN = "open", _("Waiting for an answer")
        PLANNED = "planned", _("Will be published")
        PUBLISHED = "published", _("Published")
        REFUSED = "refused", _("Cannot be published")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(max_length=200)
    description = models.TextField()
    language = models.CharField(max_length=8)
    agency = models.ForeignKey("agencies.Agency", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="data_requests")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    dataset = models.ForeignKey(Dataset, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="requests")

    class Meta:
        ordering = ["-created_at"]


class BudgetLine(models.Model):
    """A programme of an agency in the state budget of a year: planned and executed, in
    the currency's minor units. Imported from the finance ministry's CSV (budget.py), a
    year at a time; published as a dataset and drawn on /data/budget/."""

    year = models.PositiveSmallIntegerField()
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT,
                               related_name="budget_lines")
    programme_code = models.CharField(max_length=32)
    programme_name = models.JSONField()  # language -> text
    planned = models.BigIntegerField()
    executed = models.BigIntegerField(null=True, blank=True)  # none yet, early in a year

    class Meta:
        ordering = ["year", "agency__code", "programme_code"]
        constraints = [models.UniqueConstraint(fields=["year", "agency", "programme_code"],
                                               name="one_line_per_programme")]
