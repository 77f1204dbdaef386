"""Applications the applicant signs: a service with the pack's ``signature: required``.

"Sign and submit" renders the draft as a PDF (its service, agency, applicant, every
question and answer in the reader's language, each attached file by its SHA-256), asks
the signing room to sign it in the applicant's name (``signing.remote``: the key stays
in the platform's key store; the person confirms with their authenticator code, or an SMS
code sent beside the check code both screens show), and, once confirmed, submits the
draft with the signed document. Whoever acts for someone else (a representative) signs
with their own key; the document names whom the application is for. Submitting such a
service without the signature is refused everywhere (``steps.refuse_unsigned``).

    start(user, uuid, next_url="")       a signing request for the draft (SignatureRequest)
    confirm(user, request_uuid, code)    the submitted application
    signed_copy_for(user, uuid, official=)  the signed document (an official's read audited)
    application_of(request)              the uuid a signing request is for, or None
"""

import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from yagona.applications import prefill, queries
from yagona.applications.applicant import _submit_locked, editable, submission_errors
from yagona.applications.models import Attachment, Channel
from yagona.applications.official import _official, _official_actor
from yagona.applications.steps import _actor_for, _is_uuid, _lock
from yagona.applications.workflow import Status
from yagona.catalogue.forms import FormDefinition
from yagona.core import audit
from yagona.core.countries import active_pack
from yagona.core.display import format_date
from yagona.core.text import localized
from yagona.signing import remote
from yagona.signing import services as signing
from yagona.signing.models import SignedDocument
from yagona.signing.render_application import ApplicationFacts, render_application, spaced

PURPOSE = "application:"


def application_of(request) -> str | None:
    """The application a signing request is for (its uuid), or None for other purposes."""
    found = request.purpose[len(PURPOSE):] if request.purpose.startswith(PURPOSE) else ""
    return found if _is_uuid(found) else None


def _changed() -> ValidationError:
    return ValidationError(_("The application changed after you started signing. Check "
                             "your answers and sign again."), code="changed")


def start(user, uuid, *, next_url: str = ""):
    """Render the draft and open a request to sign it (``signing.SignatureRequest``).
    Raises ValidationError: answers to correct first (by field), or no way to confirm."""
    application = editable(user, uuid)
    if not application.service.signature_required:
        raise Http404
    if application.channel == Channel.ASSISTED:  # an operator cannot sign for the citizen
        raise ValidationError(_("The applicant signs this application themselves: they "
                                "apply in the portal."), code="assisted")
    prefilled = prefill.values(prefill.prefilled(user, application))
    errors = submission_errors(application, prefilled=prefilled)
    if errors:
        raise ValidationError(errors)
    language = translation.get_language() or active_pack().languages[0]
    pdf = _render(user, application, prefilled, language, timezone.now())
    request = remote.start(user, pdf, purpose=f"{PURPOSE}{application.uuid}",
                           description=_titles(user, application), next_url=next_url,
                           language=language)
    with transaction.atomic():
        audit.record(_actor_for(user, application), "application.signing_started",
                     "application", application.uuid,
                     {"request": str(request.uuid), "sha256": request.sha256},
                     agency=application.agency.code)
    return request


def confirm(user, request_uuid, code: str):
    """Check that the draft is still what was rendered, sign it in the person's name once
    the code is right, and submit it with the signed document. A wrong code, an expired
    request or a changed draft raise ValidationError and leave the draft as it was."""
    request = remote.pending(user, request_uuid)
    uuid = application_of(request)
    if uuid is None:
        raise Http404
    if request.signed_document_id:  # a second click: the first one signed and submitted
        done = queries.for_applicant(user).filter(
            uuid=uuid, signed_document_id=request.signed_document_id).first()
        if done is not None and done.status != Status.DRAFT:
            return done
    application = editable(user, uuid)
    prefilled = prefill.values(prefill.prefilled(user, application))
    if request.state == request.State.PENDING and (
            submission_errors(application, prefilled=prefilled)
            or _digest(user, application, prefilled, request) != request.sha256):
        remote.cancel(user, request.uuid)
        raise _changed()
    document = remote.confirm(user, request.uuid, code, kind=SignedDocument.Kind.APPLICATION,
                              source=request.purpose)
    with transaction.atomic():
        application = _lock(application)
        # Edited in another tab while the code was typed: the signature stays in the
        # wallet, but what is submitted must be what was signed.
        if application.status != Status.DRAFT or \
                _digest(user, application, prefilled, request) != request.sha256:
            raise _changed()
        application.signed_document = document
        audit.record(_actor_for(user, application), "application.signed", "application",
                     application.uuid, {"document": str(document.uuid),
                                        "sha256": document.sha256,
                                        "signer": document.signers[0]["serial"]},
                     agency=application.agency.code)
        application = _submit_locked(user, application, prefilled=prefilled)
        application.signed_document = signing.note_reference(
            user, document.uuid, application.registration_number)
    return application


def signed_copy_for(user, uuid, *, official: bool) -> SignedDocument:
    """The application as its applicant signed it: for whoever may see the application
    (an official's read is audited, as for its files); 404 when it was not signed."""
    if official:
        application, _roles = _official(user, uuid)
    else:
        application = queries.applicant_application(user, uuid)
    if application.signed_document_id is None:
        raise Http404
    if official:
        with transaction.atomic():
            audit.record(_official_actor(user, application), "application.signed_copy_viewed",
                         "application", application.uuid,
                         {"document": str(application.signed_document.uuid)},
                         agency=application.agency.code)
    return application.signed_document


# --- the document -----------------------------------------------------------------------


def _digest(user, application, prefilled, request) -> str:
    """The SHA-256 of the draft rendered now as it was for ``request`` (its language and
    day): equal to the request's exactly when the signed content is still the draft's."""
    pdf = _render(user, application, prefilled, request.language, request.created_at)
    return hashlib.sha256(pdf).hexdigest()


def _titles(user, application) -> dict[str, str]:
    """What is signed, in each language of the pack (the wallet's title)."""
    titles = {}
    for code in active_pack().languages:
        with translation.override(code):
            service = localized(application.service.name, code)
            titles[code] = _("Application: %(service)s") % {"service": service} \
                if application.party_id == user.username else \
                _("Application: %(service)s, for %(party)s") % {
                    "service": service, "party": application.party_name}
    return titles


def _answers(form, application, answers) -> list[tuple[str, list[tuple[str, str]]]]:
    """(page title, [(question, answer)]) for the visible questions; a file by its name and
    SHA-256, so that the signature covers the files too."""
    files = {str(a.uuid): a for a in application.attachments.filter(kind=Attachment.Kind.ANSWER)}
    sections = []
    for page in form.pages:
        rows = []
        for field in form.visible_fields(page, answers):
            value = answers.get(field.name)
            if field.is_file:
                attached = files.get(str(value))
                shown = f"{attached.filename}\nSHA-256 {spaced(attached.sha256)}" \
                    if attached else ""
            else:
                shown = field.display(value)
            rows.append((field.label, shown))
        if rows:
            sections.append((page.display_title, rows))
    return sections


def _render(user, application, prefilled: dict, language: str, moment) -> bytes:
    """The application as the PDF its applicant signs, in ``language``, dated the day of
    ``moment`` in the pack's zone (the same inputs give the same bytes)."""
    day = timezone.localtime(moment, active_pack().zone).date()
    with translation.override(language):
        form = FormDefinition(application.service.form)
        service = localized(application.service.name)
        agency = localized(application.agency.name)
        facts = [(_("Service"), service), (_("Agency"), agency),
                 (_("Applicant"), f"{application.party_name} ({application.party_id})")]
        if application.party_id != user.username:
            facts.append((_("Submitted by"), _("%(name)s (%(id)s), representative") % {
                "name": user.display_name, "id": user.username}))
        facts += [(_("Date"), format_date(day)), (_("Application ID"), str(application.uuid))]
        closing = [_("I confirm that the information I gave is correct."),
                   _("Signed electronically by %(name)s (%(id)s).") % {
                       "name": user.display_name, "id": user.username}]
        return render_application(ApplicationFacts(
            language=language, agency=agency, title=_("Application"), service=service,
            facts=facts, sections=_answers(form, application,
                                           {**application.answers, **prefilled}),
            closing=closing, footer=f"{_('Application ID')}: {application.uuid}",
            page_label=_("Page %(page)s of %(pages)s"), dated=day))
