"""The platform as a client of the exchange: an agency's case handling, which runs on
the platform, reads another agency's registry through its own agency's node."""

import json
import logging
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlencode

from django.utils import timezone

from yagona.exchange import services
from yagona.exchange.models import Node

log = logging.getLogger("yagona.exchange")
TIMEOUT_SECONDS = 5


@dataclass(frozen=True)
class Reading:
    """The answer to one read: ``found`` (``record`` holds it), ``absent`` (the register
    has no such record) or ``unavailable`` (no node, or the exchange could not answer now:
    the caller asks the person instead). ``xroad_id`` names the exchange in both nodes'
    message logs (``yagona exchange verify --id``)."""

    status: str
    record: dict = field(default_factory=dict)
    xroad_id: str = ""
    at: datetime | None = None


def read(agency, registry, key: str, value: str, *, user: str = "", issue: str = "",
         fields: list[str] | None = None) -> Reading:
    """Read the record of ``registry`` whose key ``key`` is ``value``, as ``agency`` may
    read it, through the agency's node. ``user``: the person or official asking
    (X-Road-UserId); ``issue``: the application it is for; ``fields``: only these (what
    the caller needs, no more)."""
    instance = services.instance()
    node = (Node.objects.filter(member__agency=agency).exclude(client_url="")
            .select_related("member").first())
    if node is None:
        return Reading("unavailable")
    keeper = registry.agency.code
    url = (f"{node.client_url.rstrip('/')}/r1/{instance}/GOV/{keeper}/"
           f"{services.REGISTRY_SUBSYSTEM}/{registry.code}/records?"
           f"{urlencode({'field': key, 'value': value, 'fields': ','.join(fields or [])})}")
    if not url.startswith(("http://", "https://")):
        return Reading("unavailable")
    xroad_id = str(uuid.uuid4())
    request = urllib.request.Request(url, headers={  # noqa: S310 - checked just above
        "X-Road-Client": f"{node.member.identifier}/{services.CASE_SUBSYSTEM}",
        "X-Road-Id": xroad_id, "X-Road-UserId": user, "X-Road-Issue": issue,
        "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310
            record = json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        if exc.code == 404 and not exc.headers.get("X-Road-Error"):
            return Reading("absent", xroad_id=xroad_id, at=timezone.now())
        log.warning("exchange read of %s failed: %s %s", registry.code, exc.code,
                    exc.headers.get("X-Road-Error", ""))
        return Reading("unavailable", xroad_id=xroad_id)
    except (urllib.error.URLError, TimeoutError, ValueError) as exc:
        log.warning("exchange read of %s failed: %s", registry.code, exc)
        return Reading("unavailable", xroad_id=xroad_id)
    if not isinstance(record, dict):
        return Reading("unavailable", xroad_id=xroad_id)
    return Reading("found", record, xroad_id, timezone.now())


def read_registry(agency, registry, field: str, value: str, *, user: str = "",
                  issue: str = "", fields: list[str] | None = None) -> dict | None:
    """The record, or None when there is none or the exchange cannot answer now."""
    reading = read(agency, registry, field, value, user=user, issue=issue, fields=fields)
    return reading.record if reading.status == "found" else None
