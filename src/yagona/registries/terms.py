"""Search terms of registry records: the folded words of each search field.

A text field gives its words (core.normalize: lower case, Tajik and Azerbaijani
letters folded), a date or a number gives its whole value; a query matches a
record when each of its words begins a term of one of the searched fields. Terms
are kept in ``RecordTerm`` beside the record, so a search is one index range scan
per word whatever the size of the registry.
"""

import re

from yagona.core.display import typed_date
from yagona.core.normalize import fold, words

MAX_TERMS_PER_FIELD = 32
MAX_LENGTH = 100  # RecordTerm.term
WHOLE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")  # dates are searched as YYYY-MM-DD prefixes
DATE_LIKE = re.compile(r"\d+([^\w\s]\d+)+")  # digits with separators: maybe the pack's date
# The highest code point: every string that begins with a prefix sorts below
# prefix + TOP, so a prefix is the range [prefix, prefix + TOP) in byte order.
TOP = "\U0010ffff"


def field_terms(field_schema: dict, value) -> list[str]:
    """The terms of one field's value (nested objects and arrays: their leaves)."""
    if isinstance(value, dict):
        properties = field_schema.get("properties") or {}
        return _capped(t for name, inner in value.items()
                       for t in field_terms(properties.get(name) or {}, inner))
    if isinstance(value, list):
        items = field_schema.get("items") or {}
        return _capped(t for inner in value for t in field_terms(items, inner))
    if isinstance(value, bool) or value is None:
        return []
    if not isinstance(value, str) or field_schema.get("format") in ("date", "date-time"):
        return [fold(str(value))[:MAX_LENGTH]]
    return _capped(words(value))


def _capped(terms) -> list[str]:
    out: dict[str, None] = {}
    for term in terms:
        out.setdefault(term[:MAX_LENGTH])
        if len(out) == MAX_TERMS_PER_FIELD:
            break
    return list(out)


def record_terms(schema: dict, search_fields: list[str], data: dict) -> list[tuple[str, str]]:
    """(field, term) for every search field of a record."""
    properties = schema.get("properties") or {}
    return [(field, term) for field in search_fields if field in data
            for term in field_terms(properties.get(field) or {}, data[field])]


def query_words(text: str) -> list[str]:
    """The words of a search: dates (YYYY, YYYY-MM, YYYY-MM-DD, or in the pack's date
    format, read as ISO) whole, the rest as folded words."""
    out = []
    for token in (text or "").split():
        if WHOLE.fullmatch(token):
            out.append(token)
        elif DATE_LIKE.fullmatch(token) and (iso := typed_date(token)):
            out.append(iso)
        else:
            out.extend(words(token))
    return out[:8]
