"""ASiC-E containers: made, read back and validated with pyhanko; every way of tampering
with one is refused by read() with a message that says what is wrong."""

import asyncio
import base64
import hashlib
import io
import zipfile
from urllib.parse import unquote
from xml.etree import ElementTree as ET

import pytest
from django.utils import translation
from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate, AdESPassed
from pyhanko.sign.validation.policy_decl import (
    RevinfoOnlineFetchingRule,
    RevocationInfoGatheringSpec,
    SignatureValidationSpec,
)
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.policy_decl import (
    CertRevTrustPolicy,
    RevocationCheckingPolicy,
    RevocationCheckingRule,
)
from pyhanko_certvalidator.registry import SimpleTrustManager

from yagona.signing import asic
from yagona.signing.asic import ContainerError, ContainerFile
from yagona.signing.tests.conftest import FILES, entries, rezip
from yagona.signing.tests.pki import make_pki, to_asn1

NS = {"asic": "http://uri.etsi.org/02918/v1.2.1#", "ds": "http://www.w3.org/2000/09/xmldsig#"}
MANIFEST, SIGNATURE = "META-INF/ASiCManifest.xml", "META-INF/signature001.p7s"


def refused(data: bytes, *words: str) -> str:
    with pytest.raises(ContainerError) as caught:
        asic.read(data)
    for word in words:
        assert word in caught.value.message
    return caught.value.message


def test_two_files_signed_read_back_and_valid(pki, alice, signed):
    container = asic.read(signed)
    assert container.files == {f.name: f for f in FILES}
    [signature] = container.signatures
    assert (signature.name, signature.manifest_name) == (SIGNATURE, MANIFEST)
    assert sorted(signature.covered) == sorted(f.name for f in FILES)

    [(_, status)] = asyncio.run(asic.validate(container, pki.context()))
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert status.signing_cert.dump() == to_asn1(alice[1]).dump()
    # CAdES-T: the signature timestamp is there, by our TSA, and checks out.
    assert status.timestamp_validity.trusted and status.timestamp_validity.intact
    assert status.timestamp_validity.signing_cert.dump() == to_asn1(pki.tsa).dump()


def test_layout_is_en_319_162(signed):
    """mimetype first and stored, with nothing between its name and its content; the
    manifest names every file with its SHA-256 digest and media type."""
    listed = entries(signed)
    mimetype, content = listed[0]
    assert (mimetype.filename, mimetype.compress_type, mimetype.extra) == \
        ("mimetype", zipfile.ZIP_STORED, b"")
    assert mimetype.header_offset == 0 and content == b"application/vnd.etsi.asic-e+zip"
    assert signed[30:38 + len(content)] == b"mimetype" + content
    names = [info.filename for info, _ in listed]
    assert names[-2:] == [MANIFEST, SIGNATURE]

    manifest = ET.fromstring({i.filename: d for i, d in listed}[MANIFEST])
    reference = manifest.find("asic:SigReference", NS)
    assert reference.attrib == {"URI": SIGNATURE, "MimeType": "application/pkcs7-signature"}
    found = {}
    for item in manifest.findall("asic:DataObjectReference", NS):
        assert item.find("ds:DigestMethod", NS).get("Algorithm") == \
            "http://www.w3.org/2001/04/xmlenc#sha256"
        found[unquote(item.get("URI"))] = (item.get("MimeType"),
                                           item.find("ds:DigestValue", NS).text)
    assert found == {f.name: (f.mime_type, base64.b64encode(hashlib.sha256(f.data).digest())
                              .decode()) for f in FILES}


def test_an_altered_file_is_named(signed):
    name = FILES[1].name
    message = refused(rezip(signed, replace={name: "Qərar № 13\n".encode()}), name, MANIFEST)
    assert "altered" in message


def test_a_file_no_manifest_covers_is_refused(signed):
    refused(rezip(signed, add=[("əlavə.txt", b"slipped in")]), "əlavə.txt", "not covered")


def test_a_manifest_naming_a_missing_file_is_refused(signed):
    refused(rezip(signed, drop=[FILES[0].name]), FILES[0].name, "not in the container")


@pytest.mark.parametrize("change, words", [
    ({"compress_mimetype": True}, ["uncompressed"]),
    ({"first": FILES[0].name}, ["first"]),
    ({"drop": ["mimetype"]}, ["no “mimetype”"]),
    ({"replace": {"mimetype": b"application/vnd.etsi.asic-s+zip"}}, ["asic-s+zip"]),
])
def test_mimetype_rules(signed, change, words):
    refused(rezip(signed, **change), *words)


def test_mimetype_with_an_extra_field_is_refused(signed):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("mimetype")
        info.extra = b"\xfe\xca\x00\x00"  # the "JAR magic" some tools add
        archive.writestr(info, b"application/vnd.etsi.asic-e+zip", zipfile.ZIP_STORED)
    refused(buffer.getvalue(), "extra")


@pytest.mark.parametrize("data, words", [
    (b"", ["empty"]),
    (b"%PDF-1.7 not a zip at all", ["not a ZIP"]),
    (bytes(range(256)) * 8, ["not a ZIP"]),
])
def test_what_is_not_a_container(data, words):
    refused(data, *words)


@pytest.mark.parametrize("name", [
    "../evil.sh", "a/../../evil.sh", "/etc/passwd", "C:\\Windows\\evil", "a\\..\\b",
    "a//b", "./a", "a/", "", "META-INF/signature001.p7s", "meta-inf/x", "mimetype",
    "MIMETYPE", "bell\x07.txt", "rtl\u202etxt.exe",
])
def test_path_tricks_are_refused_at_build(alice, name):
    with pytest.raises(ContainerError):
        asic.build([ContainerFile(name, b"x", "text/plain")], alice[0])


def test_duplicates_and_bad_media_types_are_refused_at_build(alice):
    with pytest.raises(ContainerError, match="twice"):
        asic.build([ContainerFile("Qərar.txt", b"1", "text/plain"),
                    ContainerFile("QƏRAR.txt", b"2", "text/plain")], alice[0])
    with pytest.raises(ContainerError, match="media type"):
        asic.build([ContainerFile("a.txt", b"1", 'text/plain"><x')], alice[0])
    with pytest.raises(ContainerError, match="at least one"):
        asic.build([], alice[0])


@pytest.mark.parametrize("name", ["../evil.sh", "/tmp/evil.sh", "a/../../evil.sh",
                                  "C:/evil.sh", "META-INF/../../evil.sh"])
def test_path_tricks_are_refused_at_read(signed, name):
    refused(rezip(signed, add=[(name, b"#!/bin/sh\n")]), "not allowed")


def test_a_manifest_naming_a_path_trick_is_refused(pki, alice, signed):
    """Even signed: a manifest is untrusted input until its signature is checked."""
    manifest = {i.filename: d for i, d in entries(signed)}[MANIFEST]
    tricked = manifest.replace(b'URI="q%C9%99rarlar/', b'URI="..%2F..%2Fq%C9%99rarlar/')
    assert tricked != manifest
    refused(rezip(signed, replace={MANIFEST: tricked}), "not allowed")


def test_a_manifest_with_a_dtd_is_refused(signed):
    bomb = (b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><m>&b;</m>')
    refused(rezip(signed, replace={MANIFEST: bomb}), MANIFEST, "not a valid")


def test_stray_and_orphan_metadata_is_refused(signed):
    refused(rezip(signed, add=[("META-INF/signature009.p7s", b"x")]), "signature009",
            "no manifest")
    refused(rezip(signed, add=[("META-INF/evidence.ers", b"x")]), "evidence.ers")
    refused(rezip(signed, drop=[SIGNATURE]), SIGNATURE, "not in the container")
    refused(rezip(signed, replace={SIGNATURE: b"\x30\x03\x02\x01\x01"}), SIGNATURE, "damaged")


def test_zip_bombs_are_refused_before_unpacking(signed):
    buffer, info = io.BytesIO(rezip(signed)), zipfile.ZipInfo("bomb.bin")
    info.compress_type = zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(buffer, "a") as archive, \
            archive.open(info, "w", force_zip64=True) as bomb:
        chunk = bytes(1024 * 1024)
        for _ in range(asic.MAX_TOTAL_BYTES // len(chunk) + 1):
            bomb.write(chunk)
    assert len(buffer.getvalue()) < 2 * 1024 * 1024  # 100 MB of zeros packs small
    refused(buffer.getvalue(), "too large", "100 MB")

    many = [(f"f{i}.txt", b"") for i in range(asic.MAX_ENTRIES)]
    refused(rezip(signed, add=many), "too many", str(asic.MAX_ENTRIES))


def test_a_second_signer_leaves_the_first_untouched(pki, signed):
    bob, _ = pki.signer("Bob Bobov")
    both = asic.add_signature(signed, bob, timestamper=pki.timestamper())
    before = {i.filename: d for i, d in entries(signed)}
    after = {i.filename: d for i, d in entries(both)}
    assert both.startswith(signed[:signed.index(b"PK\x01\x02")])  # appended, not rewritten
    assert {k: after[k] for k in before} == before
    assert set(after) - set(before) == {"META-INF/ASiCManifest002.xml",
                                        "META-INF/signature002.p7s"}

    container = asic.read(both)
    results = asyncio.run(asic.validate(container, pki.context()))
    assert [s.name for s, _ in results] == [SIGNATURE, "META-INF/signature002.p7s"]
    assert [st.signing_cert.subject.native["common_name"] for _, st in results] == \
        ["Alice Aliyeva", "Bob Bobov"]
    assert all(st.bottom_line for _, st in results)


def test_a_changed_manifest_breaks_its_signature(pki, signed):
    """The files still match the manifest, but it is not what Alice signed."""
    manifest = {i.filename: d for i, d in entries(signed)}[MANIFEST]
    changed = manifest.replace(b'MimeType="text/plain"', b'MimeType="text/html"')
    container = asic.read(rezip(signed, replace={MANIFEST: changed}))
    [(_, status)] = asyncio.run(asic.validate(container, pki.context()))
    assert not status.intact and not status.bottom_line
    [(_, result)] = asyncio.run(asic.validate_ades(container, _spec(pki.root)))
    assert result.ades_subindic is AdESFailure.HASH_FAILURE


def test_etsi_indications(pki, alice, signed):
    [(_, result)] = asyncio.run(asic.validate_ades(asic.read(signed), _spec(pki.root)))
    assert result.ades_subindic is AdESPassed.OK
    # Without a timestamp the basic validation (EN 319 102-1 §5.3) answers.
    plain = asic.read(asic.build(FILES, alice[0]))
    [(_, result)] = asyncio.run(asic.validate_ades(plain, _spec(pki.root)))
    assert result.ades_subindic is AdESPassed.OK
    stranger = make_pki("Someone else's root").root
    [(_, result)] = asyncio.run(asic.validate_ades(plain, _spec(stranger)))
    assert result.ades_subindic is AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND


def test_untrusted_and_revoked_signers(pki, alice, signed):
    container = asic.read(signed)
    [(_, status)] = asyncio.run(asic.validate(container, make_pki("Other").context()))
    assert status.intact and status.valid and not status.trusted

    revoked = pki.context(crls=[pki.crl([alice[1]])], mode="hard-fail")
    [(_, status)] = asyncio.run(asic.validate(container, revoked))
    assert status.intact and not status.trusted and status.revocation_details is not None
    fine = pki.context(crls=[pki.crl()], mode="hard-fail")
    [(_, status)] = asyncio.run(asic.validate(container, fine))
    assert status.bottom_line


def _spec(root) -> SignatureValidationSpec:
    """What the lead's report would build: one root, revocation from what is given only."""
    no_check = RevocationCheckingPolicy(
        ee_certificate_rule=RevocationCheckingRule.NO_CHECK,
        intermediate_ca_cert_rule=RevocationCheckingRule.NO_CHECK)
    return SignatureValidationSpec(
        cert_validation_policy=CertValidationPolicySpec(
            trust_manager=SimpleTrustManager.build(trust_roots=[to_asn1(root)]),
            revinfo_policy=CertRevTrustPolicy(no_check)),
        revinfo_gathering_policy=RevocationInfoGatheringSpec(
            online_fetching_rule=RevinfoOnlineFetchingRule.NO_HISTORICAL_FETCH))


@pytest.mark.parametrize("language, words", [
    ("tg", ["Ҳисоботи солона 2026.pdf", "тағйир"]), ("ru", ["изменён"]),
    ("az", ["dəyişdirilib"])])
def test_refusals_are_in_the_reader_s_language(signed, language, words):
    altered = rezip(signed, replace={FILES[0].name: b"%PDF-1.7\nanother report\n"})
    with translation.override(language):
        refused(altered, *words)
