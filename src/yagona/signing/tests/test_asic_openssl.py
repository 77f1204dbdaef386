"""Independent checks: Debian's openssl, which shares no code with pyhanko, verifies the
CAdES signature over the manifest and the RFC 3161 timestamp over the signature value."""

import hashlib
import shutil
import subprocess

import pytest
from asn1crypto import cms

from yagona.signing import asic
from yagona.signing.tests.conftest import FILES, entries
from yagona.signing.tests.pki import pem

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")
MANIFEST, SIGNATURE = "META-INF/ASiCManifest.xml", "META-INF/signature001.p7s"


@pytest.fixture
def unpacked(tmp_path, pki, signed):
    """The signature, its manifest and the root, as files for openssl."""
    found = {info.filename: data for info, data in entries(signed)}
    (tmp_path / "sig.p7s").write_bytes(found[SIGNATURE])
    (tmp_path / "ASiCManifest.xml").write_bytes(found[MANIFEST])
    (tmp_path / "root.pem").write_bytes(pem(pki.root))
    return tmp_path


def openssl(folder, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["openssl", *args], cwd=folder, capture_output=True, text=True,
                          check=False)


def cms_verify(folder, content: str = "ASiCManifest.xml") -> subprocess.CompletedProcess:
    # -purpose any: the signer's key usage is for signing documents, not S/MIME mail;
    # the chain itself is still checked against root.pem only (no -noverify).
    return openssl(folder, "cms", "-verify", "-binary", "-inform", "DER", "-in", "sig.p7s",
                   "-content", content, "-CAfile", "root.pem", "-purpose", "any",
                   "-out", "/dev/null")


def test_openssl_verifies_the_signature_and_refuses_a_changed_manifest(unpacked):
    result = cms_verify(unpacked)
    assert result.returncode == 0, result.stderr
    assert "Verification successful" in result.stderr

    manifest = (unpacked / "ASiCManifest.xml").read_bytes()
    at = manifest.index(b"<ds:DigestValue>") + len(b"<ds:DigestValue>")
    one_byte = manifest[:at] + bytes([manifest[at] ^ 0x01]) + manifest[at + 1:]
    (unpacked / "changed.xml").write_bytes(one_byte)
    result = cms_verify(unpacked, "changed.xml")
    assert result.returncode != 0
    assert "Verification failure" in result.stderr or "digest failure" in result.stderr


def test_openssl_refuses_a_signer_from_another_root(unpacked):
    from yagona.signing.tests.pki import make_pki

    (unpacked / "root.pem").write_bytes(pem(make_pki("Other root").root))
    result = cms_verify(unpacked)
    assert result.returncode != 0 and "certificate" in result.stderr


def test_openssl_verifies_the_signature_timestamp(unpacked):
    """The token (id-aa-signatureTimeStampToken) stamps the SignerInfo's signature value,
    as CAdES-T requires; openssl checks it against that value and our TSA's root."""
    signed_data = cms.ContentInfo.load((unpacked / "sig.p7s").read_bytes())["content"]
    signer_info = signed_data["signer_infos"][0]
    [token] = [a["values"][0] for a in signer_info["unsigned_attrs"]
               if a["type"].native == "signature_time_stamp_token"]
    (unpacked / "token.der").write_bytes(token.dump())
    signature_value = signer_info["signature"].native
    (unpacked / "signature.bin").write_bytes(signature_value)

    def ts_verify(*how: str) -> subprocess.CompletedProcess:
        return openssl(unpacked, "ts", "-verify", *how, "-in", "token.der", "-token_in",
                       "-CAfile", "root.pem")

    for how in (["-data", "signature.bin"],
                ["-digest", hashlib.sha256(signature_value).hexdigest()]):
        result = ts_verify(*how)
        assert result.returncode == 0, result.stderr
        assert "Verification: OK" in result.stdout
    # The same token does not stamp anything else (here, the manifest).
    result = ts_verify("-data", "ASiCManifest.xml")
    assert result.returncode != 0 and "message imprint mismatch" in result.stderr


def test_openssl_verifies_each_signature_of_a_countersigned_container(tmp_path, pki, signed):
    bob, _ = pki.signer("Bob Bobov")
    found = {info.filename: data
             for info, data in entries(asic.add_signature(signed, bob))}
    (tmp_path / "root.pem").write_bytes(pem(pki.root))
    for manifest, signature in ((MANIFEST, SIGNATURE), ("META-INF/ASiCManifest002.xml",
                                                        "META-INF/signature002.p7s")):
        (tmp_path / "sig.p7s").write_bytes(found[signature])
        (tmp_path / "ASiCManifest.xml").write_bytes(found[manifest])
        result = cms_verify(tmp_path)
        assert result.returncode == 0, (signature, result.stderr)
    assert all(found[file.name] == file.data for file in FILES)  # appended, not rewritten
