"""Keyed checkpoints anchor the chain heads: whoever can write the database but lacks
AUDIT_KEY cannot remove sealed entries from the end of a chain, or a whole chain, even
when they rewrite (or delete) the head row too."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from yagona.core import audit
from yagona.core.models import AuditChain, AuditCheckpoint, AuditEntry
from yagona.core.tests.test_audit import write


def kinds(problems):
    return [(p.chain, p.kind) for p in problems]


def refused():
    with pytest.raises(CommandError):
        call_command("audit", "verify")


@pytest.mark.django_db
def test_removed_last_entry_with_its_head_rewritten_is_reported():
    entries = write()
    call_command("audit", "checkpoint")
    AuditEntry.objects.filter(pk=entries[-1].pk).delete()
    AuditChain.objects.filter(number=entries[0].chain).update(
        length=4, head_hash=entries[3].hash)
    assert kinds(audit.verify()) == [(entries[0].chain, "removed")]
    refused()


@pytest.mark.django_db
def test_a_whole_chain_removed_with_its_head_is_reported():
    entries = write()
    write(3, "B")
    call_command("audit", "checkpoint")
    chain = entries[0].chain
    AuditEntry.objects.filter(chain=chain).delete()
    AuditChain.objects.filter(number=chain).delete()
    assert kinds(audit.verify()) == [(chain, "removed")]
    refused()


@pytest.mark.django_db
def test_entries_after_a_checkpoint_verify_and_a_quiet_log_is_reconfirmed():
    write()
    first = audit.checkpoint()
    assert audit.checkpoint().pk == first.pk  # nothing moved: the same row, re-sealed
    write(2, "C")
    assert audit.verify() == []
    second = audit.checkpoint()
    assert second.pk != first.pk and second.prev_mac == AuditCheckpoint.objects.get(
        pk=first.pk).mac
    assert audit.verify() == []
    call_command("audit", "verify")


@pytest.mark.django_db
def test_a_truncation_sealed_by_a_later_checkpoint_is_caught_by_the_earlier_one():
    entries = write()
    audit.checkpoint()
    AuditEntry.objects.filter(pk=entries[-1].pk).delete()
    AuditChain.objects.filter(number=entries[0].chain).update(
        length=4, head_hash=entries[3].hash)
    write(1, "D")  # something else moves, so the next checkpoint is a new row
    audit.checkpoint()  # seals the truncated chain
    assert (entries[0].chain, "removed") in kinds(audit.verify())


@pytest.mark.django_db
def test_forged_and_removed_checkpoints_are_reported():
    entries = write()
    first = audit.checkpoint()
    write(1, "E")
    middle = audit.checkpoint()
    write(1, "F")
    audit.checkpoint()
    assert audit.verify() == []
    AuditCheckpoint.objects.filter(pk=middle.pk).delete()
    assert kinds(audit.verify()) == [(None, "removed")]
    # Without the key a checkpoint cannot be made to seal a shorter chain.
    heads = first.heads
    heads[entries[0].chain] = [4, entries[3].hash]
    AuditCheckpoint.objects.filter(pk=first.pk).update(heads=heads)
    assert kinds(audit.verify()) == [(None, "altered"), (None, "removed")]
    refused()


@pytest.mark.django_db
def test_an_altered_newest_checkpoint_is_not_resealed():
    entries = write()
    point = audit.checkpoint()
    AuditEntry.objects.filter(pk=entries[-1].pk).delete()
    AuditChain.objects.filter(number=entries[0].chain).update(
        length=4, head_hash=entries[3].hash)
    heads = point.heads
    heads[entries[0].chain] = [4, entries[3].hash]
    AuditCheckpoint.objects.filter(pk=point.pk).update(heads=heads)
    audit.checkpoint()  # the heads now match the altered row: it must not be re-sealed
    assert AuditCheckpoint.objects.count() == 2
    assert kinds(audit.verify()) == [(None, "altered")]


@pytest.mark.django_db
def test_a_stale_newest_checkpoint_is_reported(settings, monkeypatch):
    """Removing the newest checkpoints leaves an older one, which verify reports once it
    is older than two periods (the periodic task would have taken newer ones)."""
    settings.AUDIT_CHECKPOINT_MINUTES = 60
    past = timezone.now() - dt.timedelta(hours=3)
    with monkeypatch.context() as clock:
        clock.setattr(timezone, "now", lambda: past)
        write()
        old = audit.checkpoint()
    recent = write(1, "G")
    audit.checkpoint()
    assert audit.verify() == []
    AuditCheckpoint.objects.exclude(pk=old.pk).delete()
    AuditEntry.objects.filter(chain=recent[0].chain).delete()
    AuditChain.objects.filter(number=recent[0].chain).delete()
    assert kinds(audit.verify()) == [(None, "removed")]
    refused()
    AuditCheckpoint.objects.all().delete()  # none at all, for a log three hours old
    assert kinds(audit.verify()) == [(None, "removed")]
    settings.AUDIT_CHECKPOINT_MINUTES = 0  # checkpoints turned off: nothing to expect
    assert audit.verify() == []


@pytest.mark.django_db
def test_the_periodic_task_takes_a_checkpoint():
    from yagona.core import tasks

    write()
    tasks.checkpoint_audit_log.call_local()
    assert AuditCheckpoint.objects.count() == 1
    assert audit.verify() == []
