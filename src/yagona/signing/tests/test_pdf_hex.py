"""The hex-string reader put in pyhanko's place reads what pyhanko's own reads, alike."""

import io

from hypothesis import given
from hypothesis import strategies as st
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfStreamError

from yagona.signing import pdf_hex

PIECES = st.sampled_from([b"0", b"7", b"a", b"F", b"e9", b" ", b"\n", b"\r\n", b"\x00",
                          b"\t", b"\x0c", b">", b"%", b"% note\n", b"g", b"<", b"(", b"\xff"])


def outcome(reader, data: bytes):
    stream = io.BytesIO(data)
    try:
        value = reader(stream)
    except PdfStreamError as error:
        return "error", str(error)
    return type(value).__name__, bytes(value.original_bytes), stream.tell()


@given(st.lists(PIECES, max_size=40), st.binary(max_size=8))
def test_reads_what_pyhanko_reads(pieces, tail):
    data = b"<" + b"".join(pieces) + tail
    assert outcome(pdf_hex.read_hex_string_from_stream, data) == \
        outcome(pdf_hex.pyhanko_reader, data)


def test_a_long_string_across_chunks_and_the_position_after_it():
    payload = bytes(range(256)) * 100
    data = b"<" + payload.hex().encode() + b"  \n" + b"> /Next 1"
    stream = io.BytesIO(data)
    value = pdf_hex.read_hex_string_from_stream(stream)
    assert bytes(value.original_bytes) == payload
    assert stream.read() == b" /Next 1"


def test_it_is_the_reader_pyhanko_uses():
    assert generic.read_hex_string_from_stream is pdf_hex.read_hex_string_from_stream
