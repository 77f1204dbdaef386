import io
import zipfile

import pytest

from yagona.signing import asic
from yagona.signing.tests.pki import make_pki

# A Tajik and an Azerbaijani name (one in a folder, with a space), as agencies send them.
FILES = [
    asic.ContainerFile("Ҳисоботи солона 2026.pdf", b"%PDF-1.7\nthe annual report\n",
                       "application/pdf"),
    asic.ContainerFile("qərarlar/Şəhər şurası.txt", "Qərar № 12\n".encode(), "text/plain"),
]


@pytest.fixture(scope="session")
def pki():
    return make_pki()


@pytest.fixture(scope="session")
def alice(pki):
    return pki.signer("Alice Aliyeva")


@pytest.fixture(scope="session")
def signed(pki, alice):
    """Two files, signed by Alice with a signature timestamp (CAdES-T)."""
    return asic.build(FILES, alice[0], timestamper=pki.timestamper())


def entries(container: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(io.BytesIO(container)) as archive:
        return [(info, archive.read(info)) for info in archive.infolist()]


def rezip(container: bytes, *, replace=None, add=(), drop=(), first=None,
          compress_mimetype=False) -> bytes:
    """``container`` with entries changed the way an attacker (or a careless tool) would:
    CRCs stay right, so only the container's own checks can tell."""
    replace = replace or {}
    items = [(info.filename, replace.get(info.filename, data), info.compress_type)
             for info, data in entries(container) if info.filename not in drop]
    items += [(name, data, zipfile.ZIP_DEFLATED) for name, data in add]
    if first is not None:
        items.sort(key=lambda item: item[0] != first)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data, method in items:
            if name == "mimetype" and compress_mimetype:
                method = zipfile.ZIP_DEFLATED
            archive.writestr(zipfile.ZipInfo(name), data, method)
    return buffer.getvalue()
