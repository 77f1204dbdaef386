from django.shortcuts import get_object_or_404

from yagona.agencies.models import Agency


def active_agencies():
    return Agency.objects.filter(active=True)


def agency_by_code(code: str) -> Agency:
    return get_object_or_404(Agency, code=code, active=True)


def agency_named(code: str) -> Agency | None:
    """The agency with this code, active or not (a notice names who read, even later)."""
    return Agency.objects.filter(code=code).first()
