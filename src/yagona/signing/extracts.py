"""Sealed extracts of what the state's base registers hold about a person: the wallet's
"documents the state holds about you". The person asks for one on their registers page;
the agency that keeps the register seals it (its seal, timestamped, PAdES B-LT) and it
enters the person's wallet like a result: to download, verify, or share with a bank or an
employer, who then need no paper from the person.

Asking again the same day for a record that has not changed gives the same document (a
double click makes no second one); a changed record, or a new day, makes a new one.
"""

import uuid

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation

from yagona.core import audit
from yagona.core.countries import active_pack
from yagona.registries import queries as registries
from yagona.signing import render_extract, services
from yagona.signing.models import SignedDocument

KIND = SignedDocument.Kind.REGISTRY_EXTRACT


def issue(user, registry_code: str) -> SignedDocument:
    """The person's sealed extract of ``registry_code`` (404 when no record of that
    register is about them), new or the one already issued today for the same record."""
    found = {registry.code: (registry, schema, record)
             for registry, schema, record in registries.own_records(user)}
    if registry_code not in found:
        raise Http404
    registry, schema, record = found[registry_code]
    zone = active_pack().zone
    today = timezone.localtime(timezone.now(), zone).date()
    source = f"registry:{record.uuid}:{record.revision}"  # the record as it is now
    already = SignedDocument.objects.filter(
        kind=KIND, holder_kind="person", holder_id=user.username, source=source,
        withdrawn_at__isnull=True).first()
    if already and timezone.localtime(already.issued_at, zone).date() == today:
        return already
    languages, template = _languages(), render_extract.extract_template()
    document_id = uuid.uuid4()
    pdf = render_extract.render_extract(render_extract.ExtractFacts(
        document_id=str(document_id), registry_name=registry.name,
        keeper_name=registry.agency.name, keeper_address=registry.agency.address,
        keeper_website=registry.agency.website, person_id=user.username,
        changed_on=timezone.localtime(record.updated_at, zone).date(), issued_on=today,
        rows=_rows(schema, record.data, languages),
        verify_url=settings.PUBLIC_URL + reverse("portal:verify-document",
                                                 args=[document_id])),
        template, languages)
    with transaction.atomic():
        document = services.seal(
            pdf, registry.agency, kind=KIND, document_id=document_id,
            title={code: f"{text}: {registry.name.get(code) or registry.display_name}"
                   for code, text in template["title"].items()},
            holder_id=user.username, reference=registry.code, source=source,
            filename=f"{registry.code.lower()}-extract-{today.isoformat()}.pdf")
        audit.record(audit.Actor(user=user), "signing.extract_issued", "signed_document",
                     document.uuid, {"registry": registry.code, "record": str(record.uuid)},
                     agency=registry.agency.code)
    return document


def _languages() -> list[str]:
    """The state language first, then the reader's (the page's) when it is another."""
    languages = list(active_pack().languages)
    chosen = (translation.get_language() or "").split("-")[0]
    return [languages[0]] + ([chosen] if chosen in languages[1:] else [])


def _rows(schema, data: dict, languages: list[str]) -> tuple[tuple[str, str], ...]:
    """The record's rows with each label and value in every language of the document
    (the same text once)."""
    per_language = []
    for code in languages:
        with translation.override(code):
            per_language.append(registries.display_rows(schema, data, marked=False))
    return tuple(
        tuple(" / ".join(dict.fromkeys(texts)) for texts in zip(*same_row, strict=True))
        for same_row in zip(*per_language, strict=True))
