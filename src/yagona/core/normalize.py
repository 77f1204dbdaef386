"""Search normalisation for Cyrillic, Tajik, Azerbaijani and Uzbek text.

Neither SQLite FTS5 nor PostgreSQL ships a Tajik or Azerbaijani stemmer, so
search matches normalised word prefixes: lower case, the letters special to
Tajik (ғ ӣ қ ӯ ҳ ҷ) and Azerbaijani (ə ı ş ç ğ ö ü) folded to the plain
letters people type on a keyboard without them, other diacritics removed, and
the apostrophes of Uzbek Latin (oʻ gʻ typed as o' o‘ o` …) dropped so that every
variant is one word. A pack may declare a transliteration table (pack.yaml
``search.transliterate``, data) applied to the folded text, so that a query
typed in one script finds text written in the other.
"""

import re
import unicodedata

_FOLD = str.maketrans(
    {
        "ғ": "г", "ӣ": "и", "қ": "к", "ӯ": "у", "ҳ": "х", "ҷ": "ч", "ё": "е", "й": "и",
        "ə": "e", "ı": "i", "ş": "s", "ç": "c", "ğ": "g", "ö": "o", "ü": "u",
    }
)
# Every way people type the Uzbek okina and tutuq belgisi: ASCII and typographic
# quotes, backtick, acute accent, prime and the modifier letters.
APOSTROPHES = "'`´‘’‛ʹʻʼʽʾʿˈ′"
_DROP = str.maketrans(dict.fromkeys(APOSTROPHES, ""))
WORD = re.compile(r"\w+", re.UNICODE)


def transliteration(mapping: dict | None) -> dict | None:
    """A pack's table (one folded letter -> its letters in the other script) as a
    str.translate table; the values are folded too, so folding stays idempotent."""
    if not mapping:
        return None
    table = {}
    for letter, replacement in mapping.items():
        key = fold(str(letter))
        if len(key) != 1:
            raise ValueError(f"transliterate: {letter!r} is not one letter")
        table[ord(key)] = fold(str(replacement))
    return table


def fold(text: str, table: dict | None = None) -> str:
    """Lower-case and fold special letters; the result keeps the word boundaries.
    Compatibility forms are decomposed before the case is folded ("㎊" is "pF" until
    then), so that folding a folded text changes nothing: a search term is its own
    prefix. ``table`` (see transliteration) then maps the folded letters."""
    text = unicodedata.normalize("NFKD", text.translate(_DROP)).casefold().translate(_FOLD)
    decomposed = unicodedata.normalize("NFKD", text).translate(_DROP)
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return folded.translate(table) if table else folded


def words(text: str, table: dict | None = None) -> list[str]:
    return WORD.findall(fold(text, table))
