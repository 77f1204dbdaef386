"""Base registries defined by data: a registry, its schema versions, its records,
their unique keys and every revision of every record."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from yagona.core.text import localized


class Registry(models.Model):
    """A base registry (population, legal entities ...) kept by its owner agency."""

    code = models.CharField(max_length=40, unique=True)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT,
                               related_name="registries")
    name = models.JSONField()  # text per language
    description = models.JSONField(default=dict)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "registries"

    def __str__(self):
        return self.code

    @property
    def display_name(self) -> str:
        return localized(self.name)


class RegistryVersion(models.Model):
    """One version of a registry's record schema. Records name the version they follow;
    a new version either migrates the records or lives side by side with the old."""

    registry = models.ForeignKey(Registry, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    schema = models.JSONField()  # JSON Schema (draft 2020-12) of one record
    key_fields = models.JSONField(default=list)  # each unique within the registry
    search_fields = models.JSONField(default=list)
    personal_fields = models.JSONField(default=list)  # reads by staff are audited
    public_fields = models.JSONField(default=list)  # may be published as open data
    labels = models.JSONField(default=dict)  # field -> text per language
    # field path ("sex", "identity_document.type") -> value -> text per language
    value_labels = models.JSONField(default=dict)
    # Every field path in the definition's order ("address", "address.region" ...):
    # PostgreSQL's jsonb keeps no key order, a list does.
    field_order = models.JSONField(default=list)
    # How records of earlier versions become records of this one, when they are
    # migrated rather than left side by side: {"rename": {old: new}, "drop": [field],
    # "defaults": {field: value}} (registries.migration).
    migration = models.JSONField(default=dict)
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["registry", "version"]
        constraints = [models.UniqueConstraint(fields=["registry", "version"],
                                               name="one_registry_version")]

    def __str__(self):
        return f"{self.registry.code} v{self.version}"

    @property
    def fields(self) -> list[str]:
        """The top-level fields in the definition's order."""
        return [path for path in self.field_order if "." not in path]

    def subfields(self, path: str) -> list[str]:
        return [p.rsplit(".", 1)[1] for p in self.field_order
                if p.startswith(path + ".") and "." not in p[len(path) + 1:]]


class Record(models.Model):
    """The current state of one record. Deletion is logical: ``retired_at``."""

    registry = models.ForeignKey(Registry, on_delete=models.PROTECT, related_name="records")
    uuid = models.UUIDField(default=uuid.uuid4, unique=True)
    version = models.PositiveIntegerField()  # the schema version the data follows
    data = models.JSONField()
    revision = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    retired_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.registry.code} {self.uuid}"


class RecordKey(models.Model):
    """A unique key value of a live record (person ID, business ID, act number ...),
    one row per key field: the index that keeps lookups fast at national scale."""

    # The constraint's index (registry, field, value) serves the foreign key too: each
    # index less is less work for every record imported.
    registry = models.ForeignKey(Registry, on_delete=models.CASCADE, db_index=False)
    field = models.CharField(max_length=40)
    value = models.CharField(max_length=200)
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="keys")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["registry", "field", "value"],
                                               name="unique_registry_key")]


class RecordTerm(models.Model):
    """A folded word of a search field of a live record (lower case, special letters
    folded: core.normalize), so that a search by name or title is an index range scan
    at national scale. On PostgreSQL the column's collation is "C" (migration 0002):
    byte order, so that a prefix is a range of the index."""

    registry = models.ForeignKey(Registry, on_delete=models.CASCADE, db_index=False)
    field = models.CharField(max_length=40)
    term = models.CharField(max_length=100)
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="terms")

    class Meta:
        indexes = [models.Index(fields=["registry", "field", "term"], name="record_term")]


class Revision(models.Model):
    """One change of a record: who, when, why, on whose request, and each field's old
    and new value. Replaying revisions backwards gives the record at any past date."""

    class Operation(models.TextChoices):
        CREATE = "create", _("Created")
        CORRECT = "correct", _("Corrected")
        RETIRE = "retire", _("Retired")
        RESTORE = "restore", _("Restored")
        MIGRATE = "migrate", _("Moved to a new schema version")

    # (record, number) is unique: that index serves the foreign key too.
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="revisions",
                               db_index=False)
    number = models.PositiveIntegerField()
    at = models.DateTimeField()
    operation = models.CharField(max_length=8, choices=Operation.choices)
    actor = models.CharField(max_length=64)  # person ID of the keeper, or "system"
    requested_by = models.CharField(max_length=64, blank=True)  # on whose request
    reason = models.TextField(blank=True)
    # field -> [old, new], null for absent; empty for a creation, whose values are the
    # record as of this revision
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["record", "number"]
        constraints = [models.UniqueConstraint(fields=["record", "number"],
                                               name="one_revision_number")]


class ImportJob(models.Model):
    """A bulk import of one file into one registry. Batches commit one by one with the
    job's progress in the same transaction, so an interrupted import resumes after the
    last committed batch, without duplicates."""

    registry = models.ForeignKey(Registry, on_delete=models.CASCADE, related_name="imports")
    file_name = models.CharField(max_length=300)
    file_sha256 = models.CharField(max_length=64)
    actor = models.CharField(max_length=64)
    rows_read = models.PositiveBigIntegerField(default=0)  # rows of committed or refused batches
    rows_imported = models.PositiveBigIntegerField(default=0)
    rows_present = models.PositiveBigIntegerField(default=0)  # already there, identical
    batches_refused = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)  # [{row, path, message}], the first 1,000
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["registry", "file_sha256"])]


class SchemaMigration(models.Model):
    """The move of a registry's records to a newer schema version, batch by batch (each
    batch one transaction). A record that does not fit the new schema stays on its
    version, side by side, and is reported; running it again picks up where it was."""

    registry = models.ForeignKey(Registry, on_delete=models.CASCADE, related_name="migrations")
    to_version = models.PositiveIntegerField()
    actor = models.CharField(max_length=64)
    migrated = models.PositiveBigIntegerField(default=0)
    failed = models.PositiveBigIntegerField(default=0)
    last_record = models.PositiveBigIntegerField(default=0)  # the batches' cursor (pk)
    errors = models.JSONField(default=list)  # [{record, path, message}], the first 1,000
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)


class Grant(models.Model):
    """What another agency's officials and systems may do with a registry: read some
    fields (none listed: all) and, with ``write``, change records."""

    registry = models.ForeignKey(Registry, on_delete=models.CASCADE, related_name="grants")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE,
                               related_name="registry_grants")
    fields = models.JSONField(default=list)
    write = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["registry", "agency"],
                                               name="one_grant_per_agency")]


class Consent(models.Model):
    """A person's consent that an organisation outside government (a bank, say: an
    exchange member of class COM or NGO) reads some fields of their record through the
    data exchange, for a purpose, until a date; revocable at any time."""

    person = models.ForeignKey("accounts.User", on_delete=models.CASCADE,
                               related_name="consents")
    registry = models.ForeignKey(Registry, on_delete=models.CASCADE, related_name="consents")
    member = models.CharField(max_length=200)  # the exchange member, TJ/COM/020000013
    member_name = models.CharField(max_length=300)
    fields = models.JSONField(default=list)
    purpose = models.CharField(max_length=500)
    given_at = models.DateTimeField(auto_now_add=True)
    valid_until = models.DateField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["person", "member"])]


class CorrectionRequest(models.Model):
    """A person's report that a registry holds something wrong about them, for the
    registry's keepers to correct (or to answer why not)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for the keeper")
        CORRECTED = "corrected", _("Corrected")
        REFUSED = "refused", _("Not corrected")

    person = models.ForeignKey("accounts.User", on_delete=models.CASCADE,
                               related_name="correction_requests")
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="corrections")
    field = models.CharField(max_length=100)
    text = models.TextField()  # what is wrong, in the person's words
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.CharField(max_length=64, blank=True)
