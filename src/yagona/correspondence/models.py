"""Journals, the file plan and registration cards of an agency's document flow."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yagona.core.text import localized
from yagona.correspondence.workflow import Status


class Kind(models.TextChoices):
    INCOMING = "incoming", _("Incoming")
    OUTGOING = "outgoing", _("Outgoing")
    INTERNAL = "internal", _("Internal")


class Access(models.TextChoices):
    PUBLIC = "public", _("General")
    OFFICIAL_USE = "official_use", _("For official use")


class Journal(models.Model):
    """A registration journal of an agency (pack data): its documents are numbered by
    ``number_format`` (core.pack_correspondence), the running number restarting yearly."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE,
                               related_name="journals")
    code = models.CharField(max_length=8)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    name = models.JSONField()
    number_format = models.CharField(max_length=64)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["agency", "order"]
        constraints = [models.UniqueConstraint(fields=["agency", "code"],
                                               name="one_journal_code_per_agency")]

    def __str__(self):
        return f"{self.agency.code}/{self.code} {localized(self.name)}"


class Case(models.Model):
    """A case of the agency's file plan (nomenclature of cases): where documents are
    filed, and how long they are kept (``retention_years``; None: permanently)."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE,
                               related_name="file_plan")
    index = models.CharField(max_length=16)
    title = models.JSONField()
    retention_years = models.PositiveSmallIntegerField(null=True, blank=True)
    basis = models.CharField(max_length=500, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["agency", "order"]
        constraints = [models.UniqueConstraint(fields=["agency", "index"],
                                               name="one_case_index_per_agency")]

    def __str__(self):
        return f"{self.index} {localized(self.title)}"


class DocumentType(models.Model):
    """A kind of document a card names (letter, request, order...: pack data)."""

    code = models.CharField(max_length=32, unique=True)
    name = models.JSONField()
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order"]

    def __str__(self):
        return localized(self.name)


class Document(models.Model):
    """A document of an agency and its registration card. A draft has no journal and no
    number yet; registration gives both, once, never reused."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT,
                               related_name="documents")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    journal = models.ForeignKey(Journal, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="documents")
    number = models.CharField(max_length=64, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    sequence = models.PositiveIntegerField(null=True, blank=True)
    registered_at = models.DateTimeField(null=True, blank=True)
    doc_type = models.ForeignKey(DocumentType, on_delete=models.PROTECT)
    subject = models.CharField(max_length=1000)
    summary = models.TextField(blank=True)
    language = models.CharField(max_length=8, blank=True)
    pages = models.PositiveIntegerField(default=1)
    access = models.CharField(max_length=16, choices=Access.choices, default=Access.PUBLIC)
    # The other side: an agency of the platform, or a name (a person, a company, a body
    # outside the platform) and the sender's own number and date on an incoming letter.
    correspondent_agency = models.ForeignKey("agencies.Agency", null=True, blank=True,
                                             on_delete=models.PROTECT, related_name="+")
    correspondent_name = models.CharField(max_length=500, blank=True)
    their_number = models.CharField(max_length=64, blank=True)
    their_date = models.DateField(null=True, blank=True)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="documents")
    filed_at = models.DateTimeField(null=True, blank=True)
    department = models.ForeignKey("agencies.Department", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    # The author of a draft; none for a document that arrived over the exchange.
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # Who signs it (chosen with the route), and the signed PDF or ASiC-E container the
    # signing room keeps (its public id: the QR code and /verify/ lead to it).
    signatory = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    signed_uuid = models.UUIDField(null=True, blank=True)
    # What it comes from in another room ("application:<uuid>"): told of its answer.
    source = models.CharField(max_length=80, blank=True, db_index=True)
    # Folded words of number, subject, summary and correspondent, for search.
    search_text = models.TextField(blank=True)

    class Meta:
        ordering = ["-registered_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "number"], condition=~models.Q(number=""),
                                    name="one_document_number_per_agency"),
            models.UniqueConstraint(fields=["journal", "year", "sequence"],
                                    name="one_sequence_per_journal_year"),
        ]
        indexes = [models.Index(fields=["agency", "number"], name="document_number_idx"),
                   models.Index(fields=["agency", "their_number"], name="document_theirs_idx"),
                   models.Index(fields=["agency", "registered_at"], name="document_journal_idx"),
                   models.Index(fields=["agency", "status"], name="document_status_idx")]

    def __str__(self):
        return self.number or str(self.id)


class DocumentFile(models.Model):
    """A file of a document: its main text or an attachment; once signed, the signed
    PDF or ASiC-E container is the document."""

    class Role(models.TextChoices):
        MAIN = "main", _("Main text")
        ATTACHMENT = "attachment", _("Attachment")
        SIGNED = "signed", _("Signed document")

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="files")
    role = models.CharField(max_length=16, choices=Role.choices)
    name = models.CharField(max_length=255)
    media_type = models.CharField(max_length=100)
    file = models.FileField(upload_to="correspondence/%Y/%m/")
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT,
                                 related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at"]


class Link(models.Model):
    """A document's link to an earlier one: the one it answers, or one it refers to. The
    earlier one is ours (``target``) or named by its number and date (another body's)."""

    class Relation(models.TextChoices):
        ANSWERS = "answers", _("In reply to")
        REFERS_TO = "refers_to", _("Refers to")

    source = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="links")
    relation = models.CharField(max_length=16, choices=Relation.choices)
    target = models.ForeignKey(Document, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="linked_from")
    number = models.CharField(max_length=64, blank=True)
    dated = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["id"]


class JournalCounter(models.Model):
    """SQLite's running number of a journal and year (PostgreSQL uses a sequence)."""

    journal = models.ForeignKey(Journal, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["journal", "year"],
                                               name="one_counter_per_journal_year")]


class Approval(models.Model):
    """An approver's place on a document's route. Stages follow one another; the
    approvers of one stage decide in parallel. A refusal (remarks required) returns the
    draft to its author and ends the round; sent again, the route starts a new round."""

    class Decision(models.TextChoices):
        WAITING = "waiting", _("Waiting for an earlier stage")
        PENDING = "pending", _("To decide")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        CANCELLED = "cancelled", _("Not needed")  # the round ended before their turn

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="approvals")
    round = models.PositiveSmallIntegerField(default=0)  # 0: the route being drawn up
    stage = models.PositiveSmallIntegerField()
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    decision = models.CharField(max_length=16, choices=Decision.choices,
                                default=Decision.WAITING)
    acted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")  # a substitute
    remarks = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "stage", "pk"]
        indexes = [models.Index(fields=["approver", "decision"], name="approval_queue_idx")]


class Substitution(models.Model):
    """While ``official`` is away (leave, a mission, illness), ``substitute`` acts for
    them in the agency: decides on their routes, signs and resolves in their place."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    official = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                 related_name="+")
    substitute = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                   related_name="+")
    starts = models.DateField()
    ends = models.DateField()
    reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts"]



class DocumentTerm(models.Model):
    """A folded word of a document's number, subject, summary or correspondent (the
    card's ``search_text``), so that a search by words is an index range scan per word
    in a journal of millions. On PostgreSQL the column sorts byte by byte ("C", migration
    0003), so a word's beginning is a range of the index."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, db_index=False,
                               related_name="+")
    term = models.CharField(max_length=100)
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="terms",
                                 db_index=False)

    class Meta:
        indexes = [
            # A word's documents: a range of the index (the hash side of a search).
            models.Index(fields=["agency", "term"], name="document_term_idx"),
            # Whether a document has a word: one probe, answered from the index alone
            # (the other side, when a date range leaves few documents to check).
            models.Index(fields=["document", "term"], include=["agency"],
                         name="document_term_probe_idx"),
        ]


from yagona.correspondence.models_control import *  # noqa: E402,F403
from yagona.correspondence.models_delivery import Arrival, Delivery  # noqa: E402,F401
