"""The applicant's commands: start (online, assisted, in one go), answers, files, submit
with its registration number, withdraw, answer a request, rate."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from yagona.accounts import queries as accounts
from yagona.applications import files, queries, satisfaction
from yagona.applications.models import (
    Application,
    Attachment,
    Channel,
    Message,
    Rating,
)
from yagona.applications.numbers import _next_registration_number
from yagona.applications.steps import (
    Tampered,
    _actor_for,
    _applicant_role,
    _is_uuid,
    _local_today,
    _lock,
    _step,
    refuse_unsigned,
)
from yagona.applications.workflow import APPLICANT, Status
from yagona.catalogue.forms import FormDefinition
from yagona.core import audit
from yagona.core.countries import active_pack


def _party(user, service, party_key: str):
    """Whom the user applies for (themselves or someone they represent) and its kind, or
    404; a service not open to that kind of applicant is refused."""
    if not service.online or not service.active:
        raise Http404
    party = accounts.party_by_key(user, party_key, service.code)
    if party is None:
        raise Http404
    kind = "person" if party.kind in ("self", "person") else "organisation"
    if kind not in (service.applicant_kinds or ["person"]):
        raise ValidationError(_("This service is not available for this applicant."))
    return party, kind


def start(user, service, party_key: str = "self", *, idempotency_key: str | None = None,
          channel: str = Channel.ONLINE) -> Application:
    """Open a draft for oneself or for someone the user may represent."""
    party, kind = _party(user, service, party_key)
    if idempotency_key:
        existing = Application.objects.filter(created_by=user,
                                              idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    actor = audit.Actor(user=user, represented="" if party.kind == "self" else party.party_id)
    try:
        with transaction.atomic():
            application = Application.objects.create(
                service=service, agency=service.agency, created_by=user, party_kind=kind,
                party_id=party.party_id, party_name=party.name, mandate_id=party.mandate_id,
                channel=channel, idempotency_key=idempotency_key or None)
            audit.record(actor, "application.started", "application", application.uuid,
                         {"service": service.code, "channel": channel},
                         agency=service.agency.code)
    except IntegrityError:  # a concurrent retry with the same key won the race
        return Application.objects.get(created_by=user, idempotency_key=idempotency_key)
    return application


def _refuse_tampering(user, service, unknown: list[str], channel: str) -> None:
    """Fields outside the form on a create: audited like ``save_answers`` does, against the
    service (no application is made, so there is none to name), then refused whole."""
    names = sorted(set(unknown))
    with transaction.atomic():
        audit.record(audit.Actor(user=user), "application.tampered", "service", service.code,
                     {"unknown_fields": names[:20], "channel": channel},
                     agency=service.agency.code)
    raise Tampered(names)


def start_with_answers(user, service, party_key: str, answers: dict, *,
                       idempotency_key: str | None = None, channel: str = Channel.ONLINE):
    """Open a draft with its first answers, all or nothing: a refused or failed request
    leaves no empty draft behind. Returns (application, errors by field)."""
    unknown = FormDefinition(service.form).unknown_fields(answers)
    if unknown:
        _refuse_tampering(user, service, unknown, channel)
    with transaction.atomic():
        application = start(user, service, party_key, idempotency_key=idempotency_key,
                            channel=channel)
        errors = save_answers(user, application, answers, list(answers)) if answers else {}
    application.refresh_from_db()
    return application, errors


def start_assisted(official, service, person_id: str, person_name: str) -> Application:
    """A service-centre operator opens an application for a citizen who is present."""
    if not service.online or not service.active:
        raise Http404
    if not accounts.is_service_centre(official):
        raise PermissionDenied
    if service.signature_required:  # the applicant's own signature: not an operator's
        raise ValidationError({"service": _("The applicant signs this application "
                                            "themselves: they apply in the portal.")})
    if not active_pack().person_id.is_valid(person_id):
        raise ValidationError({"person_id": _("Enter a valid personal identification number.")})
    actor = audit.Actor(user=official, represented=person_id)
    with transaction.atomic():
        application = Application.objects.create(
            service=service, agency=service.agency, created_by=official, party_kind="person",
            party_id=person_id, party_name=person_name.strip(), channel=Channel.ASSISTED)
        audit.record(actor, "application.started", "application", application.uuid,
                     {"service": service.code, "channel": Channel.ASSISTED, "present": True},
                     agency=service.agency.code)
    return application


def editable(user, uuid) -> Application:
    """A draft the user may edit: an applicant's own, or a service-centre operator's."""
    application = Application.objects.select_related("service", "agency").filter(uuid=uuid) \
        .first() if _is_uuid(uuid) else None
    if application is None or application.status != Status.DRAFT:
        raise Http404
    if application.channel == Channel.ASSISTED:
        if application.created_by_id != user.pk:
            raise Http404
    elif not queries.for_applicant(user).filter(pk=application.pk).exists():
        raise Http404
    return application


def save_answers(user, application: Application, answers: dict, page_fields: list[str]):
    """Store a page's answers in the draft (even wrong ones, so nothing typed is lost).

    Returns errors by field for that page. A field outside the form is tampering:
    refused whole and audited.
    """
    form = FormDefinition(application.service.form)
    unknown = form.unknown_fields(answers) + [name for name in answers if name not in page_fields]
    actor = _actor_for(user, application)
    if unknown:
        with transaction.atomic():
            audit.record(actor, "application.tampered", "application", application.uuid,
                         {"unknown_fields": sorted(set(unknown))[:20]},
                         agency=application.agency.code)
        raise Tampered(sorted(set(unknown)))
    with transaction.atomic():
        application = _lock(application)
        if application.status != Status.DRAFT:
            raise Http404
        merged = {**application.answers}
        for name in page_fields:
            if form.fields[name].is_file:
                continue  # files arrive through upload()
            if answers.get(name) is None:
                merged.pop(name, None)
            else:
                merged[name] = answers[name]
        application.answers = form.clean(merged) if _all_known(form, merged) else merged
        application.save(update_fields=["answers", "updated_at"])
        audit.record(actor, "application.answers_saved", "application", application.uuid,
                     {"fields": sorted(page_fields)}, agency=application.agency.code)
    visible = [f.name for f in form.fields.values() if f.name in page_fields
               and form.is_visible(f, application.answers)]
    return form.errors(application.answers, only=visible)


def _all_known(form, answers) -> bool:
    return not form.unknown_fields(answers)


def upload(user, application: Application, field_name: str, upload) -> Attachment:
    """Attach a file to a form question. A rejected file leaves the draft as it was."""
    form = FormDefinition(application.service.form)
    field = form.fields.get(field_name)
    if field is None or not field.is_file:
        raise Tampered([field_name])
    rules = field.attachment_rules
    content_type, digest = files.check_upload(
        upload, rules.get("accept", files.DEFAULT_ACCEPT),
        rules.get("max_bytes", files.DEFAULT_MAX_BYTES))
    actor = _actor_for(user, application)
    with transaction.atomic():
        application = _lock(application)
        if application.status != Status.DRAFT:
            raise Http404
        attachment = Attachment.objects.create(
            application=application, kind=Attachment.Kind.ANSWER, field=field_name, file=upload,
            filename=upload.name[:255], content_type=content_type, size=upload.size,
            sha256=digest, uploaded_by=user)
        application.answers = {**application.answers, field_name: str(attachment.uuid)}
        application.save(update_fields=["answers", "updated_at"])
        audit.record(actor, "application.file_attached", "application", application.uuid,
                     {"field": field_name, "sha256": digest, "size": upload.size},
                     agency=application.agency.code)
    return attachment


def upload_document(user, upload) -> Attachment:
    """A document uploaded before its application exists; claimed when one lists it."""
    content_type, digest = files.check_upload(upload)
    with transaction.atomic():
        attachment = Attachment.objects.create(
            application=None, kind=Attachment.Kind.ANSWER, file=upload,
            filename=upload.name[:255], content_type=content_type, size=upload.size,
            sha256=digest, uploaded_by=user)
        audit.record(audit.Actor(user=user), "document.uploaded", "attachment", attachment.uuid,
                     {"sha256": digest, "size": upload.size})
    return attachment


def apply_in_one_go(user, service, answers: dict, *, party_key: str = "self",
                    documents: dict[str, str] | None = None,
                    idempotency_key: str | None = None) -> Application:
    """Start, fill and submit in one transaction (API clients): all or nothing.

    ``documents`` maps file questions to the ids of documents the user uploaded
    beforehand. Raises ValidationError (field errors) or Tampered; nothing is kept then.
    """
    if idempotency_key:
        existing = Application.objects.filter(created_by=user,
                                              idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    refuse_unsigned(service)  # before anything is written
    form = FormDefinition(service.form)
    unknown = form.unknown_fields({**answers, **(documents or {})})
    if unknown:
        _refuse_tampering(user, service, unknown, Channel.API)
    party, kind = _party(user, service, party_key)
    cleaned = form.clean({k: v for k, v in answers.items() if not form.fields[k].is_file})
    errors = form.errors({**cleaned, **(documents or {})})
    if errors:  # refused before anything is written
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            application = Application.objects.create(
                service=service, agency=service.agency, created_by=user, party_kind=kind,
                party_id=party.party_id, party_name=party.name, mandate_id=party.mandate_id,
                channel=Channel.API, idempotency_key=idempotency_key or None, answers=cleaned)
            for field_name, document_id in (documents or {}).items():
                if not form.fields[field_name].is_file:
                    raise ValidationError(
                        {field_name: _("This question does not take a file.")})
                claimed = Attachment.objects.filter(
                    uuid=document_id if _is_uuid(document_id) else None,
                    application__isnull=True, uploaded_by=user,
                ).update(application=application, field=field_name)
                if not claimed:
                    raise ValidationError({field_name: _("Upload the file again.")})
                application.answers[field_name] = str(document_id)
            # One audit entry, for the submission: the draft was never seen outside.
            return _submit_locked(user, application, check_files=bool(documents))
    except IntegrityError:  # a concurrent retry with the same key won the race
        if idempotency_key:
            return Application.objects.get(created_by=user, idempotency_key=idempotency_key)
        raise


def submission_errors(application: Application, check_files: bool = True,
                      prefilled: dict | None = None) -> dict[str, str]:
    """``prefilled``: answers read from the registries (applications.prefill), which count
    as given without being stored before the submission."""
    form = FormDefinition(application.service.form)
    errors = form.errors({**application.answers, **(prefilled or {})})
    for name, field in form.fields.items() if check_files else ():
        value = application.answers.get(name)
        if field.is_file and value and not application.attachments.filter(
                uuid=value, field=name, kind=Attachment.Kind.ANSWER).exists():
            errors[name] = _("Upload the file again.")
    return errors


def submit(user, application: Application, prefilled: dict | None = None) -> Application:
    """Submit a draft: registration number, due date, timeline, audit, inbox. Idempotent.
    ``prefilled`` answers (read from the registries) are stored now, with the rest."""
    with transaction.atomic():
        application = _lock(application)
        if application.status != Status.DRAFT:
            return application  # a double click or a retry: the first submission stands
        return _submit_locked(user, application, prefilled=prefilled)


def _submit_locked(user, application: Application, check_files: bool = True,
                   prefilled: dict | None = None) -> Application:
    """The submission itself, on a draft the caller holds locked inside its transaction."""
    refuse_unsigned(application.service, application)
    if prefilled:
        application.answers = {**application.answers, **prefilled}
    errors = submission_errors(application, check_files)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    today = timezone.localtime(now, active_pack().zone).date()
    application.submitted_at = now
    application.form_snapshot = application.service.form
    application.due_date = active_pack().calendar.add_working_days(
        today, application.service.processing_days)
    application.registration_number = _next_registration_number(application.agency.code,
                                                                today.year)
    role = "operator" if application.channel == Channel.ASSISTED \
        else _applicant_role(audit.Actor(user=user), application)
    _step(_actor_for(user, application), application, "submit", APPLICANT, role=role,
          number=application.registration_number, due=application.due_date.isoformat(),
          service=application.service.code, channel=application.channel)
    return application


def withdraw(user, uuid) -> Application:
    application = queries.applicant_application(user, uuid)
    with transaction.atomic():
        application = _lock(application)
        _step(_actor_for(user, application), application, "withdraw", APPLICANT,
              role=_applicant_role(audit.Actor(user=user), application))
    return application


def answer_request(user, uuid, text: str, upload=None) -> Application:
    """The applicant answers a request for information; the clock starts again."""
    application = queries.applicant_application(user, uuid)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"answer": _("Write your answer.")})
    if upload is not None:
        content_type, digest = files.check_upload(upload)
    with transaction.atomic():
        application = _lock(application)
        actor = _actor_for(user, application)
        Message.objects.create(application=application, author=user, from_agency=False,
                               kind="answer", body=text)
        if upload is not None:
            Attachment.objects.create(application=application, kind=Attachment.Kind.MESSAGE,
                                      file=upload, filename=upload.name[:255],
                                      content_type=content_type, size=upload.size,
                                      sha256=digest, uploaded_by=user)
        today = _local_today()
        application.due_date = active_pack().calendar.add_working_days(
            today, max(application.days_left_at_pause or 0, 0))
        application.paused_at, application.days_left_at_pause = None, None
        _step(actor, application, "answer", APPLICANT,
              role=_applicant_role(audit.Actor(user=user), application),
              due=application.due_date.isoformat())
    return application


def rate(user, uuid, score: int, comment: str = "") -> None:
    """Rate an ended application's service, once. The rating is not linked to the person;
    their group (sex, age band, region) is counted apart (applications.satisfaction)."""
    application = queries.applicant_application(user, uuid)
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise ValidationError({"score": _("Choose a rating from 1 to 5.")})
    with transaction.atomic():
        application = _lock(application)
        if not application.ended or application.rated:
            raise ValidationError({"score": _("This application cannot be rated.")})
        today = _local_today()
        Rating.objects.create(service=application.service, channel=application.channel,
                              score=score, comment=(comment or "").strip()[:2000],
                              rated_on=today)
        satisfaction.count(user.username, today, score)  # apart: see satisfaction.py
        application.rated = True
        application.save(update_fields=["rated", "updated_at"])
        audit.record(_actor_for(user, application), "application.rated", "application",
                     application.uuid, agency=application.agency.code)
