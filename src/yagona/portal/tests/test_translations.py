"""No English left on the key pages of a Tajik, Russian or Azerbaijani portal.

Two nets: (1) no English source string of our catalogue shows untranslated, and
(2) no run of ordinary English words shows in the visible text at all (strings
never marked for translation, or content missing its translation).
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from yagona.accounts import services as accounts
from yagona.catalogue.models import Service
from yagona.catalogue.packs import load_pack
from yagona.core.audit import SYSTEM
from yagona.core.countries import read_yaml
from yagona.demo import data as demo

ENGLISH = {
    "the", "and", "of", "to", "your", "you", "for", "is", "in", "on", "with", "this", "by",
    "or", "are", "be", "not", "yet", "all", "from", "at", "as", "an", "it", "if", "can",
    "will", "must", "has", "have", "was", "were", "which", "what", "when", "who", "how", "our",
    "we", "application", "applications", "service", "services", "sign", "account", "search",
    "back", "continue", "change", "save", "send", "submit", "agency", "agencies", "status",
    "number", "date", "page", "step", "inbox", "message", "messages", "draft", "drafts",
    "required", "optional", "yes", "no", "none", "there", "problem", "enter", "choose",
    "select",
}
# Two or more whole words of Latin letters in a row. Whole words, so that the plain
# letters inside an Azerbaijani word ("daxil olmasın") never count as English.
WORD = r"(?<!\w)[A-Za-z]+(?!\w)"
ASCII_RUN = re.compile(rf"{WORD}(?:[\s,.:;'’-]+{WORD})+")


class VisibleText(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:  # text people meet in attributes too
            if name in ("aria-label", "title", "alt", "placeholder") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def english_runs(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    found = []
    for part in parser.parts:
        for run in ASCII_RUN.findall(part):
            words = [w.lower() for w in re.findall(r"[A-Za-z]+", run)]
            if sum(w in ENGLISH for w in words) >= 1 and len(words) >= 2:
                found.append(run.strip())
    return found


def catalogue_msgids() -> list[str]:
    po = Path(settings.BASE_DIR) / "locale" / "ru" / "LC_MESSAGES" / "django.po"
    ids = re.findall(r'^msgid "(.+)"$', po.read_text(encoding="utf-8"), re.M)
    return [i for i in ids if len(i.split()) >= 2 and "%" not in i and "{" not in i]


def key_pages(pack_code, language):
    """Sign in demo people, make an application go through a few steps, list the URLs."""
    folder = Path(settings.COUNTRIES_DIR) / pack_code
    load_pack(SYSTEM, folder)
    settings.COUNTRY = pack_code
    demo.load_demo()
    people = read_yaml(folder / "demo.yaml")
    from yagona.accounts.models import User
    from yagona.applications.models import Application

    citizen = User.objects.get(username=people["citizens"][0]["person_id"])
    application = Application.objects.filter(created_by=citizen).exclude(status="draft").first()
    draft = Application.objects.filter(created_by=citizen, status="draft").first()
    service = Service.objects.filter(active=True, online=True).order_by("code").first()
    operator = User.objects.get(pk=application.agency.official_roles.filter(
        role="operator").values_list("user", flat=True).first())
    first_word = service.name[language].split()[0]  # what a reader of the page types
    public = ["/", "/services/", f"/search/?q={first_word}", f"/services/{service.code}/",
              f"/agencies/{service.agency.code}/", "/agencies/", "/accounts/login/",
              "/accounts/signup/"]
    mine = ["/account/", "/account/inbox/", f"/applications/{application.uuid}/",
            f"/applications/{draft.uuid}/check/"]
    office = [f"/office/{application.agency.code}/", f"/office/applications/{application.uuid}/"]
    return public, (citizen, mine), (operator, office)


@pytest.mark.django_db
@pytest.mark.parametrize("pack_code,language", [("tj", "tg"), ("tj", "ru"), ("az", "az"),
                                                ("az", "ru")])
def test_no_english_on_key_pages(pack_code, language, settings):
    public, (citizen, mine), (operator, office) = key_pages(pack_code, language)
    msgids = catalogue_msgids()
    problems = []

    def check(client, url):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert f'lang="{language}"' in html[:200], url
        problems.extend(f"{url}: untranslated {m!r}" for m in msgids if m in html)
        problems.extend(f"{url}: English {run!r}" for run in english_runs(html))

    anonymous = Client()
    anonymous.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for url in public:
        check(anonymous, url)
    signed = Client()
    signed.force_login(citizen)
    signed.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for url in mine:
        check(signed, url)
    accounts.enable_totp(SYSTEM, operator, demo.DEMO_TOTP_SECRET)
    official = Client()
    official.force_login(operator)
    session = official.session
    session["account_authentication_methods"] = [{"method": "mfa", "at": 0, "type": "totp"}]
    session["account_authentication_methods_user"] = str(operator.pk)
    session.save()
    official.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for url in office:
        check(official, url)
    assert problems == []


def test_the_detector_finds_english():
    assert english_runs("<p>Сабт <b>Start application</b></p>") == ["Start application"]
    assert english_runs("<p>REG-2026-000001 · andoz.tj · PDF</p>") == []
    assert english_runs('<input aria-label="Search services">') == ["Search services"]
    assert english_runs("<p>Şəxsiyyət vəsiqəsinin daxil olmasın in qısa</p>") == []
