"""Uploads are refused by size while they stream in (413), and documents uploaded ahead
of an application expire when nobody claims them (issue 9, point 5)."""

import io
import os
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIRequest
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.utils import timezone

from yagona.accounts import services as accounts
from yagona.applications import services as apply
from yagona.applications.files import UploadTooLarge, expire_unclaimed_documents
from yagona.applications.models import Attachment
from yagona.applications.tasks import expire_documents
from yagona.catalogue import queries as catalogue
from yagona.core.audit import SYSTEM
from yagona.core.models import AuditEntry

LIMIT = 64 * 1024


class CountingInput(io.BytesIO):
    """The request's input stream, counting how much of it the server read."""

    def read(self, size=-1):
        data = super().read(size)
        self.consumed = getattr(self, "consumed", 0) + len(data)
        return data


def pdf(size):
    return SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * size, "application/pdf")


def multipart_request(size):
    body = encode_multipart(BOUNDARY, {"file": pdf(size)})
    stream = CountingInput(body)
    environ = RequestFactory()._base_environ(
        REQUEST_METHOD="POST", PATH_INFO="/govstack/registration/documents",
        CONTENT_TYPE=MULTIPART_CONTENT, CONTENT_LENGTH=str(len(body)))
    environ["wsgi.input"] = stream
    return WSGIRequest(environ), stream, len(body)


def test_an_upload_stops_being_read_once_past_the_limit(settings):
    settings.YAGONA_MAX_UPLOAD_BYTES = LIMIT
    request, stream, total = multipart_request(LIMIT * 12)  # declared within limit + fields
    with pytest.raises(UploadTooLarge):
        request.POST  # noqa: B018 - parsing the form reads the stream
    assert stream.consumed < LIMIT * 4 < total


def test_a_declared_length_over_the_limit_is_refused_before_reading(settings):
    settings.YAGONA_MAX_UPLOAD_BYTES = LIMIT
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = LIMIT
    request, stream, _total = multipart_request(LIMIT * 4)
    with pytest.raises(UploadTooLarge):
        request.POST  # noqa: B018
    assert getattr(stream, "consumed", 0) < LIMIT


def test_an_upload_within_the_limit_arrives_whole(settings):
    settings.YAGONA_MAX_UPLOAD_BYTES = LIMIT
    request, _stream, _total = multipart_request(LIMIT // 2)
    assert request.FILES["file"].size == LIMIT // 2 + len(b"%PDF-1.4\n")


@pytest.mark.django_db
def test_too_large_uploads_get_413_and_store_nothing(settings, people):
    settings.YAGONA_MAX_UPLOAD_BYTES = LIMIT
    token = accounts.issue_api_token(SYSTEM, people["citizen"], "t")
    client = Client()
    response = client.post("/govstack/registration/documents", {"file": pdf(LIMIT * 2)},
                           HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    draft = apply.start(people["citizen"], catalogue.service_by_code("birth-registration"))
    response = client.post(f"/api/v1/applications/{draft.uuid}/files/certificate",
                           {"file": pdf(LIMIT * 2)}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 413
    client.force_login(people["citizen"])
    response = client.post(f"/applications/{draft.uuid}/page/documents/",
                           {"certificate": pdf(LIMIT * 2)})
    assert response.status_code == 413
    assert Attachment.objects.count() == 0
    small = client.post("/govstack/registration/documents", {"file": pdf(100)},
                        HTTP_AUTHORIZATION=f"Bearer {token}")
    assert small.status_code == 200


@pytest.mark.django_db
def test_unclaimed_documents_expire_audited(settings, people, tmp_path,
                                            django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    settings.YAGONA_UNCLAIMED_DOCUMENT_HOURS = 24
    citizen = people["citizen"]
    old, fresh, claimed = (apply.upload_document(citizen, pdf(10)) for _ in range(3))
    draft = apply.start(citizen, catalogue.service_by_code("birth-registration"))
    Attachment.objects.filter(pk=claimed.pk).update(application=draft)
    day_ago = timezone.now() - timedelta(hours=25)
    Attachment.objects.filter(pk__in=[old.pk, claimed.pk]).update(created_at=day_ago)
    path = old.file.path
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_unclaimed_documents() == 1
    assert set(Attachment.objects.values_list("pk", flat=True)) == {fresh.pk, claimed.pk}
    entry = AuditEntry.objects.get(action="document.expired")
    assert entry.object_id == str(old.uuid) and entry.summary["sha256"] == old.sha256
    assert not os.path.exists(path)
    later = timezone.now() + timedelta(hours=25)
    assert expire_unclaimed_documents(now=later) == 1  # the fresh one, a day on
    assert Attachment.objects.get().pk == claimed.pk
    Attachment.objects.filter(pk=claimed.pk).update(application=None)
    call_command("expire-documents", stdout=io.StringIO())
    assert not Attachment.objects.exists()
    apply.upload_document(citizen, pdf(10))
    Attachment.objects.update(created_at=day_ago)
    expire_documents.call_local()  # the worker's hourly job
    assert not Attachment.objects.exists()
    assert AuditEntry.objects.filter(action="document.expired").count() == 4
