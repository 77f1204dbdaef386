"""A document's card in the back office: every field of its registration card, its files
(each download audited), links, the route with each decision, the history from the audit
log, the deliveries; and what the reader may do now: approve or refuse with remarks,
sign with their authenticator code, register, send, file into a case. Every opening of
the card is audited (issue 11, point 7). The printable registration card.

Resolutions and control (the heads' and executors' part) are ``correspondence_control``'s:
its section of the card and its actions.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yagona.backoffice import correspondence_control as control_pages
from yagona.backoffice.correspondence import (
    agency_for,
    case_choices,
    journal_choices,
    problems,
)
from yagona.core.permissions import OFFICIAL, permission
from yagona.correspondence import control, delivery, queries, routes, services, workflow
from yagona.correspondence.models import Approval, Delivery, Kind
from yagona.correspondence.workflow import Status, TransitionNotAllowed

# What the history calls the entries that are not workflow steps (those are
# workflow.ACTION_LABELS); an entry of another kind shows its action's name.
ENTRY_LABELS = {
    "document.drafted": gettext_lazy("Draft created"),
    "document.file_added": gettext_lazy("File added"),
    "document.file_removed": gettext_lazy("File removed"),
    "document.route_set": gettext_lazy("Route set"),
    "document.approval_given": gettext_lazy("Approval given"),
    "document.delivery_receipted": gettext_lazy("Delivery receipt received"),
    "document.delivery_refused": gettext_lazy("Refused by the addressee"),
    "document.arrived": gettext_lazy("Arrived over the data exchange"),
    "assignment.completed": gettext_lazy("Task done"),
    "assignment.deadline_extended": gettext_lazy("Deadline extended"),
    "assignment.reminded": gettext_lazy("Executor reminded"),
}
SENDABLE = (Status.REGISTERED, Status.UNDELIVERED)
RECEIPT_TYPE = "application/vnd.etsi.asic-e+zip"


def entry_label(action: str) -> str:
    if action in ENTRY_LABELS:
        return str(ENTRY_LABELS[action])
    step = action.removeprefix("document.")
    return str(workflow.ACTION_LABELS.get(step, action))


def _history(document) -> list[dict]:
    entries = queries.history(document)
    named = queries.people_named([e.actor for e in entries] + [
        e.summary.get("for", "") for e in entries] + control_pages.people_in(entries))
    rows = []
    for entry in entries:
        who = named.get(entry.actor)
        summary = entry.summary or {}
        details = []
        if entry.object_type == "assignment" or entry.action == "document.resolve":
            details = control_pages.entry_details(entry, named)
        elif summary.get("number"):
            details.append(_("Number %(number)s") % {"number": summary["number"]})
        if summary.get("name"):
            details.append(summary["name"])
        if summary.get("case"):
            details.append(_("Case %(case)s") % {"case": summary["case"]})
        if summary.get("to"):
            to = summary["to"]
            details.append(_("To %(to)s") % {"to": ", ".join(to) if isinstance(to, list)
                                               else to})
        if summary.get("their_number"):
            details.append(_("Their number %(number)s") % {"number": summary["their_number"]})
        if summary.get("message"):
            details.append(summary["message"])
        acted_for = named.get(summary.get("for", ""))
        rows.append({"entry": entry, "label": entry_label(entry.action),
                     "who": who.display_name if who else (
                         _("The platform") if entry.actor == "system" else entry.actor),
                     "for": acted_for.display_name if acted_for else "",
                     "remarks": summary.get("remarks", "") or summary.get("reason", ""),
                     "details": details})
    return rows


def _card_context(request, agency, roles, document, errors=None, values=None) -> dict:
    user = request.user
    registrar = bool(roles & services.REGISTRARS)
    steps = workflow.actions_from(document.kind, document.status)
    links = list(document.links.select_related("target"))
    answered_by = list(queries.visible(user).filter(links__target=document).distinct())
    ours = set(queries.visible(user).filter(
        pk__in=[link.target_id for link in links if link.target_id])
        .values_list("pk", flat=True))
    approvals = queries.rounds(document)
    deliveries = list(document.deliveries.select_related("recipient"))
    sent_to = {d.recipient_id for d in deliveries if d.state != Delivery.State.REFUSED}
    may_send = (registrar and document.kind == Kind.OUTGOING and document.signed_uuid
                and document.status in SENDABLE)
    reachable = [a for a in delivery.address_book() if a.pk != agency.pk
                 and a.pk not in sent_to] if may_send else []
    values = values or {}
    if "to" not in values:
        values["to"] = [document.correspondent_agency.code] \
            if document.correspondent_agency_id else []
    return {
        "agency": agency, "document": document, "roles": roles, "registrar": registrar,
        "files": list(document.files.all()), "errors": errors or {}, "values": values,
        "links": [(link, link.target_id in ours) for link in links],
        "answered_by": answered_by,
        "planned": [a for a in approvals if a.round == 0],
        "decisions": [a for a in approvals if a.round > 0],
        "history": _history(document), "deliveries": deliveries,
        "may_edit": document.created_by_id == user.pk and document.status == Status.DRAFT,
        "may_recall": document.created_by_id == user.pk
        and document.status == Status.IN_APPROVAL,
        "pending": queries.pending_approval(user, document),
        "may_sign": document.status == Status.APPROVED and document.signatory_id in
        queries.acting_as(user, agency),
        "may_register": registrar and "register" in steps,
        "register_journals": journal_choices(agency, document.kind),
        "may_send": may_send, "reachable": reachable,
        "may_file": registrar and "file" in steps,
        "cases": case_choices(agency),
        **control_pages.card_context(user, agency, roles, document, values, errors or {}),
    }


@permission(OFFICIAL)
def card(request, code, document):
    agency, roles = agency_for(request.user, code)
    if request.method == "POST":
        return _act(request, agency, roles, document)
    found = queries.opened(request.user, agency, document)
    return render(request, "backoffice/correspondence/card.html",
                  _card_context(request, agency, roles, found))


def _act(request, agency, roles, document_id):
    """One action of the card; a refused one comes back with what was typed."""
    user, post = request.user, request.POST
    document = queries.in_agency(user, agency, document_id)  # another agency's: 404
    action = post.get("action", "")
    values = {"remarks": post.get("remarks", "")[:5000], "journal": post.get("journal", ""),
              "case": post.get("case", ""), "to": post.getlist("to"),
              **control_pages.posted(post)}
    try:
        if action in control_pages.ACTIONS:
            done = control_pages.act(user, agency, document, action, values)
        elif action in ("approve", "refuse"):
            routes.decide(user, document_id, action == "approve", values["remarks"])
            done = _("Your approval is recorded.") if action == "approve" else \
                _("The document went back to its author with your remarks.")
        elif action == "sign":
            routes.sign(user, document_id, post.get("confirmation", ""))
            done = _("The document is signed and sealed.")
        elif action == "register":
            document = services.register(user, document_id, case_index=values["case"],
                                         journal_code=values["journal"])
            done = _("Registered as %(number)s.") % {"number": document.number}
        elif action == "send":
            book = {a.code: a for a in delivery.address_book()}
            to = [book[c] for c in values["to"] if c in book]
            if len(to) != len(values["to"]):
                raise ValidationError({"to": _("An addressee cannot be reached over the "
                                               "exchange.")})
            delivery.send(user, document_id, to)
            done = _("The document is on its way; the receipts will show here.")
        elif action == "file":
            services.file_document(user, document_id, values["case"])
            done = _("The document is filed.")
        elif action == "recall":
            routes.recall(user, document_id)
            done = _("The document is back in your drafts.")
        else:
            return HttpResponseBadRequest()
    except ValidationError as exc:
        errors = problems(exc)
        found = queries.opened(user, agency, document_id)
        return render(request, "backoffice/correspondence/card.html",
                      _card_context(request, agency, roles, found, errors, values),
                      status=400)
    except PermissionError as exc:
        messages.error(request, str(exc))
    except TransitionNotAllowed:
        messages.error(request, _("This step is not possible in the document's status."))
    else:
        messages.success(request, done)
    return redirect("backoffice:document", agency.code, document_id)


@permission(OFFICIAL)
def document_file(request, code, document, file_id):
    agency, _roles = agency_for(request.user, code)
    row = queries.opened_file(request.user, agency, document, file_id)
    return FileResponse(row.file.open("rb"), as_attachment=True, filename=row.name,
                        content_type=row.media_type)


@permission(OFFICIAL)
def receipt(request, code, document, delivery_id):
    agency, _roles = agency_for(request.user, code)
    row = queries.opened_receipt(request.user, agency, document, delivery_id)
    return FileResponse(row.receipt.open("rb"), as_attachment=True,
                        filename=f"receipt-{row.consignment}.asice", content_type=RECEIPT_TYPE)


@permission(OFFICIAL)
def card_print(request, code, document):
    """The registration card to print (its opening audited like the card's)."""
    agency, _roles = agency_for(request.user, code)
    found = queries.opened(request.user, agency, document, print=True)
    approvals = [a for a in queries.rounds(found) if a.round > 0]
    last = approvals[0].round if approvals else None  # newest round first
    return render(request, "backoffice/correspondence/print.html", {
        "agency": agency, "document": found,
        "links": list(found.links.select_related("target")),
        "resolutions": control.resolutions_of(found),
        "decisions": [a for a in approvals if a.round == last
                      and a.decision in (Approval.Decision.APPROVED,
                                         Approval.Decision.REFUSED)],
        "verify_url": request.build_absolute_uri(
            reverse("portal:verify-document", args=[found.signed_uuid]))
        if found.signed_uuid else "",
    })
