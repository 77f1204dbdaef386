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
    with pytest.raises(audit.CheckpointGap):  # three hours without one: someone must look
        audit.checkpoint()
    audit.checkpoint(acknowledge="the worker was down")
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


def thirty_hours(monkeypatch, keep_hours=5):
    """Thirty hours of entries with an hourly checkpoint each; then the attack: every
    checkpoint after the first ``keep_hours`` is deleted, and so is one chain written
    after them, with its head row. Returns the deleted chain's number."""
    start = timezone.now() - dt.timedelta(hours=30)
    for hour in range(30):
        with monkeypatch.context() as clock:
            clock.setattr(timezone, "now", lambda hour=hour: start + dt.timedelta(hours=hour))
            write(1, f"H{hour}")
            audit.checkpoint()
    early = {audit.chain_for("thing", f"H{hour}") for hour in range(keep_hours + 1)}
    chain = next(c for c in (audit.chain_for("thing", f"H{h}") for h in range(20, 30))
                 if c not in early)
    AuditCheckpoint.objects.filter(
        taken_at__gt=start + dt.timedelta(hours=keep_hours)).delete()
    AuditEntry.objects.filter(chain=chain).delete()
    AuditChain.objects.filter(number=chain).delete()
    return chain


@pytest.mark.django_db
def test_the_next_periodic_checkpoint_refuses_to_hide_removed_checkpoints(
        settings, monkeypatch):
    """The newest checkpoints and a whole chain are removed: verify reports a stale
    checkpoint, and the next hourly run must not chain onto the old one (which would
    make verify pass for ever after); it refuses until an operator acknowledges."""
    from yagona.core import tasks

    settings.AUDIT_CHECKPOINT_MINUTES = 60
    thirty_hours(monkeypatch)
    assert kinds(audit.verify()) == [(None, "removed")]
    with pytest.raises(audit.CheckpointGap):
        tasks.checkpoint_audit_log.call_local()
    with pytest.raises(CommandError, match="--acknowledge"):
        call_command("audit", "checkpoint")
    assert kinds(audit.verify()) == [(None, "removed")]  # still reported
    refused()


@pytest.mark.django_db
def test_a_gap_between_checkpoints_is_reported_for_good(settings, monkeypatch):
    """Even once a checkpoint chains onto the old one (here taken while checkpoints were
    turned off, so nothing refused), the hours between them stay reported."""
    settings.AUDIT_CHECKPOINT_MINUTES = 60
    thirty_hours(monkeypatch)
    settings.AUDIT_CHECKPOINT_MINUTES = 0
    audit.checkpoint()
    settings.AUDIT_CHECKPOINT_MINUTES = 60
    problems = audit.verify()
    assert kinds(problems) == [(None, "removed")]
    assert "no checkpoint between" in problems[0].detail
    audit.checkpoint()  # later hourly runs do not make it go away
    assert kinds(audit.verify()) == [(None, "removed")]


@pytest.mark.django_db
def test_all_checkpoints_removed_is_not_hidden_by_a_new_first_one(settings, monkeypatch):
    settings.AUDIT_CHECKPOINT_MINUTES = 60
    thirty_hours(monkeypatch)
    AuditCheckpoint.objects.all().delete()
    with pytest.raises(audit.CheckpointGap):
        audit.checkpoint()
    settings.AUDIT_CHECKPOINT_MINUTES = 0
    audit.checkpoint()
    settings.AUDIT_CHECKPOINT_MINUTES = 60
    assert kinds(audit.verify()) == [(None, "removed")]  # 30 hours before the first one


@pytest.mark.django_db
def test_an_operator_acknowledges_a_gap_with_a_reason(settings, monkeypatch):
    settings.AUDIT_CHECKPOINT_MINUTES = 60
    thirty_hours(monkeypatch)
    call_command("audit", "checkpoint", "--acknowledge", "restored from backup, ticket 42")
    note = AuditEntry.objects.get(action=audit.GAP_ACKNOWLEDGED)
    assert note.summary["reason"] == "restored from backup, ticket 42"
    assert note.summary["after"] == AuditCheckpoint.objects.order_by("-pk")[1].mac
    assert audit.verify() == []  # the gap is on record, as the acknowledgement entry
    call_command("audit", "verify")
    # The acknowledgement covers that gap only, and cannot be forged without the key.
    AuditEntry.objects.filter(pk=note.pk).update(summary=dict(note.summary, reason="x"))
    assert (None, "removed") in kinds(audit.verify())
