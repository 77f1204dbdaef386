"""Demo data: the pack's demo people (demo.yaml), sample applications in every status, the
registry offices' correspondence (demo/correspondence.py), citizens' appeals
(demo/appeals.py) and the agencies' open datasets (demo/opendata.py).

Only for embedded mode: the demo password and TOTP secret are public.
"""

import logging
import random
import time
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from yagona.accounts import services as accounts
from yagona.accounts.models import User
from yagona.agencies.models import Agency
from yagona.applications import services as apply
from yagona.applications.models import Application
from yagona.catalogue.forms import FormDefinition
from yagona.catalogue.models import Service
from yagona.core.audit import SYSTEM
from yagona.core.countries import PackError, active_pack, pack_dir, read_yaml
from yagona.demo.appeals import load_appeals
from yagona.demo.correspondence import load_correspondence
from yagona.demo.opendata import load_datasets
from yagona.opendata import own_data

log = logging.getLogger(__name__)
DEMO_PASSWORD = "demo-password-2026"
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
# What demo people write; a pack's demo.yaml ``texts`` says it in its own language.
TEXTS = {
    "answer_text": "Rudaki avenue 25, Dushanbe",
    "phone": "+992 90 123 4567",
    "request_info": "Please attach a clearer copy of your identity document.",
    "answer": "A clearer copy is attached.",
    "rejection": "The documents do not match the registry records.",
}


def current_code() -> str:
    """The demo officials' second-factor code right now."""
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    counter = int(time.time()) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter))


def spare_codes() -> list[str]:
    """Codes the demo officials' authenticator accepts now other than the one it shows:
    the step before (MFA_TOTP_TOLERANCE lets it through, and nobody signing in types it
    any more), then the next one. The demo signs appeals' answers with them."""
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    counter = int(time.time()) // app_settings.TOTP_PERIOD
    steps = [step for step in (-1, 1) if abs(step) <= app_settings.TOTP_TOLERANCE]
    return [format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counter + step)) for step in steps]


def pdf_bytes(title: str) -> bytes:
    """A one-page PDF with a line of text (for demo result documents)."""
    text = title.encode("latin-1", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 14 Tf 72 760 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream +
        b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n" \
        .encode()
    return bytes(out)


def example_answers(form: FormDefinition, person_ids: list[str], rng: random.Random,
                    texts: dict | None = None) -> dict:
    """Plausible answers for a form, or {} when a question cannot be answered generically.
    ``texts`` (demo.yaml) gives the sample text in the country's language."""
    texts = {**TEXTS, **(texts or {})}
    answers: dict = {}
    today = timezone.localdate()
    for page in form.pages:
        for field in page.fields:
            if not form.is_visible(field, answers):
                continue
            schema = field.schema
            if field.is_file:
                continue  # attached separately
            if "enum" in schema:
                answers[field.name] = schema["enum"][0]
            elif schema.get("type") == "boolean":
                answers[field.name] = schema.get("const", False)
            elif schema.get("type") == "integer":
                answers[field.name] = max(schema.get("minimum", 1), 1)
            elif schema.get("format") == "date":
                days = rng.randint(5, 60)
                answers[field.name] = (today + timedelta(days=days) if schema.get("x-future")
                                       else today - timedelta(days=days * 30)).isoformat()
            elif schema.get("x-person-id"):
                answers[field.name] = rng.choice(person_ids)
            elif schema.get("format") == "email":
                answers[field.name] = "demo@example.org"
            elif "pattern" in schema or schema.get("x-business-id"):
                continue
            else:
                text = texts["phone"] if field.widget == "tel" else texts["answer_text"]
                answers[field.name] = text[: schema.get("maxLength", 200)] \
                    .ljust(schema.get("minLength", 0), ".")
    return answers


def load_demo(stdout=None) -> dict:
    """Create the demo people, roles, mandates, applications, correspondence, appeals and
    open datasets. Idempotent."""
    if settings.PRODUCTION:
        raise RuntimeError("demo data is refused in production mode")
    data = read_yaml(pack_dir() / "demo.yaml") or {}
    people = {}
    with transaction.atomic():
        for entry in data.get("citizens", []) + data.get("officials", []):
            user = User.objects.filter(username=entry["person_id"]).first()
            if user is None:
                user = accounts.create_person(
                    SYSTEM, entry["person_id"], first_name=entry["first_name"],
                    last_name=entry["last_name"], patronymic=entry.get("patronymic", ""),
                    password=DEMO_PASSWORD, email=entry.get("email", ""))
            people[entry["person_id"]] = user
        for entry in data.get("officials", []):
            user = people[entry["person_id"]]
            if entry["role"] == "platform_admin":
                accounts.set_platform_admin(SYSTEM, user)
            else:
                agency = Agency.objects.get(code=entry["agency"])
                department = agency.departments.get(code=str(entry["department"])) \
                    if entry.get("department") else None
                accounts.grant_role(SYSTEM, user, agency, entry["role"],
                                    bool(entry.get("service_centre")), department=department)
            accounts.enable_totp(SYSTEM, user, DEMO_TOTP_SECRET)
        for entry in data.get("mandates", []):
            representative = people[entry["representative"]]
            if representative.mandates.exists():
                continue
            kwargs = {}
            if "person" in entry:
                person = entry["person"]
                kwargs["person"] = User.objects.filter(username=person["person_id"]).first() \
                    or accounts.create_person(SYSTEM, person["person_id"],
                                              first_name=person["first_name"],
                                              last_name=person["last_name"])
            else:
                org = entry["organisation"]
                kwargs["organisation"] = accounts.upsert_organisation(
                    SYSTEM, org["business_id"], org["name"])
            accounts.grant_mandate(SYSTEM, representative, entry["kind"],
                                   services=entry.get("services", []), **kwargs)
    _registry_data(data)  # first: a rating counts by the rater's group in the register
    if not Application.objects.exists():
        _sample_applications(data, people)
    documents = load_correspondence(data, people, current_code)
    appeals = load_appeals(data, people, spare_codes)
    opendata = load_datasets(data, people)
    own_data.refresh()  # the platform's own figures, as the daily job writes them
    return {"citizens": data.get("citizens", []), "officials": data.get("officials", []),
            "documents": documents, "appeals": appeals, "datasets": opendata["datasets"],
            "opendata": opendata}


def _registry_data(data: dict) -> None:
    """The base registries: the demo people themselves, then synthetic people and
    companies (``settings.DEMO_REGISTRY_SIZE``), once."""
    from itertools import chain

    from yagona.registries import bulk
    from yagona.registries.generate import Generator, public
    from yagona.registries.models import Record, Registry

    codes = set(Registry.objects.filter(active=True).values_list("code", flat=True))
    if "population" not in codes or Record.objects.filter(registry__code="population").exists():
        return
    try:
        stock = read_yaml(pack_dir() / "people.yaml")
    except PackError:
        log.info("demo: the pack has no people.yaml, no registry data")
        return
    persons, businesses = settings.DEMO_REGISTRY_SIZE
    people = data.get("citizens", []) + data.get("officials", [])
    children = [(m["representative"], m["person"]) for m in data.get("mandates", [])
                if "person" in m]
    reserved = {p["person_id"] for p in people} | {c["person_id"] for _, c in children}
    generator = Generator(active_pack(), stock, 2026, timezone.localdate(), reserved)
    known = {p["person_id"]: generator.known_person(p) for p in people}
    for parent_id, child in children:
        born = timezone.localdate() - timedelta(days=8 * 365)
        known[child["person_id"]] = generator.known_person(child, born=born,
                                                           mother=known[parent_id])
    rows = enumerate(chain(known.values(), map(public, generator.persons(persons))), 1)
    bulk.import_rows(SYSTEM, "population", rows, source="demo", digest="demo-population")
    if "legal_entities" not in codes or not businesses:
        return
    companies = []
    for mandate in data.get("mandates", []):
        if "organisation" in mandate:
            company = next(generator.businesses(1))
            company.update(business_id=mandate["organisation"]["business_id"],
                           name=mandate["organisation"]["name"],
                           director_id=mandate["representative"], status="active",
                           founders=[{"person_id": mandate["representative"],
                                      "share_percent": 100.0}])
            company.pop("liquidation_date", None)
            companies.append(company)
    generator.reserved |= {c["business_id"] for c in companies}
    rows = enumerate(chain(companies, generator.businesses(businesses)), 1)
    bulk.import_rows(SYSTEM, "legal_entities", rows, source="demo", digest="demo-companies")


def _sample_applications(data: dict, people: dict) -> None:
    """Applications in every status, spread over the demo citizens and the services
    whose forms can be filled with generic answers."""
    rng = random.Random(2026)  # noqa: S311 - demo data, not security
    citizens = [people[c["person_id"]] for c in data.get("citizens", [])]
    person_ids = [c.username for c in citizens]
    officials = {o["agency"]: people[o["person_id"]] for o in data.get("officials", [])
                 if o["role"] == "operator"}
    fillable = []
    # A service the applicant signs is left out: its applications are signed in the
    # portal by the person, with their own second factor.
    for service in (Service.objects.filter(active=True, online=True, agency__code__in=officials,
                                           signature_required=False)
                    .select_related("agency").order_by("code")):
        form = FormDefinition(service.form)
        answers = example_answers(form, person_ids, rng, data.get("texts"))
        needed = [f.name for f in form.fields.values() if not f.is_file]
        if "person" in (service.applicant_kinds or ["person"]) and \
                not form.errors(answers, only=needed):
            fillable.append((service, form, answers))
    plans = ["draft", "submitted", "in_review", "info_requested", "approved", "rejected",
             "withdrawn", "approved", "in_review", "submitted", "approved", "in_review"]
    if not fillable:
        return
    for index in range(max(len(plans), min(len(fillable), 30))):
        service, form, answers = fillable[index % len(fillable)]
        try:
            sample_application(service, form, answers, citizens[index % len(citizens)],
                               officials[service.agency.code], plans[index % len(plans)],
                               score=rng.choice([3, 4, 5, 5]),
                               texts={**TEXTS, **data.get("texts", {})})
        except Exception as exc:  # noqa: BLE001 - a form we cannot fill generically
            log.info("demo: no sample application for %s: %s", service.code, exc)


def filled_draft(service, form, answers, citizen):
    """A draft of ``citizen`` with these answers and a small PDF for each file question;
    ValueError when the answers do not make it ready to submit."""
    application = apply.start(citizen, service)
    apply.save_answers(citizen, application, answers, list(answers))
    for field in form.fields.values():
        if field.is_file and form.is_visible(field, answers):
            upload = ContentFile(pdf_bytes("Document"), name="document.pdf")
            upload.content_type = "application/pdf"
            apply.upload(citizen, application, field.name, upload)
    application.refresh_from_db()
    if apply.submission_errors(application):
        raise ValueError("cannot fill this form")
    return application


def sample_application(service, form, answers, citizen, official, plan, score, texts):
    """An application of ``citizen`` taken to the ``plan``'s status (see the plans)."""
    with transaction.atomic():
        application = filled_draft(service, form, answers, citizen)
        if plan == "draft":
            return
        apply.submit(citizen, application)
        if plan == "withdrawn":
            apply.withdraw(citizen, application.uuid)
            return
        if plan == "submitted":
            return
        apply.assign(official, application.uuid)
        if plan == "in_review":
            return
        apply.request_info(official, application.uuid, texts["request_info"])
        if plan == "info_requested":
            return
        apply.answer_request(citizen, application.uuid, texts["answer"])
        if plan == "rejected":
            apply.decide(official, application.uuid, False, texts["rejection"])
            return
        result = ContentFile(pdf_bytes(f"Decision {application.registration_number}"),
                             name="decision.pdf")
        apply.decide(official, application.uuid, True, "", result)
        apply.rate(citizen, application.uuid, score, "")
