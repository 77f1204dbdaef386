"""Commands on applications. Each: permission → transaction (row lock) → change →
audit entry → events (core.events: notifications subscribes); jobs after commit. Callers
pass an ``audit.Actor``."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from yagona.applications import queries
from yagona.applications.applicant import (  # noqa: F401 (the applicant's commands)
    answer_request,
    apply_in_one_go,
    editable,
    rate,
    save_answers,
    start,
    start_assisted,
    start_with_answers,
    submission_errors,
    submit,
    upload,
    upload_document,
    withdraw,
)
from yagona.applications.models import Application, Attachment, Message
from yagona.applications.numbers import _next_registration_number  # noqa: F401
from yagona.applications.official import (  # noqa: F401 (the official's commands)
    _official,
    _official_actor,
    assign,
    decide,
    request_info,
)
from yagona.applications.steps import (  # noqa: F401 (shared)
    SignatureRequired,
    Tampered,
    _actor_for,
    _is_uuid,
    _local_today,
)
from yagona.core import audit, events


def send_message(user, uuid, text: str, *, official: bool) -> Message:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write a message.")})
    if official:
        application, _roles = _official(user, uuid)
        actor = _official_actor(user, application)
    else:
        application = queries.applicant_application(user, uuid)
        actor = _actor_for(user, application)
    with transaction.atomic():
        message = Message.objects.create(application=application, author=user,
                                         from_agency=official, body=text)
        audit.record(actor, "application.message", "application", application.uuid,
                     {"from_agency": official}, agency=application.agency.code)
        events.publish("application.message", application=application.pk,
                       from_agency=official)
    return message


def attachment_for(user, uuid, attachment_uuid, *, official: bool) -> Attachment:
    """A file the caller may download (its read is audited for officials)."""
    if official:
        application, _roles = _official(user, uuid)
    else:
        application = queries.applicant_application(user, uuid)
    attachment = application.attachments.filter(uuid=attachment_uuid).first() \
        if _is_uuid(attachment_uuid) else None
    if attachment is None:
        raise Http404
    if official:
        with transaction.atomic():
            audit.record(_official_actor(user, application), "attachment.viewed", "application",
                         application.uuid, {"attachment": str(attachment.uuid)},
                         agency=application.agency.code)
    return attachment


def document_for(user, attachment_uuid) -> Attachment:
    """A document by id: its uploader's while unclaimed, then as for its application."""
    attachment = Attachment.objects.select_related("application").filter(
        uuid=attachment_uuid).first() if _is_uuid(attachment_uuid) else None
    if attachment is None:
        raise Http404
    if attachment.application is None:
        if attachment.uploaded_by_id != user.pk:
            raise Http404
        return attachment
    uuid = attachment.application.uuid
    try:
        return attachment_for(user, uuid, attachment.uuid, official=False)
    except Http404:
        return attachment_for(user, uuid, attachment.uuid, official=True)


def overdue(application: Application, today: datetime | None = None) -> bool:
    return bool(application.due_date and not application.paused_at and not application.ended
                and application.due_date < (today or _local_today()))
