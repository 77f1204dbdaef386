from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

from yagona.core import display
from yagona.core.countries import active_pack
from yagona.core.text import localized, text_language

register = template.Library()


@register.filter(name="t")
def translate_content(texts):
    """Content in the reader's language: {{ service.name|t }}."""
    return localized(texts)


@register.filter
def lang_attr(texts):
    """` lang="xx"` when content exists only in another language than the page's:
    <h1{{ service.name|lang_attr }}>{{ service.name|t }}</h1>."""
    chosen = text_language(texts)
    active = (get_language() or "").split("-")[0]
    return format_html(' lang="{}"', chosen) if chosen and chosen != active else ""


@register.filter
def money(minor):
    return active_pack().format_money(int(minor or 0))


@register.filter
def status_class(status):
    return {"approved": "green", "rejected": "red", "info_requested": "orange",
            "withdrawn": "grey", "draft": "grey"}.get(status, "blue")


@register.filter
def pack_date(value):
    """A date in the pack's date format: {{ application.due_date|pack_date }}."""
    return display.format_date(value)


@register.filter
def working_days(days):
    return display.working_days(int(days or 0))


@register.filter
def opening_hours(hours):
    return display.opening_hours(hours)
