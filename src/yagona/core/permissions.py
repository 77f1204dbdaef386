"""Every view declares who may call it; a test walks the URL resolver to prove it.

Access to a particular object is decided in the service layer (``queries`` and
``services`` of each app); objects out of reach raise ``Http404``.
"""

from functools import wraps

from allauth.account.authentication import get_authentication_records
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect

PUBLIC = "public"
SIGNED_IN = "signed_in"
OFFICIAL = "official"
PLATFORM_ADMIN = "platform_admin"
LEVELS = (PUBLIC, SIGNED_IN, OFFICIAL, PLATFORM_ADMIN)


def second_factor_done(request) -> bool:
    """True when this session was authenticated with a second factor (allauth MFA)."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def permission(level: str):
    """Declare and enforce the permission of a view."""
    if level not in LEVELS:
        raise ValueError(f"unknown permission level {level!r}")

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if level != PUBLIC and not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if level == OFFICIAL and not request.user.is_official:
                raise Http404
            if level == PLATFORM_ADMIN and not request.user.is_platform_admin:
                raise Http404
            if level in (OFFICIAL, PLATFORM_ADMIN) and not second_factor_done(request):
                return redirect("accounts:second-factor-required")
            return view(request, *args, **kwargs)

        wrapped.permission = level
        return wrapped

    return decorate
