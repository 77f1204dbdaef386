"""Open311 api_keys of third-party applications: a key is shown once when it is created
and only its SHA-256 is kept; a revoked key opens nothing. Creating and revoking are
audited (``appeals.app_key_created``, ``appeals.app_key_revoked``)."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from yagona.appeals.models import AppKey
from yagona.core import audit


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_app_key(actor: audit.Actor, name: str, contact: str = "") -> tuple[AppKey, str]:
    """A new key for the application ``name``: the row and the key, which is never stored
    and cannot be shown again."""
    name, contact = (name or "").strip()[:200], (contact or "").strip()[:200]
    if not name:
        raise ValueError("an application key needs the application's name")
    key = secrets.token_urlsafe(32)
    with transaction.atomic():
        row = AppKey.objects.create(name=name, contact=contact, key_hash=_digest(key))
        audit.record(actor, "appeals.app_key_created", "app_key", row.pk,
                     {"name": name, "contact": contact})
    return row, key


def revoke_app_key(actor: audit.Actor, pk: int) -> AppKey:
    """Revoke a key at once (its requests stay, linked to it). Revoking twice is a no-op."""
    with transaction.atomic():
        row = AppKey.objects.select_for_update().filter(pk=pk).first()
        if row is None:
            raise AppKey.DoesNotExist(pk)
        if row.revoked_at is None:
            row.revoked_at = timezone.now()
            row.save(update_fields=["revoked_at"])
            audit.record(actor, "appeals.app_key_revoked", "app_key", row.pk,
                         {"name": row.name})
    return row


def app_key(key: str) -> AppKey | None:
    """The live key row for an api_key as sent, else None (unknown or revoked)."""
    key = (key or "").strip()
    if not key or len(key) > 200:
        return None
    return AppKey.objects.filter(key_hash=_digest(key), revoked_at__isnull=True).first()


def app_keys():
    return AppKey.objects.order_by("pk")
