"""The one table of allowed status transitions of a document in an agency's flow.

An outgoing or internal document is drafted, goes round its approval route, is signed,
registered in its journal, and (outgoing) sent over the exchange until the addressee's
signed receipt says delivered. An incoming document is registered on arrival, the head's
resolution puts it in work, and it is done (answered or completed) and filed. Who may
take each step (the document's author, an approver, the clerk, the head, an executor) is
the service's check; the table says only which step follows which.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_APPROVAL = "in_approval", _("In approval")
    APPROVED = "approved", _("Approved")
    SIGNED = "signed", _("Signed")
    REGISTERED = "registered", _("Registered")
    SENDING = "sending", _("Waiting for delivery")
    DELIVERED = "delivered", _("Delivered")
    UNDELIVERED = "undelivered", _("Not delivered")
    IN_WORK = "in_work", _("In work")
    DONE = "done", _("Done")
    FILED = "filed", _("Filed")


# (status, action) -> new status
TRANSITIONS: dict[tuple[str, str], str] = {
    (Status.DRAFT, "send_for_approval"): Status.IN_APPROVAL,
    (Status.DRAFT, "approve_without_route"): Status.APPROVED,
    (Status.IN_APPROVAL, "approve"): Status.APPROVED,  # the route's last approval
    (Status.IN_APPROVAL, "refuse"): Status.DRAFT,  # with remarks, back to the author
    (Status.IN_APPROVAL, "recall"): Status.DRAFT,
    (Status.APPROVED, "sign"): Status.SIGNED,
    (Status.SIGNED, "register"): Status.REGISTERED,
    (Status.DRAFT, "register_received"): Status.REGISTERED,  # incoming, on arrival
    (Status.REGISTERED, "send"): Status.SENDING,
    (Status.SENDING, "deliver"): Status.DELIVERED,  # every addressee's receipt is back
    (Status.SENDING, "fail_delivery"): Status.UNDELIVERED,  # an addressee refused it
    (Status.UNDELIVERED, "send"): Status.SENDING,  # to another addressee, or corrected
    (Status.REGISTERED, "resolve"): Status.IN_WORK,
    (Status.IN_WORK, "resolve"): Status.IN_WORK,  # a further resolution
    (Status.IN_WORK, "complete"): Status.DONE,
    (Status.REGISTERED, "complete"): Status.DONE,  # for information, nothing to do
    (Status.DELIVERED, "file"): Status.FILED,
    (Status.UNDELIVERED, "file"): Status.FILED,
    (Status.DONE, "file"): Status.FILED,
}

ACTION_LABELS = {
    "send_for_approval": _("Sent for approval"),
    "approve_without_route": _("Approved without a route"),
    "approve": _("Approved"),
    "refuse": _("Refused with remarks"),
    "recall": _("Recalled by the author"),
    "sign": _("Signed"),
    "register": _("Registered"),
    "register_received": _("Received and registered"),
    "send": _("Sent"),
    "deliver": _("Delivered"),
    "fail_delivery": _("Not delivered"),
    "resolve": _("Resolution written"),
    "complete": _("Done"),
    "file": _("Filed in a case"),
}

# Which steps each kind of document takes (an internal document is not sent; an
# incoming one is never drafted here).
KIND_ACTIONS = {
    "outgoing": set(ACTION_LABELS) - {"register_received", "resolve", "complete"},
    "internal": set(ACTION_LABELS) - {"register_received", "send", "deliver",
                                      "fail_delivery"},
    "incoming": {"register_received", "resolve", "complete", "file"},
}
OPEN = frozenset({Status.REGISTERED, Status.IN_WORK})


class TransitionNotAllowed(Exception):
    def __init__(self, status: str, action: str):
        super().__init__(f"'{action}' is not allowed when the document is '{status}'")
        self.status, self.action = status, action


def next_status(kind: str, status: str, action: str) -> str:
    allowed = TRANSITIONS.get((status, action))
    if allowed is None or action not in KIND_ACTIONS[kind]:
        raise TransitionNotAllowed(status, action)
    return allowed


def actions_from(kind: str, status: str) -> list[str]:
    return [action for (source, action) in TRANSITIONS
            if source == status and action in KIND_ACTIONS[kind]]
