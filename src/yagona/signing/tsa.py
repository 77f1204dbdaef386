"""The platform's timestamping authority (RFC 3161). Exchange nodes send the hash of
their message log's head over HTTP (``/exchange/tsa``); the signing room stamps
signatures in process (``timestamper()``). Both get tokens signed with the authority's
timestamping key, which chains to the platform root.

pyhanko builds the token (its ``DummyTimeStamper`` is a complete local TSA, "dummy"
only in that it needs no network).
"""

import functools
from datetime import datetime

from asn1crypto import cms, core, keys, tsp, x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from pyhanko.sign import general
from pyhanko.sign.general import get_pyca_cryptography_hash, simple_cms_attribute
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
    return PlatformTimeStamper(pair.key, certificate, key,
                               certs_to_embed=SimpleCertificateStore.from_certs([certificate]))


class PlatformTimeStamper(DummyTimeStamper):
    """pyhanko's local TSA, signing with a key loaded once instead of for every token
    (loading an RSA key costs fifty times the signature)."""

    def __init__(self, loaded_key, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._loaded_key = loaded_key
        # The same for every token: built once (asn1crypto builds slowly), parsed anew
        # from DER each time so that no token shares an object with another.
        self._fixed = (simple_cms_attribute("content_type", "tst_info").dump(),
                       simple_cms_attribute("signing_certificate",
                                            general.as_signing_certificate(self.tsa_cert))
                       .dump())

    def _sign_tst_info(self, tst_info_data: bytes, md_algorithm: str, dt: datetime):
        md = hashes.Hash(get_pyca_cryptography_hash(md_algorithm))
        md.update(tst_info_data)
        content_type, signing_certificate = (cms.CMSAttribute.load(d) for d in self._fixed)
        signed_attrs = cms.CMSAttributes([
            content_type,
            simple_cms_attribute("signing_time", cms.Time({"utc_time": core.UTCTime(dt)})),
            signing_certificate,
            simple_cms_attribute("message_digest", md.finalize()),
        ])
        signature = self._loaded_key.sign(signed_attrs.dump(), PKCS1v15(),
                                          get_pyca_cryptography_hash(md_algorithm.upper()))
        return signature, signed_attrs
