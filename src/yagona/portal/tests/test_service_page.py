import copy

import pytest
import yaml
from django.test import Client

from yagona.catalogue.packs import PackError, read_full_pack
from yagona.testing.packs import AGENCIES, write_pack


@pytest.mark.django_db
def test_the_service_page_opens_with_cost_time_documents_and_where_and_when(country):
    page = Client().get("/services/birth-registration/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    glance = page[page.index('class="at-a-glance"'):page.index("</section>")]
    assert "15\u00a0XTS" in glance  # the amount and its symbol never part
    assert "3 working days" in glance
    assert "Medical birth certificate" in glance
    assert "1 Main Street, Capital" in glance
    assert "Monday–Friday 08:00–17:00" in glance and "Saturday 09:00–13:00" in glance
    # The description comes after it.
    assert page.index("</section>") < page.index("Who may apply")


@pytest.mark.django_db
def test_the_processing_time_has_one_wording_in_every_language(country, settings):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    page = client.get("/services/passport-issue/").content.decode()
    assert "10 рабочих дней" in page
    assert "Понедельник–Пятница 08:00–17:00" in page


def test_office_hours_are_checked(tmp_path):
    folder = write_pack(tmp_path / "xx")
    agencies = copy.deepcopy(AGENCIES)
    agencies[0]["offices"][0]["hours"][0] = {"days": [0, 8], "open": "8am", "close": "17:00"}
    (folder / "agencies.yaml").write_text(yaml.safe_dump(agencies, allow_unicode=True),
                                          encoding="utf-8")
    with pytest.raises(PackError) as caught:
        read_full_pack(folder)
    problems = "\n".join(caught.value.problems)
    assert "agencies.yaml[0]: offices[0].hours[0].days" in problems
    assert "agencies.yaml[0]: offices[0].hours[0]: open and close" in problems
