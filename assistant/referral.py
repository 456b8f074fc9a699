"""Who can answer what the documents don't: CalMHSA, DHCS or the county — with contacts from the corpus.

A contact is only shown when a corpus passage holds it; the passage is then cited, so the
email in the answer is always inside a cited quote.
"""

import re
from dataclasses import dataclass

from ingest.chunking import Chunk
from ingest.store import IndexVersion, per_index

TOPIC_PATTERNS = {
    "dhcs": re.compile(r"\b(sb ?803|senate bill|dhcs|bhin|policy|polic[ií]a|opt[- ]?in|claim\w*|billing|bill medi-?cal|"
                       r"reimburs\w*|rates?|federal|cms|state plan|waiver|ley)\b", re.IGNORECASE),
    "county": re.compile(r"\b(jobs?|hiring|hire|employ\w*|work as|scholarships?|becas?|empleo|trabajo|services near|"
                         r"local|my county|mi condado|county (program|services|plan))\b", re.IGNORECASE),
    "calmhsa": re.compile(r"\b(certif\w*|exam\w*|test|fees?|cost|pay|renew\w*|grand(parent|father)\w*|eligib\w*|apply|"
                          r"application|requirements?|continuing education|ce hours|ceus?|transfer|reciproc\w*|"
                          r"background|criminal|record|training|curriculum|passing|score|examen|cuota|requisitos|"
                          r"renovar|solicitar|specializ\w*)\b", re.IGNORECASE),
}
CONTACT_PATTERNS = {
    "calmhsa": re.compile(r"PeerCertification@calmhsa\.org", re.IGNORECASE),
    "dhcs": re.compile(r"Peers@dhcs\.ca\.gov", re.IGNORECASE),
    "county": re.compile(r"contact your local county mental health plan", re.IGNORECASE),
}


@dataclass
class Contact:
    topic: str
    chunk: Chunk
    start: int  # offsets of the quote in the cleaned document
    end: int
    value: str  # the email (or the county sentence)


def route(question: str) -> str:
    for topic in ("dhcs", "county", "calmhsa"):
        if TOPIC_PATTERNS[topic].search(question):
            return topic
    return "calmhsa"


@per_index
def find_contact(index: IndexVersion, topic: str) -> Contact | None:
    """The passage that holds this topic's contact; prefer the document that issues it."""
    pattern = CONTACT_PATTERNS[topic]
    issuer_hint = {"calmhsa": "calmhsa", "dhcs": "dhcs", "county": "dhcs"}[topic]
    candidates = []
    for c in index.chunks:
        m = pattern.search(c.text)
        if m:
            line_start = c.text.rfind("\n", 0, m.start()) + 1
            line_end = c.text.find("\n", m.end())
            line_end = len(c.text) if line_end < 0 else line_end
            line = c.text[line_start:line_end]
            sentence_start = max(line.rfind(". ", 0, m.start() - line_start) + 2, 0) if ". " in line[: m.start() - line_start] else 0
            s, e = c.start + line_start + sentence_start, c.start + line_end
            following = c.text[line_end:].lstrip("\n")
            next_line = following.split("\n", 1)[0]
            if re.match(r"(This|The) (email )?inbox\b", next_line):
                e = c.start + len(c.text) - len(following) + len(next_line)  # what the inbox is for
            preferred = issuer_hint in c.doc_id or issuer_hint in c.issuer.lower()
            candidates.append((not preferred, c.n, Contact(topic, c, s, e, m.group(0))))
    return min(candidates, key=lambda t: (t[0], t[1]))[2] if candidates else None
