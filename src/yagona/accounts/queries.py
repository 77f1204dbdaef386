"""Reads about accounts: whom a person may act for, an official's agencies."""

from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from yagona.accounts.models import ApiToken, Mandate, OfficialRole, Role, TokenScope, User


@dataclass(frozen=True)
class Party:
    """Someone an application can be for: oneself, a represented person or organisation."""

    kind: str  # "self", "person", "organisation"
    party_id: str  # person ID or business ID
    name: str
    mandate_id: int | None = None

    @property
    def key(self) -> str:
        return "self" if self.kind == "self" else f"mandate-{self.mandate_id}"


def valid_mandates(user: User) -> list[Mandate]:
    """The user's unrevoked mandates, read once per request (kept on the user object)."""
    if not hasattr(user, "_valid_mandates"):
        user._valid_mandates = list(
            Mandate.objects.filter(representative=user, revoked_at__isnull=True)
            .select_related("person", "organisation"))
    return user._valid_mandates


def parties_for(user: User, service_code: str | None = None) -> list[Party]:
    """The applicant themself and everyone their valid mandates let them act for."""
    parties = [Party("self", user.username, user.display_name)]
    today = timezone.localdate()
    for mandate in valid_mandates(user):
        if service_code is None and mandate.is_valid(today) or \
                service_code is not None and mandate.covers(service_code, today):
            kind = "person" if mandate.person_id else "organisation"
            parties.append(Party(kind, mandate.party_id, mandate.party_name, mandate.pk))
    return parties


def party_by_key(user: User, key: str, service_code: str) -> Party | None:
    return next((p for p in parties_for(user, service_code) if p.key == key), None)


# The one place that decides which official roles a caller may use. A caller signed in
# with a token that does not open office work (citizen scope, or an office token whose
# owner lost the second factor) acts as a citizen: the token_for below marks the user
# object the request carries (and with it every audit.Actor built from it), and every
# role lookup of the service layer reads the roles through ``roles_of``.
ACTS_AS_CITIZEN = "_acts_as_citizen"


def acts_as_citizen(user) -> bool:
    return getattr(user, ACTS_AS_CITIZEN, False)


def roles_of(user):
    """The official roles this caller may use (a queryset): none when they act as a citizen."""
    if user is None or acts_as_citizen(user):
        return OfficialRole.objects.none()
    return OfficialRole.objects.filter(user=user)


def is_platform_admin(user) -> bool:
    """Platform administration is not a citizen service either."""
    return bool(getattr(user, "is_platform_admin", False)) and not acts_as_citizen(user)


def official_agencies(user: User) -> list:
    return sorted({role.agency for role in roles_of(user).select_related("agency")},
                  key=lambda agency: agency.code)


def roles_in(user: User, agency) -> set[str]:
    return set(roles_of(user).filter(agency=agency).values_list("role", flat=True))


def service_centre_agency(user: User):
    """The agency of the official's service-centre role (they serve people who are present:
    assisted applications, password resets), else None. The one place this is decided."""
    role = (roles_of(user).filter(service_centre=True).select_related("agency")
            .order_by("agency__code").first())
    return role.agency if role else None


def is_service_centre(user: User) -> bool:
    return service_centre_agency(user) is not None


def is_official_of(name: str, agency_ids) -> bool:
    """Whether an official named by person ID or surname works in one of these agencies."""
    return User.objects.filter(Q(username=name) | Q(last_name=name),
                               official_roles__agency_id__in=agency_ids).exists()


def has_second_factor(user: User) -> bool:
    """An authenticator app or security key is set up (recovery codes alone are not)."""
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user).exclude(
        type=Authenticator.Type.RECOVERY_CODES).exists()


def token_for(token: str, office: bool = False) -> ApiToken | None:
    """The valid token row (with its active user) for a bearer token, else None. For office
    work the token must be office-scoped and its owner still an official with a second
    factor (checked at each use: a removed role or authenticator ends it at once). A token
    that does not open office work leaves its user acting as a citizen (``roles_of``)."""
    row = (ApiToken.objects.select_related("user")
           .filter(digest=ApiToken.digest_of(token), revoked_at__isnull=True,
                   expires_at__gt=timezone.now()).first())
    if row is None or not row.user.is_active:
        return None
    opens_office = (row.scope == TokenScope.OFFICE and row.user.official_roles.exists()
                    and has_second_factor(row.user))
    if office and not opens_office:
        return None
    if not opens_office:
        setattr(row.user, ACTS_AS_CITIZEN, True)
    return row


# Lower-floor rooms (registries) read people and officials' roles here, not in the models.
DEFINERS = (Role.AGENCY_ADMIN, Role.REGISTRY_KEEPER)  # who may define an agency's registries


def users(ids) -> list[User]:
    """The accounts with these ids (those that exist), for notices."""
    return list(User.objects.filter(pk__in=set(ids))) if ids else []


def person(person_id: str) -> User | None:
    return User.objects.filter(username=person_id).first()


def people(person_ids) -> dict[str, User]:
    """The accounts of these person IDs (those that exist), by person ID."""
    return {user.username: user for user in User.objects.filter(username__in=set(person_ids))}


def agency_roles(user: User) -> list[tuple[int, str]]:
    """(agency id, role) of each of an official's roles (that this caller may use)."""
    return list(roles_of(user).values_list("agency_id", "role"))


def first_agency_code(user: User) -> str:
    return roles_of(user).values_list("agency__code", flat=True).first() or ""


def defines_registries_of(user: User, agency_code: str | None) -> bool:
    return roles_of(user).filter(agency__code=agency_code, role__in=DEFINERS).exists()


def definer_agency_ids(user: User) -> set[int]:
    return set(roles_of(user).filter(role__in=DEFINERS).values_list("agency_id", flat=True))


def roles_of_officials(pairs) -> dict[tuple[str, str], list[str]]:
    """{(username, agency code): [role labels]} for (username, agency code) pairs: what an
    official was to the person whose data they read ("Operator of the Tax Service")."""
    pairs = {(u, a) for u, a in pairs if u and a}
    found: dict[tuple[str, str], list[str]] = {}
    rows = OfficialRole.objects.filter(user__username__in={u for u, _a in pairs},
                                       agency__code__in={a for _u, a in pairs})
    for username, agency, role in rows.values_list("user__username", "agency__code", "role"):
        if (username, agency) in pairs:
            found.setdefault((username, agency), []).append(str(Role(role).label))
    return found

def tokens_of(user: User) -> list[ApiToken]:
    """A person's own tokens, newest first (ended ones too, so they see what ended)."""
    return list(ApiToken.objects.filter(user=user).order_by("-created_at", "-pk"))
