"""Small PDFs and signed documents for the signing tests; the command-line tools that
check them independently."""

import io
import os
import shutil
import subprocess

import pytest
from reportlab.pdfgen import canvas


def plain_pdf(pages: int = 2, text: str = "Decision") -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pageCompression=0)  # readable, so tests can alter it
    for number in range(pages):
        page.drawString(72, 760, f"{text}, page {number + 1}")
        page.showPage()
    page.save()
    return buffer.getvalue()


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
