"""The author's page of a draft: its text (a PDF) and attachments, the route (stages of
approvers, each stage deciding in parallel, and the signatory), and sending it for
approval. A refused input comes back as typed, the problem beside its field."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yagona.backoffice.correspondence import agency_for, number_from, problems
from yagona.core.permissions import OFFICIAL, permission
from yagona.correspondence import queries, routes, services
from yagona.correspondence.models import DocumentFile
from yagona.correspondence.workflow import Status

MIN_STAGES = 3  # stages shown on the form; one more than those filled, up to MAX_STAGES
ATTACHMENT_ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


def _route_values(document) -> dict:
    stages: dict[int, list[str]] = {}
    for approval in document.approvals.filter(round=0).select_related("approver"):
        stages.setdefault(approval.stage, []).append(approval.approver.username)
    return {"stages": [stages[n] for n in sorted(stages)],
            "signatory": document.signatory.username if document.signatory_id else ""}


def _posted_route(post, people: dict) -> tuple[dict, list[list], object, dict]:
    values = {"stages": [post.getlist(f"stage-{n}")[:routes.MAX_APPROVERS]
                         for n in range(1, routes.MAX_STAGES + 1)],
              "signatory": post.get("signatory", "")}
    errors = {}
    if any(name not in people for stage in values["stages"] for name in stage):
        errors["route"] = _("Every approver must be an official of the agency.")
    stages = [[people[name] for name in stage if name in people]
              for stage in values["stages"]]
    while values["stages"] and not values["stages"][-1]:
        values["stages"].pop()
    return values, stages, people.get(values["signatory"]), errors


@permission(OFFICIAL)
def draft(request, code, document):
    agency, _roles = agency_for(request.user, code)
    user = request.user
    found = queries.in_agency(user, agency, document)
    if found.created_by_id != user.pk or found.status != Status.DRAFT:
        return redirect("backoffice:document", agency.code, found.pk)
    people = {u.username: u for u in queries.officials(agency)}
    values, errors = _route_values(found), {}
    if request.method == "POST":
        action, done = request.POST.get("action", ""), ""
        try:
            if action == "attach":
                values["role"] = request.POST.get("role", "")
                upload = request.FILES.get("file")
                if upload is None:
                    raise ValidationError({"file": _("Choose a file to add.")})
                row = services.attach(user, found.pk, values["role"], upload)
                done = _("%(name)s is added.") % {"name": row.name}
            elif action == "remove":
                services.remove_file(user, found.pk, number_from(request.POST.get("file")))
                done = _("The file is removed.")
            elif action in ("route", "send"):
                values, stages, signatory, errors = _posted_route(request.POST, people)
                if errors:  # named with the signatory's problem, if any, at once
                    if signatory is None or not queries.officials(
                            agency, routes.SIGNERS).filter(pk=signatory.pk).exists():
                        errors["signatory"] = _("The signatory must be a head of the agency.")
                    raise ValidationError(errors)
                routes.set_route(user, found.pk, stages, signatory)
                done = _("The route is saved.")
                if action == "send":
                    sent = routes.send_for_approval(user, found.pk)
                    messages.success(request, _("The document is sent for approval.")
                                     if sent.status == Status.IN_APPROVAL else
                                     _("Without approvers, the document went straight to "
                                       "its signatory."))
                    return redirect("backoffice:document", agency.code, found.pk)
            else:
                return HttpResponseBadRequest()
        except ValidationError as exc:
            errors = problems(exc)
        except PermissionError as exc:
            messages.error(request, str(exc))
            return redirect("backoffice:document", agency.code, found.pk)
        else:
            messages.success(request, done)
            return redirect("backoffice:document-draft", agency.code, found.pk)
    else:
        queries.opened(user, agency, found.pk)  # the opening is audited like the card's
    shown = min(routes.MAX_STAGES, max(MIN_STAGES, len(values["stages"]) + 1))
    stages = values["stages"] + [[] for _n in range(shown - len(values["stages"]))]
    return render(request, "backoffice/correspondence/draft.html", {
        "agency": agency, "document": found, "files": list(found.files.all()),
        "values": values, "errors": errors, "people": list(people.values()),
        "stages": [(n, chosen) for n, chosen in enumerate(stages, start=1)],
        "signers": [(u.username, u.display_name)
                    for u in queries.officials(agency, routes.SIGNERS)],
        "roles": DocumentFile.Role.choices[:2], "accept": ATTACHMENT_ACCEPT,
        "max_mb": services.MAX_FILE_BYTES // (1024 * 1024),
    }, status=400 if errors else 200)
