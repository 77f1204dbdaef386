"""The publication point at /pki/: the addresses certificates name lead to the
authorities' certificates, CRLs and OCSP responder, which answer as RFC 5280 and
RFC 6960 say, to anyone, without a session."""

import base64
from urllib.parse import urlsplit

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtensionOID
from django.test import Client
from django.urls import resolve, reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from hypothesis import strategies as st

from yagona.agencies.models import Agency
from yagona.core.audit import SYSTEM
from yagona.signing import pki, services, views


@pytest.fixture
def citizen_row(people):
    return services.certificate_of(people["citizen"])


def _request(row) -> bytes:
    issuer = pki.hierarchy().authorities[row.issuer].certificate
    return ocsp.OCSPRequestBuilder().add_certificate(pki.load(row), issuer, hashes.SHA1()) \
        .build().public_bytes(serialization.Encoding.DER)


def _published(certificate) -> dict:
    """The CRL, OCSP and issuer-certificate addresses a certificate names."""
    extensions = certificate.extensions
    points = extensions.get_extension_for_oid(ExtensionOID.CRL_DISTRIBUTION_POINTS).value
    found = {"crl": points[0].full_name[0].value}
    try:
        access = extensions.get_extension_for_oid(ExtensionOID.AUTHORITY_INFORMATION_ACCESS)
    except x509.ExtensionNotFound:
        return found
    for description in access.value:
        key = "ocsp" if description.access_method == AuthorityInformationAccessOID.OCSP \
            else "issuer"
        found[key] = description.access_location.value
    return found


@pytest.mark.django_db
def test_the_addresses_in_certificates_are_served_here(people, citizen_row, settings):
    seal = services.seal_certificate(Agency.objects.get(code="REG"))
    client = Client(enforce_csrf_checks=True)
    for row in (citizen_row, seal):
        leaf = pki.load(row)
        urls = _published(leaf)
        assert set(urls) == {"crl", "ocsp", "issuer"}
        for kind, url in urls.items():
            assert url.startswith(settings.PUBLIC_URL + "/pki/")
            path = urlsplit(url).path
            match = resolve(path)
            assert match.namespace == "pki" and match.kwargs == {"issuer": row.issuer}
            assert match.func is {"crl": views.crl, "ocsp": views.ocsp,
                                  "issuer": views.certificate}[kind]
        issuer = x509.load_der_x509_certificate(client.get(urlsplit(urls["issuer"]).path)
                                                .content)
        leaf.verify_directly_issued_by(issuer)  # caIssuers gives the certificate's issuer
        crl = x509.load_der_x509_crl(client.get(urlsplit(urls["crl"]).path).content)
        assert crl.issuer == leaf.issuer and crl.is_signature_valid(issuer.public_key())
        answer = client.post(urlsplit(urls["ocsp"]).path, _request(row),
                             content_type="application/ocsp-request")  # no CSRF token
        assert answer.status_code == 200
        assert ocsp.load_der_ocsp_response(answer.content).certificate_status \
            == ocsp.OCSPCertStatus.GOOD
    # The authorities' own certificates point at the root's CRL, served here too.
    authority = pki.hierarchy().authorities["persons"].certificate
    path = urlsplit(_published(authority)["crl"]).path
    assert path == reverse("pki:crl", args=["root"])
    root_crl = x509.load_der_x509_crl(Client().get(path).content)
    assert root_crl.is_signature_valid(pki.hierarchy().root.certificate.public_key())


@pytest.mark.django_db
def test_certificates_and_crls_with_their_media_types(client, citizen_row):
    chain = pki.hierarchy()
    for issuer in ("root", "seals", "persons"):
        expected = chain.issuer_pair(issuer).certificate
        der = client.get(f"/pki/{issuer}.crt")
        assert der["Content-Type"] == "application/pkix-cert"
        assert x509.load_der_x509_certificate(der.content) == expected
        pem = client.get(f"/pki/{issuer}.pem")
        assert x509.load_pem_x509_certificate(pem.content) == expected
        crl = client.get(f"/pki/{issuer}.crl")
        assert crl["Content-Type"] == "application/pkix-crl"
        assert crl["Cache-Control"] == f"public, max-age={views.CRL_SECONDS}"
        assert 0 < views.CRL_SECONDS <= 600  # minutes, so that revocations show soon
        assert x509.load_der_x509_crl(crl.content).issuer == expected.subject
    assert client.get("/pki/other.crt").status_code == 404
    assert client.post("/pki/root.crl").status_code == 405
    assert client.head("/pki/root.crl").status_code == 200


@pytest.mark.django_db
def test_ocsp_by_get_and_post_says_good_then_revoked(client, citizen_row):
    request = _request(citizen_row)
    encoded = base64.b64encode(request).decode()
    by_get = client.get(reverse("pki:ocsp-get", args=["persons", encoded]))
    assert by_get["Content-Type"] == "application/ocsp-response"
    assert by_get["Cache-Control"] == f"public, max-age={views.OCSP_SECONDS}"
    assert ocsp.load_der_ocsp_response(by_get.content).certificate_status \
        == ocsp.OCSPCertStatus.GOOD
    # Clients that do not escape '/' and '+' (or drop the padding) are understood too.
    raw = client.get(f"/pki/ocsp/persons/{encoded.rstrip('=')}")
    assert ocsp.load_der_ocsp_response(raw.content).serial_number \
        == int(citizen_row.serial, 16)
    services.revoke(SYSTEM, citizen_row.serial, "key_compromise")
    answer = ocsp.load_der_ocsp_response(client.post(
        "/pki/ocsp/persons", request, content_type="application/ocsp-request").content)
    assert answer.certificate_status == ocsp.OCSPCertStatus.REVOKED
    assert answer.revocation_reason == x509.ReasonFlags.key_compromise
    persons = pki.hierarchy().authorities["persons"].certificate
    assert answer.responder_key_hash == x509.SubjectKeyIdentifier.from_public_key(
        persons.public_key()).digest
    # Asked of the wrong authority: refused, not answered about another's certificate.
    wrong = client.post("/pki/ocsp/seals", request, content_type="application/ocsp-request")
    assert ocsp.load_der_ocsp_response(wrong.content).response_status \
        == ocsp.OCSPResponseStatus.UNAUTHORIZED


def _status(response) -> ocsp.OCSPResponseStatus:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ocsp-response"
    return ocsp.load_der_ocsp_response(response.content).response_status


@pytest.mark.django_db
def test_a_malformed_or_oversized_request_gets_an_ocsp_answer(client, citizen_row):
    malformed = ocsp.OCSPResponseStatus.MALFORMED_REQUEST
    assert _status(client.post("/pki/ocsp/persons", b"\x30\x03\x02\x01\x01",
                               content_type="application/ocsp-request")) == malformed
    assert _status(client.post("/pki/ocsp/persons", b"", content_type="application/"
                               "ocsp-request")) == malformed
    too_big = _request(citizen_row) + b"\x00" * views.MAX_OCSP_REQUEST
    assert _status(client.post("/pki/ocsp/persons", too_big,
                               content_type="application/ocsp-request")) == malformed
    assert _status(client.get("/pki/ocsp/persons/not base64!")) == malformed
    assert _status(client.get("/pki/ocsp/persons")) == malformed
    assert _status(client.get("/pki/ocsp/persons/" + "A" * 40_000)) == malformed
    assert client.put("/pki/ocsp/persons", b"").status_code == 405


@pytest.mark.django_db
@examples(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300), cut=st.integers(0, 120), flip=st.integers(0, 255))
def test_any_bytes_get_an_ocsp_response(client, citizen_row, data, cut, flip):
    request = bytearray(_request(citizen_row))
    request[cut % len(request)] ^= flip  # a damaged genuine request, or noise
    for body in (bytes(request), data):
        answer = ocsp.load_der_ocsp_response(client.post(
            "/pki/ocsp/persons", body, content_type="application/ocsp-request").content)
        assert answer.response_status in (ocsp.OCSPResponseStatus.SUCCESSFUL,
                                          ocsp.OCSPResponseStatus.MALFORMED_REQUEST,
                                          ocsp.OCSPResponseStatus.UNAUTHORIZED)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ru"])  # the test pack's; every pack's in
def test_the_page_lists_the_authorities_with_fingerprints(  # portal's test_every_page
        client, country, language, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get("/pki/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'lang="{language}"' in html[:200]
    chain = pki.hierarchy()
    for pair in (chain.root, *chain.authorities.values()):
        assert views._fingerprint(pair.certificate) in html
    for issuer in ("root", "seals", "persons"):
        assert f'href="/pki/{issuer}.crt"' in html and f'href="/pki/{issuer}.crl"' in html
        assert pki.url(f"ocsp/{issuer}") in html
