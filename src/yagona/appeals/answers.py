"""The answer to an appeal as a signed document: the text the official wrote, on the
agency's letterhead in the appeal's language (the state language when the author wrote in
another the pack does not have), signed in the official's name and sealed by the agency
(signing.services.seal, PAdES), kept in the author's wallet. An anonymous author has no
wallet: the answer is reached with the tracking code alone."""

import uuid

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from yagona.appeals import deadlines
from yagona.core.countries import active_pack
from yagona.core.display import format_date
from yagona.core.text import localized
from yagona.signing import services as signing
from yagona.signing.render_letter import LetterFacts, render_letter


def _language(appeal) -> str:
    languages = active_pack().languages
    return appeal.language if appeal.language in languages else languages[0]


def render(appeal, official, text: str, document_id) -> bytes:
    language, today = _language(appeal), deadlines.today()
    with translation.override(language):
        facts = ((_("Appeal"), appeal.number),
                 (_("Received"), format_date(appeal.submitted_at.date())),
                 (_("Kind"), localized(appeal.kind.name, language)),
                 (_("Answered"), format_date(today)))
        addressee = appeal.party_name or _("To the author of the appeal")
        verify = settings.PUBLIC_URL + reverse("portal:verify-document", args=[document_id])
        return render_letter(LetterFacts(
            language=language, agency=localized(appeal.agency.name, language),
            addressee=addressee, subject=_("Answer to your appeal: %(subject)s")
            % {"subject": appeal.subject}, body=text, facts=facts,
            signature=official.display_name,
            footer=f"{_('Check this document at')} {verify}",
            page_label=_("Page %(page)s of %(pages)s"), dated=today))


def titles(appeal) -> dict:
    titles = {}
    for language in active_pack().languages:
        with translation.override(language):
            titles[language] = _("Answer to appeal %(number)s") % {"number": appeal.number}
    return titles


def issue(appeal, official, role: str, text: str):
    """Inside the answering transaction: render, sign and keep the answer."""
    document_id = uuid.uuid4()
    pdf = render(appeal, official, text, document_id)
    return signing.seal(pdf, appeal.agency, official=official, official_role=role,
                        kind="appeal_answer", title=titles(appeal),
                        holder_kind=appeal.party_kind, holder_id=appeal.party_id,
                        reference=appeal.number, source=f"appeal:{appeal.uuid}",
                        filename=f"{appeal.number.replace('/', '-')}-answer.pdf",
                        document_id=document_id)
