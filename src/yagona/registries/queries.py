"""Reads of registries. A staff read of a record with personal fields is audited."""

import io

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from yagona.accounts import queries as accounts
from yagona.core import audit, events
from yagona.registries import bulk

# Reads about one person live in registries.persons, display helpers in
# registries.display; callers read them all through queries.
from yagona.registries.display import (  # noqa: F401
    actor_text,
    answer_value,
    display_label,
    display_rows,
    display_text,
)
from yagona.registries.lookup import (  # noqa: F401 (the room's door)
    active_registries,
    registry,
    version,
)
from yagona.registries.models import (
    Record,
    RecordKey,
    RecordTerm,
    Registry,
    RegistryVersion,
    Revision,
)
from yagona.registries.persons import (  # noqa: F401
    MAX_READS_SHOWN,
    consents_of,
    own_records,
    person_data,
    reads_of,
    reads_of_person,
)


def opened(actor: audit.Actor, code: str):
    """(registry, its current version, the actor's access), or 404; one query for the
    registry and its version, one for the actor's roles."""
    from yagona.registries.access import access_for

    current = (RegistryVersion.objects.select_related("registry__agency")
               .filter(registry__code=code, registry__active=True).order_by("-version").first())
    if current is None:
        raise Http404
    return current.registry, current, access_for(actor, current.registry, current.public_fields)


def record(actor: audit.Actor, registry_code: str, uuid) -> Record:
    """A live record; the read is audited when it holds personal data."""
    found = registry(registry_code)
    try:
        row = Record.objects.get(registry=found, uuid=uuid, retired_at__isnull=True)
    except (Record.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    note_read(actor, row)
    return row


def find(actor: audit.Actor, registry_code: str, field: str, value) -> Record:
    """The live record whose key ``field`` is ``value`` (one indexed lookup)."""
    found = registry(registry_code)
    key = (RecordKey.objects.select_related("record")
           .filter(registry=found, field=field, value=str(value)).first())
    if key is None:
        raise Http404
    note_read(actor, key.record)
    return key.record


def history(actor: audit.Actor, registry_code: str, uuid) -> list[Revision]:
    found = registry(registry_code)
    row = Record.objects.filter(registry=found, uuid=uuid).first()
    if row is None:
        raise Http404
    note_read(actor, row)
    return list(row.revisions.all())


def as_of(actor: audit.Actor, registry_code: str, uuid, moment) -> dict:
    """The record as it stood at ``moment``: today's data with every later revision
    undone. 404 when it did not exist then or was retired."""
    found = registry(registry_code)
    row = Record.objects.filter(registry=found, uuid=uuid).first()
    if row is None:
        raise Http404
    data = dict(row.data)
    revisions = list(row.revisions.order_by("-number"))
    standing = [r for r in revisions if r.at <= moment]
    if not standing or standing[0].operation == Revision.Operation.RETIRE:
        raise Http404
    for revision in revisions:
        if revision.at <= moment:
            break
        for name, (old, _new) in revision.changes.items():
            if old is None:
                data.pop(name, None)
            else:
                data[name] = old
    note_read(actor, row)
    return data


def note_read(actor: audit.Actor, row: Record, client: str = "") -> None:
    note_reads(actor, [row], client)


def note_reads(actor: audit.Actor, rows: list[Record], client: str = "") -> None:
    """Staff reads of personal records go to the audit log, one entry per record (shown to
    the person: ``reads_of``); the system's own reads and non-personal registries are not
    logged. ``client`` names the calling system (Information-Mediator-Client)."""
    if actor.user is None or not rows:
        return
    logged = [row for row in rows if _personal(row.registry_id, row.version)]
    if not logged:
        return
    reader = actor.agency or accounts.first_agency_code(actor.user)
    registries = Registry.objects.in_bulk({row.registry_id for row in logged})
    schemas = {(v.registry_id, v.version): v for v in RegistryVersion.objects.filter(
        registry__in=registries)}
    with transaction.atomic():
        for row in logged:
            registry = registries[row.registry_id]
            audit.record(actor, "registry.record_read", "record", row.uuid,
                         {"registry": registry.code, "client": client}, agency=reader)
            # Staff reads in the back office or through the API serve no application of
            # the person's: they are told.
            _tell_the_person(registry, schemas[(registry.pk, row.version)], row, reader)


_PERSONAL: dict[tuple[int, int], bool] = {}


def _personal(registry_id: int, number: int) -> bool:
    """Whether a schema version has personal fields. A version's field lists never change
    once published (define() makes a new version for that), so the answer is kept."""
    key = (registry_id, number)
    if key not in _PERSONAL:
        _PERSONAL[key] = RegistryVersion.objects.filter(
            registry_id=registry_id, version=number).exclude(personal_fields=[]).exists()
    return _PERSONAL[key]


def forget_personal_versions() -> None:
    _PERSONAL.clear()


def read_for_exchange(reader: audit.Actor, registry_code: str, client_agency_id, field: str,
                      value: str, *, user: str = "", purpose: str = "", xroad_id: str = "",
                      consent_of: str = "", organisation: str = "",
                      only: list[str] | None = None) -> dict:
    """A record as another agency's information system may read it through the data
    exchange (``reader.system`` names the calling subsystem, ``reader.agency`` its
    agency), or 404. A member outside government (``consent_of``: its identifier,
    ``organisation``: its name) reads only what the person consented to, and its read is
    recorded for the consent's purpose unless it names one. ``only`` narrows the answer
    to the fields the caller needs (data minimisation). The read is recorded for the
    person: the reading system, the official (X-Road-UserId), the purpose and the fields
    given."""
    from django.core.exceptions import ValidationError

    from yagona.registries.access import access_of_agencies

    current = (RegistryVersion.objects.select_related("registry__agency")
               .filter(registry__code=registry_code, registry__active=True)
               .order_by("-version").first())
    if current is None:
        raise Http404
    found = current.registry
    if field not in current.key_fields:
        raise ValidationError({"field": f"{field} is not a key of {registry_code}"})
    if consent_of:  # outside government: what the person consented to, and public fields
        access = None
    else:
        access = access_of_agencies({client_agency_id} - {None}, found, current.public_fields)
        if not access.shows(field):
            raise ValidationError({"field": f"{field} is not a key of {registry_code}"})
    key = (RecordKey.objects.select_related("record")
           .filter(registry=found, field=field, value=str(value)).first())
    if key is None:
        raise Http404
    if access is None:
        access, purposes = _consented(found, current, key.record, consent_of)
        purpose = purpose or "; ".join(purposes)
    data = access.filter(key.record.data)
    if only:
        data = {k: v for k, v in data.items() if k in set(only)}
    if _personal(found.pk, key.record.version):
        with transaction.atomic():
            audit.record(reader, "registry.record_read", "record", key.record.uuid,
                         {"registry": found.code, "client": reader.system, "user": user,
                          "purpose": purpose, "xroad_id": xroad_id, "fields": sorted(data),
                          "channel": "exchange", "organisation": organisation},
                         agency=reader.agency)
            _tell_the_person(found, current, key.record, reader.agency or organisation,
                             purpose)
    return data


def _consented(registry: Registry, schema: RegistryVersion, row: Record, member: str):
    """(the fields the record's person lets ``member`` read now, the consents' purposes);
    404 without a consent."""
    from yagona.registries.access import Access
    from yagona.registries.models import Consent

    people = [row.data.get(f) for f in schema.key_fields
              if (schema.schema["properties"].get(f) or {}).get("x-person-id")]
    consents = Consent.objects.filter(
        person__username__in=people, registry=registry, member=member,
        revoked_at__isnull=True, valid_until__gte=timezone.localdate())
    fields = {f for c in consents for f in c.fields}
    if not fields:
        raise Http404
    return (Access(frozenset(fields | set(schema.key_fields) | set(schema.public_fields)),
                   False), sorted({c.purpose for c in consents}))


def _tell_the_person(registry: Registry, schema: RegistryVersion, row: Record, agency: str,
                     purpose: str = "") -> None:
    """A read of a person's record is an event for the rooms that tell people (the record's
    person-ID keys name them; the purpose may name an application of theirs). A read never
    writes another room's rows itself."""
    keys = [f for f in schema.key_fields
            if (schema.schema["properties"].get(f) or {}).get("x-person-id")]
    people = [str(row.data[f]) for f in keys if row.data.get(f)]
    if people:
        events.publish("registry.record_read", people=people, registry=registry.code,
                       reader=agency, purpose=purpose)


def readable(actor: audit.Actor) -> list[tuple[Registry, RegistryVersion, object]]:
    """(registry, current version, access) of every registry the actor may read."""
    out = []
    for each in Registry.objects.filter(active=True).select_related("agency"):
        try:
            out.append(opened(actor, each.code))
        except Http404:  # out of reach: not listed
            continue
    return out


def matching(registry: Registry, schema: RegistryVersion, content: dict):
    """Live records whose fields equal ``content``'s; a key field makes it one index
    lookup. An unknown field is a ValidationError."""
    from django.core.exceptions import ValidationError

    rows = Record.objects.filter(registry=registry, retired_at__isnull=True)
    for field in schema.key_fields:
        if field in content:
            rows = rows.filter(pk__in=RecordKey.objects.filter(
                registry=registry, field=field, value=str(content[field])).values("record"))
            break
    for field, value in content.items():
        if field not in schema.fields:
            raise ValidationError({field: f"Unknown field {field}"})
        rows = rows.filter(**{f"data__{field}": value})
    return rows.order_by("pk")


def search(registry: Registry, text: str, fields: list[str]):
    """Live records where each word of ``text`` begins a term of one of ``fields`` (see
    registries.terms): one range scan of the term index per word."""
    from yagona.registries import terms

    rows = Record.objects.filter(registry=registry, retired_at__isnull=True)
    for word in terms.query_words(text):
        rows = rows.filter(pk__in=RecordTerm.objects.filter(
            registry=registry, field__in=fields, term__gte=word, term__lt=word + terms.TOP)
            .values("record"))
    return rows.order_by("pk")


PAGE = 50


def page(rows, cursor: str | None, size: int = PAGE):
    """(up to ``size`` rows after ``cursor``, the cursor of the next page or None).
    Keyset paging on the primary key: as fast on page 1,000 as on page 1; the cursor
    is signed, so database ids never leave the server readable or forgeable."""
    from contextlib import suppress

    from django.core import signing

    if cursor:
        with suppress(signing.BadSignature):  # an edited link: the first page
            rows = rows.filter(pk__gt=signing.loads(cursor, salt="registry-page"))
    items = list(rows.order_by("pk")[:size + 1])
    more = len(items) > size
    items = items[:size]
    return items, signing.dumps(items[-1].pk, salt="registry-page") if more else None


def revisions(row: Record, access) -> list[dict]:
    """A record's history as the reader may see it, values shown as on the record page:
    changes of fields they may not read are left out."""
    schema = version(row.registry, row.version)
    return [{"revision": r, "who": actor_text(r.actor, r.operation), "changes": sorted(
        (display_label(schema, name), display_text(schema, name, old),
         display_text(schema, name, new))
        for name, (old, new) in r.changes.items() if access.shows(name))}
        for r in row.revisions.order_by("number")]


def definer_agencies(user):
    """The agencies for which ``user`` may define registries and manage grants."""
    from yagona.agencies.models import Agency

    if accounts.is_platform_admin(user):
        return list(Agency.objects.filter(active=True).order_by("code"))
    return list(Agency.objects.filter(pk__in=accounts.definer_agency_ids(user))
                .order_by("code"))


def grants(registry: Registry):
    from yagona.registries.models import Grant

    return list(Grant.objects.filter(registry=registry).select_related("agency")
                .order_by("agency__code"))


def open_corrections(registry: Registry):
    from yagona.registries.models import CorrectionRequest

    return list(CorrectionRequest.objects.filter(
        record__registry=registry, status=CorrectionRequest.Status.OPEN)
        .select_related("record", "person").order_by("created_at"))


def correction_request(request_id: int):
    """A correction request with its person and registry (for the notice about it)."""
    from yagona.registries.models import CorrectionRequest

    return CorrectionRequest.objects.select_related("person", "record__registry").get(
        pk=request_id)


def public_registers() -> list[tuple[Registry, RegistryVersion]]:
    """The active registers whose current schema declares public fields (open data)."""
    found = []
    for each in Registry.objects.filter(active=True).select_related("agency"):
        schema = each.versions.order_by("-version").first()
        if schema is not None and schema.public_fields:
            found.append((each, schema))
    return found


def public_extract_csv(registry_code: str) -> tuple[bytes, int]:
    """The live records' public fields as CSV (anyone may have them: nothing is noted as
    read), and how many records."""
    out = io.StringIO()
    count = bulk.export(audit.SYSTEM, registry_code, out, fmt="csv", public_only=True)
    return out.getvalue().encode(), count
