"""Bulk import and export of registry records as JSON Lines or CSV, streaming.

Import validates every row (JSON Schema through jsonschema-rs, then the pack's
identifier and date rules) and writes batch by batch: a batch with any bad row is
refused whole and reported row by row; a good batch is written in one transaction
with its revisions, one audit entry, and the job's progress, so that an import
resumes after its last committed batch. A row whose key is already in the registry
with the same data counts as present (importing a file twice adds nothing); with
other data it is an error.

CSV: one column per field; nested fields as dotted columns (``address.city``);
arrays and other values that are not text as JSON in the cell; an empty cell is an
absent field.
"""

import csv
import hashlib
import json
import uuid
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path

import jsonschema_rs
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from yagona.core import audit
from yagona.registries import services, terms
from yagona.registries.models import (
    ImportJob,
    Record,
    RecordKey,
    RecordTerm,
    Registry,
    Revision,
)

BATCH = 2000
MAX_ERRORS = 1000


class Unreadable:
    """A row that is not a JSON object (a broken line, a bad CSV cell)."""

    def __init__(self, message: str):
        self.message = message


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def read_rows(path: Path, schema: dict) -> Iterator[tuple[int, dict | Unreadable]]:
    """(row number, record) for each data row; row numbers count from 1."""
    if path.suffix.lower() == ".csv":
        yield from _csv_rows(path, schema)
        return
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, Unreadable(f"not valid JSON: {exc.msg}")
                continue
            yield number, row if isinstance(row, dict) else Unreadable("not a JSON object")


def _csv_rows(path: Path, schema: dict):
    with path.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), 1):
            record: dict = {}
            try:
                for column, cell in row.items():
                    if cell in ("", None) or column is None:
                        continue
                    parts = column.split(".")
                    target = record
                    for part in parts[:-1]:
                        target = target.setdefault(part, {})
                    target[parts[-1]] = _cell(cell, _schema_at(schema, parts))
            except ValueError as exc:
                yield number, Unreadable(f"column {column}: {exc}")
                continue
            yield number, record


def _schema_at(schema: dict, parts: list[str]) -> dict:
    for part in parts:
        schema = (schema.get("properties") or {}).get(part) or {}
    return schema


def _cell(cell: str, schema: dict):
    kind = schema.get("type")
    if kind == "integer":
        return int(cell)
    if kind == "number":
        return float(cell)
    if kind == "boolean":
        return {"true": True, "false": False}[cell.strip().lower()]
    if kind in ("array", "object"):
        return json.loads(cell)
    return cell


def import_file(actor: audit.Actor, registry_code: str, path: Path, *, batch_size: int = BATCH,
                progress: Callable[[ImportJob], None] | None = None) -> ImportJob:
    """Import a file, or resume its unfinished import."""
    path = Path(path)
    schema = services.current_version(services.registry_for_keeper(actor, registry_code)).schema
    return import_rows(actor, registry_code, read_rows(path, schema), source=path.name,
                       digest=file_digest(path), batch_size=batch_size, progress=progress)


def import_rows(actor: audit.Actor, registry_code: str, rows, *, source: str, digest: str,
                batch_size: int = BATCH,
                progress: Callable[[ImportJob], None] | None = None) -> ImportJob:
    """Import (row number, record) pairs; ``digest`` names the source, so that an
    unfinished import of the same source resumes where it stopped."""
    registry = services.registry_for_keeper(actor, registry_code)
    version = services.current_version(registry)
    job = (ImportJob.objects.filter(registry=registry, file_sha256=digest,
                                    finished_at__isnull=True).order_by("-pk").first()
           or ImportJob.objects.create(registry=registry, file_name=source[:300],
                                       file_sha256=digest, actor=actor.label))
    validator = jsonschema_rs.validator_for(version.schema, validate_formats=True)
    rules = services.PackRules(version.schema)
    rows = islice(rows, job.rows_read, None)
    while batch := list(islice(rows, batch_size)):
        _import_batch(actor, registry, version, job, batch, validator, rules)
        if progress:
            progress(job)
    job.finished_at = timezone.now()
    job.save(update_fields=["finished_at"])
    return job


def _import_batch(actor, registry: Registry, version, job: ImportJob, batch, validator,
                  rules: services.PackRules) -> None:
    errors, good = [], []
    for number, data in batch:
        if isinstance(data, Unreadable):
            errors.append({"row": number, "path": "", "message": data.message})
            continue
        if validator.is_valid(data):
            problems = rules.errors(data)
        else:
            try:  # the detailed, translated report for the row
                services.check(version, data)
                problems = []
            except services.RecordInvalid as exc:
                problems = exc.errors
        if problems:
            errors.extend({"row": number, "path": p.path, "message": p.message}
                          for p in problems)
        else:
            good.append((number, data))
    fresh, present = _sort_by_key(registry, version, good, errors)
    if errors:
        with transaction.atomic():
            job.rows_read += len(batch)
            job.batches_refused += 1
            job.errors = (job.errors + errors)[:MAX_ERRORS]
            job.save(update_fields=["rows_read", "batches_refused", "errors"])
        return
    now = timezone.now()
    try:
        with transaction.atomic():
            _write_records(actor, registry, version, job, fresh, now)
            job.rows_read += len(batch)
            job.rows_imported += len(fresh)
            job.rows_present += present
            job.save(update_fields=["rows_read", "rows_imported", "rows_present"])
            audit.record(actor, "registry.records_imported", "registry_import", job.pk,
                         {"registry": registry.code, "file": job.file_name,
                          "rows": [batch[0][0], batch[-1][0]], "imported": len(fresh),
                          "present": present}, agency=registry.agency.code)
    except IntegrityError:  # another writer took one of the keys meanwhile: refuse
        with transaction.atomic():
            job.rows_read += len(batch)
            job.batches_refused += 1
            job.errors = (job.errors + [{"row": batch[0][0], "path": "", "message":
                                         "a key of this batch was written meanwhile"}])[
                :MAX_ERRORS]
            job.save(update_fields=["rows_read", "batches_refused", "errors"])


def _write_records(actor, registry: Registry, version, job: ImportJob, fresh, now) -> None:
    """Records, their keys, search terms and creation revisions, in the caller's
    transaction: on PostgreSQL by COPY, with the ids drawn from the sequence first
    (an ORM insert spends most of its time quoting arrays in Python)."""
    postgres = connection.vendor == "postgresql"
    if postgres:
        # A batch need not wait for its WAL to reach the disk: a crash loses at most the
        # last batches, with their progress (same transaction), and the import resumes
        # before them. Other transactions keep the server's setting.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
    records = [{"registry_id": registry.pk, "uuid": uuid.uuid4(), "version": version.version,
                "data": data, "revision": 1, "created_at": now, "updated_at": now}
               for _, data in fresh]
    if postgres:
        for row, pk in zip(records, _new_ids(Record, len(records)), strict=True):
            row["id"] = pk
        _insert(Record, records)
    else:
        for row, made in zip(records, Record.objects.bulk_create(
                [Record(**row) for row in records]), strict=True):
            row["id"] = made.pk
    pairs = [(row["id"], number, data) for row, (number, data) in zip(records, fresh,
                                                                       strict=True)]
    _insert(RecordKey, [{"registry_id": registry.pk, "field": field, "value": str(data[field]),
                         "record_id": pk} for pk, _, data in pairs
                        for field in version.key_fields])
    _insert(RecordTerm, [{"registry_id": registry.pk, "field": field, "term": term,
                          "record_id": pk} for pk, _, data in pairs
                         for field, term in terms.record_terms(version.schema,
                                                               version.search_fields, data)])
    _insert(Revision, [{"record_id": pk, "number": 1, "at": now,
                        "operation": Revision.Operation.CREATE, "actor": actor.label,
                        "requested_by": "", "reason": f"import {job.file_name} row {number}",
                        "changes": {}} for pk, number, _ in pairs])


def _new_ids(model, count: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
                       "FROM generate_series(1, %s)", [model._meta.db_table, count])
        return [row[0] for row in cursor.fetchall()]


def _insert(model, rows: list[dict]) -> None:
    """Insert rows given by column: COPY on PostgreSQL, bulk_create elsewhere."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**row) for row in rows])
        return
    columns = list(rows[0])
    table = connection.ops.quote_name(model._meta.db_table)
    connection.ensure_connection()
    with connection.connection.cursor() as cursor, cursor.copy(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else v
                            for v in row.values()])


def _sort_by_key(registry, version, good, errors):
    """Split valid rows into new ones and ones already present with the same data;
    a key used twice in the batch, or present with other data, is an error."""
    seen: dict[tuple[str, str], int] = {}
    for number, data in good:
        for field in version.key_fields:
            key = (field, str(data[field]))
            if key in seen:
                errors.append({"row": number, "path": f"/{field}",
                               "message": f"the same {field} as row {seen[key]}"})
            seen[key] = number
    existing: dict[tuple[str, str], dict] = {}
    for field in version.key_fields:
        values = [str(data[field]) for _, data in good]
        for value, data in (RecordKey.objects.filter(registry=registry, field=field,
                                                      value__in=values)
                            .values_list("value", "record__data")):
            existing[(field, value)] = data
    fresh, present = [], 0
    for number, data in good:
        found = [existing.get((f, str(data[f]))) for f in version.key_fields]
        if not any(found):
            fresh.append((number, data))
        elif all(old == data for old in found):
            present += 1
        else:
            field = next(f for f, old in zip(version.key_fields, found, strict=True) if old)
            errors.append({"row": number, "path": f"/{field}",
                           "message": f"{field} {data[field]} is in the registry with other data"})
    return fresh, present


def export(actor: audit.Actor, registry_code: str, out, *, fmt: str = "jsonl",
           public_only: bool = False) -> int:
    """Write the live records (or only their public fields) to ``out``; return the count.
    The whole registry is for its keepers; public fields are for anyone."""
    if public_only:
        from yagona.registries import queries

        registry = queries.registry(registry_code)
    else:
        registry = services.registry_for_keeper(actor, registry_code)
    version = services.current_version(registry)
    fields = [f for f in version.fields if f in version.public_fields] if public_only \
        else version.fields
    rows = (Record.objects.filter(registry=registry, retired_at__isnull=True).order_by("pk")
            .values_list("data", flat=True).iterator(chunk_size=BATCH))
    count = 0
    if fmt == "csv":
        columns = _columns(version, fields)
        writer = csv.writer(out)
        writer.writerow(columns)
        for data in rows:
            writer.writerow([_out_cell(data, column) for column in columns])
            count += 1
    else:
        for data in rows:
            out.write(json.dumps({k: data[k] for k in fields if k in data},
                                 ensure_ascii=False) + "\n")
            count += 1
    if not public_only and actor.user is not None:
        with transaction.atomic():
            audit.record(actor, "registry.exported", "registry", registry.code,
                         {"records": count, "format": fmt}, agency=registry.agency.code)
    return count


def _columns(version, fields: list[str]) -> list[str]:
    columns = []
    for name in fields:
        inner = version.subfields(name)
        if inner:
            columns.extend(f"{name}.{sub}" for sub in inner)
        else:
            columns.append(name)
    return columns


def _out_cell(data: dict, column: str) -> str:
    value = data
    for part in column.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if value is None:
        return ""
    if isinstance(value, (list, dict, bool)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
