"""404, 403 and 500 are pages of the site: in its layout and in the reader's language
(DEBUG is off in tests, as in production); and a sent application's form pages lead to
the application, so that the browser's Back after sending is not a bare 404."""

import pytest
from django.test import Client

from yagona.applications.models import Application
from yagona.testing.web import signed_in


def reader(settings, language="ru"):
    client = Client(raise_request_exception=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def assert_site_page(response, status, text):
    html = response.content.decode()
    assert response.status_code == status
    assert '<html lang="ru">' in html and 'class="site"' in html, html[:500]  # the layout
    assert text in html, html


@pytest.mark.urls("yagona.portal.tests.error_urls")
def test_404_403_500_are_styled_and_translated(country, settings):
    assert not settings.DEBUG
    client = reader(settings)
    assert_site_page(client.get("/no-such-page/"), 404, "Страница не найдена")
    assert_site_page(client.get("/services/no-such-service/"), 404, "Страница не найдена")
    assert_site_page(client.get("/test-forbidden/"), 403, "Вы не можете открыть эту страницу")
    assert_site_page(client.get("/test-broken/"), 500, "Извините, в работе сервиса сбой")


def test_a_refused_csrf_token_is_a_styled_403(country, settings):
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    response = client.post("/accounts/login/", {"login": "x", "password": "y"})
    assert_site_page(response, 403, "Срок действия формы истёк")


def test_the_500_page_needs_no_database_and_no_context(rf):
    """No ``db`` fixture here: any query while rendering it would raise."""
    from django.utils import translation
    from django.views.defaults import server_error

    with translation.override("ru"):
        response = server_error(rf.get("/"))
    assert_site_page(response, 500, "Извините, в работе сервиса сбой")


def test_a_sent_applications_form_pages_lead_to_it(people):
    client = signed_in(people["citizen"])
    client.post("/services/tax-clearance/start/", {"party": "self"})
    application = Application.objects.get()
    base = f"/applications/{application.uuid}"
    client.post(f"{base}/page/purpose/", {"purpose": "For the bank"})
    assert client.post(f"{base}/check/")["Location"] == f"{base}/submitted/"
    # Back from "sent" (and a second press of Send) lands on the application.
    for response in (client.get(f"{base}/check/"), client.post(f"{base}/check/"),
                     client.get(f"{base}/page/purpose/")):
        assert response.status_code == 302 and response["Location"] == f"{base}/"
    application.refresh_from_db()
    assert application.status == "submitted"
    # Someone else's application stays out of reach.
    other = signed_in(people["other"])
    assert other.get(f"{base}/check/").status_code == 404
    assert other.get(f"{base}/page/purpose/").status_code == 404


def test_an_address_that_is_no_application_is_404_not_500(people, settings):
    client = signed_in(people["citizen"], client=Client(raise_request_exception=False))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    for url in ("/applications/no-such-application/", "/applications/x/check/",
                "/applications/x/page/purpose/", "/applications/x/submitted/"):
        assert_site_page(client.get(url), 404, "Страница не найдена")
