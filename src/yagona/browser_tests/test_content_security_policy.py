"""The strict Content-Security-Policy breaks no page: the browser reports no violation on
the public pages, the sign-in and sign-up pages and the interactive API documentation."""

import pytest

PAGES = ["/", "/services/", "/agencies/", "/accounts/login/", "/accounts/signup/",
         "/accounts/password/reset/", "/accounts/recover/phone/", "/api/v1/docs",
         "/govstack/registration/docs"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_page_breaks_the_policy(live_server, pages, country):
    page = pages()
    blocked = []
    page.on("console", lambda message: blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    for path in PAGES:
        response = page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        assert response.status == 200, path
        assert "default-src 'self'" in response.headers["content-security-policy"]
    assert blocked == []
