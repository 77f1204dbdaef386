"""Texts of notifications, chosen by event and rendered in the reader's language."""

from django.utils.translation import gettext as _

from yagona.applications.workflow import Status
from yagona.core.text import localized


def title(item) -> str:
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
