"""A faster reader for PDF hex strings, put in pyhanko's place at start-up.

A signature's /Contents is a hex string of several thousand digits, and pyhanko 0.38
reads it a character at a time (`generic.read_hex_string_from_stream`): a quarter of a
verification and a part of every countersignature went there (bench/RESULTS.md). This
reader finds the closing '>' and decodes the digits at once. It reads the same strings
to the same objects and refuses the same bad ones with the same error
(tests/test_pdf_hex.py compares it with pyhanko's over generated input); a string with a
comment inside ('%', legal but never written by anyone) goes to pyhanko's own reader.
Drop this module when pyhanko reads hex strings in one go (the pin in pyproject.toml
keeps us on the version it was checked against).
"""

import binascii
import os

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PDF_WHITESPACE, PdfStreamError

pyhanko_reader = generic.read_hex_string_from_stream
_DROP_WHITESPACE = bytes.maketrans(b"", b"")
_HEX = frozenset(generic.HEX_DIGITS)
_CHUNK = 16384


def read_hex_string_from_stream(stream):
    start = stream.tell()
    stream.read(1)  # the '<'
    digits = bytearray()
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            stream.seek(start)
            return pyhanko_reader(stream)  # ends early: pyhanko says so in its words
        end = chunk.find(b">")
        body = chunk if end < 0 else chunk[:end]
        if b"%" in body:
            stream.seek(start)
            return pyhanko_reader(stream)
        digits += body
        if end >= 0:
            stream.seek(end + 1 - len(chunk), os.SEEK_CUR)
            break
    digits = digits.translate(_DROP_WHITESPACE, PDF_WHITESPACE)
    if not _HEX.issuperset(digits):
        bad = next(b for b in digits if b not in _HEX)
        raise PdfStreamError("Unexpected token in hex string: " + repr(bytes([bad])))
    if len(digits) % 2:
        digits += b"0"
    return generic.pdf_string(binascii.unhexlify(digits))


def install():
    """Put the reader in pyhanko's place (signing's AppConfig.ready calls this)."""
    generic.read_hex_string_from_stream = read_hex_string_from_stream
