"""Services every government agency offers on the exchange through the platform, such as
its registry office's ``documents/sendDocument`` (correspondence): a room above declares
one at start-up (``offer_everywhere``); an agency that joins the exchange (``join``)
offers it from its own member, and may call it at every other agency that joined. The
agency's node passes calls on to the platform at the service's ``path``."""

from dataclasses import dataclass

from yagona.core import audit
from yagona.exchange import services
from yagona.exchange.models import Member, Subsystem


@dataclass(frozen=True)
class CommonService:
    subsystem: str  # "documents"
    code: str  # "sendDocument"
    title: str
    path: str  # where the platform serves it (the operations below), "/correspondence/exchange"
    openapi: dict


_OFFERED: dict[tuple[str, str], CommonService] = {}


def offer_everywhere(service: CommonService) -> None:
    """Declare a service every agency offers (a room's ``AppConfig.ready``)."""
    _OFFERED[(service.subsystem, service.code)] = service


def offered() -> list[CommonService]:
    return list(_OFFERED.values())


def join(actor: audit.Actor, agency) -> Member:
    """``agency``'s member with every common service, open to the agencies that joined
    before it, and theirs open to it (run again, it changes nothing)."""
    member = services.member_for_agency(actor, agency)
    for common in _OFFERED.values():
        own = services.add_subsystem(actor, member, common.subsystem, common.title)
        mine = services.offer_service(actor, own, common.code, common.title, common.openapi)
        others = Subsystem.objects.filter(code=common.subsystem, member__member_class="GOV",
                                          member__agency__isnull=False).exclude(member=member)
        for other in others.select_related("member"):
            services.allow(actor, mine, other)
            theirs = other.services.filter(code=common.code).first()
            if theirs is not None:
                services.allow(actor, theirs, own)
    return member


def backends(central: str, member: Member) -> dict[str, str]:
    """What an agency's node configuration maps the common services to: the platform."""
    if member.agency_id is None:
        return {}
    return {f"{c.subsystem}/{c.code}": central.rstrip("/") + c.path for c in _OFFERED.values()}
