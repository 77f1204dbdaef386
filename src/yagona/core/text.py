"""Content that exists in several languages: a mapping from language code to text."""

from django.conf import settings
from django.utils.translation import get_language


def localized(texts, language: str | None = None) -> str:
    """The text in the active (or given) language, falling back to the pack's default."""
    if not texts:
        return ""
    if isinstance(texts, str):
        return texts
    language = (language or get_language() or "").split("-")[0]
    if language in texts:
        return texts[language]
    from yagona.core.countries import active_pack

    for fallback in (*active_pack().languages, settings.LANGUAGE_CODE):
        if fallback in texts:
            return texts[fallback]
    return next(iter(texts.values()), "")
