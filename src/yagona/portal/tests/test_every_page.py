"""Every page, in every language of its pack, shows no interface string left in English.

The walk is the URL resolver itself: every route of the portal, the back office and the
account pages (ours and allauth's) is rendered, by the people who use it, in each
non-English language of the tj and az packs, with the sign-in flows on the way (a wrong
password, a wrong second-factor code, the flash messages, signing out, a password reset).
A new page without arguments is walked at once; one with arguments fails until it has
a sample below.

A visible text (text node or a text attribute) fails when it is an English msgid of a
catalogue (ours, allauth's, Django's) that has no translation in the page's language,
when it reads as a run of English words, or when it shows a raw status, action or role
code. Text inside an element marked with another language (``lang``) is content, not
interface. Failures name the language, user, page and string:
"tg · citizen · portal:account /account/ · 'Sign out'".
"""

import re
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.translation import trans_real

from yagona.backoffice.tests.appeal_scene import appeals_scene
from yagona.portal.tests.appeal_scene import appeal_scene
from yagona.portal.tests.test_translations import english_runs
from yagona.testing.web import TOTP_SECRET

PAGE_MODULES = ("yagona.portal", "yagona.backoffice", "yagona.accounts", "yagona.signing",
                "allauth")
# Files and pure redirects: nothing to read on them.
NOT_PAGES = {"portal:download", "backoffice:download", "mfa_download_recovery_codes",
             "portal:set-language", "accounts:revoke-api-token",  # POST-only actions, files
             "portal:document-download", "portal:shared-download", "portal:sign-document",
             "backoffice:signed-copy", "backoffice:document-file", "backoffice:document-receipt",
             "backoffice:appeal-photo", "portal:appeal-photo", "portal:appeal-answer",
             "portal:appeal-tracked-photo", "portal:appeal-tracked-answer",
             "portal:registry-extract", "portal:data-download", "portal:data-version-download",
             "backoffice:resource-add", "backoffice:resource-replace",
             "backoffice:resource-remove", "backoffice:dataset-publish",
             "backoffice:dataset-withdraw", "backoffice:data-request-answer"}
# Who opens a page without arguments, by its part of the site.
DEFAULT_USERS = {"portal": ("anonymous", "citizen"), "backoffice": ("official", "admin"),
                 "accounts": ("citizen", "official"), "pki": ("anonymous",),
                 "": ("anonymous", "citizen", "official")}
TEXT_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder")
VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


def samples(s):
    """The routes with arguments: who opens them, with which arguments."""
    return {
        "portal:service": [("anonymous", {"code": s.service.code})],
        "portal:start": [("citizen", {"code": s.service.code})],
        "portal:agency": [("anonymous", {"code": s.agency.code})],
        "portal:form-page": [("citizen", {"uuid": s.draft.uuid, "page_id": s.page_id})],
        "portal:check": [("citizen", {"uuid": s.draft.uuid}),
                         ("citizen", {"uuid": s.to_sign.uuid})],  # "Sign and submit"
        "portal:submitted": [("citizen", {"uuid": s.application.uuid})],
        "portal:application": [("citizen", {"uuid": s.application.uuid}),
                               ("citizen", {"uuid": s.draft.uuid}),
                               ("citizen", {"uuid": s.signed.uuid})],
        # Waiting by SMS and by authenticator; signed and cancelled (the ended page).
        "portal:sign": [("citizen", {"uuid": request.uuid}) for request in s.sign_requests],
        "portal:report-wrong-data": [("citizen", {"code": s.registry})],
        "portal:inbox-read": [("citizen", {"item_id": 1})],  # POST only: 405
        "portal:document": [("citizen", {"uuid": s.document.uuid}),
                            ("citizen", {"uuid": s.signed.signed_document.uuid}),
                            ("citizen", {"uuid": s.extract.uuid})],  # a register's extract
        "portal:shared": [("anonymous", {"token": s.share_token}),
                          ("citizen", {"token": s.share_token}),
                          ("anonymous", {"token": "no-such-link"})],  # the 404 page
        "portal:verify-document": [("anonymous", {"uuid": s.document.uuid})],
        # Appeals: the form of each sort of kind, a problem's category and none; the
        # author's appeals (answered and complained about, the complaint, one waiting for
        # their answer); an anonymous report's confirmation and its followed page.
        "portal:appeal-new": [("anonymous", {"kind": s.appeals.anonymous}),
                              ("citizen", {"kind": s.appeals.anonymous}),
                              ("citizen", {"kind": s.appeals.plain}),
                              ("citizen", {"kind": s.appeals.problem})],
        "portal:appeal-new-category": [
            ("citizen", {"kind": s.appeals.problem, "category": s.appeals.category}),
            ("anonymous", {"kind": s.appeals.problem, "category": "something-else"})],
        "portal:appeal-sent-anonymous": [("anonymous", {"token": s.appeals.sent_token})],
        "portal:appeal-tracked": [("anonymous", {"token": s.appeals.follow_token})],
        **{name: [("citizen", {"uuid": appeal.uuid}) for appeal in (
            s.appeals.answered, s.appeals.complaint, s.appeals.waiting)]
           for name in ("portal:appeal", "portal:appeal-sent")},
        "portal:appeal-withdraw": [("citizen", {"uuid": s.appeals.waiting.uuid})],
        "portal:appeal-complain": [("citizen", {"uuid": s.appeals.answered.uuid})],
        # A report with every public step (taken, extended, more asked) and one just taken.
        "portal:problem": [("anonymous", {"uuid": s.office_appeals["full"]}),
                           ("citizen", {"uuid": s.office_appeals["near"]})],
        "backoffice:home": [("official", {}), ("keeper", {})],
        "backoffice:assisted": [("centre", {})],
        "backoffice:platform": [("admin", {})],
        "backoffice:exchange": [("admin", {})],
        "backoffice:registries": [("keeper", {})],
        "backoffice:registry-define": [("keeper", {})],
        "backoffice:registry": [("keeper", {"code": s.registry})],
        "backoffice:registry-new": [("keeper", {"code": s.registry})],
        "backoffice:registry-grants": [("keeper", {"code": s.registry})],
        "backoffice:registry-correction": [("keeper", {"code": s.registry,
                                                       "number": "none"})],
        "backoffice:registry-record": [("keeper", {"code": s.registry, "uuid": s.record})],
        "backoffice:registry-correct": [("keeper", {"code": s.registry, "uuid": s.record})],
        "backoffice:registry-retire": [("keeper", {"code": s.registry, "uuid": s.record})],
        "backoffice:application": [("official", {"uuid": s.application.uuid}),
                                   ("signed_official", {"uuid": s.signed.uuid})],
        "backoffice:queue": [("official", {"code": s.application.agency.code})],
        "backoffice:workload": [("supervisor", {"code": s.application.agency.code})],
        "backoffice:staff": [("agency_admin", {"code": s.application.agency.code})],
        # The registry office of an agency with an administrator, who registers, resolves
        # and reads the control report; its operator drafts and executes (_correspondence).
        "backoffice:documents": [("office_admin", {"code": s.office}),
                                 ("office_operator", {"code": s.office})],
        "backoffice:document-new": [("office_operator", {"code": s.office})],
        "backoffice:document-incoming": [("office_admin", {"code": s.office})],
        "backoffice:document": [("office_admin", {"code": s.office, "document": pk})
                                for pk in (s.letter, s.letter_draft)] + [
                                    ("office_operator", {"code": s.office,
                                                         "document": s.letter})],
        "backoffice:document-draft": [("office_operator", {"code": s.office,
                                                           "document": s.letter_draft})],
        "backoffice:document-print": [("office_admin", {"code": s.office,
                                                        "document": s.letter})],
        "backoffice:substitutes": [("office_operator", {"code": s.office})],
        "backoffice:tasks": [("office_operator", {"code": s.office})],
        "backoffice:control": [("office_admin", {"code": s.office})],
        # Appeals (backoffice/tests/appeal_scene.py): the agency's list and the reception's;
        # each appeal as its operator reads it, two as their supervisor.
        "backoffice:appeals": [("official", {"code": s.agency.code}),
                               ("supervisor", {"code": s.agency.code}),
                               ("official", {"code": s.office_appeals["reception"]})],
        "backoffice:appeal": [("official", {"uuid": uuid}) for name, uuid in
                              s.office_appeals.items() if name != "reception"] + [
                                  ("supervisor", {"uuid": s.office_appeals[name]})
                                  for name in ("full", "near")],
        # Open data: a demo dataset, its file (previewed) and its link, its first version;
        # the catalogue in Turtle (fetched); its agency's publisher at work, on a draft too.
        "portal:dataset": [("anonymous", {"name": s.data.dataset.name})],
        "portal:data-resource": [("anonymous", {"name": s.data.dataset.name,
                                                "resource": r.uuid}) for r in s.data.resources],
        "portal:data-version": [("anonymous", {"name": s.data.dataset.name, "number": 1})],
        "portal:dcat": [("anonymous", {"fmt": "ttl"})],
        "backoffice:data": [("publisher", {"code": s.data.agency})],
        "backoffice:dataset-new": [("publisher", {"code": s.data.agency})],
        "backoffice:dataset": [("publisher", {"code": s.data.agency, "name": name})
                               for name in (s.data.dataset.name, s.data.draft.name)],
        "backoffice:budget-import": [("budget", {"code": s.data.budget_agency})],
        "account_confirm_email": [("citizen", {"key": s.email_key})],
        # The publication point's files (not HTML: fetched, not read for words).
        **{f"pki:{name}": [("anonymous", {"issuer": "persons"})]
           for name in ("certificate", "certificate-pem", "crl", "ocsp")},
        "pki:ocsp-get": [("anonymous", {"issuer": "persons", "encoded": "MAA="})],
        "account_reset_password_from_key": [("anonymous", {"uidb36": s.uidb36,
                                                           "key": s.reset_key})],
    }


def page_routes():
    """(name, part of the site, argument names) of every HTML route, from the resolver."""
    found = []

    def walk(patterns, namespaces):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, namespaces + ([entry.namespace] if entry.namespace
                                                       else []))
            elif isinstance(entry, URLPattern) and entry.name:
                module = getattr(entry.callback, "__module__", "")
                if not module.startswith(PAGE_MODULES):
                    continue
                pattern = entry.pattern
                names = set(getattr(pattern, "converters", {})) or \
                    set(pattern.regex.groupindex)
                found.append((":".join(namespaces + [entry.name]),
                              namespaces[0] if namespaces else "", sorted(names)))

    walk(get_resolver().url_patterns, [])
    return found


# --- what counts as untranslated -----------------------------------------------------


class Texts(HTMLParser):
    """The texts a reader meets: text nodes and text attributes, whitespace folded.

    Text inside an element that declares another language (``lang``) is content held
    in that language, shown as such: it is not interface text.
    """

    def __init__(self, language):
        super().__init__()
        self.language, self.texts, self._stack = language, [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        other_language = attrs.get("lang") and attrs["lang"] != self.language and tag != "html"
        if tag not in VOID and (tag in ("script", "style", "textarea") or other_language or (
                self._stack and tag == self._stack[-1])):
            self._stack.append(tag)
        if not self._stack:
            for name in TEXT_ATTRIBUTES:
                if attrs.get(name):
                    self.texts.append(" ".join(attrs[name].split()))
            if tag in ("input", "button") and attrs.get("type") in ("submit", "button") \
                    and attrs.get("value"):
                self.texts.append(" ".join(attrs["value"].split()))

    def handle_endtag(self, tag):
        if self._stack and tag == self._stack[-1]:
            self._stack.pop()

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self._stack:
            self.texts.append(text)


def _keys(catalog):
    for key in catalog.keys():  # noqa: SIM118 (a TranslationCatalog, not a dict)
        key = key[0] if isinstance(key, tuple) else key
        yield key.split("\x04", 1)[-1]  # without a context


def english_msgids() -> set[str]:
    """Every msgid of the catalogues the pages use (ours, allauth's, Django's)."""
    ids = set()
    for language in ("ru", "az", "tg"):
        ids.update(_keys(trans_real.translation(language)._catalog))
    ours = Path(settings.BASE_DIR) / "locale" / "tg" / "LC_MESSAGES" / "django.po"
    ids.update(re.findall(r'^msgid "(.+)"$', ours.read_text(encoding="utf-8"), re.M))
    # Texts that are not words ("%s", "·", "PDF") are the same in every language.
    return {i for i in ids if re.search(r"[A-Za-z]{2}", i) and re.search(r"[a-z]", i)}


def placeholder_patterns(msgids) -> re.Pattern:
    """Msgids with placeholders, as one pattern that matches their rendered text."""
    parts = []
    for msgid in msgids:
        pieces = re.split(r"%\(\w+\)[sd]|%[sd]|\{\w+\}", msgid)
        literal = " ".join(p.strip() for p in pieces)
        if len(pieces) > 1 and len(re.findall(r"[A-Za-z]{3,}", literal)) >= 2:
            parts.append(r"\s*.+?\s*".join(re.escape(p.strip()) for p in pieces))
    return re.compile("|".join(f"(?:{p})" for p in sorted(parts, key=len, reverse=True)))


def raw_codes() -> re.Pattern:
    """The codes of statuses, workflow actions and roles: shown as such, a page speaks
    the database's language, not the reader's ("assign → in_review", "applicant")."""
    from yagona.accounts.models import Role
    from yagona.appeals import workflow as appeals
    from yagona.applications.workflow import TRANSITIONS, Status

    codes = {*Status.values, *Role.values, "applicant", "representative",
             *(action for _status, action in TRANSITIONS),
             *appeals.Status.values, *(action for _status, action in appeals.TRANSITIONS)}
    alternatives = "|".join(sorted(codes, key=len, reverse=True))
    return re.compile(rf"(?<![\w/.-])({alternatives})(?![\w/.-])")


class Checker:
    def __init__(self):
        self.msgids = english_msgids()
        self.patterns = placeholder_patterns(self.msgids)
        self.codes = raw_codes()
        self.translated = {}

    def untranslated(self, html: str, language: str) -> list[str]:
        if language not in self.translated:
            self.translated[language] = set(_keys(trans_real.translation(language)._catalog))
        done = self.translated[language]
        parser = Texts(language)
        parser.feed(html)
        found = []
        for text in parser.texts:
            if text in self.msgids and text not in done:
                found.append(text)
            elif match := self.patterns.fullmatch(text):
                found.append(match.group(0))
            found.extend(f"code {code}" for code in self.codes.findall(text))
        for text in parser.texts:
            found.extend(run for run in english_runs(f"<p>{escape(text)}</p>")
                         if not any(run in known for known in found))
        return found


# --- the people and the pages ---------------------------------------------------------


def sign_in(user, language, problems, checker, password):
    """A client signed in through the real forms in ``language``; the pages on the way
    (the second factor, the flash message after it) are checked too."""
    import pyotp
    from django.core.cache import cache

    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post(reverse("account_login"), {"login": user.username,
                                                      "password": password}, follow=True)
    if response.redirect_chain and "2fa" in response.redirect_chain[-1][0]:
        _check(problems, checker, language, "sign-in", "mfa_authenticate", response)
        wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
        _check(problems, checker, language, "sign-in", "mfa_authenticate (wrong code)", wrong)
        cache.clear()  # the demo officials share a secret; a code is refused when reused
        response = client.post(reverse("mfa_authenticate"),
                               {"code": pyotp.TOTP(TOTP_SECRET).now()}, follow=True)
    assert response.wsgi_request.user.is_authenticated, (user, response.status_code)
    _check(problems, checker, language, "sign-in", "after sign-in", response)
    return client


def _check(problems, checker, language, who, page, response):
    if response.status_code >= 500:
        problems.append(f"{language} · {who} · {page}: status {response.status_code}")
        return
    if "text/html" not in response.get("Content-Type", ""):
        return
    html = response.content.decode()
    if f'lang="{language}"' not in html[:300] and response.status_code != 405:
        problems.append(f"{language} · {who} · {page}: not in {language}")
    problems.extend(f"{language} · {who} · {page} · {text!r}"
                    for text in checker.untranslated(html, language))


def scene(pack_code):
    """The pack with its demo people and applications, and one of everything to open."""
    from allauth.account.models import EmailAddress, EmailConfirmationHMAC
    from allauth.account.utils import user_pk_to_url_str
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    from yagona.accounts.models import User
    from yagona.applications.models import Application
    from yagona.catalogue.forms import FormDefinition
    from yagona.catalogue.packs import load_pack
    from yagona.core.audit import SYSTEM
    from yagona.core.countries import read_yaml
    from yagona.demo import data as demo
    from yagona.registries.models import Record
    from yagona.signing import services as signing

    folder = Path(settings.COUNTRIES_DIR) / pack_code
    load_pack(SYSTEM, folder)
    settings.COUNTRY = pack_code
    demo.load_demo()
    data = read_yaml(folder / "demo.yaml")
    officials = {o["role"]: o["person_id"] for o in reversed(data["officials"])}
    citizen = User.objects.get(username=data["citizens"][0]["person_id"])
    # An application with a review history, of an agency with every role, so that each
    # official page has its person.
    mine = Application.objects.filter(created_by=citizen, timeline__action="assign") \
        .order_by("pk")
    application = mine.filter(agency__official_roles__role="agency_admin").first() or \
        mine.first()
    draft = Application.objects.filter(created_by=citizen, status="draft").first()
    record = Record.objects.filter(registry__code="population").order_by("pk").first()
    keeper = record.registry.agency.official_roles.filter(role="registry_keeper").first().user
    operator = application.agency.official_roles.filter(role="operator").first().user
    roles = {role: application.agency.official_roles.filter(role=role).first()
             for role in ("supervisor", "agency_admin")}
    email = EmailAddress.objects.filter(user=citizen).first() or EmailAddress.objects.create(
        user=citizen, email="citizen@example.org", primary=True)
    RecoveryCodes.activate(operator)  # so that the official's recovery-code pages show
    centre = User.objects.filter(official_roles__service_centre=True).first()
    document, share_token = _shared_document(citizen, application)
    extract = signing.registry_extract(citizen, "population")
    signed, to_sign, requests = _signed_application(citizen, data)
    users = {"citizen": citizen, "official": operator, "keeper": keeper, "centre": centre,
             "signed_official": signed.agency.official_roles.filter(role="operator")
             .first().user,
             "admin": User.objects.get(username=officials["platform_admin"]),
             **{role: (entry.user if entry else operator) for role, entry in roles.items()}}
    form = FormDefinition(draft.service.form)
    office, office_users, letter, letter_draft = _correspondence()
    users.update(office_users)
    office_appeals = appeals_scene(application.agency, citizen, User.objects.get(
        username=data["citizens"][1]["person_id"]), operator, users["supervisor"],
        demo.current_code)
    appeals = appeal_scene(citizen, data.get("texts") or {})
    open_data = _open_data()
    users["publisher"], users["budget"] = open_data.publisher, open_data.budget
    return SimpleNamespace(
        data=open_data, appeals=appeals, office_appeals=office_appeals, office=office,
        letter=letter, letter_draft=letter_draft,
        users=users, application=application, draft=draft, service=application.service,
        agency=application.agency, registry="population", record=record.uuid,
        page_id=form.pages[0].id if form.pages else "none",
        email_key=EmailConfirmationHMAC(email).key, uidb36=user_pk_to_url_str(citizen),
        reset_key="", document=document, share_token=share_token, signed=signed,
        extract=extract, to_sign=to_sign, sign_requests=requests)


def _open_data():
    """A demo dataset with a file and a link if one has both (else a file), and a draft
    of its agency's data publisher."""
    from yagona.accounts.models import User
    from yagona.core.countries import active_pack
    from yagona.opendata import queries
    from yagona.opendata import services as opendata

    datasets = queries.search(rows=100, sort="name asc").datasets
    dataset = next((d for d in datasets if {bool(r.stored) for r in d.resources.all()}
                    == {True, False}), datasets[0])
    resources = list(dataset.resources.all())
    publisher = User.objects.filter(official_roles__role="data_publisher",
                                    official_roles__agency=dataset.agency).first()
    draft = opendata.create_dataset(publisher, dataset.agency.code, {
        "name": "scene-draft", "title": dataset.title, "licence": "CC0-1.0",
        "frequency": "NEVER"})
    keeper = active_pack().raw["opendata"]["budget"]  # the finance ministry
    budget = User.objects.filter(official_roles__role="data_publisher",
                                 official_roles__agency__code=keeper).first()
    return SimpleNamespace(dataset=dataset, resources=resources, publisher=publisher,
                           agency=dataset.agency.code, draft=draft, budget=budget,
                           budget_agency=keeper)


def _correspondence():
    """In the pack's first agency with an administrator: a letter the administrator
    registered and resolved (an operator responsible, the supervisor a co-executor who
    reported; a deadline extended), and a draft of the operator's answering it: so that
    the card, the tasks and the control report show every part."""
    from yagona.accounts.models import OfficialRole
    from yagona.correspondence import resolutions, services

    admin = OfficialRole.objects.filter(role="agency_admin").order_by("pk").first()
    agency = admin.agency
    staff = {role: agency.official_roles.filter(role=role).order_by("pk").first().user
             for role in ("operator", "supervisor")}
    operator, supervisor = staff["operator"], staff["supervisor"]
    letter = services.register_incoming(admin.user, agency, services.Card(
        doc_type="letter", subject="—", correspondent_name="—"))
    resolution = resolutions.write_resolution(admin.user, letter.pk, "—", [
        (operator, 3, True), (supervisor, 2, False)])
    tasks = {task.executor_id: task for task in resolution.assignments.all()}
    resolutions.extend_deadline(admin.user, tasks[operator.pk].pk, 5, "—")
    resolutions.complete_assignment(supervisor, tasks[supervisor.pk].pk, "—")
    draft = services.create_draft(operator, agency, "outgoing", services.Card(
        doc_type="letter", subject="—", correspondent_name="—"), answers=letter.pk)
    return agency.code, {"office_admin": admin.user, "office_operator": operator}, \
        letter.pk, draft.pk


def _shared_document(citizen, application):
    """A sealed decision in the citizen's wallet, shared, opened once, with a revoked link
    beside it, so that the document's page shows every part."""
    from yagona.signing import services as signing
    from yagona.signing.tests.helpers import plain_pdf

    document = signing.seal(plain_pdf(), application.agency, kind="result",
                            title=application.service.name, holder_id=citizen.username,
                            reference=application.registration_number)
    ended, _token = signing.share(citizen, document.uuid, 1)
    signing.revoke_share(citizen, ended.pk)
    _link, token = signing.share(citizen, document.uuid, 7, "Orienbank")
    signing.open_share(token, network="203.0.113.9", user_agent="Mozilla/5.0 (X11; Linux)")
    return document, token


def _signed_application(citizen, data):
    """The pack's service that needs the applicant's signature: an application of the
    citizen signed and submitted (by SMS), a draft of it waiting for the signature, and
    the signing requests a page shows: waiting by SMS and by authenticator, signed,
    cancelled."""
    import random
    import re

    from yagona.applications import signed
    from yagona.catalogue.forms import FormDefinition
    from yagona.catalogue.models import Service
    from yagona.core import sms
    from yagona.demo import data as demo
    from yagona.signing import remote
    from yagona.signing.models import SignatureRequest

    citizen.phone, citizen.phone_verified = "+992900000067", True
    citizen.save()
    service = Service.objects.filter(signature_required=True).order_by("code").first()
    form = FormDefinition(service.form)
    answers = demo.example_answers(form, [citizen.username], random.Random(3),
                                   data.get("texts"))
    first, second = (demo.filled_draft(service, form, answers, citizen) for _ in "12")
    sms.outbox.clear()
    done = signed.start(citizen, first.uuid)
    code = re.search(r"\b(\d{6})\b", sms.outbox[-1][1]).group(1)
    application = signed.confirm(citizen, done.uuid, code)
    by_sms, by_app, cancelled = (signed.start(citizen, second.uuid) for _ in "123")
    SignatureRequest.objects.filter(pk=by_app.pk).update(channel="totp")
    remote.cancel(citizen, cancelled.uuid)
    return application, second, [by_sms, by_app, done, cancelled]


def reset_key(s):
    from allauth.account.forms import default_token_generator

    s.users["citizen"].refresh_from_db()
    s.reset_key = default_token_generator.make_token(s.users["citizen"])
    return s


@pytest.mark.django_db
@pytest.mark.parametrize("pack_code,languages", [("tj", ("tg", "ru")), ("az", ("az", "ru"))])
def test_every_page_in_every_language(pack_code, languages, settings):
    from yagona.demo import data as demo

    s = scene(pack_code)
    checker, problems = Checker(), []
    routes = page_routes()
    table = samples(s)
    missing = [name for name, _part, args in routes
               if args and name not in table and name not in NOT_PAGES]
    assert missing == [], f"routes with arguments and no sample in samples(): {missing}"
    for language in languages:
        anonymous = Client()
        anonymous.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        clients = {"anonymous": anonymous}
        signed = {}
        for who, user in s.users.items():
            if user.pk not in signed:
                signed[user.pk] = sign_in(user, language, problems, checker, demo.DEMO_PASSWORD)
            clients[who] = signed[user.pk]
        # The sign-in form refusing a wrong password, and signing out.
        wrong = anonymous.post(reverse("account_login"), {"login": s.users["citizen"].username,
                                                          "password": "not-the-password"})
        _check(problems, checker, language, "anonymous", "account_login (wrong password)", wrong)
        reset = anonymous.post(reverse("account_reset_password"),
                               {"email": s.users["citizen"].email or "x@example.org"},
                               follow=True)
        _check(problems, checker, language, "anonymous", "account_reset_password (sent)", reset)
        table = samples(reset_key(s))  # signing in changed the key of a password reset
        for name, part, _args in routes:
            if name in NOT_PAGES:
                continue
            visits = table.get(name) or [(who, {}) for who in DEFAULT_USERS.get(part, ())]
            for who, kwargs in visits:
                url = reverse(name, kwargs=kwargs)
                response = clients[who].get(url, follow=True)
                _check(problems, checker, language, who, f"{name} {url}", response)
        out = sign_in(s.users["citizen"], language, [], checker, demo.DEMO_PASSWORD)
        response = out.post(reverse("account_logout"), follow=True)
        _check(problems, checker, language, "citizen", "after sign-out", response)
    assert not problems, "untranslated interface strings:\n" + "\n".join(
        sorted(set(problems)))


def test_the_checker_finds_untranslated_strings(settings, db):
    checker = Checker()
    html = ('<html lang="tg"><p>Sign In</p><p lang="en">Sign In</p>'
            '<input type="submit" value="Forgot your password?">'
            "<p>Successfully signed in as Dilnoza.</p><p>assign → in_review</p></html>")
    found = checker.untranslated(html, "tg")
    assert "Sign In" in found and any("Forgot your password" in text for text in found)
    assert any(text.startswith("Successfully signed in") for text in found)
    assert "code assign" in found and "code in_review" in found
    assert found.count("Sign In") == 1  # content marked as English is not interface text
    assert checker.untranslated('<html lang="ru"><p>Войти</p><p>REG-2026-000001</p></html>',
                                "ru") == []
