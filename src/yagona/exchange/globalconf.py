"""The global configuration the central authority publishes: members, subsystems,
services, access rights, node addresses and the certificates nodes trust, signed
(JWS, ES256) with the authority's configuration key and valid for
``settings.EXCHANGE_CONF_VALIDITY`` seconds. Nodes download it periodically and
check it with ``exchange.node.conf.verify``.

A signed document is kept (``ConfigurationVersion``) and served again while its
content is unchanged and at least half its validity remains.
"""

import base64
import datetime as dt
import hashlib
import json

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.db import IntegrityError, transaction
from joserfc import jws
from joserfc.jwk import ECKey

from yagona.exchange import ca, services
from yagona.exchange.models import (
    AccessRight,
    Certificate,
    ConfigurationVersion,
    ExchangeService,
    Member,
    Node,
    Subsystem,
)
from yagona.exchange.node import conf


def content() -> dict:
    """What the configuration says, without its times and number."""
    now = dt.datetime.now(dt.UTC)
    live = Certificate.objects.filter(revoked_at__isnull=True, not_after__gt=now,
                                      not_before__lte=now).select_related("member", "node")
    return {
        "instance": services.instance(),
        "members": [{"id": str(m.identifier), "name": m.name}
                    for m in Member.objects.order_by("member_class", "code")],
        "subsystems": [{"id": str(s.identifier), "name": s.name} for s in
                       Subsystem.objects.select_related("member").order_by("member__code",
                                                                           "code")],
        "services": [{"id": str(s.identifier), "title": s.title, "methods": methods(s.openapi),
                      "openapi": s.openapi}
                     for s in ExchangeService.objects.select_related("subsystem__member")
                     .order_by("subsystem__member__code", "subsystem__code", "code")],
        "access": [{"service": str(r.service.identifier), "client": str(r.client.identifier),
                    "method": r.method, "path": r.path}
                   for r in AccessRight.objects.select_related(
                       "service__subsystem__member", "client__member").order_by("pk")],
        "nodes": [{"member": str(n.member.identifier), "name": n.name, "address": n.address}
                  for n in Node.objects.select_related("member").order_by("pk")],
        "tls_certificates": [{"member": str(c.member.identifier), "node": c.node.name,
                              "sha256": c.sha256}
                             for c in live.filter(kind=Certificate.Kind.TLS).order_by("pk")],
        "signing_certificates": [{"member": str(c.member.identifier), "pem": c.pem}
                                 for c in live.filter(kind=Certificate.Kind.SIGN)
                                 .order_by("pk")],
        "timestamping": {"path": "/exchange/tsa", "certificate": ca.Authority().tsa
                         .certificate_pem},
    }


def methods(openapi: dict) -> list[dict]:
    """(method, path) of each operation of an OpenAPI document."""
    verbs = ("get", "put", "post", "delete", "patch", "head", "options")
    return [{"method": verb.upper(), "path": path}
            for path, item in sorted((openapi or {}).get("paths", {}).items())
            for verb in verbs if verb in (item or {})]


def current() -> str:
    """The signed configuration to serve now (a new one when the content changed or
    the last one is past half its validity)."""
    body = content()
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
    now = dt.datetime.now(dt.UTC)
    validity = dt.timedelta(seconds=settings.EXCHANGE_CONF_VALIDITY)
    try:
        with transaction.atomic():
            last = ConfigurationVersion.objects.select_for_update().order_by("-number").first()
            if last and last.digest == digest and last.expires_at - now > validity / 2:
                return last.document
            number = (last.number + 1) if last else 1
            document = sign({**body, "version": number, "generated": now.isoformat(),
                             "expires": (now + validity).isoformat()})
            ConfigurationVersion.objects.create(number=number, document=document,
                                                digest=digest, generated_at=now,
                                                expires_at=now + validity)
    except IntegrityError:  # another worker published this number at the same moment
        # (the row lock cannot hold back the first one of all): serve what it published.
        return ConfigurationVersion.objects.order_by("-number").first().document
    return document


def sign(body: dict) -> str:
    signer = ca.Authority().conf
    key = ECKey.import_key(ca.key_pem(signer.key))
    x5c = base64.b64encode(signer.certificate.public_bytes(serialization.Encoding.DER))
    return jws.serialize_compact({"alg": "ES256", "typ": "JOSE", "x5c": [x5c.decode()]},
                                 json.dumps(body, ensure_ascii=False).encode(), key,
                                 registry=conf.REGISTRY)
