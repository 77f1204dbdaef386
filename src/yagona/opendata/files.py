"""The files of datasets: each is checked by its content against the format its
publisher names (a CSV whose rows do not match its header is refused, with the row),
kept once per SHA-256, and read back for the preview of tabular data."""

import csv
import hashlib
import io
import json
import zipfile
from xml.etree import ElementTree

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from yagona.core.uploads import FileRejected, check_size
from yagona.opendata.models import StoredFile
from yagona.opendata.vocabulary import FORMATS, UPLOAD_FORMATS

PREVIEW_ROWS = 50
GENERATED_MAX_BYTES = 200 * 1024 * 1024  # a register's extract the platform writes
MAX_COLUMNS = 200


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRejected(_("The file must be text in UTF-8.")) from None


def _check_csv(data: bytes, allow_empty: bool = False) -> None:
    rows = csv.reader(io.StringIO(_text(data), newline=""))
    try:
        header = next(rows, None)
        if not header or not any(cell.strip() for cell in header):
            raise FileRejected(_("The first row of a CSV file must name its columns."))
        rows_seen = 0
        for number, row in enumerate(rows, start=2):
            rows_seen += bool(row)
            if row and len(row) != len(header):
                raise FileRejected(
                    _("Row %(row)s has %(found)s columns; the header has %(expected)s.")
                    % {"row": number, "found": len(row), "expected": len(header)})
    except csv.Error as error:
        raise FileRejected(_("The file is not a valid CSV file: %(error)s")
                           % {"error": error}) from None
    if not rows_seen and not allow_empty:
        raise FileRejected(_("The file has a header but no rows of data."))


def _check_json(data: bytes, geo: bool = False) -> None:
    try:
        document = json.loads(_text(data))
    except ValueError:
        raise FileRejected(_("The file is not valid JSON.")) from None
    if geo and not (isinstance(document, dict) and document.get("type")):
        raise FileRejected(_("A GeoJSON file must be an object with a type."))


def _check_xlsx(data: bytes) -> None:
    from openpyxl import load_workbook

    try:
        load_workbook(io.BytesIO(data), read_only=True).close()
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise FileRejected(_("The file is not an Excel workbook (XLSX).")) from None


def _check_xml(data: bytes) -> None:
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data:
        raise FileRejected(_("An XML file may not declare a document type."))
    try:
        ElementTree.fromstring(data)  # noqa: S314 - no entity can be declared (above)
    except ElementTree.ParseError:
        raise FileRejected(_("The file is not valid XML.")) from None


def _check_pdf(data: bytes) -> None:
    if not data.startswith(b"%PDF-"):
        raise FileRejected(_("The file is not a PDF document."))


CHECKS = {"CSV": _check_csv, "JSON": _check_json, "GEOJSON": lambda data: _check_json(
    data, geo=True), "XLSX": _check_xlsx, "XML": _check_xml, "PDF": _check_pdf}


def store(upload, file_format: str, max_bytes: int, generated: bool = False) -> StoredFile:
    """Check an upload against its format and keep it (once per content); inside the
    caller's transaction. Raises FileRejected with a message for the publisher. A table
    the platform generates may have no rows yet (no ratings this year)."""
    if file_format not in UPLOAD_FORMATS:
        raise FileRejected(_("Choose the file's format."))
    check_size(upload, max_bytes)
    upload.seek(0)
    data = upload.read()
    if generated and file_format == "CSV":
        _check_csv(data, allow_empty=True)
    else:
        CHECKS[file_format](data)
    digest = hashlib.sha256(data).hexdigest()
    existing = StoredFile.objects.filter(sha256=digest).first()
    if existing:
        return existing
    stored = StoredFile(sha256=digest, size=len(data),
                        media_type=FORMATS[file_format].media_type)
    stored.file.save(f"{digest}.{file_format.lower()}", ContentFile(data), save=False)
    stored.save()
    return stored


def read(stored: StoredFile) -> bytes:
    with stored.file.open("rb") as handle:
        return handle.read()


def preview(stored: StoredFile, file_format: str) -> tuple[list, list[list], bool]:
    """(header, the first PREVIEW_ROWS rows, whether there are more) of a tabular file."""
    data = read(stored)
    if file_format == "CSV":
        rows = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    elif file_format == "XLSX":
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = ([("" if cell is None else str(cell)) for cell in row]
                for row in book.worksheets[0].iter_rows(values_only=True))
    else:
        return [], [], False
    header = list(next(rows, []))[:MAX_COLUMNS]
    body = []
    for row in rows:
        if len(body) == PREVIEW_ROWS:
            return header, body, True
        body.append(list(row)[:MAX_COLUMNS])
    return header, body, False
