"""The central authority's timestamping authority (RFC 3161): nodes send the hash of
their message log's head, and get a token signed with the authority's timestamping
key that proves the log held that entry at that time.

pyhanko builds the token (its ``DummyTimeStamper`` is a complete local TSA, "dummy"
only in that it needs no network); nodes check it with rfc3161-client against their
configuration anchor.
"""

from asn1crypto import keys, tsp, x509
from cryptography.hazmat.primitives import serialization
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from yagona.exchange import ca

MAX_REQUEST = 4096  # bytes; a TimeStampReq is about a hundred


class BadTimestampRequest(ValueError):
    pass


def stamp(request_der: bytes) -> bytes:
    """The DER TimeStampResp for a DER TimeStampReq."""
    if len(request_der) > MAX_REQUEST:
        raise BadTimestampRequest("the request is too large")
    try:
        request = tsp.TimeStampReq.load(request_der)
        request.native  # noqa: B018 - parse all of it now, not halfway through signing
    except (ValueError, TypeError) as exc:
        raise BadTimestampRequest("not a DER TimeStampReq") from exc
    pair = ca.Authority().tsa
    certificate = x509.Certificate.load(pair.certificate.public_bytes(
        serialization.Encoding.DER))
    key = keys.PrivateKeyInfo.load(pair.key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    stamper = DummyTimeStamper(certificate, key,
                               certs_to_embed=SimpleCertificateStore.from_certs([certificate]))
    return stamper.request_tsa_response(request).dump()
