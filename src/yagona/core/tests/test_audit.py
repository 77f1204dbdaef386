import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from yagona.core import audit
from yagona.core.models import AuditChain, AuditEntry


def write(count=5, object_id="A"):
    for n in range(count):
        with transaction.atomic():
            audit.record(audit.SYSTEM, f"thing.step{n}", "thing", object_id, {"n": n})
    return list(AuditEntry.objects.filter(object_id=object_id).order_by("position"))


@pytest.mark.django_db
def test_intact_log_verifies():
    write()
    write(3, "B")
    assert audit.verify() == []
    call_command("audit", "verify")


@pytest.mark.django_db(transaction=True)
def test_record_refuses_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError):
        audit.record(audit.SYSTEM, "x", "thing", "A")


@pytest.mark.django_db
def test_altered_entry_is_reported_with_its_position():
    entries = write()
    AuditEntry.objects.filter(pk=entries[2].pk).update(summary={"n": 99})
    problems = audit.verify()
    assert [(p.kind, p.position) for p in problems] == [("altered", 3)]
    with pytest.raises(CommandError):
        call_command("audit", "verify")


@pytest.mark.django_db
def test_removed_entry_in_the_middle_is_reported():
    entries = write()
    AuditEntry.objects.filter(pk=entries[1].pk).delete()
    assert [(p.kind, p.position) for p in audit.verify()] == [("removed", 2)]


@pytest.mark.django_db
def test_removed_entry_with_positions_renumbered_is_reported():
    entries = write()
    AuditEntry.objects.filter(pk=entries[1].pk).delete()
    for entry in entries[2:]:
        AuditEntry.objects.filter(pk=entry.pk).update(position=entry.position - 1)
    AuditChain.objects.filter(number=entries[0].chain).update(length=4)
    assert [(p.kind, p.position) for p in audit.verify()] == [("removed", 2)]


@pytest.mark.django_db
def test_removed_last_entry_is_reported():
    entries = write()
    AuditEntry.objects.filter(pk=entries[-1].pk).delete()
    assert [p.kind for p in audit.verify()] == ["removed"]


@pytest.mark.django_db
def test_inserted_copy_of_a_genuine_entry_is_reported():
    entries = write()
    chain = entries[0].chain
    for entry in reversed(entries[3:]):  # make room at position 4
        AuditEntry.objects.filter(pk=entry.pk).update(position=entry.position + 1)
    copy = AuditEntry.objects.get(pk=entries[1].pk)
    copy.pk, copy.position = None, 4
    copy.save()
    problems = audit.verify()
    assert [(p.kind, p.position) for p in problems] == [("inserted", 4)]
    assert all(p.chain == chain for p in problems)


@pytest.mark.django_db
def test_forged_entry_without_the_key_is_caught():
    entries = write()
    forged = AuditEntry.objects.get(pk=entries[-1].pk)
    forged.pk, forged.position, forged.prev_hash = None, 6, forged.hash
    forged.action = "thing.forged"
    forged.save()
    kinds = {p.kind for p in audit.verify()}
    assert "altered" in kinds
