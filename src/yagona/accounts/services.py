"""Commands that change accounts, roles and mandates."""

import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from yagona.accounts.models import ApiToken, Mandate, OfficialRole, Organisation, TokenScope, User
from yagona.core import audit


def create_person(actor: audit.Actor, person_id: str, *, first_name: str, last_name: str,
                  password: str | None = None, **extra) -> User:
    with transaction.atomic():
        user = User(username=person_id, first_name=first_name, last_name=last_name, **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        audit.record(actor, "account.created", "user", person_id)
    return user


def grant_role(actor: audit.Actor, user: User, agency, role: str,
               service_centre: bool = False, department=None) -> OfficialRole:
    """Give ``user`` a role in ``agency`` (in one of its departments, if given)."""
    if department is not None and department.agency_id != agency.pk:
        raise ValueError("the department is not one of the agency's")
    with transaction.atomic():
        grant, _ = OfficialRole.objects.update_or_create(
            user=user, agency=agency, role=role,
            defaults={"service_centre": service_centre, "department": department})
        audit.record(actor, "role.granted", "user", user.username,
                     {"agency": agency.code, "role": role, "service_centre": service_centre,
                      "department": department.code if department else ""},
                     agency=agency.code)
    return grant


def set_platform_admin(actor: audit.Actor, user: User, on: bool = True) -> None:
    """Make a person a platform administrator (agencies and catalogue), or stop it."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_platform_admin=on)
        user.is_platform_admin = on
        audit.record(actor, "role.platform_admin", "user", user.username, {"on": on})


def revoke_role(actor: audit.Actor, role_id: int, agency) -> None:
    with transaction.atomic():
        grant = OfficialRole.objects.select_for_update().filter(pk=role_id, agency=agency) \
            .select_related("user").first()
        if grant is None:
            raise Http404
        grant.delete()
        audit.record(actor, "role.revoked", "user", grant.user.username,
                     {"agency": agency.code, "role": grant.role}, agency=agency.code)


def upsert_organisation(actor: audit.Actor, business_id: str, name: str) -> Organisation:
    with transaction.atomic():
        org, created = Organisation.objects.update_or_create(
            business_id=business_id, defaults={"name": name}
        )
        audit.record(actor, "organisation.created" if created else "organisation.updated",
                     "organisation", business_id, {"name": name})
    return org


def grant_mandate(actor: audit.Actor, representative: User, kind: str, *, person: User = None,
                  organisation: Organisation = None, services=(), basis: str = "",
                  valid_until=None) -> Mandate:
    with transaction.atomic():
        mandate = Mandate.objects.create(
            representative=representative, kind=kind, person=person, organisation=organisation,
            services=list(services), basis=basis, valid_until=valid_until,
        )
        audit.record(actor, "mandate.granted", "mandate", mandate.pk,
                     {"representative": representative.username, "for": mandate.party_id,
                      "kind": kind, "services": list(services)}, )
    return mandate


def revoke_mandate(actor: audit.Actor, mandate_id: int) -> None:
    with transaction.atomic():
        mandate = Mandate.objects.select_for_update().filter(pk=mandate_id).first()
        if mandate is None or actor.user not in (mandate.representative, mandate.person) \
                and not getattr(actor.user, "is_platform_admin", False):
            raise Http404
        mandate.revoked_at = timezone.now()
        mandate.save(update_fields=["revoked_at"])
        audit.record(actor, "mandate.revoked", "mandate", mandate.pk, {"for": mandate.party_id})


def issue_api_token(actor: audit.Actor, user: User, name: str, *,
                    scope: str = TokenScope.CITIZEN, days: int | None = None) -> str:
    """Create a token and return it once; only its digest is kept. An office token only for
    an official with a second factor; the scope is fixed, so a later role grant does not
    widen a citizen token. Refusals: PermissionDenied (scope), ValueError (lifetime)."""
    from django.conf import settings

    from yagona.accounts.queries import has_second_factor

    if actor.user is not None and actor.user != user:
        raise PermissionDenied
    if scope not in TokenScope.values:
        raise ValueError(f"unknown scope {scope!r}")
    if scope == TokenScope.OFFICE and not (user.official_roles.exists()
                                           and has_second_factor(user)):
        raise PermissionDenied(_("An office token needs an official with a second factor."))
    days = days or settings.API_TOKEN_DAYS
    if not 1 <= days <= settings.API_TOKEN_DAYS:
        raise ValueError(f"a token lives 1 to {settings.API_TOKEN_DAYS} days")
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        row = ApiToken.objects.create(user=user, name=name, scope=scope,
                                      digest=ApiToken.digest_of(token),
                                      expires_at=timezone.now() + timedelta(days=days))
        audit.record(actor, "api_token.issued", "user", user.username,
                     {"name": name, "scope": scope, "token": str(row.public_id),
                      "expires_at": row.expires_at.isoformat()})
    return token


def revoke_api_token(actor: audit.Actor, public_id) -> None:
    """The owner ends one of their tokens; anyone else's (or an ended one) is 404."""
    with transaction.atomic():
        row = ApiToken.objects.select_for_update().filter(
            public_id=public_id, user=actor.user, revoked_at__isnull=True).first()
        if row is None or actor.user is None:
            raise Http404
        row.revoked_at = timezone.now()
        row.save(update_fields=["revoked_at"])
        audit.record(actor, "api_token.revoked", "user", row.user.username,
                     {"name": row.name, "token": str(row.public_id)})


def remember_language(user: User, language: str) -> None:
    from django.conf import settings

    if language not in dict(settings.LANGUAGES) or user.language == language:
        return
    with transaction.atomic():
        user.language = language
        user.save(update_fields=["language"])
        audit.record(audit.Actor(user=user), "account.language_set", "user", user.username,
                     {"language": language})


def enable_totp(actor: audit.Actor, user: User, secret: str) -> None:
    """Turn on a TOTP second factor with a known secret (demo data, provisioning)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    with transaction.atomic():
        Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
        TOTP.activate(user, secret)
        audit.record(actor, "account.totp_enabled", "user", user.username)


def check_totp(user: User, code: str) -> bool:
    """Whether ``code`` is the person's authenticator code now (each code works once)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    authenticator = Authenticator.objects.filter(user=user,
                                                 type=Authenticator.Type.TOTP).first()
    code = "".join((code or "").split())
    return bool(authenticator and code.isdigit() and TOTP(authenticator).validate_code(code))


def note_token_use(row: ApiToken) -> None:
    """Record when a token was last used, at most once a minute to spare the database.
    Bookkeeping, not a change of the account: not audited."""
    now = timezone.now()
    if row.last_used_at is None or row.last_used_at < now - timedelta(minutes=1):
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
