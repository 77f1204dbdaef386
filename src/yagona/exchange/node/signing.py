"""What nodes sign: a canonical description of each request and response, signed by
the sending member's key as a JWS (ES256) with a detached payload, so the message
itself travels unchanged and the signature in one header.

The canonical form is JSON with sorted keys: the X-Road-Id, client and service, the
method and the path with its query, the user, the represented party and the issue
(what the request is for: an application's number), the time, and the SHA-256 of the
body. A response's names the request's hash, so a response
cannot be passed off as the answer to another request.
"""

import base64
import functools
import hashlib
import json

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import ECKey

REGISTRY = jws.JWSRegistry(algorithms=["ES256"])


class BadSignature(Exception):
    pass


def digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def canonical(fields: dict) -> bytes:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode()


def request_fields(xroad_id: str, client: str, service: str, method: str, path: str,
                   user: str, represented: str, issue: str, at: str, body: bytes) -> dict:
    return {"id": xroad_id, "client": client, "service": service, "method": method,
            "path": path, "user": user, "represented": represented, "issue": issue,
            "at": at, "body": digest(body)}


def response_fields(xroad_id: str, request_hash: str, status: int, content_type: str,
                    at: str, body: bytes) -> dict:
    return {"id": xroad_id, "request": request_hash, "status": status,
            "content_type": content_type, "at": at, "body": digest(body)}


class Signer:
    """A member's signing key and certificate."""

    def __init__(self, key_pem: bytes, certificate: x509.Certificate):
        self.key = ECKey.import_key(key_pem)
        self.kid = certificate.fingerprint(hashes.SHA256()).hex()

    def sign(self, message: bytes) -> str:
        token = jws.serialize_compact({"alg": "ES256", "kid": self.kid}, message, self.key,
                                      registry=REGISTRY)
        return jws.detach_content(token)


@functools.lru_cache(maxsize=1024)  # per certificate: the configuration holds a few hundred
def _key_of(certificate: x509.Certificate) -> tuple[str, ECKey]:
    return certificate.fingerprint(hashes.SHA256()).hex(), ECKey.import_key(
        certificate.public_key().public_bytes(serialization.Encoding.PEM,
                                              serialization.PublicFormat.SubjectPublicKeyInfo))


def verify(signature: str, message: bytes, certificates: list[x509.Certificate]) -> None:
    """Raise BadSignature unless one of ``certificates`` signed ``message``."""
    try:
        kid = jws.extract_compact(signature.encode(), payload=message,
                                  registry=REGISTRY).headers().get("kid")
    except (JoseError, ValueError) as exc:
        raise BadSignature("not a signature") from exc
    for certificate in certificates:
        fingerprint, key = _key_of(certificate)
        if fingerprint != kid:
            continue
        try:
            jws.deserialize_compact(signature, key, payload=message, registry=REGISTRY)
        except (JoseError, ValueError) as exc:
            raise BadSignature("the signature does not match the message") from exc
        return
    raise BadSignature("signed with a key the configuration does not know for this member")
