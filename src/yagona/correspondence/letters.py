"""Letters written in the back office: the author types the text, and the platform sets
it on the agency's letterhead as the draft's main text (a PDF, signed later)."""

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import gettext as _

from yagona.core.countries import active_pack
from yagona.core.display import format_date
from yagona.core.text import localized
from yagona.correspondence import queries, services
from yagona.correspondence.models import DocumentFile
from yagona.correspondence.queries import visible
from yagona.signing.render_letter import LetterFacts, render_letter

MAX_TEXT = 20000


def compose(user, document_id, text: str) -> DocumentFile:
    """Render ``text`` as the letter of the draft ``document_id`` and make it its main
    text (the author's, while a draft: services.attach checks)."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the text of the letter.")})
    if len(text) > MAX_TEXT:
        raise ValidationError({"text": _("The text can be at most %(count)s characters.")
                                       % {"count": MAX_TEXT}})
    document = visible(user).filter(pk=document_id).select_related(
        "agency", "correspondent_agency").first()
    if document is None:
        services._locked(user, document_id)  # 404, as for any other step
    pdf = render(document, text, user)
    return services.attach(user, document.pk, DocumentFile.Role.MAIN,
                           SimpleUploadedFile("letter.pdf", pdf, "application/pdf"))


def render(document, text: str, author) -> bytes:
    language = document.language or active_pack().languages[0]
    today = queries.today()
    with translation.override(language):
        addressee = (localized(document.correspondent_agency.name, language)
                     if document.correspondent_agency else document.correspondent_name)
        facts = [(_("Date"), format_date(today)),
                 (_("Prepared by"), author.display_name)]
        if document.their_number:
            facts.append((_("In reply to"), document.their_number))
        return render_letter(LetterFacts(
            language=language, agency=localized(document.agency.name, language),
            addressee=addressee or "", subject=document.subject, body=text,
            facts=tuple(facts), footer=f"{_('Document ID')}: {document.pk}",
            page_label=_("Page %(page)s of %(pages)s"), dated=today))
