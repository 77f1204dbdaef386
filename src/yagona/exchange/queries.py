"""Reads of the central authority's records."""

from yagona.exchange.ids import MemberId
from yagona.exchange.models import Member, Node, secret_digest


def member(identifier: MemberId) -> Member | None:
    return (Member.objects.select_related("agency")
            .filter(instance=identifier.instance, member_class=identifier.member_class,
                    code=identifier.code).first())


def member_of_agency(agency) -> Member | None:
    """The government member of ``agency`` (GOV/its code), if it joined the exchange."""
    return Member.objects.filter(agency=agency, member_class="GOV").first()


def member_by_identifier(text: str) -> Member | None:
    """The member named ``INSTANCE/CLASS/CODE``, if there is one."""
    from yagona.exchange.ids import BadIdentifier

    try:
        return member(MemberId.parse(text))
    except BadIdentifier:
        return None


def node_for_system_token(authorization: str) -> Node | None:
    """The node that shows this ``Bearer`` token, if any."""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    return (Node.objects.select_related("member__agency")
            .filter(system_token=secret_digest(token))
            .exclude(system_token="").first())


def enrolled_node(member_id: str, name: str, code: str) -> Node | None:
    """The node ``member_id``/``name`` if ``code`` is its live enrolment code."""
    from django.utils import timezone

    from yagona.exchange.ids import BadIdentifier

    try:
        identifier = MemberId.parse(member_id)
    except BadIdentifier:
        return None
    if not code:
        return None
    return (Node.objects.select_related("member")
            .filter(member__instance=identifier.instance,
                    member__member_class=identifier.member_class,
                    member__code=identifier.code, name=name,
                    enrolment_code=secret_digest(code),
                    enrolment_expires__gt=timezone.now()).first())


def enrolment_request(number: int, code: str):
    """Request ``number`` of the node whose live enrolment code is ``code``, if any."""
    from django.utils import timezone

    from yagona.exchange.models import SigningRequest

    if not code:
        return None
    return (SigningRequest.objects.select_related("certificate")
            .filter(pk=number, node__enrolment_code=secret_digest(code),
                    node__enrolment_expires__gt=timezone.now()).first())


def provides(node: Node, registry_code: str) -> bool:
    """Whether the node's member keeps the registry (it serves only its own)."""
    from yagona.registries.models import Registry

    agency = node.member.agency_id
    return agency is not None and Registry.objects.filter(
        code=registry_code, agency_id=agency, active=True).exists()


def pending_requests():
    from yagona.exchange.models import SigningRequest

    return list(SigningRequest.objects.filter(status=SigningRequest.Status.PENDING)
                .select_related("member", "node").order_by("submitted_at"))


def members():
    """Every member with its subsystems, nodes and live certificates, for the authority."""
    from django.db.models import Prefetch
    from django.utils import timezone

    from yagona.exchange.models import Certificate

    live = Certificate.objects.filter(revoked_at__isnull=True, not_after__gt=timezone.now())
    return list(Member.objects.order_by("member_class", "code").prefetch_related(
        "subsystems", "nodes", Prefetch("certificates", queryset=live, to_attr="live")))


def organisations():
    """Members outside government (companies, NGOs): who a person may consent to."""
    return list(Member.objects.exclude(member_class="GOV").order_by("name"))
