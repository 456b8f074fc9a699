"""Does a sentence contradict the passage sentences it leans on? Read clause by clause, five ways.

An LLM's sentence can share almost every word with its passage and still say the opposite. Word
overlap (assistant/grounding.py) cannot see that, so each kept sentence is compared with the
sentences that support it:
- negation attached to the same thing: "counties that do not opt in can bill" against "counties that
  opt in can bill" (the thing a negation attaches to is the first content word or two after it);
- the direction of a limit or comparison around the same figure: "at most 18" against "at least 18";
- the unit of the same figure: "6 weeks" against "6 months";
- a word against its opposite (required/optional, allowed/prohibited, before/after, in person/online…),
  a general English and Spanish list, nothing from any program;
- who does what to whom: the same two parties on either side of the same verb, in the other order
  ("the county certifies CalMHSA" against "CalMHSA certifies …" read as "X certifies Y"; "by" turns a
  passive round).
Spanish sentences are read in their own words for the cues and through the bilingual word list for the
content words, as the rest of verification does. What a sentence denies is read by assistant/negation.py.
"""

import re
from dataclasses import dataclass

from assistant.language import to_english_query
from wordfreq import zipf_frequency

from assistant.negation import CLAUSE_BREAK, TOKEN, denies, negated, plain_idioms, words
from assistant.numerals import numerals
from ingest.lexical import strip_accents, tokenize

# Limits and comparisons, each with its direction: "≤" (a ceiling, or earlier) or "≥" (a floor, or later).
_AT_MOST = ("at most", "no more than", "not more than", "no older than", "not older than", "younger than", "up to",
            "no later than", "not later than", "no longer than", "not longer than",
            "maximum", "max", "not exceed", "not to exceed",
            "under", "less than", "fewer than", "below", "within", "or less", "or fewer", "before", "prior to",
            "como maximo", "a lo sumo", "hasta", "no mas de", "menos de", "maximo", "dentro de", "antes de")
_AT_LEAST = ("at least", "no less than", "not less than", "no fewer than", "no younger than", "not younger than",
             "no earlier than", "not earlier than", "no sooner than", "not sooner than",
             "older than", "minimum", "min", "more than", "over",
             "exceed", "exceeds", "above", "or more", "after", "beyond", "al menos", "por lo menos", "como minimo",
             "minimo", "mas de", "despues de", "o mas")
_TRAILING = {"or more": "≥", "or older": "≥", "or over": "≥", "or fewer": "≤", "or less": "≤", "or younger": "≤",
             "or under": "≤", "o mas": "≥", "o mayor": "≥", "o menos": "≤", "o menor": "≤"}
_UNITS = {"minute": "minute", "minutes": "minute", "minuto": "minute", "minutos": "minute", "hour": "hour",
          "hours": "hour", "hora": "hour", "horas": "hour", "day": "day", "days": "day", "dia": "day", "dias": "day",
          "week": "week", "weeks": "week", "semana": "week", "semanas": "week", "month": "month", "months": "month",
          "mes": "month", "meses": "month", "year": "year", "years": "year", "ano": "year", "anos": "year",
          "percent": "percent", "porcentaje": "percent", "por": None, "dollars": "dollar", "dolares": "dollar",
          "credits": "credit", "creditos": "credit", "units": "unit", "unidades": "unit", "sessions": "session",
          "sesiones": "session", "times": "time", "veces": "time", "attempts": "attempt", "intentos": "attempt"}
# Words and their opposites, English and Spanish (accents stripped), from general language.
_OPPOSITES = [
    ({"required", "requires", "require", "mandatory", "obligatory", "compulsory", "obligatorio", "obligatoria",
      "obligatorios", "obligatorias", "requerido", "requerida", "requisito"},
     {"optional", "voluntary", "elective", "opcional", "opcionales", "voluntario", "voluntaria"}),
    ({"must", "shall", "debe", "deben"}, {"may", "optional", "opcional"}),
    ({"allowed", "permitted", "allows", "permits", "authorized", "may", "can", "permitido", "permitida", "permite",
      "autorizado", "puede", "pueden"},
     {"prohibited", "forbidden", "banned", "disallowed", "barred", "prohibido", "prohibida", "prohibe"}),
    ({"eligible", "qualified", "qualifies", "elegible", "elegibles", "califica"},
     {"ineligible", "unqualified", "disqualified", "inelegible", "descalificado"}),
    ({"free", "gratis", "gratuito", "gratuita", "no-cost"}, {"paid", "charged", "fee", "cost", "costs", "cobra", "pagado",
                                                              "pagada", "costo", "cuota", "tarifa", "pay", "pays", "charge",
                                                              "charges", "copay", "copayment", "pagar", "pagan", "paga",
                                                              "copago", "cobran"}),
    ({"include", "includes", "included", "including", "incluye", "incluido", "incluida", "incluyen"},
     {"exclude", "excludes", "excluded", "excluding", "excluye", "excluido", "excluida", "excluyen"}),
    ({"before", "prior", "earlier", "antes"}, {"after", "later", "despues"}),
    ({"minimum", "least", "minimo", "minima"}, {"maximum", "most", "maximo", "maxima"}),
    ({"earliest", "first", "primero", "primera"}, {"latest", "last", "ultimo", "ultima"}),
    ({"increase", "increases", "increased", "raise", "aumenta", "aumento", "sube"},
     {"decrease", "decreases", "decreased", "reduce", "reduces", "reduced", "lower", "disminuye", "reduce", "baja"}),
    ({"approve", "approves", "approved", "accept", "accepts", "accepted", "aprueba", "aprobado", "acepta", "aceptado"},
     {"deny", "denies", "denied", "reject", "rejects", "rejected", "niega", "negado", "rechaza", "rechazado"}),
    ({"open", "opens", "abierto", "abierta", "abre"}, {"closed", "closes", "cerrado", "cerrada", "cierra"}),
    ({"always", "siempre"}, {"never", "nunca", "jamas"}),
    ({"public", "publico", "publica"}, {"private", "privado", "privada"}),
    ({"person", "presencial", "presenciales", "onsite"}, {"online", "virtual", "remote", "remotely", "virtuales", "linea"}),
    ({"full-time", "completo"}, {"part-time", "parcial"}),
    ({"taxable", "gravable"}, {"tax-exempt", "exempt", "nontaxable", "non-taxable", "exento", "exenta"}),
    ({"valid", "valida", "valido", "vigente"}, {"invalid", "expired", "invalida", "invalido", "vencida", "vencido"}),
    ({"same", "mismo", "misma"}, {"different", "distinto", "distinta", "diferente"}),
    ({"certified", "certificado", "certificada"}, {"uncertified"}),
    ({"start", "starts", "begin", "begins", "empieza", "comienza", "inicia"}, {"end", "ends", "finish", "finishes", "termina", "acaba"}),
]
_PARTY_WORDS = {"county", "counties", "condado", "condados", "state", "estado", "supervisor", "supervisors", "entity",
                "entities", "government", "participant", "participants", "manager", "managers", "council", "board",
                "commission", "school", "student", "students", "staff", "employee", "employees", "worker", "workers",
                "family", "families", "parent", "parents", "client", "clients", "committee", "office", "team",
                "coordinator", "director", "organization", "organizations", "contractor", "contractors",
                "supervisora", "peer", "peers", "par", "pares", "provider", "providers", "proveedor", "employer",
                "employers", "empleador", "member", "members", "miembro", "applicant", "applicants", "solicitante",
                "plan", "plans", "department", "departamento", "agency", "agencia", "candidate", "candidates",
                "candidato", "trainer", "trainers", "clinician", "clinicians", "beneficiary", "beneficiaries"}
_BY = {"by", "por"}


@dataclass(frozen=True)
class Finding:
    kind: str  # negation | quantifier | unit | opposite | role
    detail: str

    def reason(self) -> str:
        return f"it contradicts the cited passage ({self.kind}: {self.detail})"


def _stems(text: str, language: str) -> set[str]:
    return set(tokenize(to_english_query(text) if language == "es" else text))


def _stem(word: str) -> str:
    found = tokenize(word)
    return found[0] if found else ""


def _direction_before(found: list[str], i: int) -> str | None:
    before = " ".join(found[max(0, i - 4):i])
    after = " ".join(found[i + 1:i + 4])
    for phrase, sign in _TRAILING.items():
        if after.startswith(phrase) or f" {phrase}" in f" {after}"[:len(phrase) + 8]:
            return sign
    # the phrase nearest the number, and of two ending there the longer ("no more than", not "more than")
    hits = [(before.rfind(p) + len(p), len(p), sign) for phrases, sign in ((_AT_MOST, "≤"), (_AT_LEAST, "≥"))
            for p in phrases if re.search(rf"(?:^|\s){re.escape(p)}$|(?:^|\s){re.escape(p)}\s", before)]
    return max(hits)[2] if hits else None


def _number(word: str) -> str:
    return word.replace(",", "").removesuffix(".0")


def _figures(text: str) -> dict[str, tuple[str | None, str | None]]:
    """Each number in the text: the direction of the limit around it and the unit after it."""
    found = words(text)
    out: dict[str, tuple[str | None, str | None]] = {}
    for i, w in enumerate(found):
        if w[0].isdigit():
            number = _number(w)
            unit = _UNITS.get(found[i + 1]) if i + 1 < len(found) else None
            out.setdefault(number, (_direction_before(found, i), unit))
    return out


def _counted(text: str) -> set[tuple[str, str]]:
    """Each number with the unit it counts, the unit right after it or one word later ('5 business days')."""
    found = words(text)
    return {(_number(w), unit) for i, w in enumerate(found) if w[0].isdigit()
            for unit in [_UNITS.get(found[i + 1]) if i + 1 < len(found) else None,
                         _UNITS.get(found[i + 2]) if i + 2 < len(found) else None] if unit}


def _opposite(claim: set[str], support: set[str]) -> str | None:
    for one, other in _OPPOSITES:
        for mine, theirs in ((one, other), (other, one)):
            said = claim & mine
            if said and not (support & mine) and support & theirs:
                return f"'{sorted(said)[0]}' where the passage says '{sorted(support & theirs)[0]}'"
    return None


def _parties(text: str) -> list[tuple[int, str]]:
    """The parties a sentence names, each with its position: runs of acronyms, capitalised names and role words
    ("the Program Manager", "county behavioral health plans" → "county")."""
    out: list[tuple[int, str]] = []
    previous = -2
    for i, raw in enumerate(TOKEN.findall(text)):
        word = strip_accents(raw.lower())
        named = raw[0].isupper() and (i > 0 or any(c.isupper() for c in raw[1:]) or zipf_frequency(word, "en") < 4.5)
        if named or word in _PARTY_WORDS:
            stem = _stem(word) or word
            if previous == i - 1 and out:
                out[-1] = (out[-1][0], f"{out[-1][1]} {stem}")
            else:
                out.append((i, stem))
            previous = i
    return out


def _sides(text: str, verb: str) -> tuple[set[str], set[str]] | None:
    """The parties before and after the first use of `verb`: who does it, and to or for whom ('by X' turns them)."""
    raw = TOKEN.findall(text)
    stems = [_stem(strip_accents(w.lower())) for w in raw]
    if verb not in stems:
        return None
    at = stems.index(verb)
    parties = _parties(text)
    before = {p for i, p in parties if at - 10 <= i < at}
    after = [(i, p) for i, p in parties if at < i <= at + 14]
    if not before or not after:
        return None
    participle = re.search(r"(?:ed|en|ado|ada|ido|ida)$", raw[at].lower()) is not None
    if participle and any(strip_accents(w.lower()) in _BY for w in raw[at + 1:after[0][0]]):
        return {p for _, p in after}, before
    return before, {p for _, p in after}


def _swapped(claim: str, support: str) -> str | None:
    """Two parties on either side of the same verb, in the other order."""
    party_words = {w for _, p in _parties(claim) + _parties(support) for w in p.split()}
    for verb in sorted(set(tokenize(claim)) & set(tokenize(support)) - party_words):
        mine, theirs = _sides(claim, verb), _sides(support, verb)
        if mine and theirs and mine[0] & theirs[1] and mine[1] & theirs[0] and not mine[0] & theirs[0]:
            return f"'{sorted(mine[0])[0]}' and '{sorted(mine[1])[0]}' swapped around '{verb}'"
    return None


# "P rather than Q", "P instead of Q", "P, not Q", "P y no Q", "P en lugar de Q": the claim says P does it and Q does not.
_CONTRAST = re.compile(r"\b(?:rather\s+than|instead\s+of|in\s+place\s+of|en\s+lugar\s+de|en\s+vez\s+de)\b|"
                       r"(?:,|\by)\s+(?:and\s+)?(?:not|no)\b(?!\s+(?:only|just|solo|s[oó]lo)\b)", re.IGNORECASE)


def _party_stems(text: str, language: str) -> list[str]:
    """The parties `text` names, as English stems (a Spanish 'condado' is the passage's 'county')."""
    found = [p for _, p in _parties(text)]
    if language == "es":
        found = [" ".join(tokenize(to_english_query(p))) or p for p in found]
    return found


def _contrasted(claim: str, closest: list[str], language: str) -> str | None:
    """A claim that gives something to P 'rather than' Q where the passage names Q and never P."""
    match = _CONTRAST.search(claim)
    if not match:
        return None
    before, after = _party_stems(claim[:match.start()], language), _party_stems(claim[match.end():], language)
    if not before or not after:
        return None
    other = after[0]  # the party the contrast sets aside
    theirs = {w for s in closest for p in _party_stems(s, "en") for w in p.split()}
    unnamed = [p for p in before if not set(p.split()) <= theirs]
    if set(other.split()) <= theirs and unnamed:
        return f"the passage names '{other}', not '{unnamed[-1]}'"
    return None


_CLAUSES = re.compile(r"[,;:()]|[.!?](?=\s)|\b(?:but|however|whereas|although|though|rather|pero|sino|aunque)\b", re.IGNORECASE)


def _denial(claim: str, closest: list[str], sentences: list[str], language: str) -> Finding | None:
    """One of the two denies what the other asserts: the whole sentence, or one clause against the passage clause
    that shares most of its words (a negation moved to the other half of "X, but not Y"). A claim that denies what
    another supporting sentence denies too is not set against the closest one ("Avoid clinical words … because they
    don't assess" for "Avoid clinical language … Peers do not assess")."""
    claim_stems = _stems(claim, language)
    concord = language == "es"  # the claim's negations stack in Spanish; the passage's English ones count in pairs
    denied = negated(claim, language)
    also_denied = denies(claim, concord) and denied and any(denies(s) and denied & negated(s) for s in sentences)
    pairs = [] if also_denied else [(claim, closest, claim_stems, True)]
    theirs = [c for s in closest for c in _CLAUSES.split(s) if c.strip()]
    for clause in _CLAUSES.split(claim):
        stems = _stems(clause, language)
        if len(stems) >= 3:
            best = max(theirs, key=lambda c: len(stems & set(tokenize(c))), default=None)
            if best is not None and len(stems & set(tokenize(best))) >= max(3, 0.5 * len(stems)):
                pairs.append((clause, [best], stems, False))
    for mine, candidates, stems, whole in pairs:
        if all(denies(mine, concord) != denies(c) for c in candidates):
            shared = stems & {t for c in candidates for t in tokenize(c)}
            about = (negated(mine, language) | {t for c in candidates for t in negated(c)}) & shared
            # a Spanish sentence shares fewer words with its English passage once rendered word by word; a clause
            # counts only when the denied words are its own (the passage's clause may carry a denial of something else)
            if about or whole and len(shared) >= (0.3 if language == "es" else 0.6) * max(len(stems), 1):
                term = sorted(about)[0] if about else "the same statement"
                side = "denies" if denies(mine, concord) else "asserts"
                return Finding("negation", f"it {side} '{term}', which the passage "
                                           f"{'asserts' if side == 'denies' else 'denies'}")
    return None


_NECESSITY = re.compile(r"\b(?:must|needs?|required?|requires|requirement|mandatory|necessary|ha(?:ve|s)\s+to|"
                        r"obligatori[oa]s?|necesari[oa]s?|requisito|requiere|necesit\w+|tienen?\s+que|hay\s+que|deben?)\b",
                        re.IGNORECASE)
_NO_NECESSITY = re.compile(r"(?:\bnot|n't|\bno|\bnever|\bnunca)\s+(?:\w+\s+){0,2}?(?:required|requires?|mandatory|necessary|"
                           r"needs?|needed|ha(?:ve|s)\s+to|obligatori[oa]s?|necesari[oa]s?|requisito|necesit\w+|"
                           r"tienen?\s+que|hace\s+falta)\b", re.IGNORECASE)


def _necessity_denied(claim: str, closest: list[str], language: str) -> bool:
    """The claim says something must be done where the passage's clause about it says it need not be."""
    if not _NECESSITY.search(claim) or denies(claim, language == "es"):
        return False
    stems = _stems(claim, language)
    clauses = [c for s in closest for c in CLAUSE_BREAK.split(s) if c.strip()]
    best = max(clauses, key=lambda c: len(stems & set(tokenize(c))), default="")
    return bool(_NO_NECESSITY.search(best)) and len(stems & set(tokenize(best))) >= 2


def contradiction(claim: str, support: list[str], language: str = "en", around: tuple[str, ...] | list[str] = ()) \
        -> Finding | None:
    """The first way `claim` contradicts the sentences that support it, or None. Figures are compared as digits: the
    claim's spelled-out numbers are read in its language; `support` comes with its own already read
    (assistant/numerals.py). `around`: the cited passages' other sentences about the same thing, where a denial the
    claim restates may sit."""
    if not support:
        return None
    claim, support = plain_idioms(claim), [plain_idioms(s) for s in support]
    joined = " ".join(support)
    claim_stems = _stems(claim, language)
    overlaps = [len(claim_stems & set(tokenize(s))) for s in support]
    closest = [s for s, n in zip(support, overlaps) if n == max(overlaps)]  # the sentence(s) the claim restates
    found = _denial(claim, closest, support + [plain_idioms(s) for s in around], language)
    if found:
        return found
    if _necessity_denied(claim, closest, language):
        return Finding("negation", "it says it is required where the passage says it is not")
    mine, theirs = _figures(numerals(claim, language)), _figures(joined)
    for number, (direction, unit) in mine.items():
        if number not in theirs:
            continue
        their_direction, their_unit = theirs[number]
        if direction and their_direction and direction != their_direction:
            return Finding("quantifier", f"'{direction} {number}' where the passage says '{their_direction} {number}'")
        if unit and their_unit and unit != their_unit:
            return Finding("unit", f"{number} {unit}s where the passage says {number} {their_unit}s")
    # a count of a unit the passage's restated sentence counts differently ('5 years' where it says 'seven years'),
    # though the number itself may occur elsewhere in the passage
    theirs_counted, closest_counted = _counted(joined), _counted(" ".join(closest))
    for number, unit in _counted(numerals(claim, language)) - theirs_counted:
        other = sorted(n for n, u in closest_counted if u == unit and n != number)
        if other:
            return Finding("number", f"{number} {unit}s where the passage says {other[0]} {unit}s")
    # the supporting sentences about the same thing (two words in common): another may use the word elsewhere
    related = [s for s in support if len(claim_stems & set(tokenize(s))) >= 2] or closest
    # a word a negation attaches to is not said ("do not pay" is not "pay")
    denied = negated(claim, language)
    said = {w for w in words(claim) if not _stems(w, language) & denied}
    found = _opposite(said, {w for sentence in related for w in words(sentence)})
    if found:
        return Finding("opposite", found)
    contrasted = _contrasted(claim, closest, language)
    if contrasted:
        return Finding("role", contrasted)
    if language == "en":
        for sentence in closest:
            swapped = _swapped(claim, sentence)
            if swapped:
                return Finding("role", swapped)
    return None
