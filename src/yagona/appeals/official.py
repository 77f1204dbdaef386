"""The officials' commands on an appeal their agency handles: forward it to the competent
body (the author sees every forward), take or give it, write an internal note or a
message to the author, ask the author for more (the clock stops), extend the deadline
(supervisors, with a reason the author reads), merge a duplicate into the case it
repeats, and answer: the answer is rendered on the agency's letterhead, signed (the
official's signature with their authenticator code, and the agency seal) and delivered
to the author's inbox and wallet."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from yagona.accounts import queries as accounts
from yagona.accounts import services as account_services
from yagona.accounts.models import Role
from yagona.agencies.models import Agency
from yagona.appeals import answers, deadlines, figures, queries
from yagona.appeals.models import Appeal, Note
from yagona.appeals.steps import lock, official_actor, step
from yagona.appeals.workflow import OFFICIAL, OPEN, SUPERVISOR, Status
from yagona.core import audit, events

LEADS = {Role.SUPERVISOR, Role.HEAD, Role.AGENCY_ADMIN}
MAX_TEXT = 10_000


def _official(user, uuid) -> tuple[Appeal, set[str]]:
    appeal, roles = queries.for_official(user, uuid)
    if appeal is None:
        raise Http404
    return appeal, roles


def _text(text: str, field: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: message})
    return text[:MAX_TEXT]


def forward(user, uuid, agency_code: str, reason: str) -> Appeal:
    """Send the appeal on to the competent body; it is received there today, with the
    kind's full deadline from today, and the author is told where and why."""
    appeal, _roles = _official(user, uuid)
    reason = _text(reason, "reason", _("Say why the appeal goes to that body."))
    to = Agency.objects.filter(code=agency_code, active=True).exclude(
        pk=appeal.agency_id).first()
    if to is None:
        raise ValidationError({"agency": _("Choose the body the appeal belongs to.")})
    with transaction.atomic():
        appeal = lock(appeal)
        move(official_actor(user, appeal), appeal, to, reason)
    return appeal


def move(actor, appeal, to, note: str, **summary) -> None:
    """Inside the caller's transaction, ``appeal`` locked: the appeal is received by
    ``to`` today, with the kind's full deadline from today; the author sees the step."""
    today = deadlines.today()
    forwarded_from = appeal.agency
    on_time = today <= deadlines.forward_by(queries.rules(), appeal.received_on)
    appeal.received_on, appeal.assigned_to = today, None
    appeal.due_date = deadlines.due_date(appeal.kind, today)
    appeal.days_left_at_pause, appeal.extended_days = None, 0
    step(actor, appeal, "forward", OFFICIAL, note=note, to_agency=to, to=to.code,
         within_forward_days=on_time, **summary)
    figures.count(forwarded_from.pk, today, forwarded=1)
    figures.count(to.pk, today, received=1)


def assign(user, uuid, assignee=None) -> Appeal:
    """Take an appeal (any official) or give it to a colleague (supervisors, heads)."""
    appeal, roles = _official(user, uuid)
    assignee = assignee or user
    if assignee != user and not roles & LEADS:
        raise PermissionDenied
    if not accounts.roles_in(assignee, appeal.agency):
        raise ValidationError({"assignee": _("Choose an official of this agency.")})
    with transaction.atomic():
        appeal = lock(appeal)
        appeal.assigned_to = assignee
        step(official_actor(user, appeal), appeal, "assign", OFFICIAL,
             assignee=assignee.username)
    return appeal


def note(user, uuid, text: str, *, to_author: bool) -> Note:
    """An internal note for colleagues, or a message the author reads (and is told of)."""
    appeal, _roles = _official(user, uuid)
    text = _text(text, "text", _("Write the text."))
    if to_author and appeal.author_id is None:
        raise ValidationError({"text": _("The author of this appeal cannot be written to.")})
    with transaction.atomic():
        row = Note.objects.create(appeal=appeal, author=user, agency=appeal.agency,
                                  internal=not to_author, text=text)
        audit.record(official_actor(user, appeal), "appeal.message" if to_author
                     else "appeal.note", "appeal", appeal.uuid, agency=appeal.agency.code)
        if to_author:
            events.publish("appeal.message", appeal=appeal.pk, note=row.pk)
    return row


def _role(roles: set[str]) -> str:
    return next((role for role in (Role.HEAD, Role.SUPERVISOR, Role.AGENCY_ADMIN)
                 if role in roles), Role.OPERATOR)


def _must_handle(user, appeal, roles) -> None:
    if appeal.assigned_to_id != user.pk and not roles & LEADS:
        raise PermissionDenied


def request_info(user, uuid, text: str) -> Appeal:
    """Ask the author for more: the clock stops until they answer."""
    appeal, roles = _official(user, uuid)
    _must_handle(user, appeal, roles)
    text = _text(text, "text", _("Write what the author must add."))
    if appeal.author_id is None:
        raise ValidationError({"text": _("The author of this appeal cannot be asked.")})
    with transaction.atomic():
        appeal = lock(appeal)
        deadlines.pause(appeal, deadlines.today())
        step(official_actor(user, appeal), appeal, "request_info", OFFICIAL, note=text)
    return appeal


def extend(user, uuid, days: int, reason: str) -> Appeal:
    """A supervisor extends the deadline, within what the law allows for the kind."""
    appeal, roles = _official(user, uuid)
    if not roles & LEADS:
        raise PermissionDenied
    reason = _text(reason, "reason", _("Give the reason: the author reads it."))
    left = deadlines.extension_left(appeal)
    if not isinstance(days, int) or not 1 <= days <= left:
        raise ValidationError({"days": _("Extend by 1 to %(days)s days.") % {"days": left}
                               if left else _("The deadline of this appeal cannot be "
                                              "extended any more.")})
    with transaction.atomic():
        appeal = lock(appeal)
        deadlines.extend(appeal, days)
        step(official_actor(user, appeal), appeal, "extend", SUPERVISOR, note=reason,
             days=days, due=appeal.due_date.isoformat())
    return appeal


def merge(user, uuid, into_number: str) -> Appeal:
    """Merge a duplicate into the open appeal it repeats (same agency): it ends, and its
    author receives the answer of the other."""
    appeal, _roles = _official(user, uuid)
    into = Appeal.objects.filter(number=(into_number or "").strip(), agency=appeal.agency,
                                 status__in=OPEN, duplicate_of=None).exclude(
        pk=appeal.pk).first()
    if into is None:
        raise ValidationError({"into": _("Give the number of an open appeal of your agency.")})
    with transaction.atomic():
        appeal = lock(appeal)
        appeal.duplicate_of = into
        step(official_actor(user, appeal), appeal, "merge", OFFICIAL, into=into.number)
    return appeal


def answer(user, uuid, text: str, confirmation: str) -> Appeal:
    """Answer the appeal (and the duplicates merged into it): the answer is signed in the
    official's name (their authenticator code) and sealed by the agency."""
    appeal, roles = _official(user, uuid)
    _must_handle(user, appeal, roles)
    text = _text(text, "text", _("Write the answer."))
    if not accounts.has_second_factor(user):
        raise ValidationError({"confirmation": _(
            "Set up an authenticator app in your account to sign answers.")})
    if not account_services.check_totp(user, confirmation):
        raise ValidationError({"confirmation": _(
            "The code from your authenticator app is not right, or was used already "
            "(each code works once). Enter the next code it shows.")})
    with transaction.atomic():
        appeal = lock(appeal)
        today = deadlines.today()
        appeal.answered_at = timezone.now()
        appeal.answered_on_time = today <= appeal.due_date
        appeal.answer_text = text
        appeal.answer_document = answers.issue(appeal, user, _role(roles), text)
        step(official_actor(user, appeal), appeal, "answer", OFFICIAL,
             on_time=appeal.answered_on_time, document=str(appeal.answer_document.uuid))
        figures.answered(appeal, today)
        for duplicate in appeal.duplicates.filter(status=Status.MERGED):
            duplicate.answer_text, duplicate.answered_at = text, appeal.answered_at
            duplicate.answer_document = answers.issue(duplicate, user, _role(roles), text)
            duplicate.save(update_fields=["answer_text", "answered_at", "answer_document",
                                          "updated_at"])
            audit.record(official_actor(user, duplicate), "appeal.answered_with", "appeal",
                         duplicate.uuid, {"answer_of": appeal.number},
                         agency=appeal.agency.code)
            events.publish("appeal.answer_shared", appeal=duplicate.pk)
    return appeal
