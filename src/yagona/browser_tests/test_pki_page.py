"""The publication point's page in a real browser: WCAG 2.1 AA (axe), no
Content-Security-Policy violation, nothing wider than a 360 px phone (fingerprints and
addresses wrap), and its links give the authorities' certificates."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from cryptography import x509

from yagona.browser_tests.conftest import opened
from yagona.browser_tests.test_phone_and_print import fits
from yagona.signing import pki

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
           "resultTypes": ["violations"]}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_pki_page_reads_well_everywhere(live_server, pages, settings, country):
    base = live_server.url
    page = opened(pages, settings, base, "ru")
    blocked = []
    page.on("console", lambda message: blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.set_viewport_size({"width": 360, "height": 800})
    fits(page, f"{base}/pki/")
    assert page.locator("h1").inner_text() == "Сертификаты платформы"
    results = Axe().run(page, options=WCAG_AA)
    assert results.violations_count == 0, results.generate_report()
    assert blocked == []
    link = page.locator('a[href="/pki/root.crt"]')
    certificate = page.request.get(base + link.get_attribute("href"))
    assert certificate.headers["content-type"] == "application/pkix-cert"
    assert x509.load_der_x509_certificate(certificate.body()) == \
        pki.hierarchy().root.certificate
