from django.shortcuts import render

from yagona.core.permissions import SIGNED_IN, permission


@permission(SIGNED_IN)
def second_factor_required(request):
    """Officials must sign in with a second factor before the back office opens."""
    from allauth.mfa.models import Authenticator

    has_totp = Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP) \
        .exists()
    return render(request, "account/second_factor_required.html", {"has_totp": has_totp})
