"""Loading a pack's correspondence.yaml (checked by core.pack_correspondence with the rest
of the pack): the kinds of document, and every agency's journals and file plan. Runs in
the pack loader's transaction, on its ``country.loaded`` event. Also the reminder rules
of control deadlines (``reminders``)."""

from yagona.agencies.models import Agency
from yagona.core import audit
from yagona.core.pack_correspondence import reminders
from yagona.correspondence.models import Case, ControlSettings, DocumentType, Journal


def load(content, actor: audit.Actor = audit.SYSTEM) -> None:
    data = content.correspondence or {}
    types = []
    for order, item in enumerate(data.get("types") or []):
        DocumentType.objects.update_or_create(code=item["code"], defaults={
            "name": item["name"], "order": order, "active": True})
        types.append(item["code"])
    DocumentType.objects.exclude(code__in=types).update(active=False)
    rules = reminders(data)
    ControlSettings.objects.update_or_create(pk=1, defaults=rules)
    audit.record(actor, "correspondence.reminders_loaded", "country", content.country.code,
                 rules)
    own = data.get("agencies") or {}
    for agency in Agency.objects.filter(code__in=[a["code"] for a in content.agencies]):
        extra = own.get(agency.code) or {}
        journals = [*(data.get("journals") or []), *(extra.get("journals") or [])]
        cases = [*(data.get("file_plan") or []), *(extra.get("file_plan") or [])]
        _journals(agency, journals)
        _file_plan(agency, cases)
        audit.record(actor, "correspondence.loaded", "agency", agency.code,
                     {"journals": len(journals), "cases": len(cases)}, agency=agency.code)


def _journals(agency: Agency, items: list[dict]) -> None:
    for order, item in enumerate(items):
        Journal.objects.update_or_create(agency=agency, code=item["code"], defaults={
            "kind": item["kind"], "name": item["name"], "number_format": item["number"],
            "order": order, "active": True})
    # A journal no longer in the pack keeps its documents and numbers, closed to new ones.
    agency.journals.exclude(code__in=[i["code"] for i in items]).update(active=False)


def _file_plan(agency: Agency, items: list[dict]) -> None:
    for order, item in enumerate(items):
        retention = item["retention"]
        Case.objects.update_or_create(agency=agency, index=item["index"], defaults={
            "title": item["title"], "order": order, "active": True,
            "retention_years": None if retention == "permanent" else retention,
            "basis": item.get("basis") or ""})
    agency.file_plan.exclude(index__in=[i["index"] for i in items]).update(active=False)
