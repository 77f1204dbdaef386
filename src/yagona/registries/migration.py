"""Moving a registry's records to its newest schema version.

A version may say how records of earlier versions become its own (``migration`` in
the definition: fields renamed, dropped, or given a default). Records are moved
batch by batch, each batch one transaction with its revisions (old and new values),
new keys and search terms and one audit entry; a record that does not fit the new
schema stays on its version, side by side, and is reported with the JSON path of
each problem. The job keeps its cursor, so an interrupted migration resumes.
"""

from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone
from huey.contrib.djhuey import db_task

from yagona.core import audit
from yagona.registries import services, terms
from yagona.registries.models import (
    Record,
    RecordKey,
    RecordTerm,
    Registry,
    Revision,
    SchemaMigration,
)

BATCH = 1000
MAX_ERRORS = 1000


def transform(data: dict, spec: dict) -> dict:
    """A record of an earlier version as the newer version wants it."""
    out = dict(data)
    for old, new in (spec.get("rename") or {}).items():
        if old in out:
            out[new] = out.pop(old)
    for field in spec.get("drop") or []:
        out.pop(field, None)
    for field, value in (spec.get("defaults") or {}).items():
        out.setdefault(field, value)
    return out


def migrate(actor: audit.Actor, registry_code: str, *, batch_size: int = BATCH,
            progress: Callable[[SchemaMigration], None] | None = None) -> SchemaMigration:
    """Move every live record of an earlier version to the current one, or resume."""
    registry = services.registry_for_definer(actor, registry_code)
    version = services.current_version(registry)
    job = (SchemaMigration.objects.filter(registry=registry, to_version=version.version,
                                          finished_at__isnull=True).order_by("-pk").first()
           or SchemaMigration.objects.create(registry=registry, to_version=version.version,
                                             actor=actor.label))
    while _batch(actor, registry, version, job, batch_size):
        if progress:
            progress(job)
    job.finished_at = timezone.now()
    job.save(update_fields=["finished_at"])
    return job


def _batch(actor, registry: Registry, version, job: SchemaMigration, size: int) -> bool:
    with transaction.atomic():
        rows = list(Record.objects.select_for_update()
                    .filter(registry=registry, retired_at__isnull=True,
                            version__lt=version.version, pk__gt=job.last_record)
                    .order_by("pk")[:size])
        if not rows:
            return False
        now, moved, errors = timezone.now(), [], []
        for row in rows:
            data = transform(row.data, version.migration)
            try:
                services.check(version, data)
            except services.RecordInvalid as exc:
                errors.extend({"record": str(row.uuid), "path": e.path, "message": e.message}
                              for e in exc.errors)
                continue
            moved.append((row, data))
        job.last_record = rows[-1].pk
        job.failed += len(rows) - len(moved)
        job.errors = (job.errors + errors)[:MAX_ERRORS]
        try:
            with transaction.atomic():
                _move(actor, registry, version, job, moved, now)
        except IntegrityError:  # a renamed key collides: the batch stays where it was
            job.failed += len(moved)
            job.errors = (job.errors + [{"record": str(r.uuid), "path": "",
                                         "message": "its key is taken by another record"}
                                        for r, _ in moved])[:MAX_ERRORS]
        job.save(update_fields=["last_record", "failed", "errors", "migrated"])
    return True


def _move(actor, registry, version, job, moved, now) -> None:
    if not moved:
        return
    revisions = []
    for row, data in moved:
        changes = {name: [row.data.get(name), data.get(name)]
                   for name in set(row.data) | set(data) if row.data.get(name) != data.get(name)}
        row.data, row.version, row.updated_at = data, version.version, now
        row.revision += 1
        revisions.append(Revision(
            record=row, number=row.revision, at=now, operation=Revision.Operation.MIGRATE,
            actor=actor.label, reason=f"schema version {version.version}", changes=changes))
    Record.objects.bulk_update([r for r, _ in moved],
                               ["data", "version", "updated_at", "revision"])
    RecordKey.objects.filter(record__in=[r for r, _ in moved]).delete()
    RecordTerm.objects.filter(record__in=[r for r, _ in moved]).delete()
    RecordKey.objects.bulk_create([
        RecordKey(registry=registry, field=field, value=str(data[field]), record=row)
        for row, data in moved for field in version.key_fields])
    RecordTerm.objects.bulk_create([
        RecordTerm(registry=registry, field=field, term=term, record=row)
        for row, data in moved
        for field, term in terms.record_terms(version.schema, version.search_fields, data)])
    Revision.objects.bulk_create(revisions)
    job.migrated += len(moved)
    audit.record(actor, "registry.records_migrated", "registry_migration", job.pk,
                 {"registry": registry.code, "version": version.version,
                  "records": len(moved)}, agency=registry.agency.code)


@db_task()
def migrate_in_background(registry_code: str, person_id: str) -> None:
    """The migration a registry's definer asked for on publishing a version."""
    from yagona.accounts import queries as accounts

    user = accounts.person(person_id) if person_id != "system" else None
    migrate(audit.Actor(user=user), registry_code)
