import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yagona.applications.workflow import ENDED, Status


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")
    ASSISTED = "assisted", _("Service centre (assisted)")
    API = "api", _("API")


class Application(models.Model):
    """A request for a service, from draft to decision.

    ``party_*`` is whom the application is for (the applicant themself, a
    represented person or an organisation); ``created_by`` is who acts.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = models.ForeignKey("catalogue.Service", on_delete=models.PROTECT,
                                related_name="applications")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT,
                               related_name="applications")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    answers = models.JSONField(default=dict)
    form_snapshot = models.JSONField(default=dict)  # the form as it was when submitted

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="applications_created")
    party_kind = models.CharField(max_length=16, default="person")  # person | organisation
    party_id = models.CharField(max_length=32, db_index=True)
    party_name = models.CharField(max_length=300, blank=True)
    mandate = models.ForeignKey("accounts.Mandate", null=True, blank=True,
                                on_delete=models.PROTECT)
    channel = models.CharField(max_length=16, choices=Channel.choices, default=Channel.ONLINE)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)

    registration_number = models.CharField(max_length=40, unique=True, null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    days_left_at_pause = models.IntegerField(null=True, blank=True)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="assignments")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    rated = models.BooleanField(default=False)
    # The application as the applicant signed it (a service with ``signature: required``):
    # one document, kept by the signing room, in the signer's wallet.
    signed_document = models.ForeignKey("signing.SignedDocument", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["created_by", "idempotency_key"],
                                    name="one_application_per_idempotency_key")
        ]
        indexes = [
            models.Index(fields=["agency", "status", "due_date"]),
            models.Index(fields=["created_by", "status"]),
        ]

    def __str__(self):
        return self.registration_number or str(self.uuid)

    @property
    def ended(self) -> bool:
        return self.status in ENDED

    @property
    def reference(self) -> str:
        return self.registration_number or str(self.uuid)[:8]


class StatusChange(models.Model):
    """One step of an application's timeline."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="timeline")
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    actor_role = models.CharField(max_length=32)  # applicant, representative, operator ...
    agency = models.ForeignKey("agencies.Agency", null=True, blank=True,
                               on_delete=models.PROTECT)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]


class Attachment(models.Model):
    """A file: an answer to a form question, a file sent with a message, or the result."""

    class Kind(models.TextChoices):
        ANSWER = "answer", _("Answer")
        MESSAGE = "message", _("Message attachment")
        RESULT = "result", _("Result document")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Empty while a document uploaded ahead of its application (GovStack /documents)
    # waits to be claimed by the application that lists it.
    application = models.ForeignKey(Application, null=True, on_delete=models.CASCADE,
                                    related_name="attachments")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    field = models.CharField(max_length=100, blank=True)
    file = models.FileField(upload_to="attachments/%Y/%m/")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)


class Message(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    from_agency = models.BooleanField()
    kind = models.CharField(max_length=16, default="message")  # message, info_request, answer
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]


class RegistrationCounter(models.Model):
    """The last registration number handed out per agency and year."""

    agency_code = models.CharField(max_length=16)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency_code", "year"],
                                               name="one_counter_per_agency_year")]


class Rating(models.Model):
    """A satisfaction rating. Deliberately not linked to the person or application."""

    service = models.ForeignKey("catalogue.Service", on_delete=models.PROTECT,
                                related_name="ratings")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    rated_on = models.DateField()  # a day, not a time, so ratings cannot be matched to logs


class SatisfactionTally(models.Model):
    """Ratings counted by the rater's coarse group (SDG 16.6.2): sex, age band and region
    as the population register gave them when the rating was given ("" when it could
    not). Kept apart from the ratings, so that no rating row says who gave it."""

    month = models.DateField()  # its first day
    sex = models.CharField(max_length=16, blank=True)  # the register's code
    age_band = models.CharField(max_length=16, blank=True)  # "18-29", "60+"
    region = models.CharField(max_length=200, blank=True)  # as the register writes it
    ratings = models.PositiveIntegerField(default=0)
    score = models.PositiveIntegerField(default=0)  # their sum
    satisfied = models.PositiveIntegerField(default=0)  # rated 4 or 5

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "sex", "age_band", "region"],
                                               name="satisfaction_tally_group")]
