"""Finding a registry and a version of its schema (404 when there is none): the lookups
every read of the room starts from."""

from django.http import Http404

from yagona.registries.models import Registry, RegistryVersion


def registry(code) -> Registry:
    """The active registry named ``code`` (a Registry passes through), or 404."""
    if isinstance(code, Registry):
        return code
    found = Registry.objects.select_related("agency").filter(code=code, active=True).first()
    if found is None:
        raise Http404
    return found


def version(registry: Registry, number: int | None = None) -> RegistryVersion:
    rows = registry.versions.all()
    found = rows.filter(version=number).first() if number else rows.order_by("-version").first()
    if found is None:
        raise Http404
    return found


def active_registries() -> list[Registry]:
    return list(Registry.objects.filter(active=True).select_related("agency"))
