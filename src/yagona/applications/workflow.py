"""The one table of allowed status transitions of an application."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    INFO_REQUESTED = "info_requested", _("More information requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


APPLICANT = "applicant"
OFFICIAL = "official"

# (status, action) -> (new status, who may do it)
TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    (Status.DRAFT, "submit"): (Status.SUBMITTED, APPLICANT),
    (Status.SUBMITTED, "assign"): (Status.IN_REVIEW, OFFICIAL),
    (Status.IN_REVIEW, "assign"): (Status.IN_REVIEW, OFFICIAL),
    (Status.INFO_REQUESTED, "assign"): (Status.INFO_REQUESTED, OFFICIAL),
    (Status.IN_REVIEW, "request_info"): (Status.INFO_REQUESTED, OFFICIAL),
    (Status.INFO_REQUESTED, "answer"): (Status.IN_REVIEW, APPLICANT),
    (Status.IN_REVIEW, "approve"): (Status.APPROVED, OFFICIAL),
    (Status.IN_REVIEW, "reject"): (Status.REJECTED, OFFICIAL),
    (Status.SUBMITTED, "withdraw"): (Status.WITHDRAWN, APPLICANT),
    (Status.IN_REVIEW, "withdraw"): (Status.WITHDRAWN, APPLICANT),
    (Status.INFO_REQUESTED, "withdraw"): (Status.WITHDRAWN, APPLICANT),
}

# What each action of the table is called where people read an application's history.
ACTION_LABELS = {
    "submit": _("Sent to the agency"),
    "assign": _("Taken into review"),
    "request_info": _("More information requested"),
    "answer": _("The applicant answered"),
    "approve": _("Approved"),
    "reject": _("Rejected"),
    "withdraw": _("Withdrawn by the applicant"),
}
# Who took a step, besides the officials' roles (accounts.Role).
ACTOR_LABELS = {"applicant": _("Applicant"), "representative": _("Representative")}

ENDED = frozenset({Status.APPROVED, Status.REJECTED, Status.WITHDRAWN})
OPEN_IN_AGENCY = frozenset({Status.SUBMITTED, Status.IN_REVIEW, Status.INFO_REQUESTED})


class TransitionNotAllowed(Exception):
    def __init__(self, status: str, action: str):
        super().__init__(f"'{action}' is not allowed when the application is '{status}'")
        self.status, self.action = status, action


def next_status(status: str, action: str, side: str) -> str:
    allowed = TRANSITIONS.get((status, action))
    if allowed is None or allowed[1] != side:
        raise TransitionNotAllowed(status, action)
    return allowed[0]


def actions_from(status: str, side: str) -> list[str]:
    return [action for (source, action), (_, who) in TRANSITIONS.items()
            if source == status and who == side]
