"""Publishing a version that migrates the records: moved batch by batch with their
history, the misfits left side by side and reported, resumable."""

import copy

import pytest
from django.core.exceptions import PermissionDenied
from django.test import TestCase
from django.utils import timezone

from yagona.core import audit
from yagona.core.audit import SYSTEM, AuditEntry
from yagona.registries import migration, queries, services
from yagona.registries.models import Record, SchemaMigration
from yagona.registries.tests.test_records import person
from yagona.testing.packs import POPULATION


def version_two():
    """birth_place becomes place_of_birth, now required; a nickname defaults to "-"."""
    changed = copy.deepcopy(POPULATION)
    properties = changed["schema"]["properties"]
    properties["place_of_birth"] = properties.pop("birth_place")
    properties["nickname"] = {"type": "string"}
    changed["schema"]["required"] = [*changed["schema"]["required"], "place_of_birth"]
    changed["labels"]["place_of_birth"] = changed["labels"].pop("birth_place")
    changed["labels"]["nickname"] = {"en": "Nickname", "ru": "Прозвище"}
    changed["personal_fields"] = [f if f != "birth_place" else "place_of_birth"
                                  for f in changed["personal_fields"]]
    changed["migration"] = {"rename": {"birth_place": "place_of_birth"},
                            "defaults": {"nickname": "-"}}
    return changed


@pytest.mark.django_db
def test_records_move_to_the_new_version_and_misfits_stay_side_by_side(country):
    fits = [services.create(SYSTEM, "population", person(n, birth_place="Khujand"))
            for n in (1, 2)]
    misfit = services.create(SYSTEM, "population", person(3))  # no birth place
    before = timezone.now()
    assert services.define(SYSTEM, version_two()).version == 2
    job = migration.migrate(SYSTEM, "population", batch_size=2)
    assert (job.migrated, job.failed) == (2, 1) and job.finished_at
    assert job.errors == [{"record": str(misfit.uuid), "path": "/place_of_birth",
                           "message": "This field is required."}]
    moved = Record.objects.get(pk=fits[0].pk)
    assert moved.version == 2 and moved.data["place_of_birth"] == "Khujand"
    assert moved.data["nickname"] == "-" and "birth_place" not in moved.data
    last = moved.revisions.get(number=2)
    assert last.operation == "migrate" and last.changes["birth_place"] == ["Khujand", None]
    assert Record.objects.get(pk=misfit.pk).version == 1
    then = queries.as_of(SYSTEM, "population", moved.uuid, before)
    assert then["birth_place"] == "Khujand" and "place_of_birth" not in then
    assert AuditEntry.objects.filter(action="registry.records_migrated").count() == 1
    assert audit.verify() == []


@pytest.mark.django_db
def test_an_interrupted_migration_resumes_without_moving_a_record_twice(country):
    for n in range(1, 6):
        services.create(SYSTEM, "population", person(n, birth_place="Kulob"))
    services.define(SYSTEM, version_two())

    def stop(job):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        migration.migrate(SYSTEM, "population", batch_size=2, progress=stop)
    assert Record.objects.filter(version=2).count() == 2
    job = migration.migrate(SYSTEM, "population", batch_size=2)
    assert SchemaMigration.objects.count() == 1 and job.migrated == 5
    assert Record.objects.filter(version=2).count() == 5
    assert all(r.revision == 2 for r in Record.objects.all())


@pytest.mark.django_db
def test_a_migration_that_names_no_property_is_refused(country):
    broken = version_two()
    broken["migration"] = {"rename": {"birth_place": "nowhere"}, "defaults": {"x": 1}}
    with pytest.raises(services.DefinitionInvalid) as caught:
        services.define(SYSTEM, broken)
    assert "migration.rename" in str(caught.value) and "migration.defaults" in str(caught.value)


@pytest.mark.django_db
def test_publishing_with_migrate_moves_the_records_after_commit(country, people):
    from yagona.accounts import services as accounts
    from yagona.agencies.models import Agency

    services.create(SYSTEM, "population", person(1, birth_place="Khorog"))
    keeper = people["other"]
    accounts.grant_role(SYSTEM, keeper, Agency.objects.get(code="REG"), "registry_keeper")
    operator = audit.Actor(user=people["operator"])
    with pytest.raises(PermissionDenied):  # reads the registry, may not define it
        services.publish(operator, version_two(), migrate=True)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.publish(audit.Actor(user=keeper), version_two(), migrate=True)
    assert Record.objects.get().version == 2
    assert SchemaMigration.objects.get().actor == keeper.username


@pytest.mark.django_db
def test_the_command_migrates_and_reports_the_misfits(country, capsys):
    from django.core.management import call_command

    services.create(SYSTEM, "population", person(1, birth_place="Kulob"))
    services.create(SYSTEM, "population", person(2))
    services.define(SYSTEM, version_two())
    call_command("registries", "migrate", "population")
    out = capsys.readouterr().out
    assert "1 record(s) moved to version 2, 1 left on their version" in out
    assert "/place_of_birth" in out
