"""Who can answer what the documents don't: the referrals of the deployment profile, with contacts from the corpus.

The profile (ingest/profile.py) says which referral takes which topics and writes each contact as a
document writes it. A contact is only shown when a corpus passage holds it; the passage is then
cited, so the contact in the answer is always inside a cited quote.
"""

import re
from dataclasses import dataclass

from ingest.chunking import Chunk
from ingest.store import IndexVersion, per_index


@dataclass
class Contact:
    referral: str  # the profile's referral id
    chunk: Chunk
    start: int  # offsets of the quote in the cleaned document
    end: int
    value: str  # the contact as the passage writes it


@per_index
def find_contact(index: IndexVersion, referral_id: str) -> Contact | None:
    """The passage that holds this referral's contact; prefer a document of the issuer the profile names."""
    referral = index.profile.referral(referral_id)
    if referral is None or not referral.contact:
        return None
    pattern = re.compile(r"(?<![\w.])" + r"\s+".join(map(re.escape, referral.contact.split())) + r"(?![\w@])",
                         re.IGNORECASE)
    issuer_hint = (referral.prefer_issuer or "").lower()
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
            preferred = bool(issuer_hint) and (issuer_hint in c.doc_id.lower() or issuer_hint in c.issuer.lower())
            candidates.append((not preferred, c.n, Contact(referral_id, c, s, e, m.group(0))))
    return min(candidates, key=lambda t: (t[0], t[1]))[2] if candidates else None
