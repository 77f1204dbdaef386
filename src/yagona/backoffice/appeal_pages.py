"""Appeals in the back office (issue 12): an agency's list with its tabs (open, not yet
taken, mine, due soon, overdue, answered), a page at a time; the appeal's page with the
author, the text, the place and photos, the category's answers, the history, messages and
internal notes, and what the reader may do now (its actions: ``appeal_actions``); its
photos.

Who may do what is the appeals room's to decide (``queries.for_official``, the services'
checks): an appeal out of the reader's agencies is a 404 here too."""

from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yagona.accounts import queries as accounts
from yagona.agencies import queries as agencies
from yagona.appeals import deadlines
from yagona.appeals import queries as appeals
from yagona.appeals.official import LEADS
from yagona.appeals.workflow import OFFICIAL, SUPERVISOR, Status, actions_from
from yagona.backoffice import appeal_display as display
from yagona.backoffice.correspondence import agency_for
from yagona.core.permissions import OFFICIAL as OFFICIALS_ONLY
from yagona.core.permissions import permission
from yagona.correspondence import queries as correspondence

TABS = {"open": gettext_lazy("Open"), "unassigned": gettext_lazy("Not taken yet"),
        "mine": gettext_lazy("Mine"), "due_soon": gettext_lazy("Due soon"),
        "overdue": gettext_lazy("Overdue"), "answered": gettext_lazy("Answered")}
COUNTED = ("open", "unassigned", "mine", "due_soon", "overdue")  # the answered pile up
ROWS = 50


def reach(user, uuid):
    """The appeal and the reader's roles in the agency handling it; 404 otherwise."""
    appeal, roles = appeals.for_official(user, uuid)
    if appeal is None:
        raise Http404
    return appeal, roles


@permission(OFFICIALS_ONLY)
def appeal_list(request, code):
    agency, roles = agency_for(request.user, code)
    user = request.user
    tab = request.GET.get("tab", "open")
    if tab not in TABS:
        tab = "open"
    page = Paginator(appeals.handled_by(agency, tab, user), ROWS).get_page(
        request.GET.get("page"))
    rules = appeals.rules()
    reception = rules is not None and rules.reception_id == agency.pk
    today = deadlines.today()
    return render(request, "backoffice/appeals/list.html", {
        "agency": agency, "roles": roles, "tab": tab, "page": page, "today": today,
        "rows": [display.row(appeal, today, rules if reception else None)
                 for appeal in page],
        "reception": reception, "forward_days": display.days(
            rules.forward_days, rules.forward_working_days) if reception else "",
        "tabs": [(name, label, appeals.handled_by(agency, name, user, today).count()
                  if name in COUNTED else None) for name, label in TABS.items()],
    })


def linked(user, other) -> dict | None:
    """Another appeal this one names (the answer complained of, the case it was merged
    into): a link when the reader's agencies handle it, else its number and status."""
    if other is None:
        return None
    return {"appeal": other, "tag": display.TAGS.get(other.status, "blue"),
            "reachable": bool(accounts.roles_in(user, other.agency))}


def page_context(user, appeal, roles, errors=None, values=None) -> dict:
    lead = bool(roles & LEADS)
    actions = set(actions_from(appeal.status, OFFICIAL))
    if lead:
        actions |= set(actions_from(appeal.status, SUPERVISOR))
    handles = appeal.assigned_to_id == user.pk or lead
    writable = appeal.author_id is not None
    rules = appeals.rules()
    forward_by = None
    if rules is not None and appeal.status == Status.RECEIVED:
        forward_by = deadlines.forward_by(rules, appeal.received_on)
    return {
        "appeal": appeal, "roles": roles, "lead": lead, "errors": errors or {},
        "values": values or {}, "tag": display.TAGS.get(appeal.status, "blue"),
        "clock": display.clock(appeal), "author": display.author(appeal),
        "channel": display.channel(appeal), "attributes": display.attributes(appeal),
        "photos": list(appeal.photos.all()), "history": display.history(appeal),
        "notes": list(appeals.messages(appeal, internal=True)),
        "complaint_about": linked(user, appeal.complaint_about),
        "merged_into": linked(user, appeal.duplicate_of),
        "duplicates": list(appeal.duplicates.all()),
        "forward_by": forward_by, "today": deadlines.today(),
        "working": appeal.kind.working_days,
        # What the reader may do now: by the workflow's table and their role.
        "may_take": "assign" in actions and appeal.assigned_to_id != user.pk,
        "may_give": "assign" in actions and lead,
        "colleagues": correspondence.officials(appeal.agency) if lead else [],
        "may_message": writable and not appeal.ended,
        "may_request": "request_info" in actions and handles and writable,
        "may_extend": "extend" in actions and lead,
        "extension_left": deadlines.extension_left(appeal),
        "extension_left_text": display.days(deadlines.extension_left(appeal),
                                            appeal.kind.working_days),
        "extended_text": display.days(appeal.extended_days, appeal.kind.working_days),
        "note_choices": [("internal", _("Colleagues only (an internal note)")),
                         ("author", _("The author (they are told)"))],
        "extension_law_text": display.days(appeal.kind.extension, appeal.kind.working_days),
        "may_forward": "forward" in actions,
        "other_agencies": [(a.code, a.display_name) for a in agencies.active_agencies()
                           .exclude(pk=appeal.agency_id).order_by("code")],
        "may_merge": "merge" in actions,
        "possible_duplicates": appeals.possible_duplicates(appeal)
        if "merge" in actions else [],
        "may_answer": "answer" in actions and handles,
    }


@permission(OFFICIALS_ONLY)
def appeal_photo(request, uuid, photo):
    """A photo of the report, for the officials of the agency handling it."""
    appeal, _roles = reach(request.user, uuid)
    found = appeal.photos.filter(pk=photo).first()
    if found is None:
        raise Http404
    extension = "png" if found.content_type == "image/png" else "jpg"
    return FileResponse(found.file.open("rb"), content_type=found.content_type,
                        filename=f"{appeal.number.replace('/', '-')}-{found.order + 1}"
                                 f".{extension}")
