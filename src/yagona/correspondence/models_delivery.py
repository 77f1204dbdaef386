"""Documents on their way between agencies over the exchange: what the sender's office
keeps until the addressee's signed receipt comes back (``Delivery``), and what the
addressee's office received (``Arrival``, the key of duplicate detection)."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class Delivery(models.Model):
    """An outgoing document on its way to one addressee. Kept, and tried again with
    growing pauses, while the addressee's node or system cannot take it ("waiting for
    delivery"); done when their signed receipt is back, or when they refuse it."""

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting for delivery")
        DELIVERED = "delivered", _("Delivered")
        REFUSED = "refused", _("Refused by the addressee")

    document = models.ForeignKey("correspondence.Document", on_delete=models.CASCADE,
                                 related_name="deliveries")
    recipient = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    recipient_member = models.CharField(max_length=200)  # TJ/GOV/VKD
    consignment = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    state = models.CharField(max_length=16, choices=State.choices, default=State.WAITING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.CharField(max_length=500, blank=True)
    fault = models.CharField(max_length=32, blank=True)  # the addressee's fault code
    xroad_id = models.CharField(max_length=36, blank=True)  # the last attempt's exchange
    their_number = models.CharField(max_length=64, blank=True)
    their_registered_at = models.DateTimeField(null=True, blank=True)
    receipt = models.FileField(upload_to="correspondence/receipts/%Y/%m/", blank=True)
    receipt_sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="delivery_due_idx")]


class Arrival(models.Model):
    """A consignment an agency received over the exchange, registered as ``document``.
    Its consignment id is never taken twice; the same container from the same sender
    within the duplicate window is refused too (a resend under a new id)."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    consignment = models.UUIDField()
    sender_member = models.CharField(max_length=200)
    container_sha256 = models.CharField(max_length=64)
    document = models.OneToOneField("correspondence.Document", on_delete=models.PROTECT,
                                    related_name="arrival")
    xroad_id = models.CharField(max_length=36, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    receipt = models.FileField(upload_to="correspondence/receipts/%Y/%m/")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "consignment"],
                                               name="one_arrival_per_consignment")]
        indexes = [models.Index(fields=["agency", "sender_member", "container_sha256"],
                                name="arrival_duplicate_idx")]
