"""Sending SMS, a transport shared by the rooms (accounts' verification codes, notices).

``SMS_BACKEND``: ``http`` posts each message to a gateway (production), ``log`` writes it
to the log (embedded mode; in production it sends nothing and says so), ``memory`` keeps it
in ``outbox`` (tests). A message that cannot be sent raises SmsNotSent: the caller tells
the person. Messages carry codes, so their text is never logged outside embedded mode.

Nothing here reads Django settings at import: settings.py imports ``setting_problems``.
"""

import json
import logging
import urllib.error
import urllib.request

from django.conf import settings

log = logging.getLogger("yagona.sms")
outbox: list[tuple[str, str]] = []  # what the "memory" backend sent (tests)
BACKENDS = ("http", "log", "memory")


class SmsNotSent(Exception):
    """The message did not leave (gateway down or refusing, or no gateway configured)."""


def setting_problems(backend: str, url: str, token: str, production: bool) -> list[str]:
    """What is wrong with the SMS settings, checked when the settings load (not at the
    first message)."""
    if backend not in BACKENDS:
        return [f"SMS_BACKEND must be one of {', '.join(BACKENDS)}, not {backend!r}."]
    if backend != "http":
        return []
    found = []
    if not url.startswith(("https://", "http://")):
        found.append("SMS_BACKEND=http needs SMS_GATEWAY_URL (an http(s):// address).")
    elif production and not url.startswith("https://"):
        found.append("Production mode needs an https:// SMS_GATEWAY_URL (the messages "
                     "carry codes).")
    if not token:
        found.append("SMS_BACKEND=http needs SMS_GATEWAY_TOKEN.")
    return found


def _masked(phone: str) -> str:
    return phone[:-4] + "****" if len(phone) > 6 else "****"


def send_sms(phone: str, text: str) -> None:
    backend = settings.SMS_BACKEND
    if backend == "memory":
        outbox.append((phone, text))
    elif backend == "http":
        _post(phone, text)
    elif settings.PRODUCTION:  # "log": nothing leaves, and the person must learn it
        log.warning("SMS to %s not sent: set SMS_BACKEND=http and its gateway",
                    _masked(phone))
        raise SmsNotSent
    else:
        log.info("SMS to %s: %s", phone, text)


def _post(phone: str, text: str) -> None:
    """POST {"to", "text"} as JSON with the bearer token; any 2xx answer is success."""
    request = urllib.request.Request(  # noqa: S310 (the address is checked at start)
        settings.SMS_GATEWAY_URL, method="POST",
        data=json.dumps({"to": phone, "text": text}).encode(),
        headers={"Content-Type": "application/json",
                 "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}"})
    try:
        with urllib.request.urlopen(request, timeout=settings.SMS_GATEWAY_TIMEOUT) as answer:  # noqa: S310
            answer.read(1024)
    except urllib.error.HTTPError as exc:  # before URLError: it is one
        log.error("SMS to %s not sent: the gateway answered %s", _masked(phone), exc.code)
        raise SmsNotSent from exc
    except (urllib.error.URLError, OSError) as exc:  # refused, unreachable, timed out
        reason = getattr(exc, "reason", exc)
        log.error("SMS to %s not sent: gateway unreachable (%s)", _masked(phone),
                  type(reason).__name__)
        raise SmsNotSent from exc
