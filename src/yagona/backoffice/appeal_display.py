"""How an appeal reads in the back office: the time left in the unit its kind's law counts
(days or working days of the pack's calendar), the author as far as the platform knows
them, the category's questions with their answers, the history with every forward."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from yagona.appeals import deadlines
from yagona.appeals import queries as appeals
from yagona.appeals.models import CHANNELS
from yagona.appeals.workflow import ACTION_LABELS, Status
from yagona.core.display import working_days
from yagona.core.text import localized

TAGS = {Status.ANSWERED: "green", Status.INFO_REQUESTED: "orange",
        Status.WITHDRAWN: "grey", Status.MERGED: "grey"}


def days(count: int, working: bool) -> str:
    """"5 days" or "5 working days"."""
    if working:
        return working_days(count)
    return ngettext("%(counter)s day", "%(counter)s days", count) % {"counter": count}


def clock(appeal, today=None) -> dict:
    """What the deadline columns show: the days left (or overdue), whether the clock
    stands still while the author is asked for more."""
    left = deadlines.time_left(appeal, today)
    if left is None:
        return {"left": None, "text": "", "overdue": False, "paused": False}
    return {"left": left, "text": days(abs(left), appeal.kind.working_days),
            "overdue": left < 0, "paused": appeal.days_left_at_pause is not None}


def row(appeal, today, rules=None) -> dict:
    """An appeal as a line of the agency's list; ``rules`` given for the reception, which
    must forward what is not its own within its own days."""
    forward_by = None
    if rules is not None and appeal.status == Status.RECEIVED:
        forward_by = deadlines.forward_by(rules, appeal.received_on)
    return {"appeal": appeal, "tag": TAGS.get(appeal.status, "blue"),
            **{f"clock_{key}": value for key, value in clock(appeal, today).items()},
            "forward_by": forward_by, "forward_late": forward_by is not None
            and forward_by < today}


def author(appeal) -> dict:
    """Who wrote: a person or an organisation the platform knows, an Open311 contact,
    or nobody (an anonymous report)."""
    if appeal.party_id:
        return {"name": appeal.party_name, "id": appeal.party_id,
                "organisation": appeal.party_kind == "organisation",
                "by": appeal.author if appeal.author and
                appeal.author.username != appeal.party_id else None}
    contact = appeal.contact or {}
    name = " ".join(contact.get(k, "") for k in ("first_name", "last_name")).strip()
    rows = [(label, contact[key]) for key, label in (("email", _("E-mail")),
                                                      ("phone", _("Phone")))
            if contact.get(key)]
    return {"name": name, "contact": rows, "anonymous": not name and not rows}


def channel(appeal) -> str:
    return str(CHANNELS.get(appeal.channel, appeal.channel))


def attributes(appeal) -> list[tuple[str, str]]:
    """The category's questions with the answers given, in the reader's language."""
    rows = []
    for attribute in (appeal.category.attributes if appeal.category else []):
        value = appeal.attributes.get(attribute["code"])
        if value in (None, ""):
            continue
        if attribute["type"] == "singlevaluelist":
            value = next((localized(v["name"]) for v in attribute.get("values", [])
                          if v["key"] == value), value)
        rows.append((localized(attribute["name"]), value))
    return rows


def history(appeal) -> list[dict]:
    return [{"step": step, "label": ACTION_LABELS.get(step.action, step.action),
             "status": Status(step.to_status).label if step.to_status in Status.values
             else "", "forward": step.to_agency_id is not None}
            for step in appeals.history(appeal)]
