"""Reading, checking and loading a whole country pack (agencies, life events, services,
base registry definitions)."""

import re
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from yagona.agencies.services import AGENCY_FIELDS
from yagona.core import audit, events, pack_appeals, pack_correspondence
from yagona.core.countries import (
    CountryPack,
    PackError,
    _jsonable,
    check_texts,
    pack_from_data,
    pack_languages,
    read_yaml,
)
from yagona.core.languages import compile_catalogues
from yagona.core.languages import install as install_languages
from yagona.registries import definitions as registry_definitions

SERVICE_TEXTS = ("name", "summary", "description", "who_may_apply", "legal_basis", "offline")
AGENCY_CODE = re.compile(r"[A-Z]{2,16}")
SERVICE_CODE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
AGENCY_KEYS = {"code", "offices", "departments", *AGENCY_FIELDS}
DEPARTMENT_CODE = re.compile(r"[0-9A-Za-z.-]{1,8}")
SERVICE_KEYS = {"code", "agency", "life_events", "online", "applicant_kinds", *SERVICE_TEXTS,
                "documents", "state_documents", "fee_minor", "fee", "processing_days", "form",
                "signature"}
SIGNATURES = ("required", "none")  # signature: required -- the applicant signs in the portal


@dataclass
class PackContent:
    country: CountryPack
    agencies: list[dict]
    life_events: list[dict]
    services: list[dict]
    registries: list[dict]
    correspondence: dict | None = None  # correspondence.yaml: journals, file plan
    appeals: dict | None = None  # appeals.yaml: kinds, deadlines, reception, categories


HOUR = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")


def _check_offices(offices, languages, where: str, problems: list[str]) -> None:
    """offices: [{address: {text per language}, hours: [{days: [1..7], open, close}]}]."""
    if not isinstance(offices, list):
        problems.append(f"{where}: expected a list")
        return
    for index, office in enumerate(offices):
        here = f"{where}[{index}]"
        office = office if isinstance(office, dict) else {}
        check_texts(office.get("address"), languages, f"{here}.address", problems)
        for number, hours in enumerate(office.get("hours") or []):
            hours = hours if isinstance(hours, dict) else {}
            days = hours.get("days")
            if not (isinstance(days, list) and days and
                    all(isinstance(d, int) and 1 <= d <= 7 for d in days)):
                problems.append(f"{here}.hours[{number}].days: ISO weekdays 1 (Monday) to 7")
            if not all(HOUR.fullmatch(str(hours.get(k, ""))) for k in ("open", "close")):
                problems.append(f"{here}.hours[{number}]: open and close as 'HH:MM'")


def _check_departments(departments, languages, where: str, problems: list[str]) -> None:
    if departments is None:
        return
    if not isinstance(departments, list):
        problems.append(f"{where}: expected a list of {{code, name}}")
        return
    seen = set()
    for index, item in enumerate(departments):
        if not isinstance(item, dict):
            problems.append(f"{where}[{index}]: expected {{code, name}}")
            continue
        for key in sorted(set(item) - {"code", "name"}, key=str):
            problems.append(f"{where}[{index}]: {key}: unknown key (known: code, name)")
        code = item.get("code")
        if not isinstance(code, str) or not DEPARTMENT_CODE.fullmatch(code):
            problems.append(f"{where}[{index}].code: 1-8 letters, digits, '.' or '-', "
                            f"quoted (e.g. '01'), not {code!r}")
        elif code in seen:
            problems.append(f"{where}[{index}].code: {code!r} is listed twice")
        seen.add(code)
        check_texts(item.get("name"), languages, f"{where}[{index}].name", problems)


def read_full_pack(path: Path) -> PackContent:
    """Read and check every file of a pack; raise PackError listing all problems."""
    from yagona.catalogue.forms import FormDefinition

    path = Path(path)
    problems: list[str] = []
    country, data = None, {}
    try:  # pack.yaml's problems are listed with the others, never hide them
        data = read_yaml(path / "pack.yaml")
        country = pack_from_data(data, str(path / "pack.yaml"), path)
    except PackError as exc:
        problems.extend(exc.problems)
    languages = country.languages if country else pack_languages(data)
    units = data.get("fee_units") if isinstance(data, dict) else None
    fee_units = {str(code) for code in units} if isinstance(units, dict) else set()
    problems.extend(compile_catalogues(path, write=False))  # checked, not written
    agencies = _read_list(path / "agencies.yaml", problems)
    life_events = _read_list(path / "life_events.yaml", problems)
    agency_codes = set()
    for index, agency in agencies:
        where = f"agencies.yaml[{index}]"
        for key in sorted(set(agency) - AGENCY_KEYS, key=str):
            problems.append(f"{where}: {key}: unknown key (known: "
                            f"{', '.join(sorted(AGENCY_KEYS))})")
        if not AGENCY_CODE.fullmatch(str(agency.get("code", ""))):
            problems.append(f"{where}: code must be 2-16 upper-case letters")
        agency_codes.add(str(agency.get("code")))
        for key in ("name", "short_name", "address"):
            if key == "name" or agency.get(key):
                check_texts(agency.get(key), languages, f"{where}: {key}", problems)
        _check_offices(agency.get("offices") or [], languages, f"{where}: offices", problems)
        _check_departments(agency.get("departments"), languages, f"{where}: departments",
                           problems)
    opendata = data.get("opendata") if isinstance(data, dict) else None
    for key in ("publisher", "budget"):  # the catalogue's publisher, the budget's keeper
        code = opendata.get(key) if isinstance(opendata, dict) else None
        if code is not None and code not in agency_codes:
            problems.append(f"pack.yaml: opendata.{key}: unknown agency {code!r}")
    event_codes = {str(event.get("code")) for _, event in life_events}
    for index, event in life_events:
        check_texts(event.get("name"), languages, f"life_events.yaml[{index}]: name", problems)
        if event.get("description"):
            check_texts(event["description"], languages,
                        f"life_events.yaml[{index}]: description", problems)
    services = []
    for file in sorted((path / "services").glob("*.yaml")):
        where = f"services/{file.name}"
        try:
            service = read_yaml(file)
        except PackError as exc:
            problems.extend(exc.problems)
            continue
        if not isinstance(service, dict):
            problems.append(f"{where}: expected a mapping")
            continue
        for key in sorted(set(service) - SERVICE_KEYS, key=str):
            problems.append(f"{where}: {key}: unknown key (known: "
                            f"{', '.join(sorted(SERVICE_KEYS))})")
        shape = _shape_problems(service, where)
        if shape:  # the checks below read these shapes
            problems.extend(shape)
            continue
        if not SERVICE_CODE.fullmatch(str(service.get("code", ""))):
            problems.append(f"{where}: code must be lower-case words joined by hyphens")
        if service.get("agency") not in agency_codes:
            problems.append(f"{where}: unknown agency {service.get('agency')!r}")
        for event in service.get("life_events") or []:
            if not isinstance(event, str) or event not in event_codes:
                problems.append(f"{where}: unknown life event {event!r}")
        for key in SERVICE_TEXTS:
            check_texts(service.get(key), languages, f"{where}: {key}", problems)
        for index, document in enumerate(service.get("documents") or []):
            check_texts(document, languages, f"{where}: documents[{index}]", problems)
        if not isinstance(service.get("processing_days"), int) or service["processing_days"] < 0:
            problems.append(f"{where}: processing_days must be a whole number of working days")
        problems.extend(_fee_problems(service, fee_units, where))
        signature = service.get("signature", "none")
        if signature not in SIGNATURES:
            problems.append(f"{where}: signature: {signature!r} is not one of "
                            f"{', '.join(SIGNATURES)}")
        elif signature == "required" and not service.get("online", True):
            problems.append(f"{where}: signature: required needs an online service (the "
                            "applicant signs in the portal)")
        if service.get("online", True):
            if not service.get("form"):
                problems.append(f"{where}: an online service needs a form")
            else:
                problems.extend(_guarded(f"{where}: form", FormDefinition(
                    service["form"]).problems, languages, where))
        services.append(_jsonable(service))
    registries = []
    for file in sorted((path / "registries").glob("*.yaml")):
        try:
            definition = read_yaml(file)
        except PackError as exc:
            problems.extend(exc.problems)
            continue
        if not isinstance(definition, dict):
            problems.append(f"registries/{file.name}: expected a mapping")
            continue
        problems.extend(_guarded(f"registries/{file.name}", registry_definitions.problems,
                                 definition, languages, agency_codes,
                                 f"registries/{file.name}"))
        registries.append(_jsonable(definition))
    problems.extend(_guarded("services: registry uses", _registry_use_problems, services,
                             registries, languages))
    satisfaction = data.get("satisfaction") if isinstance(data, dict) else None
    problems.extend(_guarded("pack.yaml: satisfaction", registry_definitions.
                             satisfaction_problems, satisfaction, registries))
    codes = [service.get("code") for service in services]
    for code in {c for c in codes if codes.count(c) > 1}:
        problems.append(f"services: code {code!r} is used twice")
    correspondence = None
    try:
        correspondence = pack_correspondence.read(path)
    except PackError as exc:
        problems.extend(exc.problems)
    problems.extend(_guarded(pack_correspondence.FILE, pack_correspondence.
                             correspondence_problems, correspondence, languages, agency_codes))
    appeals = None
    try:
        appeals = pack_appeals.read(path)
    except PackError as exc:
        problems.extend(exc.problems)
    problems.extend(_guarded(pack_appeals.FILE, pack_appeals.appeals_problems, appeals,
                             languages, agency_codes))
    if problems or country is None:
        raise PackError(problems)
    for service in services:  # a fee in units of account becomes minor units here
        service["fee_minor"] = country.fee_minor(service)
    return PackContent(country, _jsonable([a for _, a in agencies]),
                       _jsonable([e for _, e in life_events]), services,
                       registries, _jsonable(correspondence), _jsonable(appeals))


def _registry_use_problems(services: list[dict], registries: list[dict], languages
                           ) -> list[str]:
    """Forms' prefill bindings and services' state documents name a registry of the pack,
    fields of it, and only fields the service's agency may read (it keeps the registry, is
    granted them, or they are public)."""
    problems: list[str] = []
    by_code = {r.get("code"): r for r in registries}

    def readable(definition: dict, agency: str) -> set[str]:
        fields = set(definition.get("schema", {}).get("properties", {}))
        if definition.get("agency") == agency:
            return fields
        grants = [g for g in definition.get("grants") or [] if g.get("agency") == agency]
        if any(not g.get("fields") for g in grants):  # a grant of no fields: all of them
            return fields
        granted = {f for g in grants for f in g["fields"] if isinstance(f, str)}
        return fields & (granted | set(definition.get("public_fields") or []))

    for service in services:
        where, agency = f"services/{service.get('code')}", service.get("agency")
        kinds = service.get("applicant_kinds") or ["person"]
        uses = [(f"state_documents[{i}]", d) for i, d in
                enumerate(service.get("state_documents") or [])]
        for index, document in uses:
            if not isinstance(document, dict) or not isinstance(document.get("fields"), list) \
                    or not document["fields"]:
                problems.append(f"{where}: {index}: {{registry, label, fields}} with the "
                                "fields the agency needs")
                continue
            check_texts(document.get("label"), languages, f"{where}: {index}: label", problems)
        for name, ui in ((service.get("form") or {}).get("ui", {}).get("fields") or {}).items():
            if isinstance(ui, dict) and isinstance(ui.get("prefill"), dict):
                uses.append((f"field {name!r}: prefill", {
                    "registry": ui["prefill"].get("registry"),
                    "fields": [ui["prefill"].get("field")]}))
        for index, use in uses:
            if not isinstance(use, dict) or not isinstance(use.get("fields"), list):
                continue
            definition = by_code.get(use.get("registry"))
            if definition is None:
                problems.append(f"{where}: {index}: unknown registry {use.get('registry')!r}")
                continue
            if not isinstance(definition.get("schema"), dict):
                continue  # the registry's own problems are listed already
            schema, keys = definition.get("schema", {}), definition.get("key_fields") or []
            if not any(registry_definitions.applicant_key(schema, keys, kind) for kind in kinds):
                problems.append(f"{where}: {index}: registry {use['registry']!r} has no key "
                                f"naming the applicant ({' or '.join(kinds)})")
            allowed = readable(definition, agency)
            for field_name in use["fields"]:
                if not isinstance(field_name, str) or \
                        field_name not in schema.get("properties", {}):
                    problems.append(f"{where}: {index}: {use['registry']!r} has no field "
                                    f"{field_name!r}")
                elif field_name not in allowed:
                    problems.append(f"{where}: {index}: {agency} may not read "
                                    f"{use['registry']}.{field_name} (add a grant)")
    return problems


# The shape of each service key the checks rely on; YAML gives these types.
SERVICE_SHAPES = {"code": str, "agency": str, "life_events": list, "online": bool,
                  "applicant_kinds": list, "documents": list, "state_documents": list,
                  "processing_days": int, "form": dict}
FORM_SHAPES = {"schema": dict, "ui": dict}
KIND_NAMES = {str: "a text", list: "a list", bool: "true or false", int: "a whole number",
              dict: "a mapping"}


def _shape_problems(service: dict, where: str) -> list[str]:
    found = [f"{where}: {key}: expected {KIND_NAMES[kind]}"
             for key, kind in SERVICE_SHAPES.items()
             if service.get(key) is not None and not isinstance(service[key], kind)]
    form = service.get("form")
    if isinstance(form, dict):
        found.extend(f"{where}: form.{key}: expected a mapping" for key, kind in
                     FORM_SHAPES.items() if not isinstance(form.get(key, {}), kind))
        ui = form.get("ui") or {}
        if isinstance(ui, dict) and not isinstance(ui.get("fields", {}), dict):
            found.append(f"{where}: form.ui.fields: expected name -> {{label, ...}}")
        if isinstance(ui, dict) and not isinstance(ui.get("pages", []), list):
            found.append(f"{where}: form.ui.pages: expected a list of pages")
    elif form is not None:
        found.append(f"{where}: form: expected {{schema, ui}}")
    return list(dict.fromkeys(found))


def _guarded(where: str, check, *args) -> list[str]:
    """A check that meets a shape it does not expect names the place, not a traceback."""
    try:
        return check(*args)
    except (AttributeError, TypeError, KeyError, ValueError) as exc:
        return [f"{where}: unexpected shape ({type(exc).__name__}: {exc})"]


def _fee_problems(service: dict, fee_units: set, where: str) -> list[str]:
    """A fee is ``fee_minor`` (minor units) or ``fee: {units, of}`` (a multiple of a unit of
    account of pack.yaml's ``fee_units``), not both."""
    fee = service.get("fee")
    if fee is None:
        minor = service.get("fee_minor", 0)
        if not isinstance(minor, int) or isinstance(minor, bool) or minor < 0:
            return [f"{where}: fee_minor must be a whole number of minor units"]
        return []
    if "fee_minor" in service:
        return [f"{where}: fee: give fee or fee_minor, not both"]
    if not isinstance(fee, dict) or set(fee) != {"units", "of"}:
        return [f"{where}: fee: expected {{units: number, of: unit}}"]
    found = []
    if str(fee["of"]) not in fee_units:
        found.append(f"{where}: fee.of: {fee['of']!r} is not in pack.yaml's fee_units")
    if not isinstance(fee["units"], int | float) or isinstance(fee["units"], bool) or \
            fee["units"] < 0:
        found.append(f"{where}: fee.units: a number of units, 0 or more")
    return found


def _read_list(path: Path, problems: list[str]) -> list[tuple[int, dict]]:
    """The mappings of a YAML list with their places in the file."""
    try:
        data = read_yaml(path)
    except PackError as exc:
        problems.extend(exc.problems)
        return []
    if not isinstance(data, list):
        problems.append(f"{path.name}: expected a list of mappings")
        return []
    problems.extend(f"{path.name}[{index}]: expected a mapping"
                    for index, item in enumerate(data) if not isinstance(item, dict))
    return [(index, item) for index, item in enumerate(data) if isinstance(item, dict)]


def load_pack(actor: audit.Actor, path: Path) -> PackContent:
    """Load a checked pack into the database in one transaction (idempotent)."""
    from yagona.agencies.models import Agency
    from yagona.agencies.services import upsert_agency
    from yagona.catalogue import search
    from yagona.catalogue.models import LifeEvent, Service
    from yagona.core.countries import forget_active_pack
    from yagona.core.models import Country
    from yagona.registries import services as registries

    content = read_full_pack(path)
    install_languages(Path(path), content.country.raw)  # this process (tests) serves it now
    with transaction.atomic():
        Country.objects.exclude(code=content.country.code).update(active=False)
        Country.objects.update_or_create(code=content.country.code,
                                         defaults={"data": content.country.raw, "active": True})
        transaction.on_commit(forget_active_pack)
        forget_active_pack()
        agencies = {data["code"]: upsert_agency(actor, data) for data in content.agencies}
        Agency.objects.exclude(code__in=agencies).update(active=False)
        by_code = {}
        for order, data in enumerate(content.life_events):
            by_code[data["code"]], _ = LifeEvent.objects.update_or_create(
                code=data["code"], defaults={"name": data["name"], "order": order, "active": True,
                                             "description": data.get("description") or {}})
        LifeEvent.objects.exclude(code__in=by_code).update(active=False)
        loaded = []
        for data in content.services:
            service, created = Service.objects.update_or_create(
                code=data["code"],
                defaults={
                    "agency": agencies[data["agency"]],
                    "online": bool(data.get("online", True)),
                    "applicant_kinds": data.get("applicant_kinds") or ["person"],
                    "documents": data.get("documents") or [],
                    "state_documents": data.get("state_documents") or [],
                    "fee_minor": data.get("fee_minor", 0),
                    "processing_days": data["processing_days"],
                    "form": data.get("form") or {},
                    "signature_required": data.get("signature") == "required",
                    "active": True,
                    **{key: data.get(key) or {} for key in SERVICE_TEXTS},
                },
            )
            service.life_events.set([by_code[code] for code in data.get("life_events") or []])
            search.index_service(service, content.country.languages)
            audit.record(actor, "service.created" if created else "service.updated", "service",
                         service.code)
            loaded.append(service.code)
        Service.objects.exclude(code__in=loaded).update(active=False)
        for definition in content.registries:
            registries.define(actor, definition)
        # Rooms above this one load their part of the pack (correspondence: journals).
        events.publish("country.loaded", content=content, actor=actor)
        audit.record(actor, "country.loaded", "country", content.country.code,
                     {"agencies": len(agencies), "services": len(loaded),
                      "registries": len(content.registries)})
        transaction.on_commit(search.catalogue_changed)
    return content
