"""SMS for notices go through the shared transport in core (accounts, a lower room, sends
its verification codes with it too)."""

from yagona.core.sms import outbox, send_sms  # noqa: F401
