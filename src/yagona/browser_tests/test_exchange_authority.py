"""The central authority's page in a real browser, with axe: a platform administrator
registers a bank, its subsystem and its node, is shown the node's enrolment code, and
issues the certificates the node then asks for with it."""

import re

import pytest

from yagona.browser_tests.conftest import opened
from yagona.browser_tests.test_citizen_journey import accessible, sign_in
from yagona.demo import data as demo
from yagona.exchange import queries, services
from yagona.exchange.node.enrol import make_request, new_key


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_authority_onboards_a_bank_and_issues_its_certificates(
        live_server, pages, settings, tj):
    admin = next(o for o in tj["officials"] if o["role"] == "platform_admin")
    base = live_server.url
    page = opened(pages, settings, base)
    sign_in(page, base, admin["person_id"], code=demo.current_code)
    page.goto(f"{base}/office/platform/exchange/")
    page.select_option("#member-class", "COM")
    page.fill("#member-code", "bad code!")
    page.fill("#member-name", "Бонки Эсхата")
    page.click("form:has(input[value=member]) button")
    assert page.locator(".error-summary").count() == 1
    assert page.input_value("#member-name") == "Бонки Эсхата"  # kept as typed
    page.fill("#member-code", "020099991")
    page.click("form:has(input[value=member]) button")
    page.select_option("#subsystem-member", "TJ/COM/020099991")
    page.fill("#subsystem-code", "loans")
    page.click("form:has(input[value=subsystem]) button")
    page.select_option("#node-member", "TJ/COM/020099991")
    page.fill("#node-address", "https://127.0.0.1:5599")
    page.click("form:has(input[value=node]) button")
    notice = page.locator(".notice").inner_text()
    code = re.search(r"--enrol ([\w-]+)", notice).group(1)
    accessible(page, "the authority's page with an enrolment code")
    for kind in ("tls", "sign"):  # what the node sends with the code (exchange/node/enrol.py)
        services.enrol("TJ/COM/020099991", "node1", code, kind,
                       make_request(new_key(), "bank"))
    node = queries.enrolled_node("TJ/COM/020099991", "node1", code)
    page.goto(f"{base}/office/platform/exchange/")
    accessible(page, "the authority's page with requests to decide")
    for _ in range(2):
        page.locator("form:has(input[value=approve]) button").first.click()
    row = page.locator("tr", has_text="TJ/COM/020099991").inner_text()
    assert row.rstrip().endswith("2")  # two valid certificates
    assert node.certificates.count() == 1 and node.member.certificates.count() == 2
