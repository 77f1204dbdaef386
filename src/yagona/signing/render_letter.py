"""A letter of an agency as a PDF document: what an author writes in the back office,
on the agency's letterhead, in the style of the decisions (``render.py``: the same
fonts, styles and footer). The caller gives every text already in the letter's
language; nothing is signed here (the signatory signs it later, PAdES)."""

import datetime
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import HRFlowable, Spacer

from yagona.signing.render import (
    _facts_table,
    _paragraph,
    _styles,
    build_pdf,
    register_fonts,
)


@dataclass(frozen=True)
class LetterFacts:
    language: str
    agency: str  # the letterhead
    addressee: str  # "To: the Tax Committee"
    subject: str
    body: str  # paragraphs separated by blank lines
    facts: tuple[tuple[str, str], ...] = ()  # (label, value): the author, a reference
    signature: str = ""  # the signatory's title and name, under the text
    footer: str = ""
    page_label: str = "%(page)s / %(pages)s"
    dated: datetime.date = datetime.date(2000, 1, 1)


def render_letter(facts: LetterFacts) -> bytes:
    register_fonts()
    styles = _styles()
    story = [_paragraph(facts.agency, styles["agency"]), Spacer(0, 3 * mm),
             HRFlowable(width="100%", thickness=1.2, color=colors.black), Spacer(0, 6 * mm),
             _paragraph(facts.addressee, styles["strong"]), Spacer(0, 4 * mm)]
    if facts.facts:
        story += [_facts_table([(label, value, False) for label, value in facts.facts],
                               styles), Spacer(0, 5 * mm)]
    story += [_paragraph(facts.subject, styles["title"]), Spacer(0, 5 * mm)]
    for paragraph in facts.body.replace("\r\n", "\n").split("\n\n"):
        if paragraph.strip():
            story += [_paragraph(paragraph.strip(), styles["body"]), Spacer(0, 3 * mm)]
    if facts.signature:
        story += [Spacer(0, 8 * mm), _paragraph(facts.signature, styles["strong"])]
    return build_pdf(story, title=facts.subject, author=facts.agency, subject=facts.subject,
                     language=facts.language, footer=facts.footer,
                     page_label=lambda page, pages: facts.page_label % {"page": page,
                                                                        "pages": pages},
                     dated=facts.dated)
