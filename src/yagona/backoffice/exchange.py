"""The data exchange's central authority in the back office: members with their
subsystems, nodes and certificates; onboarding a node (its registration and
enrolment code); and the nodes' certificate requests to approve or refuse (platform
administrators: the e-government agency runs the authority)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yagona.core import audit
from yagona.core.permissions import PLATFORM_ADMIN, permission
from yagona.exchange import ca, queries, services
from yagona.exchange.models import SigningRequest


@permission(PLATFORM_ADMIN)
def authority(request):
    error, enrolment = "", None
    if request.method == "POST":
        actor = audit.Actor(user=request.user)
        form = request.POST
        try:
            action = form.get("action")
            if action in ("approve", "reject"):
                number = int(form.get("request", ""))
                if action == "approve":
                    services.approve(actor, number)
                    messages.success(request, _("The certificate is issued."))
                else:
                    services.reject(actor, number, form.get("reason", ""))
                    messages.success(request, _("The request is refused."))
            elif action == "member":
                services.register_member(actor, form.get("member_class", ""),
                                         form.get("code", "").strip(),
                                         form.get("name", "").strip())
                messages.success(request, _("The member is registered."))
            elif action == "subsystem":
                services.add_subsystem(actor, _member(form), form.get("code", "").strip(),
                                       form.get("name", "").strip())
                messages.success(request, _("The subsystem is added."))
            elif action in ("node", "enrolment"):
                member = _member(form)
                name = form.get("name", "").strip()
                if action == "node":
                    node = services.add_node(actor, member, name,
                                             form.get("address", "").strip())
                else:
                    node = member.nodes.filter(name=name).first()
                    if node is None:
                        raise Http404
                # Shown on this page, once: never in a redirect, a message or a log.
                enrolment = {"node": node, "code": services.open_enrolment(actor, node)}
            else:
                error = _("Choose what to do.")
        except (ValueError, SigningRequest.DoesNotExist, Http404):
            error = _("This request is no longer waiting.") if action in (
                "approve", "reject") else _("Choose a member or node of this list.")
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            if enrolment is None and not error:
                return redirect("backoffice:exchange")
    root = ca.Authority().root.certificate
    return render(request, "backoffice/exchange.html", {
        "pending": queries.pending_requests(), "members": queries.members(), "error": error,
        "enrolment": enrolment, "classes": ["GOV", "COM", "NGO"],
        "posted": request.POST if error else {},  # a refused form comes back as typed
        "anchor_fingerprint": ca.fingerprint(root), "instance": services.instance(),
    }, status=400 if error else 200)


def _member(form):
    found = queries.member_by_identifier(form.get("member", ""))
    if found is None:
        raise Http404
    return found
