"""An application as a PDF document, for its applicant to sign before it is submitted.

A4, in the style of the decisions (``render.py``: the same fonts, styles and footer): the
agency as letterhead, the title and the service, a table of facts (who applies, for whom,
the date), then each page of the form with its questions and answers, and the
applicant's declaration. The caller gives every text already in the document's language;
nothing is signed here. The bytes depend on the facts alone (reportlab's invariant mode,
the given date as creation date), so the same application renders the same file: what
was signed can be rendered again and compared before the application is submitted.
"""

import datetime
from dataclasses import dataclass, field

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    KeepTogether,
    Spacer,
)

from yagona.signing.render import (
    _facts_table,
    _paragraph,
    _styles,
    build_pdf,
    register_fonts,
)


@dataclass(frozen=True)
class ApplicationFacts:
    language: str                          # the document's language (texts are in it)
    agency: str                            # the letterhead
    title: str                             # "Application"
    service: str                           # the service's name
    facts: list[tuple[str, str]]           # (label, value): applicant, date, ...
    # One section per page of the form: (its title, [(question, answer)]).
    sections: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)
    closing: list[str] = field(default_factory=list)  # the declaration, who signs
    footer: str = ""                       # left of every page's foot: the id
    page_label: str = "%(page)s / %(pages)s"  # "Page %(page)s of %(pages)s"
    dated: datetime.date = datetime.date(2000, 1, 1)  # the creation date in the file


def render_application(facts: ApplicationFacts) -> bytes:
    """The application as PDF bytes (see the module's docstring)."""
    register_fonts()
    styles = _styles()
    story: list[Flowable] = [
        _paragraph(facts.agency, styles["agency"]), Spacer(0, 3 * mm),
        HRFlowable(width="100%", thickness=1.2, color=colors.black), Spacer(0, 8 * mm),
        _paragraph(facts.title, styles["title"]), _paragraph(facts.service, styles["subtitle"]),
        Spacer(0, 7 * mm), _facts_table([(label, value, False) for label, value in facts.facts],
                                        styles)]
    for heading, rows in facts.sections:
        # A heading never stays alone at the foot of a page.
        story.append(KeepTogether([
            Spacer(0, 6 * mm), _paragraph(heading, styles["strong"]), Spacer(0, 1.5 * mm),
            _facts_table([(label, value or "—", False) for label, value in rows], styles)]))
    story.append(Spacer(0, 8 * mm))
    for text in facts.closing:
        story += [_paragraph(text, styles["body"]), Spacer(0, 2 * mm)]

    return build_pdf(story, title=f"{facts.title}: {facts.service}", author=facts.agency,
                     subject=facts.service, language=facts.language, footer=facts.footer,
                     page_label=lambda page, pages: facts.page_label % {"page": page,
                                                                        "pages": pages},
                     dated=facts.dated)


def spaced(digest: str, group: int = 8) -> str:
    """A long hash in groups, so that it wraps in a table cell and reads aloud."""
    return " ".join(digest[i:i + group] for i in range(0, len(digest), group))
