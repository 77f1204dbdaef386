"""The platform's timestamping authority (RFC 3161). Exchange nodes send the hash of
their message log's head over HTTP (``/exchange/tsa``); the signing room stamps
signatures in process (``timestamper()``). Both get tokens signed with the authority's
timestamping key, which chains to the platform root.

pyhanko builds the token (its ``DummyTimeStamper`` is a complete local TSA, "dummy"
only in that it needs no network).
"""

import functools

from asn1crypto import keys, tsp, x509
from cryptography.hazmat.primitives import serialization
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from yagona.signing import authority

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
    return timestamper().request_tsa_response(request).dump()


def timestamper(folder=None) -> DummyTimeStamper:
    """The authority's TSA as a pyhanko timestamper, for signatures made here."""
    pair = authority.Authority(folder).tsa
    return _stamper(authority.fingerprint(pair.certificate), pair)


@functools.lru_cache(maxsize=4)
def _stamper(_fingerprint: str, pair: authority.KeyPair) -> DummyTimeStamper:
    # Keyed by the certificate's fingerprint: a new authority (tests make many) is a
    # new stamper, and the same one is not re-parsed for every signature.
    certificate = x509.Certificate.load(pair.certificate.public_bytes(
        serialization.Encoding.DER))
    key = keys.PrivateKeyInfo.load(pair.key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    return DummyTimeStamper(certificate, key,
                            certs_to_embed=SimpleCertificateStore.from_certs([certificate]))
