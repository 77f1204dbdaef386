import hashlib
import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person with an account. ``username`` is the national person ID."""

    phone = models.CharField(_("phone"), max_length=32, blank=True)
    phone_verified = models.BooleanField(default=False)
    patronymic = models.CharField(_("patronymic"), max_length=150, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    is_platform_admin = models.BooleanField(default=False)
    language = models.CharField(_("language"), max_length=8, blank=True)

    @cached_property
    def is_official(self) -> bool:
        return self.official_roles.exists()

    @property
    def person_id(self) -> str:
        return self.username

    @property
    def display_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p) \
            or self.username


class Role(models.TextChoices):
    OPERATOR = "operator", _("Operator")
    SUPERVISOR = "supervisor", _("Supervisor")
    AGENCY_ADMIN = "agency_admin", _("Agency administrator")
    REGISTRY_KEEPER = "registry_keeper", _("Registry keeper")
    CLERK = "clerk", _("Registry clerk")  # the chancellery: registers and sends documents
    HEAD = "head", _("Head")  # writes resolutions on incoming documents
    DATA_PUBLISHER = "data_publisher", _("Data publisher")  # the agency's open data


class OfficialRole(models.Model):
    """An official's role in an agency. An official may hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="official_roles")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE,
                               related_name="official_roles")
    role = models.CharField(max_length=16, choices=Role.choices)
    service_centre = models.BooleanField(
        default=False, help_text=_("May apply on behalf of citizens who are present.")
    )
    department = models.ForeignKey("agencies.Department", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="official_roles")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "agency", "role"],
                                               name="one_role_per_agency")]

    def __str__(self):
        return f"{self.user.username} {self.role} {self.agency.code}"


class Organisation(models.Model):
    """A company or other organisation people may act for."""

    business_id = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=300)

    def __str__(self):
        return self.name


class MandateKind(models.TextChoices):
    PARENT = "parent", _("Parent of a minor child")
    GUARDIAN = "guardian", _("Guardian")
    DIRECTOR = "director", _("Director of the company")
    EMPLOYEE = "employee", _("Authorised employee")
    POWER_OF_ATTORNEY = "attorney", _("Power of attorney")


class Mandate(models.Model):
    """A recorded right of one person to act for another person or an organisation."""

    representative = models.ForeignKey(User, on_delete=models.CASCADE, related_name="mandates")
    kind = models.CharField(max_length=16, choices=MandateKind.choices)
    person = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="represented_by")
    organisation = models.ForeignKey(Organisation, null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="mandates")
    # Empty: every service; else the service codes the mandate covers.
    services = models.JSONField(default=list, blank=True)
    valid_from = models.DateField(default=timezone.localdate)
    valid_until = models.DateField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    basis = models.CharField(_("basis"), max_length=300, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(person__isnull=False, organisation__isnull=True)
                           | models.Q(person__isnull=True, organisation__isnull=False)),
                name="mandate_for_person_or_organisation",
            )
        ]

    @property
    def party_id(self) -> str:
        return self.person.username if self.person_id else self.organisation.business_id

    @property
    def party_name(self) -> str:
        return self.person.display_name if self.person_id else self.organisation.name

    def is_valid(self, on=None) -> bool:
        today = on or timezone.localdate()
        if self.revoked_at or today < self.valid_from:
            return False
        return not (self.valid_until and today > self.valid_until)

    def covers(self, service_code: str, on=None) -> bool:
        return self.is_valid(on) and (not self.services or service_code in self.services)


class TokenScope(models.TextChoices):
    """What a token opens. Fixed when issued: a later role grant does not widen it."""

    CITIZEN = "citizen", _("Citizen services")
    OFFICE = "office", _("Office work and citizen services")


class ApiToken(models.Model):
    """A bearer token for machine clients. Only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=100)
    scope = models.CharField(max_length=8, choices=TokenScope.choices,
                             default=TokenScope.CITIZEN)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
