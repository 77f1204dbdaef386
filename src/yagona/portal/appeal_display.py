"""How an appeal reads on the portal's pages, for its author and for whoever follows an
anonymous report with its code: the time left in the unit its kind's law counts, the
history with every forward and extension, what was sent (the category's questions with
their answers)."""

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from yagona.appeals import deadlines
from yagona.appeals import queries as appeals
from yagona.appeals.workflow import ACTION_LABELS, OPEN, Status
from yagona.core.display import working_days

TAGS = {Status.ANSWERED: "green", Status.INFO_REQUESTED: "orange",
        Status.WITHDRAWN: "grey", Status.MERGED: "grey"}


def days(count: int, working: bool) -> str:
    """"5 days" or "5 working days"."""
    if working:
        return working_days(count)
    return ngettext("%(days)s day", "%(days)s days", count) % {"days": count}


def time_left(appeal) -> str:
    """"5 days left", "overdue by 2 working days", "" once the appeal ended."""
    left = deadlines.time_left(appeal)
    if left is None:
        return ""
    if appeal.days_left_at_pause is not None:
        return _("Stopped until you answer: %(left)s left") % {
            "left": days(left, appeal.kind.working_days)}
    if appeal.kind.working_days:
        if left >= 0:
            return ngettext("%(days)s working day left", "%(days)s working days left",
                            left) % {"days": left}
        return ngettext("overdue by %(days)s working day", "overdue by %(days)s working days",
                        -left) % {"days": -left}
    if left >= 0:
        return ngettext("%(days)s day left", "%(days)s days left", left) % {"days": left}
    return ngettext("overdue by %(days)s day", "overdue by %(days)s days", -left) % {
        "days": -left}


def row(appeal) -> dict:
    """An appeal as a line of a list."""
    return {"appeal": appeal, "tag": TAGS.get(appeal.status, "blue"),
            "time_left": time_left(appeal),
            "overdue": (deadlines.time_left(appeal) or 0) < 0}


def history(appeal) -> list[dict]:
    """Every step the author may read, each with what people call it."""
    rows = []
    for step in appeals.history(appeal):
        deadline = step.due_date is not None and step.action not in ("assign", "merge")
        rows.append({"step": step, "label": ACTION_LABELS.get(step.action, step.action),
                     "deadline": deadline, "details": deadline or bool(step.note) or
                     step.action in ("submit", "forward")})
    return rows


def attributes(appeal) -> list[tuple]:
    """The category's questions with the answers given: (question, answer), both content
    (a mapping of languages) where the pack gives names, else the text typed."""
    rows = []
    for attribute in (appeal.category.attributes if appeal.category else []):
        value = appeal.attributes.get(attribute["code"])
        if value in (None, ""):
            continue
        if attribute["type"] == "singlevaluelist":
            value = next((v["name"] for v in attribute.get("values", [])
                          if v["key"] == value), value)
        rows.append((attribute["name"], value))
    return rows


def context(appeal) -> dict:
    """What every page showing one appeal needs."""
    return {"appeal": appeal, "tag": TAGS.get(appeal.status, "blue"),
            "time_left": time_left(appeal), "history": history(appeal),
            "attributes": attributes(appeal), "photos": list(appeal.photos.all()),
            "text_lang": _text_language(appeal),
            # A subject of its own, not the text's first line standing in for one.
            "own_subject": appeal.subject != appeal.text.split("\n")[0][:120],
            "open": appeal.status in OPEN,
            "info_request": _open_request(appeal) if appeal.status == Status.INFO_REQUESTED
            else None}


def _open_request(appeal):
    """The request for more information the author has not answered yet."""
    return appeals.history(appeal).filter(action="request_info").last()


def _text_language(appeal) -> str:
    """The language the author wrote in, when the page is in another: their text (and the
    answer, written for them) is marked with it."""
    active = (translation.get_language() or "").split("-")[0]
    return appeal.language if appeal.language and appeal.language != active else ""
