"""/api/v1/registries: the base registries in the project's own style, over the same
services and access rules as the GovStack facade."""

from datetime import datetime
from uuid import UUID

from ninja import Router, Schema, Status
from ninja.errors import HttpError

from yagona.api.common import SIGNED_IN
from yagona.core import audit
from yagona.core.text import localized
from yagona.registries import queries, services
from yagona.registries.models import Record

router = Router(tags=["registries"])


class RegistryOut(Schema):
    code: str
    name: str
    agency: str
    version: int
    key_fields: list[str]
    fields: list[str]


class RecordOut(Schema):
    id: UUID
    version: int
    revision: int
    updated_at: datetime
    data: dict


class RecordIn(Schema):
    data: dict
    reason: str
    requested_by: str = ""


class ChangeIn(Schema):
    changes: dict
    reason: str
    requested_by: str = ""


class ReasonIn(Schema):
    reason: str
    requested_by: str = ""


class RevisionOut(Schema):
    number: int
    at: datetime
    operation: str
    actor: str
    requested_by: str
    reason: str
    changes: dict


def _record_out(row: Record, access) -> dict:
    return {"id": row.uuid, "version": row.version, "revision": row.revision,
            "updated_at": row.updated_at, "data": access.filter(row.data)}


@router.get("", response=list[RegistryOut], **SIGNED_IN)
def list_registries(request):
    """The registries the caller may read, with the fields it may see."""
    return [{"code": registry.code, "name": localized(registry.name),
             "agency": registry.agency.code, "version": schema.version,
             "key_fields": schema.key_fields,
             "fields": [f for f in schema.fields if access.shows(f)]}
            for registry, schema, access in queries.readable(audit.Actor(user=request.user))]


@router.get("/{code}/records", response=RecordOut, **SIGNED_IN)
def find_record(request, code: str, field: str, value: str):
    """The live record whose key ``field`` has ``value`` (one index lookup)."""
    actor = audit.Actor(user=request.user)
    registry, schema, access = queries.opened(actor, code)
    if field not in schema.key_fields:
        raise HttpError(422, f"{field} is not a key field of {code}")
    return _record_out(queries.find(actor, registry, field, value), access)


@router.get("/{code}/records/{uuid}", response=RecordOut, **SIGNED_IN)
def get_record(request, code: str, uuid: UUID, at: datetime | None = None):
    """A record now, or as it stood at ``at``."""
    actor = audit.Actor(user=request.user)
    _registry, _schema, access = queries.opened(actor, code)
    if at is None:
        return _record_out(queries.record(actor, code, uuid), access)
    data = queries.as_of(actor, code, uuid, at)
    current = Record.objects.get(registry__code=code, uuid=uuid)
    return {**_record_out(current, access), "data": access.filter(data)}


@router.get("/{code}/records/{uuid}/history", response=list[RevisionOut], **SIGNED_IN)
def record_history(request, code: str, uuid: UUID):
    actor = audit.Actor(user=request.user)
    _registry, _schema, access = queries.opened(actor, code)
    return [{"number": r.number, "at": r.at, "operation": r.operation, "actor": r.actor,
             "requested_by": r.requested_by, "reason": r.reason,
             "changes": access.filter(r.changes)}
            for r in queries.history(actor, code, uuid)]


@router.post("/{code}/records", response={201: RecordOut}, **SIGNED_IN)
def create_record(request, code: str, payload: RecordIn):
    actor = audit.Actor(user=request.user)
    row = services.create(actor, code, payload.data, reason=payload.reason,
                          requested_by=payload.requested_by)
    return Status(201, _record_out(row, queries.opened(actor, code)[2]))


@router.patch("/{code}/records/{uuid}", response=RecordOut, **SIGNED_IN)
def correct_record(request, code: str, uuid: UUID, payload: ChangeIn):
    """Change some fields (null removes one); a reason is required."""
    actor = audit.Actor(user=request.user)
    row = services.correct(actor, code, uuid, payload.changes, reason=payload.reason,
                           requested_by=payload.requested_by)
    return _record_out(row, queries.opened(actor, code)[2])


@router.post("/{code}/records/{uuid}/retire", response=RecordOut, **SIGNED_IN)
def retire_record(request, code: str, uuid: UUID, payload: ReasonIn):
    """Logical deletion with a reason; the history stays."""
    actor = audit.Actor(user=request.user)
    row = services.retire(actor, code, uuid, reason=payload.reason,
                          requested_by=payload.requested_by)
    return _record_out(row, queries.opened(actor, code)[2])
