"""The application PDF an applicant signs, read back with poppler: every question and
answer in the letters of Tajik and Azerbaijani, many answers flow onto more pages with
"page x of y", embedded font subsets, and the same facts give the same bytes (what was
signed can be rendered again and compared before submission)."""

import dataclasses
import datetime
import subprocess

import pytest

from yagona.signing.render_application import ApplicationFacts, render_application, spaced
from yagona.signing.tests.test_render import poppler  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

FACTS = ApplicationFacts(
    language="tg", agency="Кумитаи андози назди Ҳукумати Ҷумҳурии Тоҷикистон",
    title="Ариза", service="Бақайдгирии давлатии шахси ҳуқуқӣ",
    facts=[("Аризадиҳанда", "Раҳимова Дилноза (510000101)"), ("Сана", "04.12.2026")],
    sections=[("Ҳуҷҷатҳо", [("Оиннома", "charter.pdf\nSHA-256 " + spaced("ab12" * 16)),
                            ("Şirkətin adı", "Ağ Şəhər MMC"), ("Холӣ", "")])],
    closing=["Ман тасдиқ мекунам, ки маълумоти додаам дуруст аст."],
    footer="Рақами ариза: 3f2b8c1e", page_label="Саҳифаи %(page)s аз %(pages)s",
    dated=datetime.date(2026, 12, 4))


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "application.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, timeout=60, check=True)
    return done.stdout


def test_questions_and_answers_read_back_in_their_letters(poppler, tmp_path):  # noqa: F811
    text = _text(render_application(FACTS), tmp_path)
    for expected in ("Кумитаи андози назди Ҳукумати Ҷумҳурии Тоҷикистон", "Ариза",
                     "Раҳимова Дилноза (510000101)", "Ağ Şəhər MMC", "charter.pdf",
                     "SHA-256 ab12ab12 ab12ab12", "Ман тасдиқ мекунам", "Саҳифаи 1 аз 1",
                     "Рақами ариза: 3f2b8c1e"):
        assert expected in text, expected
    assert "—" in text  # an empty answer says so


def test_many_answers_make_more_pages_and_the_bytes_depend_on_the_facts_only(
        poppler, tmp_path):  # noqa: F811
    long = dataclasses.replace(FACTS, sections=FACTS.sections * 12)
    pdf = render_application(long)
    assert pdf == render_application(long)
    assert pdf != render_application(dataclasses.replace(long, dated=datetime.date(2026, 12, 5)))
    path = tmp_path / "long.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                          check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines()
                     if line.startswith("Pages:")))
    assert pages >= 2 and f"Саҳифаи {pages} аз {pages}" in _text(pdf, tmp_path)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert fonts and all("DejaVu" in row and " yes yes " in row for row in fonts)
