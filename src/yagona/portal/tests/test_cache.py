import pytest
from django.test import Client

from yagona.testing.web import signed_in


@pytest.mark.django_db
def test_anonymous_pages_come_from_the_cache_until_the_catalogue_changes(
        country, tmp_path, django_assert_num_queries, django_capture_on_commit_callbacks):
    import yaml

    from yagona.catalogue.packs import load_pack
    from yagona.core.audit import SYSTEM
    from yagona.testing.packs import BIRTH, write_pack

    client = Client()
    first = client.get("/services/birth-registration/")
    assert first.status_code == 200 and "Start application" in first.content.decode()
    with django_assert_num_queries(0):
        again = client.get("/services/birth-registration/")
    assert again.content == first.content

    renamed = {**BIRTH, "name": {"en": "Birth registration (new)", "ru": "Регистрация"}}
    folder = write_pack(tmp_path / "again")
    (folder / "services" / "birth-registration.yaml").write_text(
        yaml.safe_dump(renamed, allow_unicode=True))
    with django_capture_on_commit_callbacks(execute=True):
        load_pack(SYSTEM, folder)
    from yagona.core.middleware import AnonymousPageCache

    AnonymousPageCache.VERSION_SECONDS = 0
    try:
        assert "Birth registration (new)" in client.get(
            "/services/birth-registration/").content.decode()
    finally:
        AnonymousPageCache.VERSION_SECONDS = 2.0


@pytest.mark.django_db
def test_signed_in_readers_never_get_a_cached_page(people):
    anonymous = Client().get("/services/birth-registration/").content.decode()
    assert "Sign out" not in anonymous
    page = signed_in(people["citizen"]).get("/services/birth-registration/").content.decode()
    assert "Sign out" in page


@pytest.mark.django_db
def test_language_is_part_of_the_key_and_switched_by_a_link(country):
    client = Client()
    assert "Registration of a child" in client.get("/services/birth-registration/").content \
        .decode()
    response = client.get("/language/ru/?next=/services/birth-registration/")
    assert response.status_code == 302
    assert response["Location"] == "/services/birth-registration/"
    assert "Регистрация рождения" in client.get("/services/birth-registration/").content \
        .decode()
    assert client.get("/language/xx/").status_code == 404
    evil = client.get("/language/en/?next=https://evil.example/")
    assert evil["Location"] == "/"
