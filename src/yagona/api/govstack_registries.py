"""The GovStack Digital Registries Building Block APIs 1.3.0 (docs/specs/govstack/
digital-registries): the Data API under /govstack/registries/data/ and the Database API
under /govstack/registries/, as a facade over the registries' services and queries.

Mapping: registryName is the registry code, versionNumber its schema version ("1" or
"1.0"); a record's content is its data (only the fields the caller may read); ID and
uuid in paths accept the record's UUID or the value of its first key field. Deviations
(the spec has no place for them): writes that change a record need a ``reason`` (a
top-level property of the body, or the ``reason`` query parameter of delete).
"""

import re
import zlib
from uuid import UUID

from django.http import HttpResponse
from django.utils.translation import gettext
from ninja import Body, Header, NinjaAPI, Schema
from ninja.errors import HttpError

from yagona.accounts import queries as accounts
from yagona.api.common import SIGNED_IN, install_problem_handlers
from yagona.api.govstack import mediator_client
from yagona.core import audit
from yagona.core.text import localized
from yagona.registries import queries, services
from yagona.registries.models import Record, Registry

api = NinjaAPI(title="GovStack Digital Registries Building Block API", version="1.3.0",
               urls_namespace="govstack-registries", docs_url="/docs",
               description="GovStack Digital Registries BB 1.3.0 (Data and Database APIs) "
                           "served by Yagona.")
install_problem_handlers(api, field_prefix="content.", path_not_found=True)
MAX_PAGE = 100
MEDIATOR = Header(..., alias="Information-Mediator-Client")


class Content(Schema):
    content: dict


class WriteBody(Schema):
    write: Content
    reason: str = ""


class QueryBody(Schema):
    query: Content


class QueryWriteBody(Schema):
    query: Content | None = None
    write: Content
    reason: str = ""


def _actor(request, client: str) -> audit.Actor:
    mediator_client(client)
    return audit.Actor(user=request.user)


def _opened(request, client, name: str, version: str):
    """(registry, version, access) for a path's registryName and versionNumber."""
    actor = _actor(request, client)
    registry, current, access = queries.opened(actor, name)
    match = re.fullmatch(r"(\d+)(?:\.0)?", version)
    if not match:
        raise HttpError(404, "Unknown version")
    queries.version(registry, int(match.group(1)))  # 404 when it does not exist
    return actor, registry, current, access


def _one(registry, schema, content: dict) -> Record:
    row = queries.matching(registry, schema, content).first()
    if row is None:
        raise HttpError(404, "no record found")
    return row


def _by_id(registry, schema, ident: str) -> Record:
    try:
        return Record.objects.get(registry=registry, uuid=UUID(ident), retired_at__isnull=True)
    except (ValueError, Record.DoesNotExist):
        return _one(registry, schema, {schema.key_fields[0]: ident})


def _out(actor, access, row: Record, client: str) -> dict:
    queries.note_read(actor, row, client)
    return access.filter(row.data)


def _visible(access, content: dict) -> dict:
    """A query may name only fields the caller may read: no probing."""
    for field in content:
        if not access.shows(field):
            raise HttpError(422, f"Unknown field {field}")
    return content


# --- Data API -----------------------------------------------------------------------------

@api.get("/data/myPersonalDataUsage", **SIGNED_IN)
def my_personal_data_usage(request, userId: str, databaseId: str,  # noqa: N803 - spec names
                           client: str = MEDIATOR):
    """Who read the caller's own record (a person asks about themselves only)."""
    _actor(request, client)
    if userId != request.user.username:
        raise HttpError(404, "Person requests not found")
    code = databaseId  # the register's code, or the id /databases gives
    if databaseId.isdigit():
        code = next((r.code for r in queries.active_registries()
                     if database_id(r) == int(databaseId)), databaseId)
    record, reads = queries.reads_of(userId, code)
    reads = list(reads[:500])
    from yagona.agencies.models import Agency

    names = {a.code: a.display_name for a in Agency.objects.all()}
    readers = accounts.people({entry.actor for entry in reads})
    return [{"id": str(entry.pk), "readerId": entry.actor,
             "readerInitials": _initials(readers.get(entry.actor)),
             "readerInstitutionId": entry.agency,
             "readerInstitutionName": names.get(entry.agency, entry.agency),
             "readerApplicationName": entry.summary.get("client", ""),
             "searchDateTime": entry.at.isoformat(),
             "refrences": [{"ReferenceID": str(record.uuid)}]} for entry in reads]


def _initials(person) -> str:
    """A reader's initials ("OO" for Olim Operatorov); none for a system that read."""
    if person is None:
        return ""
    return "".join(name[:1] for name in (person.first_name, person.last_name) if name).upper()


@api.get("/data/{registryName}/{versionNumber}", **SIGNED_IN)
def list_records(request, registryName: str, versionNumber: str,  # noqa: N803
                 search: str | None = None, filter: str | None = None,  # noqa: A002
                 ordering: str | None = None, page: int = 1, pageSize: int = 10,  # noqa: N803
                 client: str = MEDIATOR):
    """Records matching ``query.<field>=value`` equalities and ``search``: each of its
    words begins a word of a search field (or of the ``filter`` field), case and the
    special letters folded."""
    actor, registry, schema, access = _opened(request, client, registryName, versionNumber)
    equal = {k.removeprefix("query."): v for k, v in request.GET.items()
             if k.startswith("query.")}
    rows = queries.matching(registry, schema, _visible(access, equal))
    if search:
        fields = [filter] if filter else schema.search_fields
        for field in fields:
            if field not in schema.search_fields or not access.shows(field):
                raise HttpError(422, f"{field} is not a search field")
        rows = rows.filter(pk__in=queries.search(registry, search, fields).values("pk"))
    if ordering == "descending":
        rows = rows.order_by("-pk")
    size, page = max(1, min(pageSize, MAX_PAGE)), max(1, page)
    count = rows.count()
    items = list(rows[(page - 1) * size: page * size])
    base = request.build_absolute_uri(request.path)
    query = {k: v for k, v in request.GET.items() if k != "page"}

    def link(number):
        from urllib.parse import urlencode

        return f"{base}?{urlencode({**query, 'page': number})}"

    queries.note_reads(actor, items, client)
    out = {"count": count, "results": [access.filter(row.data) for row in items]}
    if page * size < count:  # absent rather than null (the spec's x-nullable is OpenAPI 2)
        out["next"] = link(page + 1)
    if page > 1:
        out["previous"] = link(page - 1)
    return out


@api.post("/data/{registryName}/{versionNumber}/create", **SIGNED_IN)
def create(request, registryName: str, versionNumber: str,  # noqa: N803
           payload: WriteBody, client: str = MEDIATOR):
    actor, registry, _schema, access = _opened(request, client, registryName, versionNumber)
    row = services.create(actor, registry.code, payload.write.content,
                          reason=payload.reason or "created through the API", requested_by=client)
    return {"content": access.filter(row.data)}


@api.post("/data/{registryName}/{versionNumber}/exists", **SIGNED_IN)
def exists(request, registryName: str, versionNumber: str,  # noqa: N803
           payload: QueryBody, client: str = MEDIATOR):
    _actor_, registry, schema, access = _opened(request, client, registryName, versionNumber)
    found = queries.matching(registry, schema, _visible(access, payload.query.content)).exists()
    return {"answer": {"status": found, "message": "Object found from database" if found
                       else "Object not found from database"}}


@api.post("/data/{registryName}/{versionNumber}/read", **SIGNED_IN)
def read(request, registryName: str, versionNumber: str,  # noqa: N803
         payload: QueryBody, client: str = MEDIATOR):
    actor, registry, schema, access = _opened(request, client, registryName, versionNumber)
    row = _one(registry, schema, _visible(access, payload.query.content))
    return {"content": _out(actor, access, row, client)}


@api.put("/data/{registryName}/{versionNumber}/update", **SIGNED_IN)
def update(request, registryName: str, versionNumber: str,  # noqa: N803
           payload: QueryWriteBody, client: str = MEDIATOR):
    actor, registry, schema, _access = _opened(request, client, registryName, versionNumber)
    if payload.query is None:
        raise HttpError(422, "query.content names the record to update")
    row = _one(registry, schema, payload.query.content)
    services.correct(actor, registry.code, row.uuid, payload.write.content,
                     reason=payload.reason, requested_by=client)
    return HttpResponse(status=200)


@api.put("/data/{registryName}/{versionNumber}/updateEntries", **SIGNED_IN)
def update_entries(request, registryName: str, versionNumber: str,  # noqa: N803
                   payload: QueryWriteBody, client: str = MEDIATOR):
    """Correct every matching record (at most 1,000 at a time), all or none."""
    actor, registry, schema, _access = _opened(request, client, registryName, versionNumber)
    rows = queries.matching(registry, schema, payload.query.content if payload.query else {})
    uuids = list(rows.values_list("uuid", flat=True)[: services.MAX_CORRECT_MANY + 1])
    return {"updated": services.correct_many(actor, registry.code, uuids,
                                             payload.write.content, reason=payload.reason,
                                             requested_by=client)}


@api.post("/data/{registryName}/{versionNumber}/updateOrCreate", **SIGNED_IN)
def update_or_create(request, registryName: str, versionNumber: str,  # noqa: N803
                     payload: QueryWriteBody, client: str = MEDIATOR):
    actor, registry, schema, access = _opened(request, client, registryName, versionNumber)
    query = payload.query.content if payload.query else {}
    row = queries.matching(registry, schema, query).first() if query else None
    if row is None:
        row = services.create(actor, registry.code, {**query, **payload.write.content},
                              reason=payload.reason or "created through the API",
                              requested_by=client)
    else:
        row = services.correct(actor, registry.code, row.uuid, payload.write.content,
                               reason=payload.reason, requested_by=client)
    return {"content": access.filter(row.data)}


@api.delete("/data/{registryName}/{versionNumber}/{ID}/delete", **SIGNED_IN)
def delete(request, registryName: str, versionNumber: str, ID: str,  # noqa: N803
           reason: str = "", client: str = MEDIATOR):
    """Retire the record (logical deletion; its history stays)."""
    actor, registry, schema, _access = _opened(request, client, registryName, versionNumber)
    row = _by_id(registry, schema, ID)
    services.retire(actor, registry.code, row.uuid, reason=reason, requested_by=client)
    return HttpResponse(status=204)


@api.get("/data/{registryName}/{versionNumber}/{uuid}/readValue/{field}.{ext}", **SIGNED_IN)
def read_value(request, registryName: str, versionNumber: str, uuid: str,  # noqa: N803
               field: str, ext: str, client: str = MEDIATOR):
    actor, registry, schema, access = _opened(request, client, registryName, versionNumber)
    row = _by_id(registry, schema, uuid)
    if not access.shows(field) or field not in row.data:
        raise HttpError(404, "No such field")
    value = _out(actor, access, row, client)[field]
    if ext == "json":
        return {"value": value}
    if ext == "txt":
        return HttpResponse(str(value), content_type="text/plain; charset=utf-8")
    raise HttpError(404, "Unknown format: use json or txt")


# --- Database API ---------------------------------------------------------------------------

def database_id(registry: Registry) -> int:
    """The spec's integer id: a stable number from the code (row ids stay inside)."""
    return zlib.crc32(registry.code.encode()) & 0x7FFFFFFF


def _database(registry: Registry, schema) -> dict:
    return {"id": database_id(registry), "code": registry.code,
            "version": str(schema.version),
            "name": registry.display_name, "description": localized(registry.description),
            "institution": registry.agency.code, "schema": schema.schema,
            "schemaTags": [{"name": f, "path": f"/{f}", "isFulltext": False}
                           for f in schema.search_fields],
            "schemaFlags": [{"name": "personal", "path": f"/{f}"}
                            for f in schema.personal_fields],
            "fieldsUniques": [[f] for f in schema.key_fields], "isDraft": False,
            "isDisabled": not registry.active, "isArchived": False,
            "modifiedAt": schema.published_at.isoformat()}


@api.get("/databases", **SIGNED_IN)
def databases(request, client: str = MEDIATOR):
    """The spec's databasesSchema (its $ref spells it DatabasesSchema): one group, the
    base registries the caller may read, each database with its ``code`` (the
    registryName of the Data API)."""
    return {"id": 1, "groupId": 1, "order": 1, "code": "BASE",
            "name": gettext("Base registries"),
            "databases": [_database(registry, schema) for registry, schema, _access
                          in queries.readable(_actor(request, client))]}


# Before /database/{id}, which would otherwise take "modify" for an id.
@api.post("/database/modify", **SIGNED_IN)
def modify(request, payload: dict = Body(...), client: str = MEDIATOR):
    """Create a registry or publish a new schema version: the body is a Yagona registry
    definition (docs/country-packs.md) under ``schema`` with ``code``; only the owner
    agency's registry keepers (or an agency administrator of it) may."""
    actor = _actor(request, client)
    definition = payload.get("schema") if isinstance(payload.get("schema"), dict) else {}
    definition = {**definition, "code": payload.get("code") or definition.get("code")}
    version = services.publish(actor, definition)
    return version.schema  # the spec's answer: the DatabaseSchema (its id: /databases)


@api.get("/database/{id}", **SIGNED_IN)
def database(request, id: int, client: str = MEDIATOR):  # noqa: A002 - the spec's name
    actor = _actor(request, client)
    registry = next((r for r in queries.active_registries() if database_id(r) == id), None)
    if registry is None:
        raise HttpError(404, "Not found")
    _registry, schema, _access = queries.opened(actor, registry.code)
    return _database(registry, schema)


@api.delete("/database/{id}", **SIGNED_IN)
def retire_database(request, id: int, client: str = MEDIATOR):  # noqa: A002
    raise HttpError(409, "A base registry is never deleted; retire its records instead")
