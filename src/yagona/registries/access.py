"""Who may read which fields of a registry, and who may write to it.

The owner agency's registry keepers write; its other officials read everything;
an agency with a grant reads the granted fields (and writes, if granted); anyone
signed in reads the public fields. Everyone else is told the registry does not
exist (404).
"""

from dataclasses import dataclass

from django.http import Http404

from yagona.accounts import queries as accounts
from yagona.core import audit
from yagona.registries.models import Grant, Registry


@dataclass(frozen=True)
class Access:
    fields: frozenset | None  # None: every field
    write: bool

    def shows(self, field: str) -> bool:
        return self.fields is None or field in self.fields

    def filter(self, data: dict) -> dict:
        return data if self.fields is None else {k: v for k, v in data.items()
                                                 if k in self.fields}


def access_for(actor: audit.Actor, registry: Registry, public_fields) -> Access:
    if actor.user is None:
        return Access(None, True)
    roles = accounts.agency_roles(actor.user)
    if (registry.agency_id, accounts.Role.REGISTRY_KEEPER) in roles:
        return Access(None, True)
    return access_of_agencies({agency for agency, _role in roles}, registry, public_fields)


def access_of_agencies(agency_ids: set, registry: Registry, public_fields) -> Access:
    """What officials or information systems of these agencies may read: the owner
    everything, a granted agency its fields (and writes if granted), anyone else the
    public fields, if there are any."""
    if registry.agency_id in agency_ids:
        return Access(None, False)
    grants = list(Grant.objects.filter(registry=registry, agency__in=agency_ids)) \
        if agency_ids else []
    if grants:
        if any(not g.fields for g in grants):
            return Access(None, any(g.write for g in grants))
        fields = frozenset(f for g in grants for f in g.fields) | frozenset(public_fields)
        return Access(fields, any(g.write for g in grants))
    if public_fields:
        return Access(frozenset(public_fields), False)
    raise Http404
