"""RFC 3161 timestamps of a node's message log, asked of the central authority's TSA
and checked with rfc3161-client against the node's configuration anchor."""

import hashlib

import rfc3161_client as tsp
from rfc3161_client.errors import VerificationError


class BadStamp(Exception):
    pass


def request(head: str) -> tsp.TimeStampRequest:
    return (tsp.TimestampRequestBuilder().data(head.encode())
            .hash_algorithm(tsp.HashAlgorithm.SHA256).nonce(nonce=True).build())


def check(token: bytes, head: str, anchor, nonce: int | None = None) -> str:
    """The authority's time in a token over ``head``; BadStamp if it is not that."""
    try:
        response = tsp.decode_timestamp_response(token)
        verifier = tsp.VerifierBuilder(roots=[anchor], nonce=nonce).build()
        verifier.verify(response, hashlib.sha256(head.encode()).digest())
    except (VerificationError, ValueError) as exc:
        raise BadStamp(f"not a valid timestamp of this log's head: {exc}") from exc
    return response.tst_info.gen_time.isoformat()
