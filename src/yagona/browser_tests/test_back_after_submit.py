"""After sending an application, the browser's Back lands on the application, in the
site's layout and language, not on a bare 404; an unknown address shows the site's own
404 page."""

import pytest

from yagona.applications.models import Application
from yagona.browser_tests.conftest import opened


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_back_after_sending_lands_on_the_application(people, live_server, pages, settings):
    base = live_server.url
    page = opened(pages, settings, base, language="ru")
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_login", people["citizen"].username)
    page.fill("#id_password", "correct horse battery")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{base}/services/tax-clearance/start/")
    page.click("main form button[type=submit]")  # for myself
    page.fill("textarea[name=purpose]", "Для банка")
    page.click("button[value=continue]")
    assert page.url.endswith("/check/")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/submitted/")
    application = Application.objects.get()
    assert application.status == "submitted"

    response = page.go_back()
    assert response is not None and response.status == 200
    assert page.url == f"{base}/applications/{application.uuid}/"
    assert application.registration_number in page.content()
    assert page.get_attribute("html", "lang") == "ru"

    response = page.goto(f"{base}/applications/no-such-application/")
    assert response.status == 404
    assert page.locator("header.site").count() == 1
    assert page.locator("h1").inner_text() == "Страница не найдена"
