"""Commands on the catalogue: loading packs (packs.py) and switching services on and off."""

from django.db import transaction
from django.http import Http404

from yagona.catalogue.models import Service
from yagona.core import audit
from yagona.core.middleware import catalogue_changed


def set_service_active(actor: audit.Actor, code: str, active: bool) -> Service:
    """A platform administrator takes a service out of the catalogue or back in."""
    with transaction.atomic():
        service = Service.objects.select_for_update().filter(code=code).first()
        if service is None:
            raise Http404
        if service.active != active:
            service.active = active
            service.save(update_fields=["active", "updated_at"])
            audit.record(actor, "service.activated" if active else "service.deactivated",
                         "service", code)
            transaction.on_commit(catalogue_changed)
    return service
