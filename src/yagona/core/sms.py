"""Sending SMS, a transport shared by the rooms (accounts' verification codes, notices).
The embedded default writes them to the log (the codes are for the person who typed the
number; in production set SMS_BACKEND to a gateway)."""

import logging

from django.conf import settings

log = logging.getLogger("yagona.sms")
outbox: list[tuple[str, str]] = []  # what the "memory" backend sent (tests)


def send_sms(phone: str, text: str) -> None:
    backend = "memory" if settings.TESTING else settings.SMS_BACKEND
    if backend == "memory":
        outbox.append((phone, text))
    elif backend == "log" and settings.PRODUCTION:
        log.warning("SMS to %s not sent: set SMS_BACKEND to a gateway", phone)
    elif backend == "log":
        log.info("SMS to %s: %s", phone, text)
    else:
        raise RuntimeError(f"unknown SMS_BACKEND {backend!r}")
