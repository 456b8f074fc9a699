"""'And the Hmong one?': a follow-up that asks the previous question again about something else.

"Who is the contact for help in Spanish?" → "and the Hmong one?" asks "who is the contact for help in Hmong?";
"What does DMC-ODS stand for?" → "and SMHS?"; "What code do we use for peer engagement services?" → "and for
skill-building groups?". Appending the new words to the previous question (what a follow-up gets otherwise) keeps
"Spanish" in it, and retrieval finds the Spanish contact again. The part of the previous question the new words
replace is the one most like them in meaning (a language for a language, an acronym for an acronym, a group for a
service); when nothing there is close enough, the new words are about something else and nothing is replaced.
"""

import re
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from assistant.language import to_english_query
from assistant.query import Query
from ingest.embedding import Embedder
from ingest.lexical import STOPWORDS

# "and", "what about", "y", "¿y qué tal …": then the new thing, after any preposition or article
_LEAD = re.compile(r"^[\W_]*(?:(?:and|or|also|what about|how about|what of|y|qu[eé] tal|qu[eé] hay)\b[\s,]*)+"
                   r"(?:(?:for|in|on|about|with|to|the|a|an|para|en|de|del|con|el|la|los|las|un|una)\b\s*)*(.*)$",
                   re.IGNORECASE)
_ONE = re.compile(r"\s+(?:one|ones)\s*$", re.IGNORECASE)
# the new part names a thing; a question word or a verb makes it a question of its own ("and when is it due?")
_ASKS = re.compile(r"\b(what|when|where|who|how|which|why|is|are|was|were|do|does|did|can|could|will|would|should|"
                   r"qu[eé]|cu[aá]ndo|d[oó]nde|qui[eé]n|c[oó]mo|cu[aá]l|es|son|puedo|hay)\b", re.IGNORECASE)
MAX_WORDS = 4
MAX_SPAN = 3

# How much more alike than usual (in standard deviations of the model's question-to-passage similarity, the fitted
# `semantic` scale) the new words and the replaced part must be. Chosen on the dev follow-ups: a language for a
# language, an acronym for an acronym and a service for a service sit at 0.9-1.5; a new topic after "Is Kern
# County participating?" ("and the exam fee?") at 0.4.
SWAP_MIN_Z = 0.75

Similarity = Callable[[str, list[str]], np.ndarray]  # (new words, candidate parts) -> one similarity per part


def similarity(embedder: Embedder) -> Similarity:
    """Both sides embedded alike (as passages): they are short phrases, neither is a question."""
    def similar(text: str, others: list[str]) -> np.ndarray:
        vectors = embedder.embed_documents([text, *others])
        return vectors[1:] @ vectors[0]

    return similar


def new_part(message: str) -> str | None:
    """The thing an "and the X one?" follow-up asks about, or None when the message is not of that shape."""
    m = _LEAD.match(message.strip())
    if not m:
        return None
    part = _ONE.sub("", m.group(1).strip(" ?¿!.,")).strip()
    words = part.split()
    if not words or len(words) > MAX_WORDS or _ASKS.search(part):
        return None
    return part


def _parts(question: str) -> list[tuple[int, int]]:
    """Spans of one to three words that begin and end with a word that carries meaning."""
    words = list(re.finditer(r"[\w'’-]+", question))
    spans = []
    for n in range(1, MAX_SPAN + 1):
        for i in range(len(words) - n + 1):
            first, last = words[i].group(0).lower(), words[i + n - 1].group(0).lower()
            if first not in STOPWORDS and last not in STOPWORDS:
                spans.append((words[i].start(), words[i + n - 1].end()))
    return spans


def swapped(previous: str, part: str, similarity: Similarity, z: Callable[[float], float]) -> str | None:
    """`previous` with the span most like `part` replaced by it; None when no span is alike enough (`z` puts a
    similarity on the fitted scale)."""
    spans = _parts(previous)
    if not spans:
        return None
    sims = similarity(part, [previous[s:e] for s, e in spans])
    best = int(np.argmax(sims))
    if z(float(sims[best])) < SWAP_MIN_Z:
        return None
    s, e = spans[best]
    return f"{previous[:s]}{part}{previous[e:]}"


def swap_follow_up(query: Query, previous: Query, similarity: Similarity, z: Callable[[float], float]) -> Query | None:
    """The follow-up as the previous question (as it was understood) about the new thing; None when it is not an
    "and the X one?" follow-up, when a county was swapped already (assistant/query.py), or when nothing matches."""
    part = new_part(query.cleaned)
    if part is None or query.counties:
        return None
    text = swapped(previous.text, to_english_query(part) if query.language == "es" else part, similarity, z)
    if text is None:
        return None
    meaning = swapped(previous.meaning, part, similarity, z) or text
    return replace(query, text=text, meaning=meaning, focus=text)
