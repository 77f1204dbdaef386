"""The hierarchy's publication point, at /pki/: what the certificates it issues name in
their CRL distribution points and authority information access (``pki.url``). Relying
parties (Adobe Reader, poppler, openssl, banks' systems) fetch the authorities'
certificates and CRLs here and ask the OCSP responder (RFC 6960) with no session:
everything is public, as any CA's repository is."""

import base64
import binascii

from cryptography.hazmat.primitives import serialization
from cryptography.x509 import ocsp as x509_ocsp
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from yagona.core.permissions import PUBLIC, permission
from yagona.signing import authority, pki

ISSUERS = ("root", "seals", "persons")
TITLES = {"root": _("Platform root authority"),
          "seals": _("Issuing authority for agencies' electronic seals"),
          "persons": _("Issuing authority for officials and citizens")}
MAX_OCSP_REQUEST = 8 * 1024  # one certificate's question is about a hundred bytes
CRL_SECONDS = 300  # a revocation reaches cached CRLs within this
OCSP_SECONDS = 60  # a GET answer may be cached this long (RFC 5019 §6)
CERTIFICATE_SECONDS = 24 * 3600


class IssuerConverter:
    """``root``, ``seals`` or ``persons``: the names ``pki.url`` publishes."""

    regex = "|".join(ISSUERS)

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


def _cached(response: HttpResponse, seconds: int) -> HttpResponse:
    response["Cache-Control"] = f"public, max-age={seconds}"
    return response


def _certificate(issuer: str):
    return pki.hierarchy().issuer_pair(issuer).certificate


@require_safe
@permission(PUBLIC)  # a CA's certificate is public by nature
def certificate(request, issuer):
    der = _certificate(issuer).public_bytes(serialization.Encoding.DER)
    response = HttpResponse(der, content_type="application/pkix-cert")
    response["Content-Disposition"] = f'inline; filename="{issuer}.crt"'
    return _cached(response, CERTIFICATE_SECONDS)


@require_safe
@permission(PUBLIC)
def certificate_pem(request, issuer):
    response = HttpResponse(authority.pem(_certificate(issuer)),
                            content_type="application/x-pem-file")
    response["Content-Disposition"] = f'inline; filename="{issuer}.pem"'
    return _cached(response, CERTIFICATE_SECONDS)


@require_safe
@permission(PUBLIC)  # a CRL is signed and meant for anyone
def crl(request, issuer):
    response = HttpResponse(pki.crl(issuer), content_type="application/pkix-crl")
    response["Content-Disposition"] = f'inline; filename="{issuer}.crl"'
    return _cached(response, CRL_SECONDS)


def _answer(der: bytes) -> HttpResponse:
    return HttpResponse(der, content_type="application/ocsp-response")


def _malformed() -> HttpResponse:
    # An OCSP client reads an OCSP response, never an HTML error page (RFC 6960 §2.3).
    return _answer(pki.ocsp_refusal(x509_ocsp.OCSPResponseStatus.MALFORMED_REQUEST))


def _decoded(encoded: str) -> bytes | None:
    """The DER of a GET request's last part: base64 (RFC 6960 A.1), URL-decoded by
    Django already; the URL-safe alphabet and missing padding are taken too."""
    text = encoded.strip().replace("-", "+").replace("_", "/")
    if len(text) > MAX_OCSP_REQUEST * 2:
        return None
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None


@csrf_exempt  # OCSP clients post DER with no session to forge
@require_http_methods(["GET", "POST"])
@permission(PUBLIC)  # a status is public: the CRL says the same to anyone
def ocsp(request, issuer, encoded=None):
    if request.method == "POST":
        try:
            declared = int(request.headers.get("Content-Length") or 0)
        except ValueError:
            declared = 0
        if declared > MAX_OCSP_REQUEST:
            return _malformed()
        der = request.read(MAX_OCSP_REQUEST + 1)
        if len(der) > MAX_OCSP_REQUEST:
            return _malformed()
    else:
        der = _decoded(encoded or "")
        if der is None:
            return _malformed()
    response = _answer(pki.ocsp_answer(issuer, der))
    if request.method == "GET":  # the same question asked by GET may be cached a while
        return _cached(response, OCSP_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _fingerprint(certificate) -> str:
    hexa = authority.fingerprint(certificate).upper()
    return ":".join(hexa[i:i + 2] for i in range(0, len(hexa), 2))


@require_safe
@permission(PUBLIC)
def index(request):
    """The authorities, with what a relying party needs to trust and check them."""
    authorities = []
    for issuer in ISSUERS:
        certificate = _certificate(issuer)
        authorities.append({
            "issuer": issuer, "title": TITLES[issuer], "subject": certificate.subject
            .rfc4514_string(), "serial": f"{certificate.serial_number:x}",
            "fingerprint": _fingerprint(certificate),
            "not_before": certificate.not_valid_before_utc,
            "not_after": certificate.not_valid_after_utc,
            "ocsp": pki.url(f"ocsp/{issuer}")})  # as the certificates name it
    return render(request, "signing/pki.html", {"authorities": authorities})
