"""Content held in one language only is shown marked with its language (``lang``),
not passed off as a translation."""

from yagona.agencies.models import Agency
from yagona.applications.models import Application
from yagona.catalogue.models import Service
from yagona.core.text import localized, text_language
from yagona.testing.web import signed_in


def test_text_language_names_the_language_shown(country):
    assert text_language({"en": "Tax", "ru": "Налог"}, "ru") == "ru"
    assert text_language({"en": "Tax"}, "ru") == "en"
    assert localized({"en": "Tax"}, "ru") == "Tax"
    assert text_language("typed by a person", "ru") == ""


def test_an_application_page_marks_names_held_in_another_language(people, settings):
    service = Service.objects.get(code="tax-clearance")
    service.name = {"en": "Tax clearance certificate"}  # no Russian name
    service.save()
    agency = Agency.objects.get(code="TAX")
    agency.name, agency.short_name = {"en": "Tax Service"}, {"en": "Tax"}
    agency.save()
    client = signed_in(people["citizen"])
    client.post("/services/tax-clearance/start/", {"party": "self"})
    application = Application.objects.get()
    client.post(f"/applications/{application.uuid}/page/purpose/", {"purpose": "For the bank"})
    client.post(f"/applications/{application.uuid}/check/")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    html = client.get(f"/applications/{application.uuid}/").content.decode()
    assert '<h1 lang="en">Tax clearance certificate</h1>' in html
    assert '<dd lang="en">Tax Service</dd>' in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(f"/applications/{application.uuid}/").content.decode()
    assert "<h1>Tax clearance certificate</h1>" in html  # in the page's own language
