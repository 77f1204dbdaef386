"""Forwarding an appeal as a registered letter over the document flow (correspondence),
the way the law's "send to the competent body" is done between chanceries: the official
writes the covering letter, the appeal goes with it (its text on the letterhead, and its
photos), and the letter takes the agency's route, signature, registration and sending.
When the other agency has registered it, the appeal is forwarded there (the author sees
the step, with both registration numbers) and its clock starts there.

    forward_as_letter(user, uuid, agency_code, text)   the covering letter's draft

A plain ``official.forward`` does the same at once, without a letter, for agencies that
work in the platform together (the reception's daily routing)."""

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from yagona.agencies.models import Agency
from yagona.appeals import deadlines
from yagona.appeals.models import Appeal
from yagona.appeals.official import _official, move
from yagona.appeals.steps import lock, official_actor
from yagona.appeals.workflow import OPEN, TRANSITIONS
from yagona.core import audit, events
from yagona.core.countries import active_pack
from yagona.core.display import format_date
from yagona.core.text import localized
from yagona.correspondence import letters
from yagona.correspondence import queries as correspondence
from yagona.correspondence import services as documents
from yagona.correspondence.services import Card
from yagona.signing.render_letter import LetterFacts, render_letter

SOURCE = "appeal:"


def forward_as_letter(user, uuid, agency_code: str, text: str):
    """A draft letter of the appeal's agency to ``agency_code`` with the appeal attached;
    the official routes it and the head signs it, as any letter."""
    appeal, _roles = _official(user, uuid)
    if not (text or "").strip():
        raise ValidationError({"reason": _("Write the covering letter.")})
    if appeal.status not in OPEN:
        raise ValidationError({"agency": _("Only an open appeal is forwarded.")})
    to = Agency.objects.filter(code=agency_code, active=True).exclude(
        pk=appeal.agency_id).first()
    if to is None:
        raise ValidationError({"agency": _("Choose the body the appeal belongs to.")})
    language = active_pack().languages[0]
    with translation.override(language):
        subject = _("Appeal %(number)s forwarded by competence") % {"number": appeal.number}
    with transaction.atomic():
        draft = documents.create_draft(user, appeal.agency, "outgoing", Card(
            doc_type="letter", subject=subject, language=language, correspondent_agency=to,
            their_number=appeal.number), source=f"{SOURCE}{appeal.uuid}")
        letters.compose(user, draft.pk, text)
        documents.attach(user, draft.pk, "attachment", SimpleUploadedFile(
            f"{appeal.number.replace('/', '-')}.pdf", appeal_pdf(appeal, language),
            "application/pdf"))
        for photo in appeal.photos.all():
            with photo.file.open("rb") as handle:
                documents.attach(user, draft.pk, "attachment", SimpleUploadedFile(
                    photo.file.name.rsplit("/", 1)[-1], handle.read(), photo.content_type))
        audit.record(official_actor(user, appeal), "appeal.forwarding_drafted", "appeal",
                     appeal.uuid, {"to": to.code, "letter": str(draft.pk)},
                     agency=appeal.agency.code)
    return draft


def appeal_pdf(appeal: Appeal, language: str) -> bytes:
    """The appeal as its author sent it, for the receiving chancery."""
    with translation.override(language):
        facts = [(_("Appeal"), appeal.number), (_("Kind"), localized(appeal.kind.name,
                                                                      language)),
                 (_("Received"), format_date(appeal.submitted_at.date())),
                 (_("Author"), appeal.party_name or _("Anonymous"))]
        if appeal.category_id:
            facts.append((_("Category"), localized(appeal.category.name, language)))
        if appeal.latitude is not None:
            facts.append((_("Place"), f"{appeal.latitude}, {appeal.longitude} "
                                      f"{appeal.address}".strip()))
        facts += [(localized(a["name"], language), appeal.attributes[a["code"]])
                  for a in (appeal.category.attributes if appeal.category_id else [])
                  if a["code"] in appeal.attributes]
        return render_letter(LetterFacts(
            language=language, agency=localized(appeal.agency.name, language),
            addressee=_("Appeal"), subject=appeal.subject, body=appeal.text,
            facts=tuple(facts), page_label=_("Page %(page)s of %(pages)s"),
            dated=deadlines.today()))


def _appeal_of(document) -> Appeal | None:
    source = document.source if document else ""
    if not source.startswith(SOURCE):
        return None
    return Appeal.objects.filter(uuid=source.removeprefix(SOURCE)).first()


@events.subscribe("correspondence.delivered")
def letter_delivered(document: str, outcome: str) -> None:
    """The competent body registered the letter: the appeal is theirs from today."""
    letter = correspondence.document(document)
    appeal = _appeal_of(letter)
    if appeal is None or outcome != "deliver" or appeal.status not in OPEN:
        return
    delivery = letter.deliveries.select_related("recipient").first()
    to = Agency.objects.filter(code=delivery.recipient.code).first() if delivery else None
    if to is None or to.pk == appeal.agency_id:
        return
    appeal = lock(appeal)
    with translation.override(appeal.language or active_pack().languages[0]):
        note = _("Forwarded by letter %(ours)s, registered by %(agency)s as %(theirs)s.") % {
            "ours": letter.number, "agency": localized(to.name), "theirs": delivery.their_number}
    actor = audit.Actor(user=letter.created_by, agency=appeal.agency.code)
    if (appeal.status, "forward") in TRANSITIONS:
        move(actor, appeal, to, note, letter=str(letter.pk))
    else:  # the author is being asked for more: the agency forwards it once they answer
        audit.record(actor, "appeal.forwarding_delivered", "appeal", appeal.uuid,
                     {"to": to.code, "letter": str(letter.pk)}, agency=appeal.agency.code)
