"""Registry definitions as data: what a definition file holds and its checks."""

from yagona.core.countries import check_texts
from yagona.core.schemas import schema_problems

CODE_PATTERN = r"[a-z][a-z0-9_]{1,39}"
LISTS = ("key_fields", "search_fields", "personal_fields", "public_fields")
# The mark of the key that holds an applicant's identifier, by kind of applicant.
APPLICANT_KEY_MARKS = {"person": "x-person-id", "organisation": "x-business-id"}


def applicant_key(schema: dict, key_fields: list[str], kind: str) -> str | None:
    """The key field that names an applicant of ``kind`` ("person", "organisation")."""
    mark = APPLICANT_KEY_MARKS.get(kind)
    return next((f for f in key_fields
                 if mark and (schema.get("properties", {}).get(f) or {}).get(mark)), None)


def problems(definition: dict, languages, agency_codes, where: str) -> list[str]:
    """Every problem of a registry definition, each naming its place."""
    import re

    found: list[str] = []
    if not re.fullmatch(CODE_PATTERN, str(definition.get("code", ""))):
        found.append(f"{where}: code must be lower-case letters, digits and _")
    if definition.get("agency") not in agency_codes:
        found.append(f"{where}: unknown agency {definition.get('agency')!r}")
    check_texts(definition.get("name"), languages, f"{where}: name", found)
    schema = definition.get("schema")
    if not isinstance(schema, dict):
        return [*found, f"{where}: schema: expected a JSON Schema object"]
    found.extend(schema_problems(schema, f"{where}: schema"))
    if schema.get("type") != "object" or schema.get("additionalProperties") is not False:
        found.append(f"{where}: schema: a record is an object with additionalProperties false")
    properties = schema.get("properties") or {}
    for name in LISTS:
        for field in definition.get(name) or []:
            if field not in properties:
                found.append(f"{where}: {name}: {field!r} is not a property of the schema")
    if not definition.get("key_fields"):
        found.append(f"{where}: key_fields: at least one key field is needed")
    for field in definition.get("key_fields") or []:
        if field not in (schema.get("required") or []):
            found.append(f"{where}: key_fields: {field!r} must be required")
        if (properties.get(field) or {}).get("type") not in ("string", "integer"):
            found.append(f"{where}: key_fields: {field!r} must be a string or an integer")
    labels = definition.get("labels") or {}
    for field, inner in properties.items():
        check_texts(labels.get(field), languages, f"{where}: labels.{field}", found)
        if isinstance(inner, dict) and inner.get("type") == "object":  # one input each
            for sub in inner.get("properties") or {}:
                check_texts(labels.get(f"{field}.{sub}"), languages,
                            f"{where}: labels.{field}.{sub}", found)
    for index, grant in enumerate(definition.get("grants") or []):
        if grant.get("agency") not in agency_codes:
            found.append(f"{where}: grants[{index}]: unknown agency {grant.get('agency')!r}")
        for field in grant.get("fields") or []:
            if field not in properties:
                found.append(f"{where}: grants[{index}]: {field!r} is not a property")
    for path, values in (definition.get("value_labels") or {}).items():
        if not isinstance(values, dict):
            found.append(f"{where}: value_labels.{path}: expected value -> text")
            continue
        for value, text in values.items():
            check_texts(text, languages, f"{where}: value_labels.{path}.{value}", found)
    found.extend(_migration_problems(definition.get("migration"), properties, where))
    return found


def _migration_problems(spec, properties: dict, where: str) -> list[str]:
    """``migration``: how records of earlier versions become records of this one."""
    if spec is None:
        return []
    if not isinstance(spec, dict) or set(spec) - {"rename", "drop", "defaults"}:
        return [f"{where}: migration: expected rename, drop and defaults"]
    rename, drop, defaults = (spec.get("rename") or {}, spec.get("drop") or [],
                              spec.get("defaults") or {})
    if not isinstance(rename, dict) or not isinstance(drop, list) or \
            not isinstance(defaults, dict):
        return [f"{where}: migration: rename and defaults map fields, drop lists them"]
    found = [f"{where}: migration.rename: {old} -> {new!r} is not a property"
             for old, new in rename.items() if new not in properties]
    found.extend(f"{where}: migration.defaults: {field!r} is not a property"
                 for field in defaults if field not in properties)
    return found


SATISFACTION_KEYS = ("register", "sex", "birth_date", "region", "age_bands")


def satisfaction_problems(given, definitions: list[dict]) -> list[str]:
    """pack.yaml ``satisfaction`` (SDG 16.6.2): the register keyed by person ID a rater's
    sex, date of birth and region are read from, their field paths in it, and the age
    bands' lower bounds."""
    where = "pack.yaml: satisfaction"
    if given is None:
        return []
    if not isinstance(given, dict):
        return [f"{where}: expected {{{', '.join(SATISFACTION_KEYS)}}}"]
    found = [f"{where}.{key}: unknown key (known: {', '.join(SATISFACTION_KEYS)})"
             for key in sorted(set(given) - set(SATISFACTION_KEYS), key=str)]
    bands = given.get("age_bands")
    if not (isinstance(bands, list) and bands and all(
            isinstance(age, int) and not isinstance(age, bool) and age > 0 for age in bands)
            and bands == sorted(set(bands))):
        found.append(f"{where}.age_bands: the bands' lowest ages in years, rising, "
                     "e.g. [18, 30, 45, 60]")
    register = next((d for d in definitions if d.get("code") == given.get("register")), None)
    schema = (register or {}).get("schema") or {}
    if register is None or not applicant_key(schema, register.get("key_fields") or [],
                                             "person"):
        return [*found, f"{where}.register: {given.get('register')!r} is no register of "
                        "the pack keyed by person ID"]
    paths = set(field_paths(schema))
    for key in ("sex", "birth_date", "region"):
        if not isinstance(given.get(key), str) or given[key] not in paths:
            found.append(f"{where}.{key}: {given.get(key)!r} is not a field of the register")
    return found


def field_paths(schema: dict, prefix: str = "") -> list[str]:
    """Every property path of a schema, nested objects included, in order."""
    paths = []
    for name, inner in (schema.get("properties") or {}).items():
        paths.append(prefix + name)
        if isinstance(inner, dict) and inner.get("type") == "object":
            paths.extend(field_paths(inner, f"{prefix}{name}."))
    return paths
