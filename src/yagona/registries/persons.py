"""Reads about one person: their records in the registries keyed by person ID, who read
them (the audited staff reads and the exchange's), and the consents they gave. Read
through registries.queries."""

from django.http import Http404

from yagona.agencies.models import Agency
from yagona.core.audit import AuditEntry
from yagona.core.text import localized
from yagona.registries.lookup import registry, version
from yagona.registries.models import Consent, Record, RecordKey, Registry, RegistryVersion


def consents_of(person):
    return list(Consent.objects.filter(person=person).select_related("registry")
                .order_by("-given_at"))


def reads_of(person_id: str, registry_code: str):
    """(the person's record, the audited staff reads of it, newest first), or 404."""
    found = registry(registry_code)
    key = (RecordKey.objects.select_related("record")
           .filter(registry=found, field__in=version(found).key_fields, value=person_id)
           .first())
    if key is None:
        raise Http404
    reads = AuditEntry.objects.filter(action="registry.record_read", object_type="record",
                                      object_id=str(key.record.uuid)).order_by("-at")
    return key.record, reads


MAX_READS_SHOWN = 500


def reads_of_person(user, *, agency: str = "", since=None, until=None):
    """(every read of the person's records, newest first and at most 500; the agencies
    that read them): staff reads in the back office and the API, and reads of other
    agencies' systems through the data exchange. ``agency``, ``since`` and ``until``
    (dates) narrow the list."""
    records = {str(record.uuid): registry for registry, _schema, record in own_records(user)}
    reads = AuditEntry.objects.filter(action="registry.record_read", object_type="record",
                                      object_id__in=list(records)).order_by("-at")
    readers = sorted(set(reads.values_list("agency", flat=True)) - {""})
    if agency:
        reads = reads.filter(agency=agency)
    if since:
        reads = reads.filter(at__date__gte=since)
    if until:
        reads = reads.filter(at__date__lte=until)
    names = {a.code: a for a in Agency.objects.filter(code__in=readers)}
    labels = {registry.pk: version(registry).labels for registry in records.values()}
    rows = []
    for entry in reads[:MAX_READS_SHOWN]:
        registry, exchange = records[entry.object_id], entry.summary.get("channel") == "exchange"
        rows.append({
            "at": entry.at, "registry": registry, "agency": names.get(entry.agency),
            "organisation": entry.summary.get("organisation", ""),
            "system": entry.summary.get("client", "") if exchange else "",
            "official": entry.summary.get("user", "") if exchange else entry.actor,
            "purpose": entry.summary.get("purpose", ""),
            "consent": bool(entry.summary.get("organisation")),  # read on the consent
            "keeper": getattr(names.get(entry.agency), "pk", None) == registry.agency_id,
            "fields": [localized(labels[registry.pk].get(f)) or f
                       for f in entry.summary.get("fields") or []]})
    return rows, [names[code] for code in readers if code in names]


def own_records(user) -> list[tuple[Registry, RegistryVersion, Record]]:
    """The live records about a person in the registries keyed by person ID (what the
    state holds about them; their own reads are not staff reads). One indexed lookup
    per registry and key."""
    return [(each, version(each, record.version), record)
            for each in Registry.objects.filter(active=True).order_by("code")
            for record in _person_records(each, user.username)]


def person_data(registry_code: str, person_id: str) -> dict | None:
    """A person's live record in a register keyed by person ID, or None. For the
    platform's own figures on the person's own act (their rating): no official reads it,
    so it is not noted as a read."""
    each = Registry.objects.filter(code=registry_code, active=True).first()
    found = _person_records(each, person_id) if each else []
    return found[0].data if found else None


def _person_records(each: Registry, person_id: str) -> list[Record]:
    """The records whose person-ID keys (one or more) hold ``person_id``."""
    current = version(each)
    return [key.record for field in current.key_fields
            if (current.schema["properties"].get(field) or {}).get("x-person-id")
            for key in RecordKey.objects.select_related("record")
            .filter(registry=each, field=field, value=person_id)[:1]]
