"""Checking uploaded files on the server: size (while they stream in), and type by
content, not by name; unclaimed documents expire."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.db import transaction
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone

from yagona.core.uploads import (  # noqa: F401 - the rooms above import them from here
    DEFAULT_ACCEPT,
    DEFAULT_MAX_BYTES,
    SIGNATURES,
    FileRejected,
    check_upload,
    sniff,
)


class UploadTooLarge(RequestDataTooBig, MultiPartParserError):
    """The files of a request passed ``YAGONA_MAX_UPLOAD_BYTES``: answered 413
    (core.input_guard). A MultiPartParserError too, so Django drops the half-read form."""


class LimitedUploadHandler(FileUploadHandler):
    """First of FILE_UPLOAD_HANDLERS: counts the bytes of a request's files as they
    arrive and stops reading past the configured limit, before anything reaches disk
    (a declared length beyond it is refused before the first byte)."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.limit, self.received = settings.YAGONA_MAX_UPLOAD_BYTES, 0
        if content_length and content_length > self.limit + settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            raise UploadTooLarge("declared length over the upload limit")

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            raise UploadTooLarge("upload over the limit")
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handlers keep the file


def expire_unclaimed_documents(now=None) -> int:
    """Delete documents uploaded ahead of an application (GovStack /documents) that no
    application claimed within ``YAGONA_UNCLAIMED_DOCUMENT_HOURS``; each one audited.
    Runs hourly (applications.tasks) and as ``yagona expire-documents``."""
    from yagona.applications.models import Attachment
    from yagona.core import audit

    age = timedelta(hours=settings.YAGONA_UNCLAIMED_DOCUMENT_HOURS)
    stale = Attachment.objects.filter(application__isnull=True,
                                      created_at__lt=(now or timezone.now()) - age)
    deleted = 0
    for pk in stale.values_list("pk", flat=True):
        with transaction.atomic():  # claimed meanwhile? then the row no longer matches
            document = stale.select_for_update().filter(pk=pk).first()
            if document is None:
                continue
            audit.record(audit.SYSTEM, "document.expired", "attachment", document.uuid,
                         {"sha256": document.sha256, "size": document.size,
                          "uploaded_by": document.uploaded_by.username,
                          "uploaded_at": document.created_at.isoformat()})
            storage, name = document.file.storage, document.file.name
            document.delete()
            transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
        deleted += 1
    return deleted
