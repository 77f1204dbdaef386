"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser).

Without /usr/bin/chromium these tests skip, unless YAGONA_REQUIRE_BROWSER=1 (CI),
where they fail. A failing test leaves a screenshot in test-artifacts/.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("YAGONA_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("YAGONA_ARTIFACTS", "test-artifacts"))
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--disable-dev-shm-usage"]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("YAGONA_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM} is missing (YAGONA_REQUIRE_BROWSER=1)")
        pytest.skip(f"{CHROMIUM} is not installed")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests
    # make here are still plain synchronous ones.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def pages(browser, request):
    """Open pages (one browser context each); screenshots of all of them on failure."""
    opened = []

    def open_page(language=None, width=1024):
        context = browser.new_context(viewport={"width": width, "height": 900},
                                      accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(15000)
        opened.append((context, page, language))
        return page

    yield open_page
    failed = getattr(request.node, "rep_call", None)
    for index, (context, page, _language) in enumerate(opened):
        if failed is not None and failed.failed:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            name = request.node.name.replace("/", "_").replace("[", "-").replace("]", "")
            page.screenshot(path=str(ARTIFACTS / f"{name}-{index}.png"), full_page=True)
        context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report


def load_demo() -> dict:
    """``demo.load_demo()`` in a thread of its own: Playwright runs an event loop in this
    one, and signing the demo's letters (pyhanko's asyncio.run) runs its own. The tests
    are transactional, so what the thread commits is seen here."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    from yagona.demo import data as demo

    def load():
        try:
            return demo.load_demo()
        finally:
            connections.close_all()  # this thread's own

    with ThreadPoolExecutor(1) as aside:
        return aside.submit(load).result()


@pytest.fixture
def tj(settings):
    """The tj pack with its demo people, applications and correspondence; its demo.yaml."""
    from yagona.catalogue.packs import load_pack
    from yagona.core.audit import SYSTEM
    from yagona.core.countries import read_yaml

    folder = Path(settings.COUNTRIES_DIR) / "tj"
    load_pack(SYSTEM, folder)
    settings.COUNTRY = "tj"
    load_demo()
    return read_yaml(folder / "demo.yaml")


def opened(pages, settings, base, language="tg"):
    """A new page whose language is ``language``."""
    page = pages(language)
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language,
                               "url": base}])
    return page
