"""Content that exists in several languages: a mapping from language code to text."""

from django.conf import settings
from django.utils.translation import get_language


def localized(texts, language: str | None = None) -> str:
    """The text in the active (or given) language, falling back to the pack's default."""
    return _pick(texts, language)[1]


def text_language(texts, language: str | None = None) -> str:
    """The language of the text ``localized`` picks ("" for plain text): content held in
    another language than the page's is marked with it (``lang``), not passed off as
    translated."""
    return _pick(texts, language)[0]


def _pick(texts, language):
    if not texts:
        return "", ""
    if isinstance(texts, str):
        return "", texts
    language = (language or get_language() or "").split("-")[0]
    if language in texts:
        return language, texts[language]
    from yagona.core.countries import active_pack

    for fallback in (*active_pack().languages, settings.LANGUAGE_CODE):
        if fallback in texts:
            return fallback, texts[fallback]
    return next(iter(texts.items()), ("", ""))
