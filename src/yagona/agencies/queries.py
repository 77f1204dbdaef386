from django.shortcuts import get_object_or_404

from yagona.agencies.models import Agency


def active_agencies():
    return Agency.objects.filter(active=True)


def agency_by_code(code: str) -> Agency:
    return get_object_or_404(Agency, code=code, active=True)
