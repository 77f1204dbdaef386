"""What the signing room keeps: the certificates its hierarchy issued (with their
revocation), the documents it signed (a person's wallet reads them), share links and
who opened them, and remote-signing requests waiting for their confirmation."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Certificate(models.Model):
    """A certificate of the platform's signing hierarchy: an issuing authority's, an
    agency seal's, an official's or a citizen's. The key is in the key store under
    ``key_label``; never here."""

    class Profile(models.TextChoices):
        AUTHORITY = "authority", _("Issuing authority")
        SEAL = "seal", _("Agency seal")
        OFFICIAL = "official", _("Official")
        CITIZEN = "citizen", _("Citizen")

    serial = models.CharField(max_length=40, unique=True)  # hex, as CRLs and OCSP name it
    issuer = models.CharField(max_length=16)  # root | seals | persons
    profile = models.CharField(max_length=16, choices=Profile.choices)
    holder = models.CharField(max_length=64, db_index=True)  # person ID or agency code
    agency_code = models.CharField(max_length=16, blank=True)
    common_name = models.CharField(max_length=200)
    key_label = models.CharField(max_length=100)
    pem = models.TextField()
    sha256 = models.CharField(max_length=64, unique=True)
    not_before = models.DateTimeField()
    not_after = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["profile", "holder", "agency_code"])]


class SignedDocument(models.Model):
    """A document the platform signed or sealed, kept byte for byte as signed.
    ``uuid`` is its public id: the QR code printed on it leads to its verification."""

    class Kind(models.TextChoices):
        RESULT = "result", _("Decision")
        UPLOADED_RESULT = "uploaded_result", _("Result document")
        APPLICATION = "application", _("Signed application")
        SIGNED = "signed", _("Signed document")
        LETTER = "letter", _("Official letter")  # an agency's correspondence
        RECEIPT = "receipt", _("Delivery receipt")
        APPEAL_ANSWER = "appeal_answer", _("Answer to an appeal")
        REGISTRY_EXTRACT = "registry_extract", _("Extract from a state register")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.JSONField(default=dict)  # per language, like catalogue content
    holder_kind = models.CharField(max_length=16, default="person")  # person | organisation
    holder_id = models.CharField(max_length=32, db_index=True, blank=True)
    agency_code = models.CharField(max_length=16, blank=True)
    # What the document is about, e.g. the application number AGENCY-2026-000123.
    reference = models.CharField(max_length=64, blank=True, db_index=True)
    source = models.CharField(max_length=80, blank=True, db_index=True)  # application:<uuid>
    file = models.FileField(upload_to="signed/%Y/%m/")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100, default="application/pdf")
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    signers = models.JSONField(default=list)  # [{"name", "profile", "serial"}], for lists
    issued_at = models.DateTimeField()
    # A document the agency withdrew stays verifiable as signed, and says it was withdrawn.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-issued_at", "-pk"]
        indexes = [models.Index(fields=["holder_kind", "holder_id", "-issued_at"])]


class ShareLink(models.Model):
    """A link a holder made so that someone else (a bank, an employer) can fetch the
    document until it expires. Only the token's hash is kept."""

    document = models.ForeignKey(SignedDocument, on_delete=models.CASCADE,
                                 related_name="share_links")
    token_sha256 = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=100, blank=True)  # whom the holder gave it to
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]


class ShareOpening(models.Model):
    """Someone opened a share link: when, and what they showed of themselves."""

    link = models.ForeignKey(ShareLink, on_delete=models.CASCADE, related_name="openings")
    at = models.DateTimeField(auto_now_add=True)
    # A signed-in reader's person ID or agency; otherwise empty (an anonymous reader).
    reader = models.CharField(max_length=64, blank=True)
    network = models.CharField(max_length=64, blank=True)  # the address, its last part cut
    user_agent = models.CharField(max_length=200, blank=True)
    opened_as = models.CharField(max_length=8, blank=True)  # page | download

    class Meta:
        ordering = ["-at", "-pk"]


class SignatureRequest(models.Model):
    """Remote signing: a person asked the platform to sign with their key; it signs only
    after they confirm with a second factor (a TOTP code) and the code shown on both
    screens matches."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        SIGNED = "signed", _("Signed")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    purpose = models.CharField(max_length=80)  # application:<uuid>, ...
    description = models.JSONField(default=dict)  # what is signed, per language
    content = models.FileField(upload_to="to-sign/%Y/%m/")
    sha256 = models.CharField(max_length=64)
    check_code = models.CharField(max_length=8)  # shown on both screens
    channel = models.CharField(max_length=8, default="totp")  # or sms: how they confirm
    sms_code_sha256 = models.CharField(max_length=64, blank=True)  # only for sms
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    signed_document = models.ForeignKey(SignedDocument, null=True, blank=True,
                                        on_delete=models.SET_NULL)
    # Where the person goes once signed: a path of this site only (remote.safe_next).
    next_url = models.CharField(max_length=300, blank=True)
    language = models.CharField(max_length=8, blank=True)  # the document's language
