"""Small PDFs and signed documents for the signing tests; the command-line tools that
check them independently."""

import io
import os
import shutil
import subprocess

import pytest

from yagona.testing.documents import plain_pdf  # noqa: F401 - the signing tests' import


def tool(name: str) -> str:
    """The path of a command-line tool from a Debian package (.ci/run installs them).
    Missing under CI (CI=true) is a failure; elsewhere the test is skipped."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI", "").lower() in ("true", "1"):
            pytest.fail(f"{name} is missing under CI: .ci/run installs it")
        pytest.skip(f"{name} is not installed (Debian: poppler-utils, libnss3-tools, "
                    "softhsm2, opensc)")
    return path


def nss_database(folder, root_pem) -> str:
    """An NSS database (for pdfsig) that trusts the given root and nothing else."""
    certutil = tool("certutil")
    folder.mkdir(parents=True, exist_ok=True)
    database = f"sql:{folder}"
    for args in (["-N", "--empty-password"],
                 ["-A", "-n", "yagona", "-t", "C,C,C", "-i", str(root_pem)]):
        made = subprocess.run([certutil, *args, "-d", database], capture_output=True,
                              text=True, timeout=60)
        assert made.returncode == 0, made
    return database


def foreign_signed(pdf: bytes) -> bytes:
    """``pdf`` signed (PAdES B-B) by a CA the platform never heard of: its own root and
    a leaf made here with `cryptography`, signed through pyhanko's SimpleSigner."""
    import datetime as dt

    from asn1crypto import keys, x509
    from cryptography import x509 as cx509
    from cryptography.hazmat.primitives import hashes, serialization
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    from yagona.signing import authority

    now = authority.now()
    root_key, key = authority.new_key(), authority.new_key()
    root_name = authority.name("Elsewhere root", "Elsewhere")
    root = (cx509.CertificateBuilder().subject_name(root_name).issuer_name(root_name)
            .public_key(root_key.public_key()).serial_number(cx509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(cx509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(root_key, hashes.SHA256()))
    leaf = authority.issue(authority.KeyPair(root_key, root),
                           authority.name("Someone Else", "Elsewhere"), key.public_key(), 30,
                           commitment=True)

    def der(certificate):
        return x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))

    signer = signers.SimpleSigner(
        signing_cert=der(leaf), signing_key=keys.PrivateKeyInfo.load(key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption())),
        cert_registry=SimpleCertificateStore.from_certs([der(root)]))
    out = io.BytesIO()
    signers.PdfSigner(signers.PdfSignatureMetadata(
        field_name="Elsewhere", subfilter=SigSeedSubFilter.PADES, md_algorithm="sha256"),
        signer=signer).sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False),
                                output=out)
    return out.getvalue()


def with_page_appended(pdf: bytes, text: str = "Added later") -> bytes:
    """An incremental update after the signatures that adds a page with some text: what
    a forger would do to a signed decision."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    font = generic.DictionaryObject({pdf_name("/Type"): pdf_name("/Font"),
                                     pdf_name("/Subtype"): pdf_name("/Type1"),
                                     pdf_name("/BaseFont"): pdf_name("/Helvetica")})
    fonts = generic.DictionaryObject({pdf_name("/F1"): writer.add_object(font)})
    stream = generic.StreamObject(stream_data=f"BT /F1 12 Tf 72 760 Td ({text}) Tj ET".encode())
    writer.insert_page(generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Page"),
        pdf_name("/MediaBox"): generic.ArrayObject(map(generic.NumberObject, (0, 0, 595, 842))),
        pdf_name("/Resources"): generic.DictionaryObject({pdf_name("/Font"): fonts}),
        pdf_name("/Contents"): writer.add_object(stream)}))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def with_text_changed(pdf: bytes, old: bytes = b"page 1", new: bytes = b"PAGE 9") -> bytes:
    """An incremental update after the signatures that rewrites the first page's text
    (the signed bytes stay as they were: only a newer revision differs)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    text = page["/Contents"].data.replace(old, new)
    page[pdf_name("/Contents")] = writer.add_object(generic.StreamObject(stream_data=text))
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
