"""The one table of allowed status transitions of an appeal (like an application's).

An appeal is sent to a named agency, or to the platform's reception when its author does
not know which body is competent; reception (or any agency that finds it is not theirs)
forwards it, and the author sees every forward. Asking the author for more pauses the
clock; a supervisor may extend the deadline once the law allows it; the answer is signed
and ends the case. A duplicate is merged into the case it repeats and ends with it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_REVIEW = "in_review", _("Being considered")
    INFO_REQUESTED = "info_requested", _("More information requested")
    ANSWERED = "answered", _("Answered")
    MERGED = "merged", _("Merged with an earlier appeal")
    WITHDRAWN = "withdrawn", _("Withdrawn")


AUTHOR = "author"
OFFICIAL = "official"
SUPERVISOR = "supervisor"

# (status, action) -> (new status, who may do it)
TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("", "submit"): (Status.RECEIVED, AUTHOR),  # a new appeal
    (Status.RECEIVED, "forward"): (Status.RECEIVED, OFFICIAL),
    (Status.IN_REVIEW, "forward"): (Status.RECEIVED, OFFICIAL),
    (Status.RECEIVED, "assign"): (Status.IN_REVIEW, OFFICIAL),
    (Status.IN_REVIEW, "assign"): (Status.IN_REVIEW, OFFICIAL),
    (Status.INFO_REQUESTED, "assign"): (Status.INFO_REQUESTED, OFFICIAL),
    (Status.IN_REVIEW, "request_info"): (Status.INFO_REQUESTED, OFFICIAL),
    (Status.INFO_REQUESTED, "provide_info"): (Status.IN_REVIEW, AUTHOR),
    (Status.IN_REVIEW, "extend"): (Status.IN_REVIEW, SUPERVISOR),
    (Status.INFO_REQUESTED, "extend"): (Status.INFO_REQUESTED, SUPERVISOR),
    (Status.IN_REVIEW, "answer"): (Status.ANSWERED, OFFICIAL),
    (Status.RECEIVED, "merge"): (Status.MERGED, OFFICIAL),
    (Status.IN_REVIEW, "merge"): (Status.MERGED, OFFICIAL),
    (Status.INFO_REQUESTED, "merge"): (Status.MERGED, OFFICIAL),
    (Status.RECEIVED, "withdraw"): (Status.WITHDRAWN, AUTHOR),
    (Status.IN_REVIEW, "withdraw"): (Status.WITHDRAWN, AUTHOR),
    (Status.INFO_REQUESTED, "withdraw"): (Status.WITHDRAWN, AUTHOR),
}

# What each step is called where people read an appeal's history.
ACTION_LABELS = {
    "submit": _("Sent"),
    "forward": _("Forwarded to the competent body"),
    "assign": _("Taken into consideration"),
    "request_info": _("More information requested"),
    "provide_info": _("The author answered"),
    "extend": _("Deadline extended"),
    "answer": _("Answered"),
    "merge": _("Merged with an earlier appeal"),
    "withdraw": _("Withdrawn by the author"),
}

ENDED = frozenset({Status.ANSWERED, Status.MERGED, Status.WITHDRAWN})
OPEN = frozenset({Status.RECEIVED, Status.IN_REVIEW, Status.INFO_REQUESTED})


class TransitionNotAllowed(Exception):
    def __init__(self, status: str, action: str):
        super().__init__(f"'{action}' is not allowed when the appeal is '{status}'")
        self.status, self.action = status, action


def next_status(status: str, action: str, side: str) -> str:
    allowed = TRANSITIONS.get((status, action))
    if allowed is None or allowed[1] != side:
        raise TransitionNotAllowed(status, action)
    return allowed[0]


def actions_from(status: str, side: str) -> list[str]:
    return [action for (source, action), (_, who) in TRANSITIONS.items()
            if source == status and who == side]
