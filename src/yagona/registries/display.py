"""How registry values are shown to people and officials: labels for fields and coded
values, dates in the pack's date format, nested objects (the identity document, the
address) as labelled subfields, never a raw code or a JSON dump."""

from django.utils.html import format_html
from django.utils.translation import get_language, gettext

from yagona.core.countries import active_pack
from yagona.core.display import format_date
from yagona.core.text import localized
from yagona.registries.models import RegistryVersion


def display_rows(schema: RegistryVersion, data: dict, *, marked: bool = True
                 ) -> list[tuple[str, str]]:
    """(label, text) for each field of a record, in the page's language; a nested object
    (the identity document, the address) gives one labelled row per subfield. ``marked``:
    free text held in another language comes as HTML marked with it (for a page); else
    plain text (for a document)."""
    shown = _in_its_language if marked else display_text
    rows = []
    for name in schema.fields:
        if name not in data:
            continue
        value = data[name]
        if isinstance(value, dict) and value:
            label = display_label(schema, name)
            rows += [(f"{label}: {display_label(schema, f'{name}.{key}')}",
                      shown(schema, f"{name}.{key}", value[key]))
                     for key in _ordered(schema, name, value)]
        else:
            rows.append((display_label(schema, name), shown(schema, name, value)))
    return rows


def _in_its_language(schema: RegistryVersion, path: str, value):
    """A value's text, marked with the language it is held in when that is not the page's:
    registers keep free text (an address, a name) in the state language, the pack's
    first, and a Russian page must not pass it off as Russian."""
    text = display_text(schema, path, value)
    free = (isinstance(value, str) and not (schema.value_labels.get(path) or {}).get(value)
            and (_property(schema, path) or {}).get("format") != "date")
    held_in = active_pack().languages[0]
    if free and held_in != (get_language() or "").split("-")[0] and any(
            c.isalpha() for c in text):
        return format_html('<span lang="{}">{}</span>', held_in, text)
    return text


def display_label(schema: RegistryVersion, field: str) -> str:
    """A field's label (a subfield's path ``identity_document.type`` has its own); else
    its name."""
    return localized(schema.labels.get(field)) or field.rsplit(".", 1)[-1]


def display_text(schema: RegistryVersion, path: str, value) -> str:
    """A field's value as text: coded values by their labels, dates in the pack's date
    format, yes/no in words, a nested object as its labelled subfields on one line."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return "; ".join(f"{display_label(schema, f'{path}.{key}')}: "
                         f"{display_text(schema, f'{path}.{key}', value[key])}"
                         for key in _ordered(schema, path, value))
    if isinstance(value, list):
        return ", ".join(display_text(schema, path, v) for v in value)
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    label = (schema.value_labels.get(path) or {}).get(str(value))
    if label:
        return localized(label)
    if (_property(schema, path) or {}).get("format") == "date":
        return format_date(value)
    return str(value)


def actor_text(actor: str, operation: str = "") -> str:
    """Who made a revision, for people: the platform's own changes (the bulk import, a
    move to a new schema version) by a name in words, never the raw "system"."""
    if actor != "system":
        return actor
    if operation == "migrate":
        return gettext("the platform (schema change)")
    return gettext("the platform (import)")


def _ordered(schema: RegistryVersion, path: str, value: dict) -> list[str]:
    order = schema.subfields(path)
    return [k for k in order if k in value] + sorted(k for k in value if k not in order)


def _property(schema: RegistryVersion, path: str) -> dict | None:
    """The JSON Schema of a field path ("identity_document.issued")."""
    node = schema.schema
    for part in path.split("."):
        node = (node.get("properties") or {}).get(part) if isinstance(node, dict) else None
        if node is None:
            return None
        if node.get("type") == "array" and isinstance(node.get("items"), dict):
            node = node["items"]
    return node


def answer_value(schema: RegistryVersion, path: str, value):
    """A register's value as a form answer (prefilling): a single value as it is kept
    (a code, an ISO date: what the form's schema checks), a nested object as one short
    line of its shown values (a text answer, stored with the application)."""
    if isinstance(value, dict):
        return ", ".join(display_text(schema, f"{path}.{key}", value[key])
                         for key in _ordered(schema, path, value))
    return value
