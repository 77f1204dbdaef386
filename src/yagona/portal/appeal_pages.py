"""The author's appeals in the personal account: the list with the time left, one appeal
with what was sent, its whole history (every forward, extension and request), the
messages, the answer with its signed document, the rating, withdrawing, and a complaint
about the answer to the superior body. Another person's appeal is a 404
(appeals.queries.of_author decides)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yagona.appeals import queries as appeals
from yagona.appeals import services
from yagona.appeals.workflow import OPEN, Status, TransitionNotAllowed
from yagona.core.permissions import SIGNED_IN, permission
from yagona.portal import appeal_display as display
from yagona.portal.appeal_views import _sent, answer_response, photo_response

YES_NO = {"yes": True, "no": False}
FIELD = {"provide_info": "answer", "write": "message", "rate": "useful"}  # of each form


def _own(request, uuid):
    appeal = appeals.of_author(request.user, uuid)
    if appeal is None:
        raise Http404
    return appeal


@permission(SIGNED_IN)
def appeal_list(request):
    """My appeals, newest first, a page at a time."""
    page = Paginator(appeals.authored(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "portal/appeal_list.html", {
        "page": page, "rows": [display.row(appeal) for appeal in page.object_list]})


@permission(SIGNED_IN)
def sent(request, uuid):
    appeal = _own(request, uuid)
    return render(request, "portal/appeal_sent.html", {"appeal": appeal, **_sent(appeal)})


@permission(SIGNED_IN)
def detail(request, uuid):
    """One appeal of the author's; its forms post here (action=...)."""
    appeal = _own(request, uuid)
    errors, values = {}, {}
    if request.method == "POST":
        action = request.POST.get("action")
        values = {name: request.POST.get(name, "") for name in (
            "answer", "message", "useful", "on_time")}
        try:
            if action == "provide_info":
                services.provide_info(request.user, uuid, values["answer"])
                messages.success(request, _("Your answer was sent to the agency."))
            elif action == "write":
                services.write(request.user, uuid, values["message"])
                messages.success(request, _("Your message was sent."))
            elif action == "rate":
                _rate(request, uuid, values)
                messages.success(request, _("Thank you for rating the answer."))
            else:
                return HttpResponseBadRequest()
        except ValidationError as exc:
            errors = _errors(exc, action)
        except TransitionNotAllowed:
            errors = {FIELD[action]: _("This can no longer be done: the appeal has moved on.")}
        else:
            return redirect("portal:appeal", appeal.uuid)
        appeal = _own(request, uuid)
    return render(request, "portal/appeal_detail.html", {
        **display.context(appeal), "errors": errors, "values": values,
        "messages_list": appeals.messages(appeal),
        "complaint_about": _reachable(request.user, appeal.complaint_about),
        "complaints": [c for c in (appeals.of_author(request.user, found.uuid)
                                   for found in appeal.complaints.all()) if c],
        "can_rate": appeal.status == Status.ANSWERED and appeal.rated_at is None,
        "can_complain": appeal.status == Status.ANSWERED,
    }, status=400 if errors else 200)


def _rate(request, uuid, values):
    useful, on_time = YES_NO.get(values["useful"]), YES_NO.get(values["on_time"])
    missing = {}
    if useful is None:
        missing["useful"] = _("Say whether the answer was useful.")
    if on_time is None:
        missing["on_time"] = _("Say whether the answer came on time.")
    if missing:
        raise ValidationError(missing)
    services.rate(request.user, uuid, useful=useful, on_time=on_time)


def _errors(exc: ValidationError, action: str) -> dict:
    """Each message beside the field of the form that was sent."""
    field = FIELD[action]
    found = {name: items[0] for name, items in exc.message_dict.items()} \
        if hasattr(exc, "error_dict") else {field: exc.messages[0]}
    if "text" in found:
        found[field] = found.pop("text")
    if "rating" in found:
        found["useful"] = found.pop("rating")
    return found


def _reachable(user, appeal):
    return appeals.of_author(user, appeal.uuid) if appeal is not None else None


@permission(SIGNED_IN)
def withdraw(request, uuid):
    """Withdraw, after a confirmation: the agency stops considering the appeal."""
    appeal = _own(request, uuid)
    if appeal.status not in OPEN:
        return redirect("portal:appeal", appeal.uuid)
    if request.method == "POST":
        try:
            services.withdraw(request.user, uuid)
        except TransitionNotAllowed:
            pass  # answered or merged meanwhile: its page tells
        else:
            messages.success(request, _("Your appeal is withdrawn."))
        return redirect("portal:appeal", appeal.uuid)
    return render(request, "portal/appeal_withdraw.html", {"appeal": appeal})


@permission(SIGNED_IN)
def complain(request, uuid):
    """A complaint about the answer: a new appeal to the superior body, linked."""
    appeal = _own(request, uuid)
    if appeal.status != Status.ANSWERED:
        return redirect("portal:appeal", appeal.uuid)
    errors, text = {}, ""
    if request.method == "POST":
        text = request.POST.get("text", "")
        try:
            complaint = services.complain(request.user, uuid, text)
        except ValidationError as exc:
            errors = {name: items[0] for name, items in exc.message_dict.items()}
        else:
            messages.success(request, _("Your complaint is sent as appeal %(number)s.") % {
                "number": complaint.number})
            return redirect("portal:appeal", complaint.uuid)
    return render(request, "portal/appeal_complain.html", {
        "appeal": appeal, "errors": errors, "text": text,
        "superior": appeals.superior_of(appeal.agency),
    }, status=400 if errors else 200)


@permission(SIGNED_IN)
def photo(request, uuid, photo):
    return photo_response(_own(request, uuid), photo)


@permission(SIGNED_IN)
def answer(request, uuid):
    return answer_response(_own(request, uuid))
