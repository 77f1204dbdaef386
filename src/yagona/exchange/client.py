"""The platform as a client of the exchange: an agency's case handling, which runs on
the platform, reads another agency's registry through its own agency's node."""

import json
import logging
import urllib.error
import urllib.request
from urllib.parse import urlencode

from yagona.exchange import services
from yagona.exchange.models import Node

log = logging.getLogger("yagona.exchange")
TIMEOUT_SECONDS = 5


def read_registry(agency, registry, field: str, value: str, *, user: str = "",
                  issue: str = "", fields: list[str] | None = None) -> dict | None:
    """The record of ``registry`` whose key ``field`` is ``value``, as ``agency`` may read
    it, fetched through the agency's node; None when there is no such record or the
    exchange cannot answer now (the caller then asks the person instead). ``fields``: only
    these (what the form needs, no more)."""
    instance = services.instance()
    node = (Node.objects.filter(member__agency=agency).exclude(client_url="")
            .select_related("member").first())
    if node is None:
        return None
    keeper = registry.agency.code
    url = (f"{node.client_url.rstrip('/')}/r1/{instance}/GOV/{keeper}/"
           f"{services.REGISTRY_SUBSYSTEM}/{registry.code}/records?"
           f"{urlencode({'field': field, 'value': value, 'fields': ','.join(fields or [])})}")
    if not url.startswith(("http://", "https://")):
        return None
    request = urllib.request.Request(url, headers={  # noqa: S310 - checked just above
        "X-Road-Client": f"{node.member.identifier}/{services.CASE_SUBSYSTEM}",
        "X-Road-UserId": user,
        "X-Road-Issue": issue, "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310
            return json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        if exc.code != 404:
            log.warning("exchange read of %s failed: %s %s", registry.code, exc.code,
                        exc.headers.get("X-Road-Error", ""))
        return None
    except (urllib.error.URLError, TimeoutError, ValueError) as exc:
        log.warning("exchange read of %s failed: %s", registry.code, exc)
        return None
