"""The central authority's records of the data exchange: members and their
subsystems, the services each subsystem offers, who may call them, the exchange
nodes, and the certificates the platform's certificate authority issued.

The global configuration that nodes download (``globalconf``) is made from these."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from yagona.exchange.ids import MEMBER_CLASSES, MemberId, ServiceId, SubsystemId


def secret_digest(secret: str) -> str:
    """What is stored of a node's system token or enrolment code: its SHA-256."""
    import hashlib

    return hashlib.sha256(secret.encode()).hexdigest()


class Member(models.Model):
    """An organisation in the exchange: a government body (GOV), a company (COM) or a
    non-governmental organisation (NGO)."""

    instance = models.CharField(max_length=64)
    member_class = models.CharField(max_length=3, choices=[(c, c) for c in MEMBER_CLASSES])
    code = models.CharField(max_length=64)  # the agency code, or the business ID
    name = models.CharField(max_length=300)
    agency = models.OneToOneField("agencies.Agency", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="exchange_member")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["instance", "member_class", "code"],
                                               name="one_member_id")]

    def __str__(self) -> str:
        return str(self.identifier)

    @property
    def identifier(self) -> MemberId:
        return MemberId(self.instance, self.member_class, self.code)


class Subsystem(models.Model):
    """An information system of a member, the party that calls or offers services."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="subsystems")
    code = models.CharField(max_length=64)
    name = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "code"],
                                               name="one_subsystem_code")]

    def __str__(self) -> str:
        return str(self.identifier)

    @property
    def identifier(self) -> SubsystemId:
        m = self.member
        return SubsystemId(m.instance, m.member_class, m.code, self.code)


class ExchangeService(models.Model):
    """A REST service a subsystem offers through its member's node, described by an
    OpenAPI document (its methods and paths are listed by ``listMethods``)."""

    subsystem = models.ForeignKey(Subsystem, on_delete=models.CASCADE, related_name="services")
    code = models.CharField(max_length=64)
    title = models.CharField(max_length=300, blank=True)
    openapi = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["subsystem", "code"],
                                               name="one_service_code")]

    def __str__(self) -> str:
        return str(self.identifier)

    @property
    def identifier(self) -> ServiceId:
        s = self.subsystem.identifier
        return ServiceId(s.instance, s.member_class, s.member_code, s.subsystem, self.code)


class AccessRight(models.Model):
    """A client subsystem may call a service; optionally only one method and path (a
    path ending in ``*`` covers what begins with it)."""

    service = models.ForeignKey(ExchangeService, on_delete=models.CASCADE,
                                related_name="access_rights")
    client = models.ForeignKey(Subsystem, on_delete=models.CASCADE, related_name="rights")
    method = models.CharField(max_length=10, blank=True)  # "" for every method
    path = models.CharField(max_length=300, blank=True)  # "" for every path

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "client", "method", "path"],
                                               name="one_access_right")]


class Node(models.Model):
    """A member's exchange node (its security server) and where other nodes reach it."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="nodes")
    name = models.CharField(max_length=64)
    address = models.CharField(max_length=300)  # https://host:port of its peer listener
    # SHA-256 of the token the node shows when it calls the platform's own systems (the
    # registries it provides); the token itself is in the node's configuration only.
    system_token = models.CharField(max_length=64, blank=True)
    # Where the platform's own systems reach the node's client side, when the member's
    # case handling runs on the platform (http://127.0.0.1:8601): once-only prefilling.
    client_url = models.CharField(max_length=300, blank=True)
    # SHA-256 of the enrolment code with which the node's operator sends its certificate
    # requests over the network (services.open_enrolment), and until when it is valid.
    enrolment_code = models.CharField(max_length=64, blank=True)
    enrolment_expires = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "name"], name="one_node_name")]

    def __str__(self) -> str:
        return f"{self.member} {self.name}"


class Certificate(models.Model):
    """A certificate the platform's authority issued: a node's TLS certificate or a
    member's signing certificate."""

    class Kind(models.TextChoices):
        TLS = "tls", _("Node TLS")
        SIGN = "sign", _("Member signing")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="certificates")
    node = models.ForeignKey(Node, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="certificates")
    kind = models.CharField(max_length=4, choices=Kind.choices)
    serial = models.CharField(max_length=64, unique=True)  # hex
    sha256 = models.CharField(max_length=64, unique=True)  # of the DER
    pem = models.TextField()
    not_before = models.DateTimeField()
    not_after = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)


class SigningRequest(models.Model):
    """A node's certificate signing request, waiting for the authority's decision."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="requests")
    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="requests")
    kind = models.CharField(max_length=4, choices=Certificate.Kind.choices)
    csr = models.TextField()  # PEM
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    submitted_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.CharField(max_length=64, blank=True)
    reason = models.TextField(blank=True)  # of a refusal, told to the node's operator
    certificate = models.OneToOneField(Certificate, null=True, blank=True,
                                       on_delete=models.SET_NULL)


class ConfigurationVersion(models.Model):
    """A published global configuration, kept so that nodes and auditors can prove what
    the authority said when."""

    number = models.PositiveIntegerField(unique=True)
    document = models.TextField()  # the signed JWS, compact
    digest = models.CharField(max_length=64)  # SHA-256 of the content without its times
    generated_at = models.DateTimeField()
    expires_at = models.DateTimeField()
