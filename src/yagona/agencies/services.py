from yagona.agencies.models import Agency, Department
from yagona.core import audit

AGENCY_FIELDS = ("name", "short_name", "website", "email", "phone", "address", "head",
                 "digital_official", "offices")


def upsert_agency(actor: audit.Actor, data: dict) -> Agency:
    """Create or update an agency from country-pack data. Runs inside the load transaction."""
    empty = {"website": "", "email": "", "phone": "", "offices": []}
    values = {key: data.get(key) or empty.get(key, {}) for key in AGENCY_FIELDS}
    agency, created = Agency.objects.update_or_create(
        code=data["code"], defaults={**values, "active": True}
    )
    audit.record(actor, "agency.created" if created else "agency.updated", "agency", agency.code,
                 {"name": agency.name.get(next(iter(agency.name), ""), "")})
    _upsert_departments(actor, agency, data.get("departments") or [])
    return agency


def _upsert_departments(actor: audit.Actor, agency: Agency, departments: list[dict]) -> None:
    """The pack's departments of ``agency``; one no longer listed is kept, inactive (people
    and documents may still name it)."""
    codes = []
    for order, item in enumerate(departments):
        department, created = Department.objects.update_or_create(
            agency=agency, code=str(item["code"]),
            defaults={"name": item["name"], "order": order, "active": True})
        if created:
            audit.record(actor, "department.created", "agency", agency.code,
                         {"department": department.code})
        codes.append(department.code)
    gone = agency.departments.filter(active=True).exclude(code__in=codes)
    for code in gone.values_list("code", flat=True):
        audit.record(actor, "department.deactivated", "agency", agency.code,
                     {"department": code})
    gone.update(active=False)


def set_agency_active(actor: audit.Actor, code: str, active: bool) -> Agency:
    from django.db import transaction
    from django.http import Http404

    from yagona.core.middleware import catalogue_changed

    with transaction.atomic():
        agency = Agency.objects.select_for_update().filter(code=code).first()
        if agency is None:
            raise Http404
        if agency.active != active:
            agency.active = active
            agency.save(update_fields=["active"])
            audit.record(actor, "agency.activated" if active else "agency.deactivated",
                         "agency", code)
            transaction.on_commit(catalogue_changed)
    return agency
