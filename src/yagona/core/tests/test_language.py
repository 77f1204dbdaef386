"""The reader's language: the cookie, else the browser's Accept-Language (limited to the
pack's languages), else the pack's first language; the anonymous page cache keys on it."""

import pytest
from django.test import Client

PAGE = "/services/birth-registration/"


@pytest.mark.django_db
def test_the_browser_language_is_followed_when_the_reader_has_not_chosen(country):
    client = Client()
    russian = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9,en;q=0.5")
    assert russian["Content-Language"] == "ru"
    assert "Регистрация рождения" in russian.content.decode()
    assert "Accept-Language" in russian["Vary"]
    # A language the pack does not speak is passed over for the next one it does.
    assert client.get(PAGE, HTTP_ACCEPT_LANGUAGE="de, ru;q=0.8")["Content-Language"] == "ru"
    assert client.get(PAGE, HTTP_ACCEPT_LANGUAGE="de, fr")["Content-Language"] == "en"
    assert client.get(PAGE)["Content-Language"] == "en"


@pytest.mark.django_db
def test_the_cookie_wins_over_the_browser(country):
    client = Client()
    client.get("/language/en/")
    page = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="ru")
    assert page["Content-Language"] == "en"
    assert "Registration of a child" in page.content.decode()


@pytest.mark.django_db
def test_the_page_cache_keeps_one_page_per_negotiated_language(country):
    english = Client().get(PAGE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    russian = Client().get(PAGE, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Registration of a child" in english and "Регистрация рождения" in russian
    # Both are cached now; each browser gets its own again.
    assert "Регистрация рождения" in Client().get(
        PAGE, HTTP_ACCEPT_LANGUAGE="ru;q=1").content.decode()
    assert "Registration of a child" in Client().get(
        PAGE, HTTP_ACCEPT_LANGUAGE="en-GB").content.decode()
