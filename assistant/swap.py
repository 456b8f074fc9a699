"""'And the Hmong one?': a follow-up that asks the previous question again about something else.

"Who is the contact for help in Spanish?" → "and the Hmong one?" asks "who is the contact for help in Hmong?";
"What is PWI short for?" → "and EPOC?"; "Which billing code is for peer engagement services?" → "and for
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
                   r"(?P<prep>(?:(?:for|in|on|about|with|to|para|en|de|del|con)\b\s*)?)"
                   r"(?:(?:the|a|an|el|la|los|las|un|una)\b\s*)*(?P<part>.*)$", re.IGNORECASE)
_ONE = re.compile(r"\s+(?:one|ones)\s*$", re.IGNORECASE)
# the new part names a thing; a question word, a verb or a condition makes it a question of its own ("and when does
# it close?", "and if I fail?")
_ASKS = re.compile(r"\b(what|when|where|who|how|which|why|if|is|are|was|were|do|does|did|can|could|will|would|should|"
                   r"qu[eé]|cu[aá]ndo|d[oó]nde|qui[eé]n|c[oó]mo|cu[aá]l|si|es|son|puedo|hay)\b", re.IGNORECASE)
# words that name nothing by themselves: "and that one?", "what about them?", "y la otra?", "and thanks!" are for
# the pronoun handling (assistant/engine.py) or are no question
_EMPTY = STOPWORDS | {"other", "others", "another", "that", "this", "those", "these", "them", "me", "him", "her", "us",
                      "mine", "yours", "otra", "otro", "otras", "otros", "esa", "ese", "eso", "esta", "este", "esto",
                      "ella", "ellos", "ellas", "mi", "yo", "thanks", "thank", "thx", "ty", "gracias", "cool", "great",
                      "nice", "bien", "vale"}
MAX_WORDS = 4
MAX_SPAN = 3
_NUMERAL = re.compile(r"\s+(?:I{1,3}|IV)\b")
MAX_PREVIOUS_WORDS = 30  # parts are looked for in a question, not in a long message pasted before it

# How much more alike than usual (in standard deviations of the model's question-to-passage similarity, the fitted
# `semantic` scale) the new words and the replaced part must be. Short phrases run more alike than a question and a
# passage: on dev follow-ups and a dozen written for this, right swaps (a language for a language, an acronym for
# an acronym, a season for a season) sat at 0.9-2.5, and "exam fee" against the "County" of "Is Kern County
# participating?" at 0.76. Below the bar the new words are asked after the previous question, as before; what else
# keeps a swap right is the shape of the part (no pronoun, no condition, a preposition only where the previous
# question has it).
SWAP_MIN_Z = 0.9

Similarity = Callable[[str, list[str]], np.ndarray]  # (new words, candidate parts) -> one similarity per part


def similarity(embedder: Embedder) -> Similarity:
    """Both sides embedded alike (as passages): they are short phrases, neither is a question."""
    def similar(text: str, others: list[str]) -> np.ndarray:
        vectors = embedder.embed_documents([text, *others])
        return vectors[1:] @ vectors[0]

    return similar


def new_part(message: str) -> tuple[str, str] | None:
    """The thing an "and the X one?" follow-up asks about, with the preposition it came with ("for" in "and for
    skill-building groups?"), or None when the message is not of that shape."""
    m = _LEAD.match(message.strip())
    if not m:
        return None
    part = _ONE.sub("", m.group("part").strip(" ?¿!.,")).strip()
    words = re.findall(r"[\w'’-]+", part.lower())
    if not words or len(part.split()) > MAX_WORDS or _ASKS.search(part) or all(w in _EMPTY for w in words):
        return None
    return m.group("prep").strip().lower(), part


def _parts(question: str, after: str = "") -> list[tuple[int, int]]:
    """Spans of one to three words that begin and end with a word that carries meaning; with `after`, only those
    right after that word ("for X" in "Which billing code is for peer engagement services?")."""
    words = list(re.finditer(r"[\w'’-]+", question))[:MAX_PREVIOUS_WORDS]
    spans = []
    for n in range(1, MAX_SPAN + 1):
        for i in range(len(words) - n + 1):
            first, last = words[i].group(0).lower(), words[i + n - 1].group(0).lower()
            if after and (i == 0 or words[i - 1].group(0).lower() != after):
                continue
            if first not in STOPWORDS and last not in STOPWORDS:
                spans.append((words[i].start(), words[i + n - 1].end()))
    return spans


def swapped(previous: str, part: str, similarity: Similarity, z: Callable[[float], float], after: str = "") -> str | None:
    """`previous` with the span most like `part` replaced by it; None when no span is alike enough (`z` puts a
    similarity on the fitted scale). With `after` (the preposition the part came with), only a span after that same
    word is replaced: "and for supervisors?" after "How long is the core training?" adds a condition."""
    spans = _parts(previous, after)
    if not spans:
        return None
    sims = similarity(part, [previous[s:e] for s, e in spans])
    best = int(np.argmax(sims))
    if z(float(sims[best])) < SWAP_MIN_Z:
        return None
    s, e = spans[best]
    numeral = _NUMERAL.match(previous, e)
    if numeral and previous[s:e].split()[-1][:1].isupper():
        e = numeral.end()  # the numeral of a name goes with it: "Peer Support Specialist I" is one title
    return f"{previous[:s]}{part}{previous[e:]}"


def swap_follow_up(query: Query, previous: Query, similarity: Similarity, z: Callable[[float], float]) -> Query | None:
    """The follow-up as the previous question (as it was understood) about the new thing; None when it is not an
    "and the X one?" follow-up, when a county was swapped already (assistant/query.py), or when nothing matches."""
    found = new_part(query.cleaned)
    if found is None or query.counties:
        return None
    prep, part = found
    english = to_english_query(part) if query.language == "es" else part
    text = swapped(previous.text, english, similarity, z, to_english_query(prep) if query.language == "es" else prep)
    if text is None:
        return None
    # an English question is understood in its own words: its meaning is its text, and is not looked through twice
    meaning = text if previous.meaning == previous.text else swapped(previous.meaning, part, similarity, z, prep) or text
    return replace(query, text=text, meaning=meaning, focus=text, swapped=True)
