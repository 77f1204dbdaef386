"""Appeals of people and organisations to the state: proposals, statements, complaints,
reports of problems in public places (with a place and photos), and reports that may be
anonymous. Kinds, categories and the reception are pack data (appeals.yaml)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yagona.appeals.workflow import ENDED, Status
from yagona.core.text import localized


class Kind(models.Model):
    """A kind of appeal the law knows, with its deadline (pack data)."""

    class Location(models.TextChoices):
        NONE = "none"
        OPTIONAL = "optional"
        REQUIRED = "required"

    code = models.CharField(max_length=32, unique=True)
    name = models.JSONField()
    hint = models.JSONField(default=dict)
    days = models.PositiveSmallIntegerField()
    working_days = models.BooleanField(default=False)
    extension = models.PositiveSmallIntegerField(default=0)  # the most a supervisor adds
    anonymous = models.BooleanField(default=False)  # may be sent without a name
    location = models.CharField(max_length=8, choices=Location.choices,
                                default=Location.NONE)
    photos = models.PositiveSmallIntegerField(default=0)  # how many may be attached
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order"]

    def __str__(self):
        return localized(self.name)


class Category(models.Model):
    """What a problem report is about, and the agency that answers it; Open311's
    ``service`` (its ``attributes`` are the service definition)."""

    code = models.CharField(max_length=32, unique=True)
    kind = models.ForeignKey(Kind, on_delete=models.PROTECT, related_name="categories")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT,
                               related_name="appeal_categories")
    name = models.JSONField()
    description = models.JSONField(default=dict)
    keywords = models.JSONField(default=list)
    attributes = models.JSONField(default=list)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order"]

    def __str__(self):
        return localized(self.name)


class Rules(models.Model):
    """The pack's reception and superiors (one row): who routes the appeals whose author
    does not know the competent body, within how many days, and who hears complaints
    about an agency's answer."""

    reception = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT,
                                  related_name="+")
    forward_days = models.PositiveSmallIntegerField(default=5)
    forward_working_days = models.BooleanField(default=False)
    superiors = models.JSONField(default=dict)  # agency code -> superior agency code
    map_bounds = models.JSONField(default=list)  # [west, south, east, north]
    number_format = models.CharField(max_length=60, default="{seq:6}/{yy}")
    complaint_kind = models.CharField(max_length=32, blank=True)  # of answers complained of


class Counter(models.Model):
    """The last appeal number of a year, where the database has no sequences (SQLite)."""

    year = models.PositiveSmallIntegerField(unique=True)
    last = models.PositiveIntegerField(default=0)


class Appeal(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(max_length=40, unique=True)
    kind = models.ForeignKey(Kind, on_delete=models.PROTECT, related_name="appeals")
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="appeals")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT,
                               related_name="appeals")  # who handles it now
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RECEIVED)
    channel = models.CharField(max_length=16, default="online")  # online|assisted|open311

    # Who wrote it: a signed-in person (for themself or an organisation they act for), or
    # nobody the platform knows (anonymous kinds; Open311 reports with a contact given).
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.PROTECT, related_name="appeals")
    party_kind = models.CharField(max_length=16, default="person")  # person|organisation
    party_id = models.CharField(max_length=32, blank=True, db_index=True)
    party_name = models.CharField(max_length=300, blank=True)
    contact = models.JSONField(default=dict, blank=True)  # Open311: name, e-mail, phone
    tracking_hash = models.CharField(max_length=64, blank=True, db_index=True)
    app = models.ForeignKey("appeals.AppKey", null=True, blank=True,
                            on_delete=models.PROTECT, related_name="appeals")

    subject = models.CharField(max_length=300)
    text = models.TextField()
    language = models.CharField(max_length=8)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    address = models.CharField(max_length=300, blank=True)
    attributes = models.JSONField(default=dict, blank=True)  # the category's questions

    submitted_at = models.DateTimeField()
    received_on = models.DateField()  # registered by the agency handling it now
    due_date = models.DateField()
    days_left_at_pause = models.IntegerField(null=True, blank=True)
    extended_days = models.PositiveSmallIntegerField(default=0)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="appeal_cases")
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_on_time = models.BooleanField(null=True)
    answer_text = models.TextField(blank=True)
    answer_document = models.ForeignKey("signing.SignedDocument", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="duplicates")
    complaint_about = models.ForeignKey("self", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="complaints")
    useful = models.BooleanField(null=True)  # the author's rating of the answer
    on_time = models.BooleanField(null=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["agency", "status", "due_date"]),
                   models.Index(fields=["author", "submitted_at"]),
                   models.Index(fields=["kind", "status"])]

    def __str__(self):
        return self.number

    @property
    def ended(self) -> bool:
        return self.status in ENDED

    @property
    def anonymous(self) -> bool:
        return not self.party_id and not self.contact


class Step(models.Model):
    """One step of an appeal's history; the author reads those not ``internal``."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="steps")
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=16)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("agencies.Agency", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    to_agency = models.ForeignKey("agencies.Agency", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")  # forwards
    note = models.TextField(blank=True)  # shown to the author: a reason, a question
    due_date = models.DateField(null=True, blank=True)  # the deadline after this step

    class Meta:
        ordering = ["at", "pk"]


class Note(models.Model):
    """An official's internal note, or a message between the agency and the author."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="notes")
    at = models.DateTimeField(auto_now_add=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("agencies.Agency", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")  # None: author
    internal = models.BooleanField(default=False)
    text = models.TextField()

    class Meta:
        ordering = ["at", "pk"]


class Photo(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="appeals/%Y/%m/")
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]


class AppKey(models.Model):
    """A third-party application's Open311 api_key (only its hash is kept)."""

    name = models.CharField(max_length=200)
    contact = models.CharField(max_length=200, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return self.name


class MonthlyFigures(models.Model):
    """Per agency and month, kept current by the commands (never computed per request):
    appeals received (new or forwarded in), forwarded on, answered and of those on time,
    ratings. Medians come from ``AnswerDays``."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE,
                               related_name="+")
    month = models.DateField()  # its first day
    received = models.PositiveIntegerField(default=0)
    forwarded = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)
    answered_on_time = models.PositiveIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0)
    rated_useful = models.PositiveIntegerField(default=0)
    rated_on_time = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["month", "agency"]
        constraints = [models.UniqueConstraint(fields=["agency", "month"],
                                               name="one_figures_row_per_agency_month")]


class AnswerDays(models.Model):
    """How many appeals an agency answered in a month after so many days (a histogram,
    for the median)."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE,
                               related_name="+")
    month = models.DateField()
    days = models.PositiveSmallIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "month", "days"],
                                               name="one_answer_days_row")]


CHANNELS = {"online": _("Online"), "assisted": _("Service centre (assisted)"),
            "open311": _("A third-party application (Open311)")}
