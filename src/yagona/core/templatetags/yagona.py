from django import template

from yagona.core.countries import active_pack
from yagona.core.text import localized

register = template.Library()


@register.filter(name="t")
def translate_content(texts):
    """Content in the reader's language: {{ service.name|t }}."""
    return localized(texts)


@register.filter
def money(minor):
    return active_pack().format_money(int(minor or 0))


@register.filter
def status_class(status):
    return {"approved": "green", "rejected": "red", "info_requested": "orange",
            "withdrawn": "grey", "draft": "grey"}.get(status, "blue")
