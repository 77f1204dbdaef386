"""The data exchange's central authority in the back office: members with their
subsystems, nodes and certificates, and the nodes' certificate requests to approve or
refuse (platform administrators: the e-government agency runs the authority)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yagona.core import audit
from yagona.core.permissions import PLATFORM_ADMIN, permission
from yagona.exchange import queries, services
from yagona.exchange.models import SigningRequest


@permission(PLATFORM_ADMIN)
def authority(request):
    error = ""
    if request.method == "POST":
        actor = audit.Actor(user=request.user)
        try:
            number = int(request.POST.get("request", ""))
            if request.POST.get("action") == "approve":
                services.approve(actor, number)
                messages.success(request, _("The certificate is issued."))
            else:
                services.reject(actor, number, request.POST.get("reason", ""))
                messages.success(request, _("The request is refused."))
        except (ValueError, SigningRequest.DoesNotExist):
            error = _("This request is no longer waiting.")
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            return redirect("backoffice:exchange")
    return render(request, "backoffice/exchange.html", {
        "pending": queries.pending_requests(), "members": queries.members(), "error": error,
    }, status=400 if error else 200)
