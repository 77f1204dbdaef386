"""Sealing: the official's signature and the agency seal, timestamped, with the
validation material embedded (PAdES B-LT); certificates by profile; revocation."""

import subprocess

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtensionOID, NameOID
from pyhanko.sign.validation.generic_cms import extract_tst_data_iter

from yagona.agencies.models import Agency
from yagona.core.audit import SYSTEM, AuditEntry
from yagona.signing import authority, pades, pki, services, verify
from yagona.signing.models import Certificate
from yagona.signing.tests.helpers import plain_pdf


@pytest.fixture
def reg(people):
    return Agency.objects.get(code="REG")


@pytest.mark.django_db
def test_a_sealed_result_carries_the_officials_signature_and_the_seal(people, reg):
    document = services.seal(plain_pdf(), reg, official=people["operator"],
                             official_role="operator", kind="result", title={"en": "Decision"},
                             holder_id=people["citizen"].username, reference="REG-2026-000001")
    signed = document.file.read()
    signatures = pades.signatures_in(signed)
    assert [s.field_name for s in signatures] == ["Official", "Seal"]
    official, seal = (s.signer_cert for s in signatures)
    assert official.subject.native["serial_number"] == f"PNOXX-{people['operator'].username}"
    assert seal.subject.native["organization_identifier"] == "GOVXX-REG"
    for signature in signatures:  # each has its own timestamp from the platform TSA
        stamps = list(extract_tst_data_iter(signature.signer_info, signed=False))
        assert len(stamps) == 1
        assert stamps[0]["certificates"][0].chosen.subject.native["common_name"] \
            == "Yagona timestamping"
    assert document.sha256 and document.signers[1]["profile"] == "seal"
    assert AuditEntry.objects.filter(action="signing.document_sealed",
                                     object_id=str(document.uuid)).exists()


@pytest.mark.django_db
def test_profiles_give_the_key_usages_and_publication_points(people, reg):
    row = services.certificate_of(people["operator"], reg, "operator")
    certificate = pki.load(row)
    usage = certificate.extensions.get_extension_for_oid(ExtensionOID.KEY_USAGE).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    assert not certificate.extensions.get_extension_for_oid(
        ExtensionOID.BASIC_CONSTRAINTS).value.ca
    points = certificate.extensions.get_extension_for_oid(
        ExtensionOID.CRL_DISTRIBUTION_POINTS).value
    assert points[0].full_name[0].value.endswith("/pki/persons.crl")
    assert certificate.subject.get_attributes_for_oid(NameOID.TITLE)[0].value == "operator"
    issuer = pki.hierarchy().authorities["persons"].certificate
    certificate.verify_directly_issued_by(issuer)
    issuer.verify_directly_issued_by(pki.hierarchy().root.certificate)
    # The same person and agency get the same certificate until it is revoked.
    assert services.certificate_of(people["operator"], reg, "operator") == row
    citizen = services.certificate_of(people["citizen"])
    assert citizen.profile == Certificate.Profile.CITIZEN and not citizen.agency_code


@pytest.mark.django_db
def test_revocation_reaches_the_crl_and_ocsp(people, reg):
    row = services.certificate_of(people["citizen"])
    good = ocsp.load_der_ocsp_response(pki.status_of(row))
    assert good.certificate_status == ocsp.OCSPCertStatus.GOOD
    services.revoke(SYSTEM, row.serial, "key_compromise")
    row.refresh_from_db()
    answer = ocsp.load_der_ocsp_response(pki.status_of(row))
    assert answer.certificate_status == ocsp.OCSPCertStatus.REVOKED
    assert answer.revocation_reason == x509.ReasonFlags.key_compromise
    crl = x509.load_der_x509_crl(pki.crl("persons"))
    assert crl.get_revoked_certificate_by_serial_number(int(row.serial, 16)) is not None
    assert crl.is_signature_valid(pki.hierarchy().authorities["persons"].key.public_key())
    assert services.certificate_of(people["citizen"]) != row  # a new one on next need
    assert AuditEntry.objects.filter(action="signing.certificate_revoked").exists()


@pytest.mark.django_db
def test_ocsp_requests_are_answered_as_rfc_6960_says(people, reg, tmp_path):
    row = services.certificate_of(people["citizen"])
    issuer = pki.hierarchy().authorities["persons"].certificate
    request = ocsp.OCSPRequestBuilder().add_certificate(
        pki.load(row), issuer, hashes.SHA1()).build()  # openssl's default hash
    answer = ocsp.load_der_ocsp_response(pki.ocsp_answer("persons", request.public_bytes(
        serialization.Encoding.DER)))
    assert answer.response_status == ocsp.OCSPResponseStatus.SUCCESSFUL
    assert answer.certificate_status == ocsp.OCSPCertStatus.GOOD
    malformed = ocsp.load_der_ocsp_response(pki.ocsp_answer("persons", b"nonsense"))
    assert malformed.response_status == ocsp.OCSPResponseStatus.MALFORMED_REQUEST
    other = ocsp.OCSPRequestBuilder().add_certificate(  # asked of the wrong authority
        pki.load(row), issuer, hashes.SHA256()).build()
    refused = ocsp.load_der_ocsp_response(pki.ocsp_answer("seals", other.public_bytes(
        serialization.Encoding.DER)))
    assert refused.response_status == ocsp.OCSPResponseStatus.UNAUTHORIZED


@pytest.mark.django_db
def test_a_kept_ocsp_answer_never_outlives_a_revocation(people, reg, monkeypatch):
    """Answers without a nonce are kept for their minute; a revocation in that minute
    shows at once, in the service's answer and the responder's."""
    now = authority.now()
    monkeypatch.setattr(authority, "now", lambda: now)  # one minute throughout
    row = services.seal_certificate(reg)
    issuer = pki.hierarchy().authorities["seals"].certificate
    good = pki.status_of(row)
    assert pki.status_of(row) == good  # kept
    assert ocsp.load_der_ocsp_response(good).certificate_status == ocsp.OCSPCertStatus.GOOD

    def asked(nonce=None) -> ocsp.OCSPResponse:
        builder = ocsp.OCSPRequestBuilder().add_certificate(
            pki.load(row), issuer, hashes.SHA256())
        if nonce:
            builder = builder.add_extension(x509.OCSPNonce(nonce), critical=False)
        return ocsp.load_der_ocsp_response(pki.ocsp_answer("seals", builder.build()
                                                           .public_bytes(serialization
                                                                         .Encoding.DER)))

    assert asked().certificate_status == ocsp.OCSPCertStatus.GOOD
    services.revoke(SYSTEM, row.serial, "key_compromise")
    revoked = ocsp.load_der_ocsp_response(pki.status_of(Certificate.objects.get(pk=row.pk)))
    assert revoked.certificate_status == ocsp.OCSPCertStatus.REVOKED
    assert asked().certificate_status == ocsp.OCSPCertStatus.REVOKED
    # An answer to a request with a nonce is made for it alone, and carries it.
    first, second = asked(b"\x01" * 16), asked(b"\x02" * 16)
    assert first.certificate_status == ocsp.OCSPCertStatus.REVOKED
    assert [e.value.nonce for e in first.extensions] == [b"\x01" * 16]
    assert [e.value.nonce for e in second.extensions] == [b"\x02" * 16]


@pytest.mark.django_db
def test_a_signature_outgrowing_its_measured_space_is_measured_again(reg, monkeypatch):
    monkeypatch.setattr(pades, "_reserved", lambda *args: 64)  # far too little
    document = services.seal(plain_pdf(), reg, kind="result", title={},
                             reference="REG-2026-000003")
    report = verify.verify_pdf(document.file.read())
    assert report.indication == "TOTAL_PASSED"
    assert [s.field for s in report.signatures] == ["Seal"]


@pytest.mark.django_db
def test_poppler_finds_both_signatures_intact(people, reg, tmp_path):
    document = services.seal(plain_pdf(), reg, official=people["operator"], kind="result",
                             title={}, reference="REG-2026-000002")
    path = tmp_path / "sealed.pdf"
    path.write_bytes(document.file.read())
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert out.count("Signature is Valid.") == 2, out
    tampered = bytearray(path.read_bytes())
    at = tampered.index(b"page 1")
    tampered[at:at + 6] = b"PAGE 1"
    path.write_bytes(bytes(tampered))
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    assert "Signature is Valid." not in out, out


@pytest.mark.django_db
def test_long_cyrillic_names_fit_a_certificate(people, reg):
    """64 bytes of UTF-8 at most per name (cryptography counts bytes): a Tajik agency's
    or person's long name is cut between letters, never refused."""
    long = "Агентии суғуртаи иҷтимоӣ ва нафақаи назди Ҳукумати Ҷумҳурии Тоҷикистон"
    row = pki.issue(Certificate.Profile.SEAL, holder="NAFAQA", agency_code="NAFAQA",
                    common_name=long, organisation=long)
    subject = pki.load(row).subject
    for oid in (NameOID.COMMON_NAME, NameOID.ORGANIZATION_NAME):
        value = subject.get_attributes_for_oid(oid)[0].value
        assert long.startswith(value) and len(value.encode()) <= 64 < len(long.encode())
