"""Once-only in a real browser, through real exchange nodes, with axe on every page:
- a citizen applies for taxpayer registration, finds her home address already filled in
  from the population register (read by the Tax Committee's node from the Ministry of
  Internal Affairs' node), and then sees that read under "Who used your data";
- a pension fund official processing her pension application sees her passport and
  date of birth read live from the population register, which she was not asked for."""

import random
from contextlib import contextmanager

import pytest

from yagona.accounts.models import User
from yagona.agencies.models import Agency
from yagona.applications.models import Application
from yagona.browser_tests.conftest import opened
from yagona.browser_tests.test_citizen_journey import accessible, sign_in
from yagona.catalogue.forms import FormDefinition
from yagona.catalogue.models import Service
from yagona.core.audit import SYSTEM
from yagona.demo import data as demo
from yagona.exchange import globalconf, services
from yagona.exchange.tests.test_nodes import Member, central_authority
from yagona.registries.models import RecordKey


@contextmanager
def population_read_by(reader: str, live_server, tmp_path):
    """The VKD node offering the live platform's population register, and ``reader``'s
    node, whose case handling may read it; both running."""
    central, authority = central_authority()
    url = f"http://127.0.0.1:{authority.port}"
    keeper = Member(tmp_path, "VKD", url, {
        "registries/population": f"{live_server.url}/exchange/provider/population"},
        agency=Agency.objects.get(code="VKD"))
    client = Member(tmp_path, reader, url, {}, agency=Agency.objects.get(code=reader))
    offered = {s.code: s for s in services.offer_registries(SYSTEM)}
    case_handling = services.add_subsystem(SYSTEM, client.member, services.CASE_SUBSYSTEM)
    services.allow(SYSTEM, offered["population"], case_handling, "GET", "/records")
    client.node.client_url = client.client
    client.node.save()
    central["document"] = globalconf.current()
    try:
        for member in (keeper, client):
            member.start()
        for member in (keeper, client):
            member.wait()
        yield
    finally:
        for member in (keeper, client):
            member.stop()
        authority.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_form_is_prefilled_through_the_exchange_and_the_read_is_shown(
        live_server, pages, settings, tmp_path, tj):
    citizen = tj["citizens"][0]
    base = live_server.url
    with population_read_by("ANDOZ", live_server, tmp_path):
        page = opened(pages, settings, base)
        sign_in(page, base, citizen["person_id"])
        page.goto(f"{base}/services/taxpayer-registration/start/")
        page.click("main form button[type=submit]")  # for myself
        page.check("#f-reason-1")
        page.click("button[value=continue]")
        page.fill("#f-passport_number", "A1234567")
        page.fill("#f-passport_issue_date", "2020-01-01")
        page.fill("#f-passport_authority", "ВКД")
        page.click("button[value=continue]")
        assert page.url.endswith("/page/address/")
        assert page.locator("input[name=address]").count() == 0  # nothing to type
        assert "Феҳристи давлатии аҳолӣ" in page.content()  # and where it came from
        accessible(page, "a page with a prefilled answer")
        page.goto(f"{base}/account/data-usage/")
        assert "TJ/GOV/ANDOZ/services" in page.content()
        accessible(page, "who used your data, after the prefilling")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_official_sees_the_documents_the_state_holds_read_live(
        live_server, pages, settings, tmp_path, tj):
    citizen = User.objects.get(username=tj["citizens"][0]["person_id"])
    official = next(o for o in tj["officials"]
                    if o["agency"] == "NAFAQA" and o["role"] == "operator")
    service = Service.objects.get(code="old-age-pension")
    form = FormDefinition(service.form)
    answers = demo.example_answers(form, [citizen.username], random.Random(1), tj["texts"])
    demo.sample_application(service, form, answers, citizen, None, "submitted", 5,
                            {**demo.TEXTS, **tj["texts"]})
    number = Application.objects.filter(service=service, created_by=citizen) \
        .exclude(registration_number="").latest("submitted_at").registration_number
    passport = RecordKey.objects.get(registry__code="population", field="person_id",
                                     value=citizen.username).record.data["identity_document"]
    base = live_server.url
    page = opened(pages, settings, base)
    page.goto(f"{base}/services/old-age-pension/")
    assert "Шиноснома ва санаи таваллуд" in page.content()  # "what you need not bring"
    accessible(page, "a service page listing the documents the state holds")
    with population_read_by("NAFAQA", live_server, tmp_path):
        sign_in(page, base, official["person_id"], code=demo.current_code)
        page.goto(f"{base}/office/NAFAQA/")
        page.click(f"text={number}")
        section = page.locator("section[aria-labelledby=state-documents]").inner_text()
        assert "Шиноснома ва санаи таваллуд" in section
        assert "Феҳристи давлатии аҳолӣ" in section  # the source
        assert passport["number"] in section  # as the register holds it, never typed in
        accessible(page, "an application with the documents the state holds")
    page.context.clear_cookies()
    sign_in(page, base, citizen.username)
    page.goto(f"{base}/account/data-usage/")
    usage = page.locator("main").inner_text()
    assert "TJ/GOV/NAFAQA/services" in usage and number in usage
    accessible(page, "who used your data, after the official's read")
