"""Forwarding an application to the agency it belongs to, as a registered letter over the
document flow (correspondence): the official writes the covering letter, the application
goes with it (as its applicant signed it, or as submitted), and the letter takes the
agency's route, signature, registration and sending. The applicant is told when the
other agency registered it, and when its answer comes back through the same flow.

    forward(user, uuid, agency_code, text)   the covering letter's draft, for its route
"""

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from yagona.agencies.models import Agency
from yagona.applications import queries
from yagona.applications.models import Message
from yagona.applications.official import _must_handle, _official, _official_actor
from yagona.applications.signed import _render
from yagona.applications.workflow import Status
from yagona.core import audit, events
from yagona.core.countries import active_pack
from yagona.core.display import format_date
from yagona.core.text import localized
from yagona.correspondence import letters
from yagona.correspondence import queries as correspondence
from yagona.correspondence import services as documents
from yagona.correspondence.services import Card
from yagona.signing import queries as signed

SOURCE = "application:"
FORWARDABLE = {Status.SUBMITTED, Status.IN_REVIEW}


def forward(user, uuid, agency_code: str, text: str):
    """A draft letter of the application's agency to ``agency_code``, with the application
    attached; the official routes, and the head signs it, as any letter."""
    application, roles = _official(user, uuid)
    _must_handle(user, application, roles)
    if application.status not in FORWARDABLE:
        raise ValidationError({"status": _("Only an application being handled is forwarded.")})
    to = Agency.objects.filter(code=agency_code, active=True).exclude(
        pk=application.agency_id).first()
    if to is None:
        raise ValidationError({"agency": _("Choose the agency the application belongs to.")})
    language = active_pack().languages[0]
    with translation.override(language):
        subject = _("Application %(number)s forwarded by competence: %(service)s") % {
            "number": application.registration_number,
            "service": localized(application.service.name, language)}
    with transaction.atomic():
        draft = documents.create_draft(user, application.agency, "outgoing", Card(
            doc_type="letter", subject=subject, language=language, correspondent_agency=to,
            their_number=application.registration_number or ""),
            source=f"{SOURCE}{application.uuid}")
        letters.compose(user, draft.pk, text)
        documents.attach(user, draft.pk, "attachment", SimpleUploadedFile(
            f"{application.registration_number}.pdf", _application_pdf(application),
            "application/pdf"))
        audit.record(_official_actor(user, application), "application.forwarding_drafted",
                     "application", application.uuid, {"to": to.code, "letter": str(draft.pk)},
                     agency=application.agency.code)
    return draft


def _application_pdf(application) -> bytes:
    """As its applicant signed it; else as it was submitted, rendered now."""
    if application.signed_document_id is not None:
        return signed.stored_bytes(application.signed_document)
    return _render(application.created_by, application, {}, active_pack().languages[0],
                   application.submitted_at or application.created_at)


def _application_of(document) -> tuple:
    source = document.source if document else ""
    if not source.startswith(SOURCE):
        return None, None
    return queries.by_uuid(source.removeprefix(SOURCE)), document


@events.subscribe("correspondence.delivered")
def letter_delivered(document: str, outcome: str) -> None:
    """The applicant learns where their application went, and its number there."""
    application, letter = _application_of(correspondence.document(document))
    if application is None or outcome != "deliver":
        return
    places = ", ".join(f"{localized(d.recipient.name)} ({d.their_number})"
                       for d in letter.deliveries.all())
    _tell(application, letter, "forwarded", lambda: _(
        "Your application was forwarded by competence to %(agency)s and registered there.")
        % {"agency": places})


@events.subscribe("correspondence.answered")
def letter_answered(answer: str, original: str) -> None:
    """The other agency answered the forwarding letter: the applicant is told."""
    application, letter = _application_of(correspondence.document(original))
    if application is None:
        return
    reply = correspondence.document(answer)
    _tell(application, letter, "forward_answer", lambda: _(
        "%(agency)s answered about your application (their letter %(number)s of "
        "%(date)s). The answer is with %(ours)s.") % {
            "agency": localized(reply.correspondent_agency.name) if
            reply.correspondent_agency else reply.correspondent_name,
            "number": reply.their_number, "date": format_date(reply.their_date),
            "ours": localized(application.agency.name)})


def _tell(application, letter, kind: str, text) -> None:
    """A message of the agency on the application (in the state language, as the
    officials' own), audited, and the applicant notified."""
    with translation.override(active_pack().languages[0]):
        text = str(text())
    Message.objects.create(application=application, author=letter.created_by,
                           from_agency=True, kind=kind, body=text)
    audit.record(audit.SYSTEM, f"application.{kind}", "application", application.uuid,
                 {"letter": str(letter.pk)}, agency=application.agency.code)
    events.publish("application.message", application=application.pk, from_agency=True)
