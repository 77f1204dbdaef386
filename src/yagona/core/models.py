from django.db import models
from django.utils.translation import gettext_lazy as _


class Country(models.Model):
    """The country-level part of a loaded country pack (pack.yaml as loaded)."""

    code = models.CharField(max_length=8, unique=True)
    data = models.JSONField()
    active = models.BooleanField(default=False)
    loaded_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.code


class AuditChain(models.Model):
    """The head of one audit chain: its last position and hash.

    Writers lock only the head of the chain they append to, so writes spread
    over ``AUDIT_CHAINS`` chains instead of queueing on one lock.
    """

    number = models.PositiveSmallIntegerField(unique=True)
    length = models.PositiveBigIntegerField(default=0)
    head_hash = models.CharField(max_length=64, default="0" * 64)


class AuditCheckpoint(models.Model):
    """A keyed seal of every chain head (``heads[n]`` is ``[length, hash]`` of chain n).

    Checkpoints form a chain of their own (``prev_mac``, unique, so two taken at once
    cannot fork it); the newest one is re-sealed with a later ``confirmed_at`` while the
    heads have not moved, so a quiet log does not grow a row per period.
    """

    taken_at = models.DateTimeField()
    confirmed_at = models.DateTimeField()
    heads = models.JSONField()
    prev_mac = models.CharField(max_length=64, unique=True)
    mac = models.CharField(max_length=64)

    class Meta:
        ordering = ["pk"]


class AuditEntry(models.Model):
    """One append-only, hash-chained audit record."""

    chain = models.PositiveSmallIntegerField()
    position = models.PositiveBigIntegerField()
    at = models.DateTimeField()
    actor = models.CharField(_("actor"), max_length=64, blank=True)
    represented = models.CharField(_("represented party"), max_length=64, blank=True)
    agency = models.CharField(max_length=32, blank=True)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    summary = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["chain", "position"], name="audit_chain_position")
        ]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        ordering = ["chain", "position"]

    def __str__(self):
        return f"{self.chain}:{self.position} {self.action} {self.object_type}:{self.object_id}"
