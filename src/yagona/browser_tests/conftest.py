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
