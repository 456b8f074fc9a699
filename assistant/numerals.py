"""Numbers written in words, read as digits: "twenty-five", "one hundred three", "cuarenta y dos".

An answer may spell a figure its passage writes in digits, or the other way round; verification compares
figures, so both sides are read the same way. `text2num` (a compiled parser for English, Spanish and other
languages, shipped as a wheel) knows compounds and language: "once" is eleven in Spanish and an adverb in English.
A lone "one"/"uno"/"first" stays a word ("one of the ways", "no one"): it is rarely a figure.
"""

from functools import lru_cache

from text_to_num import alpha2digit

_LANGUAGES = {"en", "es"}
_LONE_KEPT_BELOW = 1.5  # a number standing alone is converted from two up


@lru_cache(maxsize=4096)
def numerals(text: str, language: str = "en") -> str:
    """`text` with its spelled-out numbers as digits (English when the language is not one the parser reads)."""
    return alpha2digit(text, language if language in _LANGUAGES else "en", threshold=_LONE_KEPT_BELOW)
