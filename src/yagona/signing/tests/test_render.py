"""The decision PDF, read back with poppler (pdftotext, pdfinfo, pdffonts, pdftoppm) as a
reader's viewer would: the letters of Tajik and Azerbaijani survive, long grounds make a
second page, fonts are embedded subsets, the QR code holds the verification address and
the signature band is left empty.

Without poppler-utils these tests skip, unless YAGONA_REQUIRE_TOOLS=1 (CI), where they fail.
"""

import dataclasses
import datetime
import os
import re
import shutil
import subprocess

import pytest
from reportlab.graphics.barcode import qrencoder

from yagona.signing.render import (
    PAGE_HEIGHT,
    QR_BOX,
    SIGNATURE_BOX,
    DecisionFacts,
    decision_template,
    render_decision,
)

pytestmark = pytest.mark.django_db

TAJIK, AZERBAIJANI = "ғӣқӯҳҷҒӢҚӮҲҶ", "əğışçöüƏĞİŞ"
URL = "https://yagona.example/verify/3f2b8c1e-7a4d-4e2a-9b61-0c5d8e9f1a23"
TJ = DecisionFacts(
    document_id="3f2b8c1e-7a4d-4e2a-9b61-0c5d8e9f1a23", number="ADLIYA-2026-000123",
    decided_on=datetime.date(2026, 3, 17), approved=True,
    service={"tg": "Бақайдгирии таваллуди кӯдак", "ru": "Регистрация рождения ребёнка",
             "en": "Registration of a child's birth"},
    agency_name={"tg": "Вазорати адлияи Ҷумҳурии Тоҷикистон", "ru": "Министерство юстиции"},
    agency_address={"tg": "ш. Душанбе, кӯчаи Ҳаким Карим, 25"},
    agency_website="https://adliya.tj", applicant_name="Раҳимова Дилноза Қаҳҳоровна",
    applicant_id="410012345", official_name="Ҷӯраев Ғайрат Ҳусейнович", verify_url=URL,
    reason=f"Ҳуҷҷатҳо пурра пешниҳод шудаанд; ғ ӣ қ ӯ ҳ ҷ: {TAJIK} <b>&amp; 5 > 3</b>")
AZ = dataclasses.replace(
    TJ, approved=False, number="ASAN-2026-000007",
    service={"az": "Uşağın doğumunun qeydiyyatı", "ru": "Регистрация рождения ребёнка"},
    agency_name={"az": "Ədliyyə Nazirliyi", "ru": "Министерство юстиции"},
    agency_address={"az": "Bakı şəhəri, İnşaatçılar prospekti, 1"},
    agency_website="https://justice.gov.az", applicant_name="Məmmədova Gülşən İlqar qızı",
    applicant_id="5ZK7R2P", official_name="Əliyev Şəhriyar Ağa oğlu",
    reason=f"Sənədlər natamamdır: {AZERBAIJANI}")


@pytest.fixture(scope="module")
def poppler():
    missing = [tool for tool in ("pdftotext", "pdfinfo", "pdffonts", "pdftoppm")
               if shutil.which(tool) is None]
    if missing:
        if os.environ.get("YAGONA_REQUIRE_TOOLS") == "1":
            pytest.fail(f"{', '.join(missing)} missing (poppler-utils; YAGONA_REQUIRE_TOOLS=1)")
        pytest.skip(f"{', '.join(missing)} not installed (Debian package poppler-utils)")


def render(tmp_path, facts, country, languages, settings, name="decision"):
    settings.COUNTRY = country  # no pack loaded: active_pack() reads countries/<country>
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(render_decision(facts, decision_template(), languages))
    return path


def run(*command) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def text_of(path) -> str:
    return " ".join(run("pdftotext", "-enc", "UTF-8", str(path), "-").split())


def pages(path) -> int:
    return int(re.search(r"^Pages:\s+(\d+)", run("pdfinfo", str(path)), re.M)[1])


def test_tajik_and_russian_labels_and_letters_round_trip(poppler, tmp_path, settings):
    path = render(tmp_path, TJ, "tj", ["tg", "ru"], settings)
    text = text_of(path)
    assert all(letter in text for letter in TAJIK)
    for shown in ("Вазорати адлияи Ҷумҳурии Тоҷикистон", "Қарор дар бораи қонеъ гардонидани "
                  "ариза", "Решение об удовлетворении заявления", "Санаи қарор / Дата решения",
                  "17.03.2026", "ADLIYA-2026-000123", "Раҳимова Дилноза Қаҳҳоровна",
                  "Бақайдгирии таваллуди кӯдак", "Қонеъ гардонида шуд / Удовлетворено",
                  "Шахси мансабдор / Должностное лицо", "Ҷӯраев Ғайрат Ҳусейнович",
                  "Саҳифаи 1 аз 1 / Страница 1 из 1", "<b>&amp; 5 > 3</b>"):  # text, not markup
        assert shown in text, shown
    assert "Регистрация рождения" not in text  # content in the first language that has it
    assert URL in "".join(text.split())  # the address wraps in its column
    assert "3f2b8c1e-7a4d-4e2a-9b61-0c5d8e9f1a23" in text
    info = run("pdfinfo", str(path))
    assert "Title:           Қарор дар бораи қонеъ гардонидани ариза ADLIYA-2026-000123" in info
    assert "Author:          Вазорати адлияи Ҷумҳурии Тоҷикистон" in info
    data = path.read_bytes()
    assert b"/Lang (tg)" in data and b"(D:20260317000000+00'00')" in data


def test_azerbaijani_refusal(poppler, tmp_path, settings):
    path = render(tmp_path, AZ, "az", ["az", "ru"], settings)
    text = text_of(path)
    assert all(letter in text for letter in AZERBAIJANI)
    for shown in ("Müraciətin təmin edilməsindən imtina haqqında qərar",
                  "Решение об отказе в удовлетворении заявления", "İmtina edildi / Отказано",
                  "Məmmədova Gülşən İlqar qızı", "Uşağın doğumunun qeydiyyatı",
                  "Səhifə 1, cəmi 1 / Страница 1 из 1"):
        assert shown in text, shown
    assert b"/Lang (az)" in path.read_bytes()


def test_one_language_prints_each_label_once(poppler, tmp_path, settings):
    text = text_of(render(tmp_path, TJ, "tj", ["tg"], settings))
    assert "Санаи қарор 17.03.2026" in text and "Дата решения" not in text
    assert "Асоси қарор" in text
    no_note = dataclasses.replace(TJ, reason="  \n")
    assert "Асоси қарор" not in text_of(render(tmp_path, no_note, "tj", ["tg"], settings))


def test_long_grounds_flow_onto_a_second_page(poppler, tmp_path, settings):
    paragraph = "Асоси ҳуқуқии қарор моддаи 12-и Қонун аст; ҳуҷҷатҳо санҷида шуданд. " * 12
    long = dataclasses.replace(TJ, reason="\n\n".join([paragraph] * 5) + "\n\nОХИР.")
    short = render(tmp_path, TJ, "tj", ["tg", "ru"], settings)
    path = render(tmp_path, long, "tj", ["tg", "ru"], settings, name="long")
    assert pages(short) == 1 and pages(path) == 2
    text = text_of(path)
    assert "Саҳифаи 1 аз 2 / Страница 1 из 2" in text
    assert "Саҳифаи 2 аз 2 / Страница 2 из 2" in text
    assert text.count("документа: 3f2b8c1e-7a4d-4e2a-9b61-0c5d8e9f1a23") == 2  # every page
    last = run("pdftotext", "-f", "2", "-l", "2", str(path), "-")
    assert "ОХИР." in last and "Ҷӯраев Ғайрат Ҳусейнович" in last


def test_fonts_are_embedded_subsets(poppler, tmp_path, settings):
    path = render(tmp_path, AZ, "az", ["az", "ru"], settings)
    rows = run("pdffonts", str(path)).splitlines()[2:]
    assert len(rows) == 2  # regular and bold, nothing else (no unembedded Helvetica)
    for row in rows:
        name, *_, embedded, subset, unicode, _, _ = row.split()
        assert re.fullmatch(r"[A-Z]{6}\+DejaVuSans(-Bold)?", name)
        assert (embedded, subset, unicode) == ("yes", "yes", "yes")
    assert path.stat().st_size < 150_000  # the two faces whole are 1.4 MB


def test_the_same_decision_gives_the_same_bytes(tmp_path, settings):
    settings.COUNTRY = "tj"
    once = render_decision(TJ, decision_template(), ["tg", "ru"])
    assert once == render_decision(TJ, decision_template(), ["tg", "ru"])
    assert once != render_decision(dataclasses.replace(TJ, number="ADLIYA-2026-000124"),
                                   decision_template(), ["tg", "ru"])


def gray_page(path, page: int, dpi: int) -> tuple[int, int, bytes]:
    """Page ``page`` as 8-bit grey pixels (pdftoppm's PGM): width, height, rows top down."""
    out = path.with_suffix("")
    subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page),
                    "-singlefile", str(path), str(out)], check=True)
    data = out.with_suffix(".pgm").read_bytes()
    magic, width, height, _, pixels = data.split(maxsplit=4)
    assert magic == b"P5"
    return int(width), int(height), pixels


def pixel(image, dpi, x_pt: float, y_pt: float) -> int:
    """The grey value at a point in PDF coordinates (from the bottom left)."""
    width, _, pixels = image
    scale = dpi / 72
    return pixels[int((PAGE_HEIGHT - y_pt) * scale) * width + int(x_pt * scale)]


def test_the_qr_code_holds_the_verification_address(poppler, tmp_path, settings):
    path = render(tmp_path, AZ, "az", ["az", "ru"], settings)
    dpi = 300
    image = gray_page(path, 1, dpi)
    x1, y1, x2, y2 = QR_BOX
    # The symbol an independent encoder (reportlab's; the decision uses python-qrcode)
    # makes of the address, with one of the eight masks.
    candidates = [symbol(URL, mask) for mask in range(8)]
    size = len(candidates[0])
    module = (x2 - x1) / size
    drawn = [[pixel(image, dpi, x1 + (col + 0.5) * module, y2 - (row + 0.5) * module) < 128
              for col in range(size)] for row in range(size)]
    assert drawn in candidates
    assert drawn not in [symbol(URL.replace("3f2b", "3f2c"), mask) for mask in range(8)]


def symbol(text: str, mask: int) -> list[list[bool]]:
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(text)
    code.version = code.calculate_version()
    code.makeImpl(False, mask)
    return [[bool(module) for module in row] for row in code.modules]


def test_the_signature_band_of_the_last_page_is_left_empty(poppler, tmp_path, settings):
    long = dataclasses.replace(AZ, reason="\n\n".join(["Əsaslandırma mətni. " * 60] * 3))
    path = render(tmp_path, long, "az", ["az", "ru"], settings)
    assert pages(path) == 2
    dpi = 100
    image = gray_page(path, 2, dpi)
    x1, y1, x2, y2 = SIGNATURE_BOX
    step = 72 / dpi
    band = [pixel(image, dpi, x1 + i * step, y1 + j * step)
            for i in range(int((x2 - x1) / step)) for j in range(int((y2 - y1) / step))]
    assert min(band) == 255
    # ... while the official's name is printed right above it, and the text above that.
    above = [pixel(image, dpi, x1 + i * step, y2 + j * step)
             for i in range(int((x2 - x1) / step)) for j in range(1, int(12 / step))]
    assert min(above) < 100
