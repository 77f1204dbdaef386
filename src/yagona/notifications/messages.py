"""Texts of notifications, chosen by event and rendered in the reader's language."""

from django.utils.translation import gettext as _

from yagona.applications.workflow import Status
from yagona.core.display import format_date
from yagona.core.text import localized

# Notices about tasks of the document flow (correspondence.control.notice_params).
DEADLINE_EVENTS = {"document_assigned", "assignment_due_soon", "assignment_due_today",
                   "deadline_extended"}
# ... and about a document's way: its route, signature and delivery (route_notice_params).
ROUTE_EVENTS = {"approval_requested", "signature_requested", "route_approved",
                "route_refused", "delivery_failed"}
DOCUMENT_EVENTS = DEADLINE_EVENTS | ROUTE_EVENTS | {"assignment_overdue",
                                                   "coexecutor_reported", "document_done"}


def title(item) -> str:
    if item.event in DOCUMENT_EVENTS:
        return _document_title(item)
    if item.event.startswith("appeal_"):
        return _appeal_title(item)
    if item.event == "correction_answered":
        return (_("Your record in the %(registry)s is corrected")
                if item.params.get("status") == "corrected" else
                _("Your record in the %(registry)s is not corrected")) % {
            "registry": localized(item.params.get("registry", ""))}
    if item.event == "data_read":
        return _("%(agency)s read your data") % {"agency": localized(item.params.get("agency"))}
    number = item.params.get("number", "")
    service = item.params.get("service", "")
    texts = {
        "submit": _("Application %(number)s received"),
        "assign": _("Application %(number)s is being reviewed"),
        "request_info": _("More information needed for application %(number)s"),
        "answer": _("Your answer to application %(number)s was sent"),
        "approve": _("Application %(number)s approved"),
        "reject": _("Application %(number)s rejected"),
        "withdraw": _("Application %(number)s withdrawn"),
        "message": _("New message about application %(number)s"),
    }
    return texts.get(item.event, _("Application %(number)s updated")) % {
        "number": number, "service": service}


def body(item) -> str:
    if item.event in DOCUMENT_EVENTS:
        return _document_body(item)
    if item.event.startswith("appeal_"):
        return _appeal_body(item)
    if item.event == "correction_answered":
        return item.params.get("note", "")
    if item.event == "data_read":
        return _("%(agency)s read your record in the %(registry)s, not for an application of "
                 "yours. Your account shows who used your data, when and for what.") % {
            "agency": localized(item.params.get("agency")),
            "registry": localized(item.params.get("registry"))}
    status = item.params.get("status")
    label = Status(status).label if status in Status.values else ""
    text = _("Status: %(status)s.") % {"status": label} if label else ""
    if item.params.get("note"):
        text += " " + item.params["note"]
    return text.strip()


def _document_title(item) -> str:
    params = item.params
    values = {"number": params.get("number", ""), "executor": params.get("executor", ""),
              "deadline": format_date(params.get("deadline", ""))}
    if item.event == "document_assigned":
        text = (_("You are the responsible executor of document %(number)s")
                if params.get("responsible") else
                _("You are a co-executor of document %(number)s"))
    else:
        text = {
            "assignment_due_soon": _("Document %(number)s is due on %(deadline)s"),
            "assignment_due_today": _("Document %(number)s is due today"),
            "assignment_overdue": _("Document %(number)s is overdue"),
            "deadline_extended": _("New deadline for document %(number)s: %(deadline)s"),
            "coexecutor_reported": _("%(executor)s reported on document %(number)s"),
            "document_done": _("Document %(number)s is done"),
            "approval_requested": _("A document waits for your approval"),
            "signature_requested": _("A document waits for your signature"),
            "route_approved": _("Your document was approved"),
            "route_refused": _("Your document was returned with remarks"),
            "delivery_failed": _("Document %(number)s was not delivered"),
        }[item.event]
    return text % values


def _document_body(item) -> str:
    params = item.params
    deadline = format_date(params.get("deadline", ""))
    lines = [_("Subject: %(subject)s") % {"subject": params["subject"]}
             if params.get("subject") else ""]
    if item.event == "assignment_overdue":
        lines.append(_("The deadline was %(deadline)s.") % {"deadline": deadline})
    elif item.event in DEADLINE_EVENTS:
        lines.append(_("Deadline: %(deadline)s.") % {"deadline": deadline})
    if params.get("remarks"):
        lines.append(_("Remarks: %(remarks)s") % {"remarks": params["remarks"]})
    if item.event == "document_assigned" and not params.get("responsible") and \
            params.get("responsible_name"):
        lines.append(_("Report to the responsible executor, %(name)s.") % {
            "name": params["responsible_name"]})
    return "\n".join(line for line in lines if line)


# Notices to the author of an appeal (handlers.appeal_*): the agency's name in the
# reader's language, the reason or question as the official wrote it.

def _appeal_title(item) -> str:
    params = item.params
    values = {"number": params.get("number", ""), "into": params.get("into", ""),
              "agency": localized(params.get("agency", ""))}
    return {
        "appeal_forward": _("Your appeal %(number)s was sent on to %(agency)s"),
        "appeal_request_info": _("More information needed for your appeal %(number)s"),
        "appeal_extend": _("More time to answer your appeal %(number)s"),
        "appeal_answer": _("Your appeal %(number)s is answered"),
        "appeal_answer_shared": _("Your appeal %(number)s is answered"),
        "appeal_merge": _("Your appeal %(number)s is considered with appeal %(into)s"),
        "appeal_message": _("New message about your appeal %(number)s"),
    }.get(item.event, _("Your appeal %(number)s")) % values


def _appeal_body(item) -> str:
    params, event = item.params, item.event
    agency, note = localized(params.get("agency", "")), params.get("note", "")
    deadline = format_date(params.get("deadline", "")) if params.get("deadline") else ""
    lines = []
    if event in ("appeal_forward", "appeal_extend") and note:
        lines.append(_("Reason: %(reason)s") % {"reason": note})
    if event == "appeal_forward" and deadline:
        lines.append(_("%(agency)s answers by %(deadline)s.") % {"agency": agency,
                                                                 "deadline": deadline})
    elif event == "appeal_extend" and deadline:
        lines.append(_("New deadline: %(deadline)s.") % {"deadline": deadline})
    elif event == "appeal_request_info":
        lines += [note, _("The time to answer stands still until you reply on the "
                          "appeal's page.")]
    elif event in ("appeal_answer", "appeal_answer_shared"):
        lines.append(_("%(agency)s answered. The signed answer is on the appeal's page.")
                     % {"agency": agency})
    elif event == "appeal_merge":
        lines.append(_("It repeats appeal %(into)s, which %(agency)s considers: you receive "
                       "the same answer.") % {"into": params.get("into", ""),
                                             "agency": agency})
    elif event == "appeal_message":
        lines.append(_("%(agency)s wrote to you. Read it and reply on the appeal's page.")
                     % {"agency": agency})
    return "\n".join(line for line in lines if line)
