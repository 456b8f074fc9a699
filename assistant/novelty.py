"""What the question names that the documents never mention: 'ozempic', 'the Lakers', a coworker's name.

A question about something the corpus never uses a word for is, more often than not, a question
the corpus cannot answer — unless the word is everyday language ("much", "back", "tho") that any
question may carry. How everyday a word is comes from `wordfreq` (word frequencies of English and
Spanish, shipped inside its wheel): a word counts in proportion to how rare it is in general use.
The answer policy weighs the result (a learned feature, fitted on dev like the others).
"""

import re
from functools import lru_cache

from ingest.lexical import STOPWORDS, strip_accents, tokenize

EVERYDAY_ZIPF = 6.0  # a word used this often (≈ once per 1,000 words, like "what" or "good") carries no topic


@lru_cache(maxsize=20_000)
def specificity(word: str) -> float:
    """1.0 for a word general English and Spanish never use, 0.0 for an everyday word."""
    from wordfreq import zipf_frequency

    zipf = max(zipf_frequency(word, "en"), zipf_frequency(word, "es"))
    return min(1.0, max(0.0, (EVERYDAY_ZIPF - zipf) / EVERYDAY_ZIPF))


def novel_words(text: str, known: dict[str, float]) -> dict[str, float]:
    """Words of `text` none of whose stems the corpus uses (`known`: its stemmed terms), with their specificity."""
    found: dict[str, float] = {}
    for word in re.findall(r"[a-z0-9]+(?:['’-][a-z0-9]+)*", strip_accents(text.lower())):
        if word in STOPWORDS or len(word) < 3 or word.isdigit():
            continue
        stems = tokenize(word)
        if stems and not any(s in known for s in stems):
            found[word] = specificity(word)
    return found


def novelty(text: str, known: dict[str, float]) -> float:
    """The most specific word of the question that the documents never use (0 when there is none)."""
    return max(novel_words(text, known).values(), default=0.0)
