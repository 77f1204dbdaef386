"""My documents in the portal: the list, a document with its share links and openings,
downloads byte for byte, 404 for someone else's, and the public page a link opens."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from yagona.agencies.models import Agency
from yagona.core import display
from yagona.core.audit import SYSTEM, AuditEntry
from yagona.signing import services
from yagona.signing.models import ShareLink, ShareOpening
from yagona.signing.tests.helpers import plain_pdf
from yagona.testing.web import signed_in

PRIVATE = {"Referrer-Policy": "no-referrer", "Cache-Control": "private, no-store"}


@pytest.fixture
def document(people):
    return services.seal(plain_pdf(), Agency.objects.get(code="REG"), kind="result",
                         title={"en": "Residence certificate", "ru": "Справка о проживании"},
                         holder_id=people["citizen"].username, reference="REG-2026-000007")


def _private(response):
    return all(response[name] == value for name, value in PRIVATE.items())


def _link(page: str) -> str:
    return re.search(r'id="new-link" value="https?://[^/]+(/shared/[^/"]+/)"', page).group(1)


def _bytes(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.django_db
def test_the_list_and_the_document_show_what_it_is_and_download_the_stored_bytes(people,
                                                                               document):
    client = signed_in(people["citizen"])
    page = client.get("/account/documents/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Residence certificate" in page and "REG-2026-000007" in page
    # In the pack's date format, on the pack's calendar day.
    assert display.format_date(timezone.localtime(document.issued_at)) in page
    assert f'href="/account/documents/{document.uuid}/"' in page and "Valid" in page
    assert "My documents" in client.get("/account/").content.decode()
    russian = client.get("/account/documents/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Справка о проживании" in russian
    detail = client.get(f"/account/documents/{document.uuid}/").content.decode()
    assert f'href="/verify/{document.uuid}/"' in detail
    assert "You have made no link for this document." in detail
    download = client.get(f"/account/documents/{document.uuid}/download/")
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    document.file.open("rb")
    assert _bytes(download) == document.file.read()


@pytest.mark.django_db
def test_someone_elses_document_is_404_and_anonymous_readers_sign_in_first(people, document):
    other = signed_in(people["other"])
    for url in (f"/account/documents/{document.uuid}/",
                f"/account/documents/{document.uuid}/download/",
                "/account/documents/not-a-uuid/"):
        assert other.get(url).status_code == 404, url
    refused = other.post(f"/account/documents/{document.uuid}/",
                         {"action": "share", "days": "7"})
    assert refused.status_code == 404 and not ShareLink.objects.exists()
    assert "Residence" not in other.get("/account/documents/").content.decode()
    for url in ("/account/documents/", f"/account/documents/{document.uuid}/",
                f"/account/documents/{document.uuid}/download/"):
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_a_share_link_is_shown_once_opened_anonymously_and_logged_for_the_holder(people,
                                                                                document):
    client = signed_in(people["citizen"])
    made = client.post(f"/account/documents/{document.uuid}/",
                       {"action": "share", "days": "7", "label": "Orienbank"}, follow=True)
    page = made.content.decode()
    url = _link(page)
    assert "Orienbank" in page
    assert 'id="new-link"' not in client.get(f"/account/documents/{document.uuid}/") \
        .content.decode()  # shown once
    # Someone without an account opens the page, then downloads.
    stranger = Client()
    shared = stranger.get(url, HTTP_USER_AGENT="BankBot/1.0", REMOTE_ADDR="198.51.100.23",
                          HTTP_ACCEPT_LANGUAGE="en")
    html = shared.content.decode()
    assert shared.status_code == 200 and _private(shared)
    assert "Residence certificate" in html and "REG-2026-000007" in html
    assert people["citizen"].username not in html  # no personal ID on the page
    assert f'href="{url}download"' in html
    download = stranger.get(f"{url}download", REMOTE_ADDR="198.51.100.23")
    assert download.status_code == 200 and _private(download)
    assert download["Content-Disposition"].startswith("attachment;")
    document.file.open("rb")
    assert _bytes(download) == document.file.read()
    openings = list(ShareOpening.objects.order_by("pk"))
    assert [(o.opened_as, o.reader, o.network) for o in openings] == [
        ("page", "", "198.51.100.0/24"), ("download", "", "198.51.100.0/24")]
    assert openings[0].user_agent == "BankBot/1.0"
    assert AuditEntry.objects.filter(action="signing.share_opened").count() == 2
    # A signed-in reader is named in the log.
    signed_in(people["other"]).get(url)
    assert ShareOpening.objects.order_by("-pk").first().reader == people["other"].username
    log = client.get(f"/account/documents/{document.uuid}/",
                     HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Opened 3 times" in log and "someone not signed in" in log
    assert "downloaded the document" in log and "BankBot/1.0" in log
    assert "198.51.100.0/24" in log and people["other"].username in log


@pytest.mark.django_db
def test_expired_revoked_and_unknown_links_say_so_as_a_404(people, document):
    client = signed_in(people["citizen"])
    made = client.post(f"/account/documents/{document.uuid}/",
                       {"action": "share", "days": "1"}, follow=True)
    url = _link(made.content.decode())
    link = ShareLink.objects.get()
    revoked = client.post(f"/account/documents/{document.uuid}/",
                          {"action": "revoke", "link": str(link.pk)}, follow=True)
    assert "The link no longer works." in revoked.content.decode()
    for address in (url, f"{url}download", "/shared/nothing-like-a-token/",
                    "/shared/nothing-like-a-token/download"):
        response = Client().get(address, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 404 and _private(response), address
        assert "The link is not valid or has expired" in response.content.decode()
    assert not ShareOpening.objects.exists()
    _other, token = services.share(people["citizen"], document.uuid, 30)
    ShareLink.objects.filter(revoked_at__isnull=True).update(
        expires_at=timezone.now() - timedelta(minutes=1))
    assert Client().get(f"/shared/{token}/").status_code == 404
    detail = client.get(f"/account/documents/{document.uuid}/",
                        HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "ended" in detail and "expired" in detail and "End the link now" not in detail


@pytest.mark.django_db
def test_a_refused_share_form_says_why(people, document):
    client = signed_in(people["citizen"])
    response = client.post(f"/account/documents/{document.uuid}/",
                           {"action": "share", "days": "365", "label": "x" * 101},
                           HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 400 and "There is a problem" in page
    assert "Choose how long the link works." in page and "at most 100 characters" in page
    assert not ShareLink.objects.exists()


@pytest.mark.django_db
def test_the_status_shows_a_withdrawal_and_a_revoked_signer(people, document):
    client = signed_in(people["citizen"])
    services.revoke(SYSTEM, document.signers[0]["serial"], "cessation_of_operation")
    page = client.get(f"/account/documents/{document.uuid}/",
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "after the document was signed: the signature was valid when it was made" in page
    type(document).objects.filter(pk=document.pk).update(
        withdrawn_at=timezone.now(), withdrawn_reason="Issued in error")
    listed = client.get("/account/documents/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Withdrawn" in listed
    _link_row, token = services.share(people["citizen"], document.uuid, 1)
    shared = Client().get(f"/shared/{token}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The agency withdrew the document on" in shared and "Issued in error" in shared


@pytest.mark.django_db
def test_what_only_a_form_shows_is_translated_too(people, document):
    """The every-page walk only GETs: the new link's notice and a refused form, in Russian."""
    from yagona.portal.tests.test_every_page import Checker

    checker, client = Checker(), signed_in(people["citizen"])
    url = f"/account/documents/{document.uuid}/"
    client.get("/account/")  # the sign-in's flash message, written in English, is shown
    refused = client.post(url, {"action": "share", "days": "2", "label": "x" * 101},
                          HTTP_ACCEPT_LANGUAGE="ru")
    made = client.post(url, {"action": "share", "days": "30"}, HTTP_ACCEPT_LANGUAGE="ru",
                       follow=True)
    assert "Ссылка готова" in made.content.decode()
    for response in (refused, made):
        assert checker.untranslated(response.content.decode(), "ru") == []
