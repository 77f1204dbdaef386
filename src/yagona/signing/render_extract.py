"""An extract of what a base register holds about a person, as a PDF document ready to be
sealed by the agency that keeps the register: the letterhead, the title, the facts of the
extract (register, keeper, the person's ID, when the record last changed, the date of the
extract), the record's fields, then the seal's band and the QR code of the verification
address at the foot of the last page, as on a decision (``render.py``). Labels come from
the pack (``documents.extract``) in each of the document's languages; the record's rows
come already in them. Nothing is signed here."""

import datetime
import functools
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from yagona.core.countries import active_pack
from yagona.core.display import format_date
from yagona.signing.render import (
    _Closing,
    _content,
    _facts_table,
    _label,
    _paragraph,
    _styles,
    _texts,
    build_pdf,
    heading,
    register_fonts,
)


@dataclass(frozen=True)
class ExtractFacts:
    document_id: str                  # the signed document's id (uuid string)
    registry_name: dict[str, str]     # per language code
    keeper_name: dict[str, str]
    keeper_address: dict[str, str]
    keeper_website: str
    person_id: str
    changed_on: datetime.date         # when the record last changed
    issued_on: datetime.date
    rows: tuple[tuple[str, str], ...]  # the record's (label, value), in the languages
    verify_url: str


def extract_template() -> dict:
    """The active pack's labels of an extract (pack.yaml ``documents.extract``)."""
    return active_pack().raw["documents"]["extract"]


def render_extract(facts: ExtractFacts, template: dict, languages: list[str]) -> bytes:
    """The extract as PDF bytes; ``languages`` as for a decision (the state language
    first, then the reader's when different)."""
    register_fonts()
    styles = _styles()
    label = functools.partial(_label, template, languages=languages)
    titles = _texts(template, "title", languages)
    keeper = _content(facts.keeper_name, languages)
    registry = " / ".join(dict.fromkeys(_content(facts.registry_name, [code])
                                        for code in languages))
    story: list[Flowable] = heading(keeper, facts.keeper_address, facts.keeper_website,
                                    titles, languages, styles)
    story += [Spacer(0, 8 * mm), _facts_table([
        (label("registry"), registry, True),
        (label("keeper"), keeper, False),
        (label("person_id"), facts.person_id, False),
        (label("changed"), format_date(facts.changed_on), False),
        (label("issued"), format_date(facts.issued_on), False),
    ], styles), Spacer(0, 7 * mm), _paragraph(label("record"), styles["label"]),
        Spacer(0, 1.5 * mm)]
    story += [_facts_table([(name, value, False) for name, value in facts.rows], styles)]
    story.append(_Closing(
        official=[_paragraph(label("sealed_by"), styles["label"]),
                  _paragraph(keeper, styles["strong"])],
        verify=[_paragraph(text, styles["small"])
                for text in _texts(template, "verify", languages)],
        url=facts.verify_url))
    return build_pdf(story, title=f"{titles[0]}: {registry}", author=keeper, subject=registry,
                     language=languages[0], footer=f"{label('document_id')}: "
                     f"{facts.document_id}", page_label=lambda page, pages: label(
                         "page", page=page, pages=pages), dated=facts.issued_on)
