"""Search normalisation for Cyrillic, Tajik and Azerbaijani text.

Neither SQLite FTS5 nor PostgreSQL ships a Tajik or Azerbaijani stemmer, so
search matches normalised word prefixes: lower case, the letters special to
Tajik (ғ ӣ қ ӯ ҳ ҷ) and Azerbaijani (ə ı ş ç ğ ö ü) folded to the plain
letters people type on a keyboard without them, and other diacritics removed.
"""

import re
import unicodedata

_FOLD = str.maketrans(
    {
        "ғ": "г", "ӣ": "и", "қ": "к", "ӯ": "у", "ҳ": "х", "ҷ": "ч", "ё": "е", "й": "и",
        "ə": "e", "ı": "i", "ş": "s", "ç": "c", "ğ": "g", "ö": "o", "ü": "u",
    }
)
WORD = re.compile(r"\w+", re.UNICODE)


def fold(text: str) -> str:
    """Lower-case and fold special letters; the result keeps the word boundaries.
    Compatibility forms are decomposed before the case is folded ("㎊" is "pF" until
    then), so that folding a folded text changes nothing: a search term is its own
    prefix."""
    text = unicodedata.normalize("NFKD", text).casefold().translate(_FOLD)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    return WORD.findall(fold(text))
