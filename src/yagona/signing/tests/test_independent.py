"""The platform's signatures, certificates, CRLs, OCSP answers and timestamps checked by
tools that owe nothing to pyhanko: openssl and poppler's pdfsig (with NSS, trusting
only our root), against a live server where they fetch (OCSP).

The tools are Debian's (openssl, poppler-utils, libnss3-tools): under CI (CI=true) a
missing one fails the test; elsewhere it skips, saying which."""

import hashlib
import subprocess
from pathlib import Path

import pytest
from asn1crypto import cms
from cryptography import x509

from yagona.agencies.models import Agency
from yagona.core.audit import SYSTEM
from yagona.signing import authority, pades, pki, services
from yagona.signing.tests.helpers import nss_database, plain_pdf, tool

pytestmark = pytest.mark.django_db(transaction=True)  # the live server reads the rows


def run(*args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True,
                          timeout=120, cwd=cwd)


@pytest.fixture
def live(live_server, settings):
    """Certificates issued from here on name the live server as their CRL and OCSP
    publication point, so the tools that fetch reach our views."""
    settings.PUBLIC_URL = live_server.url
    return live_server.url


@pytest.fixture
def pem(tmp_path):
    """Writes certificates as PEM files; returns the path."""
    def write(name: str, *certificates) -> Path:
        path = tmp_path / name
        path.write_text("".join(authority.pem(c) for c in certificates))
        return path
    return write


@pytest.fixture
def chain(pem):
    hierarchy = pki.hierarchy()
    return {"root": pem("root.pem", hierarchy.root.certificate),
            "persons": pem("persons.pem", hierarchy.authorities["persons"].certificate),
            "seals": pem("seals.pem", hierarchy.authorities["seals"].certificate),
            "tsa": pem("tsa.pem", pades.tsa_certificate())}


def test_openssl_ocsp_says_good_then_revoked(people, live, chain, pem):
    openssl = tool("openssl")
    row = services.certificate_of(people["citizen"])
    leaf = pem("leaf.pem", pki.load(row))

    def ask():
        out = run(openssl, "ocsp", "-issuer", chain["persons"], "-cert", leaf,
                  "-url", f"{live}/pki/ocsp/persons", "-CAfile", chain["root"])
        assert out.returncode == 0 and "Response verify OK" in out.stderr, out
        return out.stdout

    assert f"{leaf}: good" in ask()
    services.revoke(SYSTEM, row.serial, "key_compromise")
    answer = ask()
    assert f"{leaf}: revoked" in answer and "Reason: keyCompromise" in answer, answer


def test_openssl_reads_and_verifies_the_crls(people, live, chain, pem, tmp_path):
    openssl = tool("openssl")
    row = services.certificate_of(people["citizen"])
    leaf = pem("leaf.pem", pki.load(row))
    crls = {}

    def fetch():
        for issuer in ("root", "persons"):
            crls[issuer] = tmp_path / f"{issuer}.crl"
            crls[issuer].write_bytes(pki.crl(issuer))

    def verify():
        fetch()
        return run(openssl, "verify", "-crl_check_all", "-CAfile", chain["root"],
                   "-untrusted", chain["persons"], "-CRLfile", crls["root"],
                   "-CRLfile", crls["persons"], leaf)

    good = verify()
    assert good.returncode == 0 and f"{leaf}: OK" in good.stdout, good
    services.revoke(SYSTEM, row.serial, "superseded")
    refused = verify()
    assert refused.returncode != 0 and "certificate revoked" in refused.stdout + \
        refused.stderr, refused
    both = pem("both.pem", pki.hierarchy().root.certificate,
               pki.hierarchy().authorities["persons"].certificate)
    listed = run(openssl, "crl", "-in", crls["persons"], "-inform", "DER", "-CAfile", both,
                 "-verify", "-noout", "-text")
    assert listed.returncode == 0 and "verify OK" in listed.stderr, listed
    serials = [int(line.split(":", 1)[1], 16) for line in listed.stdout.splitlines()
               if "Serial Number:" in line]
    assert serials == [int(row.serial, 16)]
    assert "Superseded" in listed.stdout
    crls["persons"].write_bytes(crls["persons"].read_bytes()[:-8] + b"\x00" * 8)
    forged = run(openssl, "crl", "-in", crls["persons"], "-inform", "DER", "-CAfile", both,
                 "-verify", "-noout")
    assert "verify OK" not in forged.stderr, forged


@pytest.fixture
def sealed(people, live):
    """A decision signed by the operator and sealed by the registry (PAdES B-LT)."""
    reg = Agency.objects.get(code="REG")
    document = services.seal(plain_pdf(), reg, official=people["operator"],
                             official_role="operator", kind="result", title={},
                             reference="REG-2026-000009")
    return document.file.read()


@pytest.fixture
def nss(chain, tmp_path):
    return nss_database(tmp_path / "nss", chain["root"])


def pdfsig(pdf: bytes, nss: str, folder: Path) -> str:
    path = folder / "document.pdf"
    path.write_bytes(pdf)
    return run(tool("pdfsig"), "-nssdir", nss, path).stdout


def test_pdfsig_finds_both_signatures_valid_and_trusted(sealed, nss, tmp_path):
    out = pdfsig(sealed, nss, tmp_path)
    assert out.count("Signature is Valid.") == 2, out
    # NSS built the chain up to our root, and asked our OCSP responder (live) about
    # each signer: good.
    assert out.count("Certificate is Trusted.") == 2, out
    altered = bytearray(sealed)
    at = altered.index(b"page 1")
    altered[at:at + 6] = b"PAGE 1"
    out = pdfsig(bytes(altered), nss, tmp_path)
    assert "Signature is Valid." not in out and out.count("Digest Mismatch.") == 2, out


def test_pdfsig_learns_of_a_revocation_from_our_ocsp_responder(people, sealed, nss,
                                                                tmp_path):
    seal = services.seal_certificate(Agency.objects.get(code="REG"))
    services.revoke(SYSTEM, seal.serial, "key_compromise")
    out = pdfsig(sealed, nss, tmp_path)
    assert out.count("Signature is Valid.") == 2, out  # the bytes are still as signed
    assert out.count("Certificate is Trusted.") == 1, out  # the official's
    assert "Certificate has been Revoked." in out, out


def _signed_parts(pdf: bytes, signature) -> tuple[bytes, bytes]:
    """The CMS (DER, as embedded) and the bytes it signs (the byte ranges joined)."""
    start, first, second, length = signature.sig_object["/ByteRange"]
    content = pdf[start:start + first] + pdf[second:second + length]
    embedded = cms.ContentInfo.load(signature.pkcs7_content, strict=False)
    return embedded.dump(), content


def _ts_verify(openssl, token: Path, hex_digest: str, chain):
    return run(openssl, "ts", "-verify", "-in", token, "-token_in", "-digest", hex_digest,
               "-CAfile", chain["root"], "-untrusted", chain["tsa"])


def test_each_signatures_timestamp_verifies_with_openssl_ts(sealed, chain, tmp_path):
    openssl = tool("openssl")
    signatures = pades.signatures_in(sealed)
    assert len(signatures) == 2
    for number, signature in enumerate(signatures):
        unsigned = signature.signer_info["unsigned_attrs"]
        tokens = [a["values"][0] for a in unsigned
                  if a["type"].native == "signature_time_stamp_token"]
        assert len(tokens) == 1
        token = tmp_path / f"token{number}.der"
        token.write_bytes(tokens[0].dump())
        # RFC 3161 over the signature value (ETSI EN 319 122: the signature-time-stamp).
        digest = hashlib.sha256(signature.signer_info["signature"].native).hexdigest()

        good = _ts_verify(openssl, token, digest, chain)
        assert good.returncode == 0 and "Verification: OK" in good.stdout, good
        changed = _ts_verify(openssl, token, f"{int(digest[0], 16) ^ 1:x}{digest[1:]}", chain)
        assert changed.returncode != 0 and "Verification: FAILED" in changed.stdout, changed


def test_each_signatures_cms_verifies_with_openssl_cms(sealed, chain, tmp_path, pem):
    openssl = tool("openssl")
    intermediates = pem("authorities.pem", *(p.certificate for p in
                                             pki.hierarchy().authorities.values()))
    for number, signature in enumerate(pades.signatures_in(sealed)):
        der, content = _signed_parts(sealed, signature)
        cms_file = tmp_path / f"sig{number}.der"
        cms_file.write_bytes(der)
        (tmp_path / f"content{number}.bin").write_bytes(content)

        def verify(content_file, cms_file=cms_file):
            return run(openssl, "cms", "-verify", "-inform", "DER", "-in", cms_file,
                       "-binary", "-content", content_file, "-CAfile", chain["root"],
                       "-certfile", intermediates, "-purpose", "any", "-out", "/dev/null")

        good = verify(tmp_path / f"content{number}.bin")
        assert good.returncode == 0 and "Verification successful" in good.stderr, good
        other = tmp_path / "other.bin"
        other.write_bytes(content.replace(b"page 1", b"PAGE 1"))
        assert other.read_bytes() != content
        bad = verify(other)
        assert bad.returncode != 0 and "Verification successful" not in bad.stderr, bad
    signer = x509.load_der_x509_certificate(
        pades.signatures_in(sealed)[1].signer_cert.dump())
    assert signer.issuer == pki.hierarchy().authorities["seals"].certificate.subject


def test_a_missing_tool_fails_under_ci_and_skips_elsewhere(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="missing under CI"):
        tool("yagona-no-such-tool")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        tool("yagona-no-such-tool")
