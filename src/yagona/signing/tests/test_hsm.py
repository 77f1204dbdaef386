"""Signing keys in an HSM: ``Pkcs11KeyStore`` against SoftHSM (Debian's softhsm2), the
same PKCS#11 interface a hardware module offers. Keys are made inside the token and
never leave it; seals made with them verify with pyhanko and with poppler."""

import os
import subprocess
from pathlib import Path

import pytest
from asn1crypto import keys as asn1_keys
from cryptography.hazmat.primitives import serialization
from pyhanko.sign.validation import validate_pdf_signature

from yagona.agencies.models import Agency
from yagona.signing import authority, keystore, pades, pki, services
from yagona.signing.models import Certificate
from yagona.signing.tests.helpers import nss_database, plain_pdf, tool

MODULE = "/usr/lib/softhsm/libsofthsm2.so"
PIN = "1234"


@pytest.fixture(scope="session")
def softhsm(tmp_path_factory):
    """A SoftHSM token "yagona" in a folder of this run. The library reads its
    configuration when it is first loaded, so there is one token per test process."""
    util = tool("softhsm2-util")
    if not Path(MODULE).exists():
        tool(MODULE)  # fails under CI, skips elsewhere, naming it
    folder = tmp_path_factory.mktemp("softhsm")
    (folder / "tokens").mkdir()
    conf = folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {folder / 'tokens'}\n"
                    "objectstore.backend = file\nlog.level = ERROR\n")
    before = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    made = subprocess.run([util, "--init-token", "--free", "--label", "yagona",
                           "--pin", PIN, "--so-pin", "5678"], capture_output=True, text=True,
                          timeout=60)
    assert made.returncode == 0, made
    yield conf
    if before is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = before


@pytest.fixture
def hsm(softhsm, settings):
    settings.SIGNING_KEYSTORE = "pkcs11"
    settings.PKCS11_MODULE, settings.PKCS11_TOKEN, settings.PKCS11_PIN = MODULE, "yagona", PIN
    keystore._pkcs11_store.cache_clear()  # the store keeps its session for the process
    store = keystore.store()
    assert isinstance(store, keystore.Pkcs11KeyStore)
    yield store
    keystore._pkcs11_store.cache_clear()


def test_keys_are_made_in_the_token_and_cannot_leave_it(hsm):
    import pkcs11
    from pkcs11 import Attribute

    label = f"test-{os.urandom(4).hex()}"
    assert not hsm.has(label)
    public = hsm.generate(label)
    assert hsm.has(label)
    with pytest.raises(ValueError, match="exists already"):
        hsm.generate(label)
    with pytest.raises(ValueError, match="not a key label"):
        hsm.generate("../Outside")
    private = hsm.session.get_key(object_class=pkcs11.ObjectClass.PRIVATE_KEY, label=label)
    assert private[Attribute.TOKEN] and private[Attribute.PRIVATE] and private[Attribute.SIGN]
    assert private[Attribute.SENSITIVE] and private[Attribute.ALWAYS_SENSITIVE]
    assert not private[Attribute.EXTRACTABLE] and private[Attribute.NEVER_EXTRACTABLE]
    with pytest.raises(pkcs11.AttributeSensitive):
        private[Attribute.VALUE]  # the token refuses to show the private value
    # The public key returned is the token's key pair's.
    stored = hsm.session.get_key(object_class=pkcs11.ObjectClass.PUBLIC_KEY, label=label)
    assert stored[Attribute.EC_POINT]
    assert public.public_bytes(serialization.Encoding.X962,
                               serialization.PublicFormat.UncompressedPoint) \
        in stored[Attribute.EC_POINT]
    assert not (Path(keystore.settings.SIGNING_DIR) / "keys" / f"{label}.key").exists()


@pytest.mark.django_db(transaction=True)
def test_a_seal_made_with_a_key_in_the_hsm_verifies(people, hsm, tmp_path, live_server,
                                                    settings):
    settings.PUBLIC_URL = live_server.url  # pdfsig asks our OCSP responder (NSS insists)
    reg = Agency.objects.get(code="REG")
    row = services.seal_certificate(reg)
    assert hsm.has(row.key_label)
    # The certificate certifies the token's key.
    certificate = pki.load(row)
    signer = hsm.signer(row.key_label, certificate, pki.hierarchy().chain(row.issuer))
    assert signer.signing_cert.public_key.dump() == asn1_keys.PublicKeyInfo.load(
        certificate.public_key().public_bytes(
            serialization.Encoding.DER,
            serialization.PublicFormat.SubjectPublicKeyInfo)).dump()
    document = services.seal(plain_pdf(), reg, official=people["operator"], kind="result",
                             title={}, reference="REG-2026-000010")
    signed = document.file.read()
    rows = [Certificate.objects.get(serial=s["serial"]) for s in document.signers]
    assert all(hsm.has(r.key_label) for r in rows)
    crls, ocsps = pades.revocation_material(rows)
    for signature in pades.signatures_in(signed):
        status = validate_pdf_signature(
            signature, pades.validation_context(crls, ocsps), skip_diff=False)
        assert status.intact and status.valid and status.trusted, status.pretty_print_details()
    path = tmp_path / "sealed.pdf"
    path.write_bytes(signed)
    root = tmp_path / "root.pem"
    root.write_text(authority.pem(pki.hierarchy().root.certificate))
    out = subprocess.run([tool("pdfsig"), "-nssdir",
                          nss_database(tmp_path / "nss", root), str(path)],
                         capture_output=True, text=True, timeout=120).stdout
    assert out.count("Signature is Valid.") == 2, out
    assert out.count("Certificate is Trusted.") == 2, out
