"""An official's decision on an application as a PDF document, ready to be sealed.

The document is A4: the agency as letterhead, the title, a table of facts, the grounds of
the decision (long grounds flow onto further pages), then, at the foot of the last page,
the official's name, an empty band for the visible signature (``SIGNATURE_BOX``) and a QR
code of the verification address. Every page carries the document's id and "page x of
y". Labels come from the pack (``decision_template()``) in each of the document's
languages; the bytes depend on the facts alone (no clock, no random id), so the same
decision renders the same file. Nothing is signed here: ``signing`` seals the bytes.
"""

import datetime
import functools
import itertools
import re
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

import qrcode
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    HRFlowable,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from yagona.core.countries import active_pack
from yagona.core.display import format_date

FONTS = Path(__file__).resolve().parent / "fonts"
FONT, FONT_BOLD = "YagonaSans", "YagonaSans-Bold"
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 20 * mm             # left, right and bottom of the text
TOP = 18 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN
QR_SIZE = 30 * mm
CLOSING_HEIGHT = 42 * mm     # the foot of the last page: official, signature band, QR code
GREY = colors.HexColor("#505a5f")

# Where the visible signature may go: (x1, y1, x2, y2) in PDF points from the bottom left
# corner of the last page (page index -1, as pyhanko's SigFieldSpec(on_page=-1, box=...)
# takes it). The renderer leaves it empty, 25 mm high, below the official's name.
SIGNATURE_BOX = (MARGIN, MARGIN, MARGIN + 75 * mm, MARGIN + 25 * mm)
SIGNATURE_PAGE = -1
# The QR code's square on the last page, in the same coordinates.
QR_BOX = (PAGE_WIDTH - MARGIN - QR_SIZE, MARGIN, PAGE_WIDTH - MARGIN, MARGIN + QR_SIZE)


@dataclass(frozen=True)
class DecisionFacts:
    document_id: str          # the signed document's id (uuid string), in the footer
    number: str               # the application's registration number
    decided_on: datetime.date
    approved: bool
    service: dict[str, str]   # service name per language code
    agency_name: dict[str, str]
    agency_address: dict[str, str]
    agency_website: str
    applicant_name: str       # as the register holds it (free text, state language)
    applicant_id: str         # national ID / registration number
    reason: str               # the official's grounds (long text flows onto more pages)
    official_name: str        # who decided
    verify_url: str           # absolute URL the QR code encodes and the page prints


def decision_template() -> dict:
    """The active pack's labels of a decision (pack.yaml ``documents.decision``, every
    label in every pack language: the pack check makes sure)."""
    return active_pack().raw["documents"]["decision"]


@functools.cache
def register_fonts() -> None:
    """DejaVu Sans (vendored, see fonts/LICENSE), once per process: it covers Tajik and
    Russian Cyrillic and Azerbaijani and Uzbek Latin. reportlab embeds a subset of the
    glyphs each document uses, not the whole 700 kB face."""
    pdfmetrics.registerFont(TTFont(FONT, str(FONTS / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONTS / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT,
                                  boldItalic=FONT_BOLD)
    # Compressed streams stay binary: ASCII85 on top makes them a quarter larger (for
    # every verifier to read again) and costs time; a PDF needs no 7-bit transport.
    rl_config.useA85 = 0


def _texts(template: dict, key: str, languages: list[str], **values) -> list[str]:
    """A label in each of the document's languages (the same text once)."""
    texts = template[key]
    found = [texts[code].format(**values) for code in languages if texts.get(code)]
    found = found or [next(iter(texts.values())).format(**values)]
    return list(dict.fromkeys(found))


def _label(template: dict, key: str, languages: list[str], **values) -> str:
    return " / ".join(_texts(template, key, languages, **values))


def _content(texts, languages: list[str]) -> str:
    """Content (a text per language) in the first of the document's languages that has it."""
    if isinstance(texts, str) or not texts:
        return texts or ""
    for code in languages:
        if texts.get(code):
            return texts[code]
    return next((text for text in texts.values() if text), "")


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=13.5)
    return {
        "body": ParagraphStyle("justified", base, alignment=TA_JUSTIFY),
        "agency": ParagraphStyle("agency", base, fontName=FONT_BOLD, fontSize=14, leading=18,
                                 alignment=TA_CENTER),
        "letterhead": ParagraphStyle("letterhead", base, fontSize=8.5, leading=11,
                                     textColor=GREY, alignment=TA_CENTER),
        "title": ParagraphStyle("title", base, fontName=FONT_BOLD, fontSize=13, leading=17,
                                alignment=TA_CENTER),
        "subtitle": ParagraphStyle("subtitle", base, fontName=FONT_BOLD, fontSize=10.5,
                                   leading=14, alignment=TA_CENTER, textColor=GREY),
        "label": ParagraphStyle("label", base, fontSize=8, leading=10, textColor=GREY),
        "value": ParagraphStyle("value", base, fontSize=10, leading=13),
        "strong": ParagraphStyle("strong", base, fontName=FONT_BOLD, fontSize=10.5,
                                 leading=14),
        "small": ParagraphStyle("small", base, fontSize=7.5, leading=9.5, textColor=GREY),
    }


def _paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    """Plain text (never markup: a reason may hold < or &), its line breaks kept."""
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _url_lines(url: str, width: float) -> tuple[float, list[str]]:
    """The address in lines broken only after a / ? & or =, in the largest size (7.5 to 5
    points) at which every piece fits: a break at a hyphen would read as part of it."""
    pieces = re.findall(r"[^/?&=]*[/?&=]*", url)[:-1] or [url]
    for size in (7.5, 7, 6.5, 6, 5.5, 5):
        if all(pdfmetrics.stringWidth(piece, FONT, size) <= width for piece in pieces):
            break
    lines = [""]
    for piece in pieces:
        if lines[-1] and pdfmetrics.stringWidth(lines[-1] + piece, FONT, size) > width:
            lines.append("")
        lines[-1] += piece
    return size, lines


class _Closing(Flowable):
    """The foot of the last page. It takes the rest of the frame, so it always ends on the
    frame's bottom edge: SIGNATURE_BOX and QR_BOX are fixed points of the last page, and
    when too little room is left it moves to a new page (which is then the last)."""

    def __init__(self, official: list[Paragraph], verify: list[Paragraph], url: str):
        super().__init__()
        self.official, self.verify, self.url = official, verify, url

    def wrap(self, available_width, available_height):
        self.width = available_width
        self.height = max(available_height, CLOSING_HEIGHT)
        return self.width, self.height

    def draw(self):
        canvas = self.canv
        top = SIGNATURE_BOX[3] - MARGIN + 3 * mm  # just above the signature band
        for paragraph in reversed(self.official):
            _, height = paragraph.wrap(SIGNATURE_BOX[2] - SIGNATURE_BOX[0], CLOSING_HEIGHT)
            paragraph.drawOn(canvas, 0, top)
            top += height
        left = SIGNATURE_BOX[2] - MARGIN + 3 * mm
        column = self.width - QR_SIZE - 5 * mm - left
        size, lines = _url_lines(self.url, column)
        heights = [paragraph.wrap(column, CLOSING_HEIGHT)[1] for paragraph in self.verify]
        # Level with the QR code's top, higher when the texts are long (never into the footer).
        y = min(CLOSING_HEIGHT, max(QR_SIZE, sum(heights) + len(lines) * size * 1.3))
        for paragraph, height in zip(self.verify, heights, strict=True):
            y -= height
            paragraph.drawOn(canvas, left, y)
        canvas.setFont(FONT, size)
        for line in lines:
            y -= size * 1.3
            canvas.drawString(left, y, line)
        # reportlab's QR encoder gives the modules; each run of dark ones in a row is one
        # rectangle of a single filled path. (Its widget would make a validated shape
        # object per run, which took half the time of rendering the whole decision, and
        # renderPDF would select Helvetica, an unembedded font.)
        rows = _qr_modules(self.url)
        module = QR_SIZE / len(rows)
        path = canvas.beginPath()
        for number, row in enumerate(rows):
            column = 0
            for dark, run in itertools.groupby(row):
                count = len(list(run))
                if dark:
                    path.rect(self.width - QR_SIZE + column * module,
                              QR_SIZE - (number + 1) * module, count * module, module)
                column += count
        canvas.setFillColor(colors.black)
        canvas.drawPath(path, stroke=0, fill=1)


def _qr_modules(text: str) -> list[list[bool]]:
    """The QR code of ``text`` (error correction M, the smallest version that holds it,
    the mask the encoder rates best), as rows of dark (True) and light modules.
    (python-qrcode rates the eight masks in half the time reportlab's encoder takes.)"""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(text, optimize=0)
    return code.get_matrix()


def _canvas_class(footer_left: str, page_label, decided_on: datetime.date):
    """A canvas that holds its pages back until the end, to print "page x of y" on each."""

    class DecisionCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._held: list[dict] = []
            # The decision's date, not the clock: the same decision gives the same bytes.
            stamp = f"D:{decided_on:%Y%m%d}000000+00'00'"
            self.setDateFormatter(lambda *_: stamp)

        def showPage(self):
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            pages = len(self._held)
            for number, state in enumerate(self._held, start=1):
                self.__dict__.update(state)
                self._footer(page_label(number, pages))
                super().showPage()
            super().save()

        def _footer(self, page_text: str):
            self.saveState()
            self.setStrokeColor(colors.HexColor("#b1b4b6"))
            self.setLineWidth(0.5)
            self.line(MARGIN, 15 * mm, PAGE_WIDTH - MARGIN, 15 * mm)
            self.setFillColor(GREY)
            self.setFont(FONT, 7)
            self.drawString(MARGIN, 11 * mm, footer_left)
            # Long labels in two languages: the page number goes under the id, not over it.
            crowded = self.stringWidth(footer_left, FONT, 7) + \
                self.stringWidth(page_text, FONT, 7) > CONTENT_WIDTH - 6 * mm
            self.drawRightString(PAGE_WIDTH - MARGIN, (7.5 if crowded else 11) * mm, page_text)
            self.restoreState()

    return DecisionCanvas


def _facts_table(rows: list[tuple[str, str, bool]], styles) -> Table:
    data = [[_paragraph(label, styles["label"]),
             _paragraph(value, styles["strong" if strong else "value"])]
            for label, value, strong in rows]
    table = Table(data, colWidths=[62 * mm, CONTENT_WIDTH - 62 * mm])
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT),  # the cells' own font, else Helvetica
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.HexColor("#d8dadb")),
        ("TOPPADDING", (0, 0), (-1, -1), 5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ("LEFTPADDING", (0, 0), (0, -1), 0),
    ]))
    return table


def heading(agency: str, address: dict, website: str, titles: list[str],
            languages: list[str], styles) -> list[Flowable]:
    """The agency as letterhead (its address and website below), a rule, the title in
    the first language and, smaller, in the others: the top of every issued document."""
    letterhead = " · ".join(part for part in (_content(address, languages), website) if part)
    story: list[Flowable] = [_paragraph(agency, styles["agency"])]
    if letterhead:
        story.append(_paragraph(letterhead, styles["letterhead"]))
    story += [Spacer(0, 3 * mm), HRFlowable(width="100%", thickness=1.2, color=colors.black),
              Spacer(0, 8 * mm), _paragraph(titles[0], styles["title"])]
    return story + [_paragraph(title, styles["subtitle"]) for title in titles[1:]]


def render_decision(facts: DecisionFacts, template: dict, languages: list[str]) -> bytes:
    """The decision as PDF bytes. ``template`` is ``decision_template()``; ``languages``
    the document's languages in order (the state language first, then the reader's when
    different): each label is printed in all of them, content in the first that has it."""
    register_fonts()
    styles = _styles()
    label = functools.partial(_label, template, languages=languages)
    title_key = "title_approved" if facts.approved else "title_rejected"
    titles = _texts(template, title_key, languages)
    agency = _content(facts.agency_name, languages)
    story = heading(agency, facts.agency_address, facts.agency_website, titles, languages,
                    styles)
    story += [Spacer(0, 8 * mm), _facts_table([
        (label("number"), facts.number, False),
        (label("date"), format_date(facts.decided_on), False),
        (label("applicant"), facts.applicant_name, False),
        (label("applicant_id"), facts.applicant_id, False),
        (label("service"), _content(facts.service, languages), False),
        (label("decision"), label("approved" if facts.approved else "rejected"), True),
    ], styles), Spacer(0, 7 * mm)]
    if facts.reason.strip():  # an approval may come without a note
        story += [_paragraph(label("reason"), styles["label"]), Spacer(0, 1.5 * mm)]
    # One paragraph per paragraph of the reason, so a long reason breaks between them too.
    for part in filter(None, (part.strip() for part in facts.reason.split("\n\n"))):
        story += [_paragraph(part, styles["body"]), Spacer(0, 2 * mm)]
    story.append(_Closing(
        official=[_paragraph(label("official"), styles["label"]),
                  _paragraph(facts.official_name, styles["strong"])],
        verify=[_paragraph(text, styles["small"])
                for text in _texts(template, "verify", languages)],
        url=facts.verify_url))

    footer = f"{label('document_id')}: {facts.document_id}"
    return build_pdf(story, title=f"{titles[0]} {facts.number}", author=agency,
                     subject=_content(facts.service, languages), language=languages[0],
                     footer=footer, page_label=lambda page, pages: label(
                         "page", page=page, pages=pages), dated=facts.decided_on)


def build_pdf(story: list, *, title: str, author: str, subject: str, language: str,
              footer: str, page_label, dated: datetime.date) -> bytes:
    """``story`` on A4 pages with the platform's margins and footer (``page_label(page,
    pages)`` at the right), dated ``dated``: the same inputs give the same bytes."""
    buffer = BytesIO()
    document = BaseDocTemplate(
        buffer, pagesize=A4, title=title, author=author, subject=subject, creator="Yagona",
        lang=language, invariant=True, initialFontName=FONT, leftMargin=MARGIN,
        rightMargin=MARGIN, topMargin=TOP, bottomMargin=MARGIN)
    frame = Frame(MARGIN, MARGIN, CONTENT_WIDTH, PAGE_HEIGHT - TOP - MARGIN, id="text",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    document.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    document.build(story, canvasmaker=_canvas_class(footer, page_label, dated))
    return buffer.getvalue()
