"""Extractive answers: the passages that answer the question, each followed by its marker [n].

No sentence here states a fact of its own. Answer sentences are quotes of evidence units
(records get their section as a label); leads and referrals are fixed templates filled with
a value, an acronym's expansion or a contact that sits in the cited quote. County participation
answers are in assistant/participation.py.
"""

import re
from dataclasses import dataclass, field

from assistant.contract import Citation
from assistant.evidence import EMAIL, NUMBER, PHONE, Unit
from assistant.messages import msg
from assistant.query import Query
from assistant.values import asks_for_money
from assistant.referral import Contact
from ingest.profile import Referral
from ingest.chunking import Chunk
from ingest.manifest import date_label

MAX_WORDS = 150
MAX_UNITS = 3
RUNNER_UP_SHARE = 0.5  # a runner-up joins the lead when its score is at least this share of the lead's
RUNNER_UP_COVERAGE = 0.25  # … and it shares this much of the question's terms
TYPED_COVERAGE = 0.3  # a unit holding the asked-for value leads when it shares this much of the question
PART_FLOOR = 0.2  # a part of a several-part question adds its best unit when that unit scores at least this
TIME_SENSITIVE = re.compile(r"\b(currently|until|deadline|must be submitted|available beginning|upcoming|will be|"
                            r"slated|impending|paused|unavailable|no longer|new(ly)? (released|available)|at this time)\b",
                            re.IGNORECASE)


@dataclass
class Citations:
    items: list[Citation] = field(default_factory=list)
    _keys: dict[tuple[str, int, int], int] = field(default_factory=dict)

    def add(self, chunk: Chunk, start: int, end: int) -> int:
        key = (chunk.doc_id, start, end)
        if key not in self._keys:
            n = len(self.items) + 1
            self._keys[key] = n
            self.items.append(Citation(
                n=n, document=chunk.doc_id, title=chunk.title, section=chunk.section, url=chunk.url,
                date=date_label(chunk.as_of, chunk.as_of_approximate),
                quote=chunk.text[start - chunk.start : end - chunk.start], issuer=chunk.issuer or None,
                chunk=chunk.n, start=start))
        return self._keys[key]


def with_marker(text: str, *ns: int) -> str:
    text = text.strip()
    if text.startswith("(") and text.endswith(")") and text.count("(") == 1:
        text = text[1:-1].strip()
    text = text.rstrip(":;, ")
    marks = "".join(f"[{n}]" for n in ns)
    if re.search(r"(?:\b[A-Za-z]\.){2,}$", text):  # "3 p.m.", "U.S.": the full stop belongs to the abbreviation
        return f"{text} {marks}"
    if text and text[-1] in ".!?":
        return f"{text[:-1]} {marks}{text[-1]}"
    return f"{text} {marks}."


FRAGMENT_WORDS = 8  # shorter, without a full stop: a fragment under a heading ("No: 21-041, July 22, 2021")


def _fragment(unit: Unit) -> bool:
    return len(unit.text.split()) < FRAGMENT_WORDS and not unit.text.rstrip().endswith((".", "!", "?"))


def unit_sentence(unit: Unit) -> str:
    """Records, list items and fragments read badly alone; their section names what they are."""
    if unit.kind in ("record", "item") or _fragment(unit):
        label = (unit.chunk.heading_path[-1] if unit.chunk.heading_path else unit.chunk.title).rstrip(":")
        if not re.search(r"\d", label) and label.lower() not in unit.text.lower():
            return f"{label}: {unit.text}"  # a label with a number would state a fact its quote does not hold
    return unit.text


def source_name(chunk: Chunk) -> str:
    m = re.search(r"\(([A-Za-z]+)\)", chunk.issuer)
    issuer = m.group(1) if m else chunk.issuer
    return f"“{chunk.title}” ({issuer})" if issuer else f"“{chunk.title}”"


def _similar(a: Unit, b: Unit) -> bool:
    if not a.tokens or not b.tokens:
        return a.text == b.text
    return len(a.tokens & b.tokens) / len(a.tokens | b.tokens) > 0.7


@dataclass
class Selection:
    lead: Unit  # the unit the answer stands on (the policy judges it)
    units: list[Unit]  # what is quoted: the lead with the neighbours that complete it, in document order, then runners-up
    group: list[Unit] = field(default_factory=list)  # the lead with the neighbours that complete it


def _holds_value(unit: Unit, type_re: re.Pattern | None) -> bool:
    """The unit holds the asked-for email/date/number and shares enough of the question to be about it."""
    return type_re is not None and type_re.search(unit.text) is not None and unit.coverage >= TYPED_COVERAGE


def _typed_first(units: list[Unit], type_re: re.Pattern | None) -> list[Unit]:
    """Best first, except that the best unit holding the asked-for email/date/number leads when there is one."""
    ranked = sorted(units, key=lambda u: u.score, reverse=True)
    if type_re is not None:
        typed = [u for u in ranked if _holds_value(u, type_re)]
        if typed:
            ranked.remove(typed[0])
            ranked.insert(0, typed[0])
    return ranked


def select_units(units: list[Unit], type_re: re.Pattern | None,
                 parts: list[tuple[list[Unit], re.Pattern | None]] = ()) -> Selection | None:
    """Best unit with the neighbours that complete it; then, for a question of several parts ("how many …, and
    when …?"), each part's own best unit (`parts`: each part's ranked units and asked-for value); then close
    runners-up from elsewhere."""
    ranked = _typed_first(units, type_re)
    if not ranked:
        return None
    lead = ranked[0]
    chosen = completed(lead, units)
    whole = group_size = len(chosen)  # units answering the whole question (parts' units don't count against MAX_UNITS)
    words = sum(len(unit_sentence(u).split()) for u in chosen)

    def fresh(u: Unit) -> bool:
        return not any(_similar(u, c) or u.text in c.text or c.text in u.text for c in chosen)

    for part_units, part_type in parts:
        part_ranked = _typed_first(part_units, part_type)
        best = part_ranked[0] if part_ranked else None
        # weak (unless it holds what the part asks for), or that part is answered already
        if best is None or (best.score < PART_FLOOR and not _holds_value(best, part_type)) or not fresh(best):
            continue
        group = [u for u in completed(best, part_units) if fresh(u)]
        n_words = sum(len(unit_sentence(u).split()) for u in group)
        if words + n_words <= MAX_WORDS - 25:
            chosen += group
            words += n_words
    for u in ranked[1:]:
        if whole >= MAX_UNITS or u.score < RUNNER_UP_SHARE * lead.score or u.coverage < RUNNER_UP_COVERAGE:
            continue
        if type_re is not None and not type_re.search(u.text):
            continue
        if not fresh(u):
            continue
        n_words = len(unit_sentence(u).split())
        if words + n_words > MAX_WORDS - 25:
            continue
        chosen.append(u)
        whole += 1
        words += n_words
    return Selection(lead, chosen, chosen[:group_size])


# A sentence that leans on its neighbour: "As a result, …", "This was done …", "These may include …".
LEANS_BACK = re.compile(r"^(?:as a result|this|these|that|those|such|it|they|its|their|however|therefore|thus|hence|"
                        r"in addition|additionally|also|otherwise|instead|por lo tanto|sin embargo|además|esto|estos|"
                        r"estas|esta|este|ello|así)\b", re.IGNORECASE)
# A field of a record under its name: "Purpose: To provide …", "Effective date: May 1, 2025".
FIELD = re.compile(r"^[A-Z][A-Za-z]+(?: [A-Za-z]+){0,2}:\s+\S")
TITLE_WORDS = 20  # a line this short, not itself a field, may be the name of the record whose fields follow
NEIGHBOUR_WORDS = 70  # the lead and the neighbours that complete it stay this short
NEIGHBOUR_SHARE = 0.3  # a neighbour that merely continues joins when its score is this share of the lead's


def _unfinished(unit: Unit) -> bool:
    text = unit.text.rstrip()
    return text.endswith(":") or not text.endswith((".", "!", "?", ")", '"', "”"))


def _record_name(unit: Unit) -> bool:
    return len(unit.text.split()) <= TITLE_WORDS and not FIELD.match(unit.text)


def _continues(before: Unit, after: Unit, lead: Unit) -> bool:
    """`after` completes `before`: a sentence cut by a line wrap, a reference back, the list a colon opens, or the
    next item of the lead's list that scores close to it."""
    if after.kind == "question":
        return False
    if _unfinished(before) and (after.text[:1].islower() or before.text.rstrip().endswith(":")):
        return True
    if LEANS_BACK.match(after.text) or (_fragment(before) and _fragment(after)):  # a name, then its title line
        return True
    if before is lead and _record_name(before) and FIELD.match(after.text):  # a record's name, then its field
        return True
    return before.kind == after.kind == "item" and after.score >= NEIGHBOUR_SHARE * lead.score


def completed(lead: Unit, units: list[Unit]) -> list[Unit]:
    """The lead, in document order with the neighbours of its chunk that it leans on or that complete it (the
    reason before "As a result, …", the items after "…include:", the rest of a wrapped sentence)."""
    same = sorted((u for u in units if u.chunk.id == lead.chunk.id), key=lambda u: u.start)
    i = next((k for k, u in enumerate(same) if u is lead), None)
    if i is None:
        return [lead]
    first, last = i, i
    words = len(unit_sentence(lead).split())

    def fits(u: Unit) -> bool:
        return words + len(unit_sentence(u).split()) <= NEIGHBOUR_WORDS

    while first > 0 and LEANS_BACK.match(same[first].text) and fits(same[first - 1]) and first > i - 2:
        first -= 1
        words += len(unit_sentence(same[first]).split())
    if first == i and i > 0 and FIELD.match(lead.text) and _record_name(same[i - 1]) and fits(same[i - 1]):
        first -= 1  # a field quoted with the name of its record ("BHIN No: 22-026, May 6, 2022." before "Purpose: …")
        words += len(unit_sentence(same[first]).split())
    while last + 1 < len(same) and last < i + 3 and _continues(same[last], same[last + 1], lead) and fits(same[last + 1]):
        last += 1
        words += len(unit_sentence(same[last]).split())
    return same[first:last + 1]


def conflicting_numbers(lead: Unit, pool: list[Unit], type_re: re.Pattern) -> Unit | None:
    """A retrieved passage on the same topic as the lead that gives a different figure (e.g. 48 vs 42 states)."""
    lead_figures = {m.group(0) for m in type_re.finditer(lead.text)}
    if not lead_figures:
        return None
    lead_numbers = set(NUMBER.findall(" ".join(lead_figures)))
    for u in sorted(pool, key=lambda x: x.score, reverse=True):
        figures = {m.group(0) for m in type_re.finditer(u.text)}
        numbers = set(NUMBER.findall(" ".join(figures)))
        if not numbers or numbers & lead_numbers or u.text in lead.text or lead.text in u.text:
            continue
        if len(lead.tokens & u.tokens) >= 3 and u.coverage >= 0.6 * lead.coverage:
            return u
    return None


# What a Spanish lead copies from the lead quote, by the kind of value asked for (the quote stays cited in English).
LEAD_VALUES = {
    "email": EMAIL,
    "phone": PHONE,
    "date": re.compile(r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December|"
                       r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?\s+\d{1,2}(?:,\s*\d{4})?\b"
                       r"|\b\d{1,2}/\d{1,2}/\d{2,4}\b"),
    "amount": re.compile(r"\$\s?\d{1,3}(?:,\d{3})*(?:\.\d+)?"),
}


def spanish_lead(query: Query, lead: Unit, cites: Citations) -> str | None:
    """'Según los documentos del programa, la cantidad es $600 [1].': the asked-for value, copied from the lead quote
    when it holds exactly one (of two dates, which one was asked for is the reader's to see in the quote)."""
    if query.answer_type == "number" and not asks_for_money(query.original):
        return None  # hours, scores and counts have no lead: only an amount of money is copied
    kind = "amount" if query.answer_type == "number" else query.answer_type
    pattern = LEAD_VALUES.get(kind)
    values = {m.group(0) for m in pattern.finditer(lead.text)} if pattern else set()
    if len(values) != 1:
        return None
    return msg("es", f"lead_{kind}", value=values.pop(), n=cites.add(lead.chunk, lead.start, lead.end))


def _spells(words: list[str], spellings: set[str]) -> bool:
    initials = "".join(part[0].lower() for w in words for part in w.split("-") if part[:1].isupper())
    return bool(words) and words[0][:1].isupper() and initials in spellings


def acronym_expansion(acronym: str, text: str) -> str | None:
    """'Peer Workforce Investment' for PWI in '… Peer Workforce Investment (PWI) …' or in a glossary line 'PWI — Peer
    Workforce Investment': the words whose initials spell the acronym (all its letters, or its capitals: CalMHSA)."""
    def spellings(written: str) -> set[str]:
        return {re.sub(r"[^a-z]", "", written.lower()), re.sub(r"[^A-Z]", "", written).lower()} - {""}

    glossary = re.match(rf"\s*({re.escape(acronym)})\s*[—:–-]\s*([^.;(]+)", text, re.IGNORECASE)
    if glossary:
        words = [w.strip("*_\"'“”‘’,") for w in glossary.group(2).split()]
        if _spells(words, spellings(glossary.group(1))):
            return " ".join(words)
    for m in re.finditer(rf"((?:[\w'’&*-]+\s+){{1,10}})\(\s*({re.escape(acronym)})\s*\)", text, re.IGNORECASE):
        words = [w.strip("*_\"'“”‘’") for w in m.group(1).split()]
        for k in range(1, len(words) + 1):
            if _spells(words[-k:], spellings(m.group(2))):
                return " ".join(words[-k:])
    return None


def acronym_lead(query: Query, acronym: str, units: list[Unit], cites: Citations) -> str | None:
    """'PWI stands for Peer Workforce Investment [1].': the expansion copied from a quoted unit."""
    for u in sorted(units, key=lambda u: -u.score):  # the best-ranked unit that spells it out
        expansion = acronym_expansion(acronym, u.text)
        if expansion:
            return msg(query.language, "acronym", acronym=acronym.upper(), expansion=expansion,
                       n=cites.add(u.chunk, u.start, u.end))
    return None


def compose_answer(query: Query, selection: Selection, cites: Citations, conflict: Unit | None = None,
                   acronym: str | None = None) -> str:
    """`conflict`: a passage giving a different figure than the lead (see conflicting_numbers); both are shown.
    `acronym`: what a definition question asks about, when it may be an acronym: the answer opens with its
    expansion when a quoted unit spells it out. A Spanish answer opens with the asked-for value in Spanish when
    the lead quote holds one and no source disagrees."""
    # with disagreeing sources there is no one value to lead with: both are shown side by side
    chosen = selection.units
    lead = acronym_lead(query, acronym, chosen, cites) if acronym else None
    if lead is None and query.language == "es" and not conflict:
        lead = spanish_lead(query, selection.lead, cites)
    parts: list[str] = [lead] if lead else []
    if query.language == "es" and not lead:
        parts.append(msg("es", "intro"))
    if conflict and all(conflict.text != c.text for c in chosen):
        chosen = chosen[:2] + [conflict]
    for run in _wrapped_runs(chosen):
        first, last = run[0], run[-1]
        text = unit_sentence(first) if len(run) == 1 else " ".join(first.chunk.text[first.start - first.chunk.start:
                                                                                   last.end - first.chunk.start].split())
        parts.append(with_marker(text, cites.add(first.chunk, first.start, last.end)))
    if conflict:
        parts.append(msg(query.language, "conflict"))
    elif any(TIME_SENSITIVE.search(u.text) for u in chosen):
        parts.append(msg(query.language, "dated"))
    if query.language == "es":
        parts.append(msg("es", "quotes_in_english"))
    return " ".join(parts)


def _wrapped_runs(units: list[Unit]) -> list[list[Unit]]:
    """Consecutive units that are one sentence cut by a line wrap ("… across the state" + "one that does not …")
    are quoted as one passage, so no sentence of the answer starts in lower case."""
    runs: list[list[Unit]] = []
    for u in units:
        prev = runs[-1][-1] if runs else None
        if prev is not None and prev.chunk.id == u.chunk.id and u.start >= prev.end and _unfinished(prev) \
                and not prev.text.rstrip().endswith(":") and u.text[:1].islower() \
                and not prev.chunk.text[prev.end - prev.chunk.start:u.start - prev.chunk.start].strip(" \n—–-;,"):
            runs[-1].append(u)
        else:
            runs.append([u])
    return runs


def compose_abstention(query: Query, near: Unit | None, referral: Referral | None, contact: Contact | None,
                       cites: Citations) -> str:
    parts = [msg(query.language, "not_in_documents")]
    if near is not None:
        parts += [msg(query.language, "nearby"), with_marker(unit_sentence(near), cites.add(near.chunk, near.start, near.end))]
    parts.append(referral_sentence(query.language, referral, contact, cites))
    return " ".join(p for p in parts if p)


def referral_sentence(language: str, referral: Referral | None, contact: Contact | None, cites: Citations) -> str:
    """The profile's referral, cited to the passage that holds its contact ('' when the profile names none)."""
    if referral is None:
        return ""
    if contact is None:
        return referral.sentence_plain(language)
    n = cites.add(contact.chunk, contact.start, contact.end)
    return with_marker(referral.sentence(language).format(contact=contact.value), n)
