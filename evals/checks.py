"""Deterministic checks of one answer: facts, grounding (ALCE-style citation support), invented facts.

A sentence is supported by its citations when most of its content words appear in the cited
quotes (with the citation's title and section, which name what a quoted record is), and every
number, date, email and phone in it appears in a cited quote or the cited source's date.
"""

import html
import re

from assistant.contract import Answer
from ingest.profile import Profile

FACT_PATTERN = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\(?\d{3}\)?[-. ]\d{3}[-. ]\d{4}|\$?\d[\d,]*(?:[.:/-]\d+)*%?")
MARKER = re.compile(r"\s*\[(\d+)\]")
_STOP = set("""a an and are as at be been but by can could did do does for from had has have how i if in into is it its
me my of on or our so than that the their them then there these they this to was we were what when where which who whom
why will with would you your yes no not also may might please here see shown below listed lists list""".split())
SUPPORT_OVERLAP = 0.6
RELEVANCE_OVERLAP = 0.2


def normalize(text: str) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    text = text.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"').replace("\u2013", "-")
    return " ".join(text.lower().split())


def content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9áéíóúñ@.'-]+", text.lower()) if w.strip(".'-") and w not in _STOP and len(w) > 1}


def facts_found(answer: str, facts: list[list[str]]) -> list[bool]:
    text = normalize(answer)
    return [any(normalize(p) in text for p in group) for group in facts]


def hard_facts(text: str) -> list[str]:
    """Numbers, dates, emails and phones: what must never be invented."""
    return [f.rstrip(".,") for f in FACT_PATTERN.findall(MARKER.sub("", text)) if f.rstrip(".,")]


def split_sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z¿¡\"“(])|(?<=\])\s*[.!?]\s+", text)
    return [p.strip() for p in parts if p.strip()]


def without_fixed_text(text: str) -> str:
    """The crisis reply and support note are fixed, tested templates (988, 741741, 911): not claims from documents."""
    from assistant.boundaries import BOUNDARY_TEXTS
    from assistant.crisis_replies import FIXED_TEXTS

    for fixed in FIXED_TEXTS + BOUNDARY_TEXTS:
        text = text.replace(fixed, " ")
    return text


def strip_framing_prefix(sentence: str, profile: Profile) -> str:
    from assistant.messages import framing_texts

    for f in framing_texts(profile):
        if f.endswith(":") and sentence.startswith(f):
            return sentence[len(f):].strip()
    return sentence


def is_framing(sentence: str, profile: Profile) -> bool:
    """Fixed framing and Spanish leads (assistant/messages.py) and the profile's referrals are not statements needing
    support (the contact or value they carry is checked by invented_facts)."""
    from assistant.messages import framing_texts, lead_patterns, referral_patterns

    body = MARKER.sub("", sentence).strip()
    if any(body == f.strip() or body.rstrip(".") == f.strip().rstrip(".") for f in framing_texts(profile)):
        return True
    return any(p.fullmatch(sentence.strip().rstrip(".")) for p in referral_patterns(profile) + lead_patterns())


def invented_facts(answer: Answer) -> list[str]:
    cited = normalize(" ".join(c.quote + " " + (c.date or "") for c in answer.citations))
    return [f for f in hard_facts(without_fixed_text(answer.answer)) if normalize(f) not in cited]


def citation_support(answer: Answer, profile: Profile) -> dict:
    """ALCE-style citation recall (statements supported by their citations) and precision (citations that help).
    `profile`: the deployment profile whose fixed sentences the answer may hold."""
    by_n = {c.n: c for c in answer.citations}
    statements = supported = uses = relevant = 0
    for sentence in split_sentences(without_fixed_text(answer.answer)):
        sentence = strip_framing_prefix(sentence, profile)
        markers = [int(n) for n in MARKER.findall(sentence)]
        if not markers or is_framing(sentence, profile):
            continue  # fixed framing and referral text: their facts are checked by invented_facts
        statements += 1
        body = MARKER.sub("", sentence)
        cited = [by_n[n] for n in markers if n in by_n]
        support_text = normalize(" ".join(f"{c.quote} {c.title} {c.section or ''} {c.issuer or ''} {c.date or ''}"
                                          for c in cited))
        words = content_words(body)
        overlap = len({w for w in words if w in support_text}) / len(words) if words else 1.0
        facts_ok = all(normalize(f) in support_text for f in hard_facts(body))
        if overlap >= SUPPORT_OVERLAP and facts_ok and cited:
            supported += 1
        for c in cited:
            uses += 1
            alone = normalize(f"{c.quote} {c.title} {c.section or ''}")
            own = len({w for w in words if w in alone}) / len(words) if words else 1.0
            if own >= RELEVANCE_OVERLAP or any(normalize(f) in alone for f in hard_facts(body)):
                relevant += 1
    return {"statements": statements, "supported": supported, "citation_uses": uses, "relevant_citations": relevant}


def reading_grade(text: str) -> float | None:
    """Flesch-Kincaid grade level, syllables counted as vowel groups (offline; no dictionary to download)."""
    text = MARKER.sub("", text)
    words = re.findall(r"[A-Za-z]+(?:'[a-z]+)?", text)
    sentences = max(1, len(re.findall(r"[.!?]+(?:\s|$)", text)))
    if not words:
        return None

    def syllables(word: str) -> int:
        w = word.lower()
        count = len(re.findall(r"[aeiouy]+", w))
        if w.endswith("e") and not w.endswith(("le", "ee")) and count > 1:
            count -= 1
        return max(1, count)

    total = sum(syllables(w) for w in words)
    return round(0.39 * len(words) / sentences + 11.8 * total / len(words) - 15.59, 2)
