"""Once-only: answers the state already holds, read from the base registries through
the applying agency's exchange node when the applicant opens the form.

What is read is kept in the cache for the draft, not in the database: it is stored only
with the submitted application (the rule of Singapore's Myinfo). Without the exchange,
or for a field the agency may not read, the applicant answers by hand.
"""

from django.core.cache import cache
from django.http import Http404

from yagona.catalogue.forms import FormDefinition
from yagona.registries.definitions import applicant_key

KEEP_SECONDS = 3600


def prefilled(user, application) -> dict[str, dict]:
    """{field: {"value": the answer, "shown": it as text for the reader, "source": registry
    name}} for the draft's bound fields."""
    form = FormDefinition(application.service.form)
    bound = {name: f.prefill for name, f in form.fields.items() if f.prefill}
    if not bound or application.party_kind != "person":
        return {}
    key = f"prefill:{application.uuid}"
    found = cache.get(key)
    if found is None:
        found = _read(user, application, bound)
        cache.set(key, found, KEEP_SECONDS)
    return found


def _read(user, application, bound: dict[str, dict]) -> dict[str, dict]:
    from yagona.exchange import client
    from yagona.registries import queries as registries

    out = {}
    for code in sorted({b["registry"] for b in bound.values()}):
        try:
            registry = registries.registry(code)
        except Http404:  # a registry retired since the form was written: nothing to read
            continue
        schema = registries.version(registry)
        key = applicant_key(schema.schema, schema.key_fields, "person")
        if key is None:
            continue
        wanted = sorted({b["field"] for b in bound.values() if b["registry"] == code})
        record = client.read_registry(application.agency, registry, key, application.party_id,
                                      user=user.username, issue=application.reference,
                                      fields=wanted)
        for name, binding in bound.items():
            if binding["registry"] == code and record and binding["field"] in record:
                value = record[binding["field"]]
                out[name] = {"value": registries.answer_value(schema, binding["field"], value),
                             "shown": registries.display_text(schema, binding["field"], value),
                             "source": registry.display_name, "registry": registry.code}
    return out


def values(found: dict[str, dict]) -> dict[str, str]:
    return {name: entry["value"] for name, entry in found.items()}
