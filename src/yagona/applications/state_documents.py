"""Documents the state already holds (a birth record, a company extract): a service
lists them (``Service.state_documents``) instead of asking the applicant for them, and
the processing official sees them read live from the base registries, through the
agency's own exchange node, with their source.

A reading is kept in the cache for a few minutes per official, so that reloading the
page does not read the person's data again (the page's language is part of the key: the
labels are in it); the official can ask for a fresh one. Only an open application is
read: once it is decided, the agency has no purpose left.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.http import Http404
from django.utils.translation import get_language

from yagona.registries.definitions import applicant_key

KEEP_SECONDS = 600


@dataclass(frozen=True)
class StateDocument:
    label: str
    source: str  # the registry's name
    keeper: str  # the agency that keeps it
    status: str  # found | absent | unavailable (see exchange.client.Reading)
    rows: tuple[tuple[str, str], ...] = ()  # (field label, value as text)
    xroad_id: str = ""
    at: datetime | None = None


def listed(service) -> list[dict]:
    """What the service's page tells applicants they need not bring, and from where."""
    from yagona.core.text import localized
    from yagona.registries import queries as registries

    out = []
    for entry in service.state_documents:
        try:
            registry = registries.registry(entry["registry"])
        except Http404:  # retired since the pack was loaded: the agency asks for it again
            continue
        out.append({"label": localized(entry["label"]), "source": registry.display_name,
                    "keeper": registry.agency.display_name})
    return out


def read(official, application, *, again: bool = False) -> list[StateDocument]:
    """The service's state documents about the applicant, as the official's agency may
    read them now (``application`` is one the official may see)."""
    if application.ended or not application.submitted_at or \
            not application.service.state_documents:
        return []
    key = f"state-documents:{application.uuid}:{official.pk}:{get_language()}"
    found = None if again else cache.get(key)
    if found is None:
        found = _read(official, application)
        cache.set(key, found, KEEP_SECONDS)
    return found


def _read(official, application) -> list[StateDocument]:
    from yagona.core.text import localized
    from yagona.exchange import client
    from yagona.registries import queries as registries

    out = []
    for entry in application.service.state_documents:
        try:
            registry = registries.registry(entry["registry"])
        except Http404:
            continue
        schema = registries.version(registry)
        key = applicant_key(schema.schema, schema.key_fields, application.party_kind)
        if key is None:  # this register does not hold applicants of this kind
            continue
        reading = client.read(application.agency, registry, key, application.party_id,
                              user=official.username, issue=application.reference,
                              fields=entry["fields"])
        rows = tuple((registries.display_label(schema, name),
                      registries.display_text(schema, name, reading.record[name]))
                     for name in entry["fields"] if name in reading.record)
        out.append(StateDocument(localized(entry["label"]), registry.display_name,
                                 registry.agency.display_name, reading.status, rows,
                                 reading.xroad_id, reading.at))
    return out
