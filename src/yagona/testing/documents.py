"""Real PDFs for tests: results are signed now, so a file that only starts like a PDF
no longer passes for one."""

import io

from reportlab.pdfgen import canvas


def plain_pdf(pages: int = 2, text: str = "Decision") -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pageCompression=0)  # readable, so tests can alter it
    for number in range(pages):
        page.drawString(72, 760, f"{text}, page {number + 1}")
        page.showPage()
    page.save()
    return buffer.getvalue()
