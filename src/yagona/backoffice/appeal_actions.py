"""The appeal's page in the back office and its actions: take it or give it to a
colleague, an internal note or a message to the author, a request for more, an extension
(supervisors and heads), a forward to the competent body, a merge into the case it
repeats, and the answer signed with the official's authenticator code. A refused action
comes back on the same page with the error summary and everything typed kept; a step
taken by someone else in the meantime is told in a notice."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yagona.accounts import queries as accounts
from yagona.appeals import services
from yagona.appeals.workflow import TransitionNotAllowed
from yagona.backoffice.appeal_pages import page_context, reach
from yagona.backoffice.correspondence import problems
from yagona.core.display import format_date
from yagona.core.permissions import OFFICIAL, permission

# Each action's fields: what the service calls them -> the form's name (one page holds
# every form, so each field has a name of its own).
FIELDS = {
    "assign": {"assignee": "assignee"},
    "note": {"text": "note_text"},
    "request_info": {"text": "info_text"},
    "extend": {"days": "extend_days", "reason": "extend_reason"},
    "forward": {"agency": "forward_agency", "reason": "forward_reason"},
    "merge": {"into": "merge_into"},
    "answer": {"text": "answer_text", "confirmation": "answer_code"},
}
TYPED = [name for fields in FIELDS.values() for name in fields.values()] + [
    "note_to", "forward_how"]
MAX_TYPED = 10_000


@permission(OFFICIAL)
def appeal(request, uuid):
    found, roles = reach(request.user, uuid)
    if request.method == "POST":
        return _act(request, found, roles)
    return render(request, "backoffice/appeals/appeal.html",
                  page_context(request.user, found, roles))


def _act(request, found, roles):
    user, action = request.user, request.POST.get("action", "")
    if action not in FIELDS:
        return HttpResponseBadRequest()
    values = {name: request.POST.get(name, "")[:MAX_TYPED] for name in TYPED}
    try:
        done, where = _do(user, found, action, values)
    except ValidationError as exc:
        names = FIELDS[action]
        errors = {names.get(field, field if field in TYPED else "status"): message
                  for field, message in problems(exc).items()}
        return render(request, "backoffice/appeals/appeal.html",
                      page_context(user, found, roles, errors, values), status=400)
    except TransitionNotAllowed:
        messages.error(request, _("This step is not possible in the appeal's status."))
        return redirect("backoffice:appeal", found.uuid)
    messages.success(request, done)
    return where


def _do(user, found, action, values):
    """Run one action: (what the reader is told, where they go next)."""
    uuid, here = found.uuid, redirect("backoffice:appeal", found.uuid)
    if action == "assign":
        assignee = None
        if values["assignee"]:
            assignee = accounts.person(values["assignee"])
            if assignee is None:
                raise ValidationError({"assignee": _("Choose an official of this agency.")})
        done = services.assign(user, uuid, assignee)
        if done.assigned_to_id == user.pk:
            return _("The appeal is yours to consider."), here
        return _("The appeal is assigned to %(name)s.") % {
            "name": done.assigned_to.display_name}, here
    if action == "note":
        to_author = values["note_to"] == "author"
        services.note(user, uuid, values["note_text"], to_author=to_author)
        return (_("Your message was sent.") if to_author
                else _("The note is kept for your colleagues.")), here
    if action == "request_info":
        services.request_info(user, uuid, values["info_text"])
        return _("The request was sent to the author; the deadline stands still until "
                 "they answer."), here
    if action == "extend":
        done = services.extend(user, uuid, _int(values["extend_days"]),
                               values["extend_reason"])
        return _("The deadline is extended to %(date)s.") % {
            "date": format_date(done.due_date)}, here
    if action == "forward" and values["forward_how"] == "letter":
        letter = services.forward_as_letter(user, uuid, values["forward_agency"],
                                            values["forward_reason"])
        return _("The covering letter is drafted with the appeal attached: choose who "
                 "approves and signs it."), redirect("backoffice:document-draft",
                                                     letter.agency.code, letter.pk)
    if action == "forward":
        agency = found.agency
        done = services.forward(user, uuid, values["forward_agency"],
                                values["forward_reason"])
        message = _("The appeal was forwarded to %(agency)s.") % {
            "agency": done.agency.display_name}
        if accounts.roles_in(user, done.agency):
            return message, here
        return message, redirect("backoffice:appeals", agency.code)
    if action == "merge":
        done = services.merge(user, uuid, values["merge_into"])
        return _("The appeal is merged into %(number)s.") % {
            "number": done.duplicate_of.number}, here
    services.answer(user, uuid, values["answer_text"], values["answer_code"])
    return _("The answer is signed and sealed; the author can read it now."), here


def _int(value):
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None
