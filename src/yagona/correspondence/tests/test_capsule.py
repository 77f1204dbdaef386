"""Capsules: built canonically, read back whole, and every way a received one can be wrong
refused with the exchange's fault code and the JSON path of the problem."""

import base64
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import uuid
import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yagona.correspondence import capsule
from yagona.correspondence.capsule import (
    ASICE,
    FAULT_INVALID_ADDRESSEE,
    FAULT_SIZE_LIMIT,
    FAULT_UNSUPPORTED_VERSION,
    FAULT_VALIDATION,
    PDF,
    Capsule,
    CapsuleFault,
    DocumentMeta,
    Party,
    Reference,
)

MOJ = Party("MOJ", "TJ/GOV/MOJ", {"tg": "Вазорати адлия", "ru": "Министерство юстиции"})
TAX = Party("TAX", "TJ/GOV/TAX")
CARD = DocumentMeta(
    number="01-12/345/26", registered_on=date(2026, 3, 17), type="letter",
    subject="Дар бораи пешниҳоди маълумот оид ба андозсупоранда", pages=2, access="public",
    language="tg", signed_by="Раҳимов Ф. Қ.",
    in_reply_to=Reference("TAX-07/88", date(2026, 3, 2)),
    links=(Reference("01-12/300/26", date(2026, 2, 20), "refers_to"),))
CONSIGNMENT = "3f2b8c9e-1d4a-4b6f-9e21-7c5d0a8b9f10"
LETTER = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"
LIMIT = 1024 * 1024
ASICE_BYTES = ASICE.encode()
SRC = str(Path(capsule.__file__).parents[2])


def make(container=LETTER, media_type=PDF, name="letter.pdf", **changes) -> bytes:
    args = {"consignment": CONSIGNMENT, "sender": MOJ, "recipient": TAX, "document": CARD,
            "container": container, "container_name": name, "media_type": media_type}
    return capsule.build(**(args | changes))


def asice(*, first="mimetype", content=ASICE_BYTES, method=zipfile.ZIP_STORED) -> bytes:
    """A hand-made ZIP laid out like an ASiC-E container (unsigned: the structure only)."""
    entries = [("mimetype", content, method), ("letter.pdf", LETTER, zipfile.ZIP_DEFLATED)]
    entries.sort(key=lambda entry: entry[0] != first)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for entry_name, data, entry_method in entries:
            archive.writestr(zipfile.ZipInfo(entry_name), data, entry_method)
    return buffer.getvalue()


def edited(raw: bytes, path: str, value=None, *, delete=False) -> bytes:
    """``raw`` with the field at the dotted ``path`` set (or deleted), as a sender's bug
    would leave it; the rest canonical."""
    data = json.loads(raw)
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
    target = data
    for part in parents:
        target = target[part]
    if delete:
        del target[last]
    else:
        target[last] = value
    return json.dumps(data, ensure_ascii=False).encode()


def with_container(raw: bytes, content: bytes, media_type=PDF) -> bytes:
    """``raw`` carrying ``content``, its size and hash right: only the content is wrong."""
    for path, value in [("container.data", base64.b64encode(content).decode()),
                        ("container.size", len(content)),
                        ("container.sha256", hashlib.sha256(content).hexdigest()),
                        ("container.media_type", media_type)]:
        raw = edited(raw, path, value)
    return raw


def refused(raw: bytes, code: str, detail: str | None = None, *, member="TJ/GOV/TAX",
            max_bytes=LIMIT) -> CapsuleFault:
    with pytest.raises(CapsuleFault) as caught:
        capsule.parse(raw, recipient_member=member, max_bytes=max_bytes)
    assert caught.value.code == code, caught.value
    if detail is not None:
        assert caught.value.detail == detail, caught.value
    assert caught.value.message
    return caught.value


# Made and read back

def test_a_pdf_letter_round_trips():
    raw = make()
    got = capsule.parse(raw, recipient_member="TJ/GOV/TAX", max_bytes=LIMIT)
    assert got == Capsule(
        version="1.0", consignment=CONSIGNMENT, sender=MOJ, recipient=TAX, document=CARD,
        container_name="letter.pdf", media_type=PDF, container=LETTER,
        sha256=hashlib.sha256(LETTER).hexdigest())


def test_the_bytes_are_canonical():
    raw = make()
    assert raw == make()
    data = json.loads(raw)
    assert raw == json.dumps(data, sort_keys=True, separators=(",", ":"),
                             ensure_ascii=False).encode("utf-8")
    assert "Вазорати адлия" in raw.decode("utf-8")  # UTF-8, not \u escapes
    assert data["container"]["size"] == len(LETTER)
    assert data["recipient"] == {"agency": "TAX", "member": "TJ/GOV/TAX"}  # no empty name
    assert make(consignment=str(uuid.uuid4())) != raw
    assert make(consignment=uuid.UUID(CONSIGNMENT)) == raw


def test_a_document_without_reply_or_links_round_trips():
    card = replace(CARD, in_reply_to=None, links=(), access="official_use")
    got = capsule.parse(make(document=card), recipient_member="TJ/GOV/TAX", max_bytes=LIMIT)
    assert got.document == card
    assert json.loads(make(document=card))["document"]["in_reply_to"] is None


def test_a_signed_asice_container_round_trips():
    from yagona.signing import asic
    from yagona.signing.tests.pki import make_pki

    signer, _ = make_pki().signer("Раҳимов Фирӯз")
    signed = asic.build([asic.ContainerFile("letter.pdf", LETTER, PDF)], signer)
    got = capsule.parse(make(signed, ASICE, "letter.asice"), recipient_member="TJ/GOV/TAX",
                        max_bytes=LIMIT)
    assert got.container == signed and got.media_type == ASICE
    assert asic.read(got.container).files["letter.pdf"].data == LETTER


def test_a_hand_made_asice_layout_is_accepted():
    got = capsule.parse(make(asice(), ASICE, "letter.asice"), recipient_member="TJ/GOV/TAX",
                        max_bytes=LIMIT)
    assert got.container == asice()


def test_the_consignment_is_the_canonical_uuid_and_parse_keeps_no_memory():
    """Duplicates are the receiver's database's to decide; ``parse`` gives it one key
    per UUID however the sender wrote it, and accepts the same capsule twice."""
    raw = edited(make(), "consignment", CONSIGNMENT.upper())
    first = capsule.parse(raw, recipient_member="TJ/GOV/TAX", max_bytes=LIMIT)
    again = capsule.parse(raw, recipient_member="TJ/GOV/TAX", max_bytes=LIMIT)
    assert first.consignment == again.consignment == CONSIGNMENT


def test_build_refuses_what_the_recipient_would_refuse():
    with pytest.raises(CapsuleFault) as caught:
        make(document=replace(CARD, pages=0))
    assert (caught.value.code, caught.value.detail) == (FAULT_VALIDATION, "document.pages")
    with pytest.raises(CapsuleFault) as caught:
        make(container=b"not a pdf")
    assert (caught.value.code, caught.value.detail) == (FAULT_VALIDATION, "container.data")
    with pytest.raises(CapsuleFault) as caught:
        make(max_bytes=100)
    assert caught.value.code == FAULT_SIZE_LIMIT


# Size

def test_the_size_limit_is_inclusive_and_checked_before_anything_else(monkeypatch):
    raw = make()
    assert capsule.parse(raw, recipient_member="TJ/GOV/TAX", max_bytes=len(raw))
    refused(raw, FAULT_SIZE_LIMIT, "", max_bytes=len(raw) - 1)
    # Truncated JSON one byte over: size_limit, not validation.
    truncated = raw[:len(raw) // 2]
    refused(truncated, FAULT_VALIDATION, max_bytes=len(truncated))
    refused(truncated, FAULT_SIZE_LIMIT, max_bytes=len(truncated) - 1)
    # ... and nothing was decoded on the way.
    monkeypatch.setattr(capsule.json, "loads", lambda *a, **k: pytest.fail("decoded"))
    monkeypatch.setattr(capsule.base64, "b64decode", lambda *a, **k: pytest.fail("decoded"))
    fault = refused(raw + b" ", FAULT_SIZE_LIMIT, max_bytes=len(raw))
    assert str(len(raw)) in fault.message


# Version

@pytest.mark.parametrize("version", ["2.0", "1.1", "0.9", ""])
def test_an_unknown_version_is_unsupported(version):
    fault = refused(edited(make(), "version", version), FAULT_UNSUPPORTED_VERSION, "version")
    assert "1.0" in fault.message


def test_a_missing_or_odd_version_is_invalid():
    refused(edited(make(), "version", delete=True), FAULT_VALIDATION, "version")
    refused(edited(make(), "version", 1.0), FAULT_VALIDATION, "version")


# Validation: the capsule as JSON

@pytest.mark.parametrize("raw, words", [
    pytest.param(make()[:-10], "not JSON", id="truncated"),
    pytest.param(b"", "not JSON", id="empty"),
    pytest.param(b"\xff\xfe{}", "not UTF-8", id="utf-16"),
    pytest.param("\ufeff{}".encode(), "not JSON", id="bom"),
    pytest.param(b"[]", "not a JSON object", id="array"),
    pytest.param(b'{"version": "1.0", "version": "2.0"}', "twice", id="duplicate-key"),
    pytest.param(b'{"version": "1.0", "pages": NaN}', "NaN", id="nan"),
    pytest.param(b"[" * 5000 + b"]" * 5000, "JSON", id="deep"),
    pytest.param(b'{"version": "1.0", "consignment": "\\ud800"}', "surrogate",
                 id="lone-surrogate"),
])
def test_what_is_not_a_json_object_is_invalid(raw, words):
    assert words in refused(raw, FAULT_VALIDATION, "").message


# Validation: the schema, with the JSON path of the problem

@pytest.mark.parametrize("path, value, detail", [
    ("document.pages", 0, None),
    ("document.pages", 10001, None),
    ("document.pages", "2", None),
    ("document.pages", True, None),
    ("document.pages", None, None),
    ("document.subject", "д" * 1001, None),
    ("document.subject", "", None),
    ("document.subject", "line one\nline two", None),
    ("document.registered_on", "2026-02-30", None),
    ("document.registered_on", "20260317", None),
    ("document.registered_on", "2026-W12-2", None),
    ("document.access", "secret", None),
    ("document.language", "Tajik", None),
    ("document.in_reply_to.relation", "refers_to", "document.in_reply_to.relation"),
    ("document.links.0.relation", "answers", None),
    ("document.links.0.note", "x", None),
    ("document.links", [{"number": "1", "relation": "amends"}],
     "document.links[0].registered_on"),
    ("sender.agency", "moj", None),
    ("sender.name", {}, None),
    ("sender.name.tg", "н" * 501, None),
    ("sender.name", {"Tajik": "Адлия"}, "sender.name"),
    ("recipient.member", "TJ/GOVT/TAX", None),
    ("recipient.member", "TJ/GOV", None),
    ("container.media_type", "application/zip", None),
    ("container.name", "../letter.pdf", None),
    ("container.sha256", "AB" * 32, None),
    ("container.priority", "high", None),
    ("extra", 1, None),
])
def test_a_schema_violation_names_its_path(path, value, detail):
    expected = detail or re.sub(r"\.(\d+)", r"[\1]", path)
    refused(edited(make(), path, value), FAULT_VALIDATION, expected)


@pytest.mark.parametrize("path", ["document.pages", "sender.name", "container.sha256",
                                  "document.in_reply_to", "consignment"])
def test_a_missing_field_is_named(path):
    refused(edited(make(), path, delete=True), FAULT_VALIDATION, path)


@pytest.mark.parametrize("value", ["not-a-uuid", "3f2b8c9e-1d4a-4b6f-9e21-7c5d0a8b9fzz",
                                   "x" * 36])
def test_a_consignment_that_is_no_uuid_is_invalid(value):
    refused(edited(make(), "consignment", value), FAULT_VALIDATION, "consignment")


# Validation: the container

def test_a_wrong_hash_is_invalid():
    other = hashlib.sha256(b"another letter").hexdigest()
    refused(edited(make(), "container.sha256", other), FAULT_VALIDATION, "container.sha256")


def test_a_wrong_size_is_invalid():
    refused(edited(make(), "container.size", len(LETTER) + 1), FAULT_VALIDATION,
            "container.size")


@pytest.mark.parametrize("data", ["JVBERi0xLjcK!", "JVBERi0xLjcK\n", "JVBERi0xLjc",
                                  "JVBERi0-LjcK", "ЖVBERi0xLjcK"])
def test_data_that_is_not_base64_is_invalid(data):
    refused(edited(make(), "container.data", data), FAULT_VALIDATION, "container.data")


@pytest.mark.parametrize("content, media_type, words", [
    (b"<html>letter</html>", PDF, "not a PDF"),
    (asice(), PDF, "not a PDF"),
    (LETTER, ASICE, "not a ZIP"),
    (asice()[:-30], ASICE, "not a ZIP"),
    (asice(first="letter.pdf"), ASICE, "first entry"),
    (asice(content=b"application/zip"), ASICE, "is not application/vnd.etsi.asic-e+zip"),
    (asice(method=zipfile.ZIP_DEFLATED), ASICE, "stored"),
])
def test_a_container_that_is_not_what_its_type_says_is_invalid(content, media_type, words):
    raw = with_container(make(), content, media_type)
    assert words in refused(raw, FAULT_VALIDATION, "container.data").message


def test_a_zip_without_mimetype_is_invalid():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("letter.pdf", LETTER)
    raw = with_container(make(), buffer.getvalue(), ASICE)
    assert "mimetype" in refused(raw, FAULT_VALIDATION, "container.data").message


# Addressee

def test_a_capsule_for_another_member_is_refused():
    fault = refused(make(), FAULT_INVALID_ADDRESSEE, "recipient.member",
                    member="TJ/GOV/LAND")
    assert "TJ/GOV/TAX" in fault.message and "TJ/GOV/LAND" in fault.message


def test_the_module_imports_no_django():
    """Exchange-side code may parse capsules outside Django."""
    code = ("import sys, yagona.correspondence.capsule; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={**os.environ, "PYTHONPATH": SRC})
    assert out.stdout.strip() == "[]"


# The schema file

def test_the_schema_is_draft_2020_12_and_agrees_with_python_jsonschema():
    jsonschema.Draft202012Validator.check_schema(capsule.SCHEMA)
    validator = jsonschema.Draft202012Validator(capsule.SCHEMA,
                                                format_checker=jsonschema.FormatChecker())
    assert list(validator.iter_errors(json.loads(make()))) == []
    assert list(validator.iter_errors(json.loads(edited(make(), "document.pages", 0))))


def test_the_module_s_lists_are_the_schema_s():
    container = capsule.SCHEMA["properties"]["container"]["properties"]
    links = capsule.SCHEMA["properties"]["document"]["properties"]["links"]
    assert tuple(container["media_type"]["enum"]) == capsule.MEDIA_TYPES
    assert tuple(links["items"]["properties"]["relation"]["enum"]) == capsule.RELATIONS
    assert capsule.SCHEMA["properties"]["version"]["const"] == capsule.VERSION


@pytest.mark.parametrize("member", ["TJ/GOV/MOJ", "AZ/COM/1234567890", "TJ-TEST/NGO/a.b_c-d",
                                    "TJ/XYZ/MOJ", "TJ/GOV", "TJ/GOV/MOJ/SUB", "TJ/GOV/-MOJ",
                                    "TJ/GOV/" + "M" * 65, "TJ/GOV/МОЮ"])
def test_the_member_pattern_is_the_exchange_s(member):
    from yagona.exchange.ids import BadIdentifier, MemberId

    try:
        MemberId.parse(member)
        expected = True
    except BadIdentifier:
        expected = False
    recipient = replace(TAX, member=member)
    try:
        make(recipient=recipient)
        accepted = True
    except CapsuleFault as fault:
        assert fault.detail == "recipient.member"
        accepted = False
    assert accepted == expected


# Whatever arrives: a Capsule or a CapsuleFault, nothing else

SETTINGS = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
RAW = make()
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40)
    | st.sampled_from(["1.0", "2026-03-17", CONSIGNMENT, "TJ/GOV/TAX", PDF, ASICE, ""]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=12)


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


PATHS = [path for path in _paths(json.loads(RAW)) if path]


def answers(raw: bytes) -> Capsule | CapsuleFault:
    try:
        return capsule.parse(raw, recipient_member="TJ/GOV/TAX", max_bytes=4096)
    except CapsuleFault as fault:
        assert fault.code in capsule.FAULTS and fault.code != capsule.FAULT_DUPLICATE
        assert fault.message
        return fault


@SETTINGS
@given(st.binary(max_size=5000))
def test_any_bytes_are_a_capsule_or_a_fault(raw):
    answers(raw)


@SETTINGS
@given(st.sampled_from(PATHS), json_values, st.booleans())
def test_a_capsule_with_one_field_changed_is_a_capsule_or_a_fault(path, value, delete):
    data = json.loads(RAW)
    *parents, last = path
    for part in parents:
        data = data[part]
    if delete and isinstance(data, dict):
        del data[last]
    else:
        data[last] = value
    result = answers(json.dumps(data, ensure_ascii=False, allow_nan=True).encode("utf-8",
                                                                                "surrogatepass"))
    if isinstance(result, Capsule):
        assert result.container == LETTER  # one field cannot change it and its hash


@SETTINGS
@given(st.integers(0, len(RAW) - 1), st.binary(min_size=0, max_size=3), st.integers(0, 3))
def test_a_capsule_with_bytes_changed_is_a_capsule_or_a_fault(at, new, cut):
    answers(RAW[:at] + new + RAW[at + cut:])


@SETTINGS
@given(st.integers(0, 200), st.binary(min_size=1, max_size=4))
def test_an_asice_with_bytes_changed_is_a_capsule_or_a_fault(at, new):
    container = asice()
    answers(with_container(RAW, container[:at] + new + container[at + len(new):], ASICE))
