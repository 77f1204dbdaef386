from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yagona.accounts import queries, services
from yagona.accounts.forms import ApiTokenForm
from yagona.core.audit import Actor
from yagona.core.permissions import SIGNED_IN, permission, second_factor_done


@permission(SIGNED_IN)
def second_factor_required(request):
    """Officials must sign in with a second factor before the back office opens."""
    from allauth.mfa.models import Authenticator

    has_totp = Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP) \
        .exists()
    return render(request, "account/second_factor_required.html", {"has_totp": has_totp})


@permission(SIGNED_IN)
def api_tokens(request):
    """A person's API tokens: issue one (shown once), see when each ends, revoke."""
    user = request.user
    # Office tokens only from a session that itself passed the second factor.
    office_allowed = user.is_official and queries.has_second_factor(user) \
        and second_factor_done(request)
    form = ApiTokenForm(request.POST or None, office_allowed=office_allowed)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            new_token = services.issue_api_token(
                Actor(user=user), user, form.cleaned_data["name"],
                scope=form.cleaned_data["scope"])
        except PermissionDenied:
            form.add_error("scope", _("An office token needs an official with a second "
                                      "factor."))
        else:
            form = ApiTokenForm(office_allowed=office_allowed)
    return render(request, "account/api_tokens.html", {
        "form": form, "new_token": new_token, "tokens": queries.tokens_of(user),
        "lifetime_days": settings.API_TOKEN_DAYS})


@require_POST
@permission(SIGNED_IN)
def revoke_api_token(request, public_id):
    services.revoke_api_token(Actor(user=request.user), public_id)
    messages.success(request, _("The token was revoked."))
    return redirect("accounts:api-tokens")
