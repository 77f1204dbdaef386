"""Onboarding a node over the network (no Django): the node makes its own key pairs,
sends certificate signing requests to the central authority with the enrolment code
(for this node only, valid for days) an administrator gave its operator, waits for the
approval in the back office and installs the certificates it is issued, after checking
that each was issued by its configuration anchor for its own key.

    yagona exchange-node --config node.yaml --enrol CODE [--wait SECONDS]

Private keys never leave the node's folder. What was sent is remembered in
``enrolment.json`` beside the configuration, so that running the command again waits
for the same requests instead of sending new ones.
"""

import datetime as dt
import json
import os
import time
import urllib.error
import urllib.request
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from yagona.exchange.node.config import NodeConfig

TIMEOUT_SECONDS = 15


class EnrolmentError(Exception):
    """Enrolment cannot go on; the message says why and what to do."""


def new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def key_pem(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def make_request(key, common_name: str) -> str:
    """A certificate signing request for ``key`` (the authority decides the subject)."""
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    csr = x509.CertificateSigningRequestBuilder().subject_name(subject).sign(key,
                                                                             hashes.SHA256())
    return csr.public_bytes(serialization.Encoding.PEM).decode()


def enrol(config: NodeConfig, code: str, *, state_path: Path, wait_seconds: float = 0,
          poll_seconds: float = 5, say=print) -> bool:
    """Ask for the node's missing certificates and install those issued. True when both
    are in place; False while the authority has not decided yet (run again later)."""
    anchor = _anchor(config)
    files = {"tls": (config.tls_key, config.tls_certificate),
             "sign": (config.sign_key, config.sign_certificate)}
    state = json.loads(state_path.read_text()) if state_path.exists() else {}
    for kind, (key_path, certificate_path) in files.items():
        key = _key(key_path)
        if _installed(certificate_path, key, anchor):
            state.pop(kind, None)
            continue
        if kind not in state:
            answer = _call(config, code, "POST", "/exchange/enrol", {
                "member": str(config.member), "node": config.name, "kind": kind,
                "csr": make_request(key, f"{config.member}/{config.name}")})
            state[kind] = answer["request"]
            say(f"{kind}: certificate requested (request {answer['request']}); an "
                "administrator of the authority approves it in the back office")
        _save(state_path, state)
    deadline = time.monotonic() + wait_seconds
    while state:
        for kind, number in list(state.items()):
            answer = _call(config, code, "GET", f"/exchange/enrol/{number}")
            if answer["status"] == "approved":
                key_path, certificate_path = files[kind]
                _install(certificate_path, answer["certificate"], _key(key_path), anchor)
                del state[kind]
                say(f"{kind}: certificate installed in {certificate_path}")
            elif answer["status"] == "rejected":
                del state[kind]
                _save(state_path, state)
                raise EnrolmentError(f"{kind}: the authority refused the request: "
                                     f"{answer.get('reason') or 'no reason given'}")
        _save(state_path, state)
        if not state:
            break
        if time.monotonic() >= deadline:
            say("waiting for the authority's approval; run the command again to fetch "
                "the certificates")
            return False
        time.sleep(poll_seconds)
    return True


def _anchor(config: NodeConfig) -> x509.Certificate:
    try:
        return x509.load_pem_x509_certificate(config.anchor.read_bytes())
    except FileNotFoundError:
        raise EnrolmentError(
            f"no configuration anchor at {config.anchor}: install the authority's root "
            "certificate (its /exchange/anchor, checked against the fingerprint the "
            "authority gave you) first") from None


def _key(path: Path) -> ec.EllipticCurvePrivateKey:
    """The key at ``path``; a new one, readable by this user only, if there is none."""
    if path.exists():
        return serialization.load_pem_private_key(path.read_bytes(), password=None)
    key = new_key()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(key_pem(key))
    return key


def _installed(path: Path, key, anchor: x509.Certificate) -> bool:
    if not path.exists():
        return False
    try:
        _check(x509.load_pem_x509_certificate(path.read_bytes()), key, anchor)
    except (ValueError, EnrolmentError):
        return False
    return True


def _check(certificate: x509.Certificate, key, anchor: x509.Certificate) -> None:
    try:
        certificate.verify_directly_issued_by(anchor)
    except (InvalidSignature, ValueError, TypeError) as exc:
        raise EnrolmentError("the certificate was not issued by the configuration "
                             "anchor") from exc
    if certificate.public_key() != key.public_key():
        raise EnrolmentError("the certificate is not for this node's key")
    if certificate.not_valid_after_utc <= dt.datetime.now(dt.UTC):
        raise EnrolmentError("the certificate has expired")


def _install(path: Path, pem: str, key, anchor: x509.Certificate) -> None:
    _check(x509.load_pem_x509_certificate(pem.encode()), key, anchor)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(pem)


def _save(path: Path, state: dict) -> None:
    if state:
        path.write_text(json.dumps(state))
    else:
        path.unlink(missing_ok=True)


def _call(config: NodeConfig, code: str, method: str, path: str, body: dict | None = None):
    url = f"{config.central}{path}"
    if not url.startswith(("http://", "https://")):
        raise EnrolmentError(f"the authority's address must be http(s): {config.central}")
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url, method=method, data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {code}", "Content-Type": "application/json",
                 "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310
            return json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        try:
            detail = json.loads(exc.read()).get("detail", "")
        except ValueError:
            detail = ""
        raise EnrolmentError(f"the authority answered {exc.code}: {detail or exc.reason}"
                             ) from None
    except (urllib.error.URLError, TimeoutError) as exc:
        raise EnrolmentError(f"the authority at {config.central} cannot be reached: "
                             f"{getattr(exc, 'reason', exc)}") from None
