"""Loading a pack's appeals.yaml (checked by core.pack_appeals with the rest of the pack):
kinds with their deadlines, problem categories, the reception and superiors. Runs in the
pack loader's transaction, on its ``country.loaded`` event."""

from yagona.agencies.models import Agency
from yagona.appeals.models import Category, Kind, Rules
from yagona.core import audit


def load(content, actor: audit.Actor = audit.SYSTEM) -> None:
    data = content.appeals
    if not data:
        return
    kinds = {}
    for order, item in enumerate(data["kinds"]):
        deadline = item["deadline"]
        kinds[item["code"]], _ = Kind.objects.update_or_create(code=item["code"], defaults={
            "name": item["name"], "hint": item.get("hint") or {}, "days": deadline["days"],
            "working_days": deadline.get("working_days", False),
            "extension": deadline.get("extension", 0),
            "anonymous": item.get("anonymous", False),
            "location": item.get("location", Kind.Location.NONE),
            "photos": item.get("photos", 0), "order": order, "active": True})
    # A kind or category no longer in the pack keeps its appeals, closed to new ones.
    Kind.objects.exclude(code__in=kinds).update(active=False)
    agencies = {agency.code: agency for agency in Agency.objects.all()}
    categories = data.get("categories") or []
    for order, item in enumerate(categories):
        Category.objects.update_or_create(code=item["code"], defaults={
            "kind": kinds[item["kind"]], "agency": agencies[item["agency"]],
            "name": item["name"], "description": item.get("description") or {},
            "keywords": item.get("keywords") or [], "attributes": item.get("attributes") or [],
            "order": order, "active": True})
    Category.objects.exclude(code__in=[c["code"] for c in categories]).update(active=False)
    reception = data["reception"]
    Rules.objects.update_or_create(pk=1, defaults={
        "reception": agencies[reception["agency"]],
        "forward_days": reception["forward_days"],
        "forward_working_days": reception.get("working_days", False),
        "superiors": data.get("superiors") or {},
        "map_bounds": (data.get("map") or {}).get("bounds") or [],
        "number_format": data.get("number", "{seq}/{yy}"),
        "complaint_kind": data.get("complaint_kind", "")})
    audit.record(actor, "appeals.loaded", "country", content.country.code,
                 {"kinds": len(kinds), "categories": len(categories),
                  "reception": reception["agency"]})
