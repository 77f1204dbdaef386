import hashlib
import json
import uuid

from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from yagona.catalogue.forms import FormDefinition
from yagona.catalogue.models import LifeEvent, Service


def active_services():
    return Service.objects.filter(active=True, agency__active=True).select_related("agency")


def service_by_code(code: str) -> Service:
    return get_object_or_404(active_services(), code=code)


def life_events_with_counts():
    return LifeEvent.objects.filter(active=True).annotate(
        service_count=Count("services", filter=Q(services__active=True)))


def form_of(service: Service) -> FormDefinition:
    return FormDefinition(service.form)


# Stable public UUIDs for standards that want them (GovStack): derived from codes.
PUBLIC_ID_NAMESPACE = uuid.UUID("6f0c3a52-7d0e-4b8e-9a55-0d1f1d2b9c41")


def service_public_id(service: Service) -> uuid.UUID:
    return uuid.uuid5(PUBLIC_ID_NAMESPACE, f"service:{service.code}")


def form_version(form: dict) -> str:
    canonical = json.dumps(form, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(canonical).hexdigest()[:12]


def form_public_id(service: Service) -> uuid.UUID:
    return uuid.uuid5(PUBLIC_ID_NAMESPACE, f"eform:{service.code}:{form_version(service.form)}")


def service_by_public_id(public_id) -> Service:
    for service in active_services():
        if str(service_public_id(service)) == str(public_id):
            return service
    raise Http404


def service_by_form_id(form_id) -> Service:
    for service in active_services().filter(online=True):
        if str(form_public_id(service)) == str(form_id):
            return service
    raise Http404


def services_named(text: str):
    """Services (retired ones too: their history counts) whose code is ``text`` or whose
    name in any language contains it; the statistics' ``registrationName``."""
    return Service.objects.filter(Q(code=text) | Q(name__icontains=text))
