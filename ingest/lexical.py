"""The one tokenizer BM25 uses, at index time and at query time (they must agree)."""

import re
import unicodedata
from functools import lru_cache

_WORD = re.compile(r"[a-z0-9]+(?:[-/'][a-z0-9]+)*")
STOPWORDS = frozenset(
    """a an and are as at be been but by can could did do does for from had has have how i if in into is it its
    me my of on or our so than that the their them then there these they this to was we were what when where which
    who whom why will with would you your am im just about any also
    rn u ur pls plz thx thanks hi hey hello ok okay yeah lol btw still please need know tell""".split()
)


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


LEXICAL_VERSION = 3  # bump when tokenization changes: the BM25 index is then rebuilt
# Porter leaves some word families apart that questions and documents mix freely.
_STEM_FAMILIES = {"applic": "appli", "certif": "certifi", "examin": "exam", "particip": "particip",
                  "qualif": "qualifi", "specialis": "specialist"}


def strip_accents(text: str) -> str:
    """'cuántas' -> 'cuantas': Spanish typed with or without accents reads the same."""
    if text.isascii():  # most text: nothing to strip, and this runs on every unit of every answer
        return text
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def tokenize(text: str) -> list[str]:
    """Lowercase words, accents dropped ('cuántas' is one word, not 'cu' and 'ntas'), hyphen/slash compounds kept
    and also split, stopwords dropped, stemmed."""
    tokens: list[str] = []
    for word in _WORD.findall(strip_accents(text.lower())):
        parts = re.split(r"[-/']", word)
        for t in ([word] if len(parts) > 1 else []) + parts:
            if t and t not in STOPWORDS:
                tokens.append(t)
    return [_STEM_FAMILIES.get(t, t) for t in _stemmer().stemWords(tokens)]
