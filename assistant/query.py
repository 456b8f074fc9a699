"""What a question asks for: its language, retrieval text, expected answer type, counties, follow-ups.

All of this is about the question, never about the answer's facts: facts only ever come
from cited passages.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.language import detect_language, to_english_query
from assistant.shorthand import plain
from assistant.spelling import Vocabulary
from ingest.lexical import strip_accents, tokenize
from ingest.profile import AnchorRule

MAX_MESSAGE_CHARS = 2000

COUNTIES = [
    "Alameda", "Alpine", "Amador", "Butte", "Calaveras", "Colusa", "Contra Costa", "Del Norte", "El Dorado", "Fresno",
    "Glenn", "Humboldt", "Imperial", "Inyo", "Kern", "Kings", "Lake", "Lassen", "Los Angeles", "Madera", "Marin",
    "Mariposa", "Mendocino", "Merced", "Modoc", "Mono", "Monterey", "Napa", "Nevada", "Orange", "Placer", "Plumas",
    "Riverside", "Sacramento", "San Benito", "San Bernardino", "San Diego", "San Francisco", "San Joaquin",
    "San Luis Obispo", "San Mateo", "Santa Barbara", "Santa Clara", "Santa Cruz", "Shasta", "Sierra", "Siskiyou",
    "Solano", "Sonoma", "Stanislaus", "Sutter", "Tehama", "Trinity", "Tulare", "Tuolumne", "Ventura", "Yolo", "Yuba",
]
_COUNTY_ALIASES = {"la county": "Los Angeles", "l.a.": "Los Angeles", "sf": "San Francisco", "slo": "San Luis Obispo",
                   "condado de los angeles": "Los Angeles"}
_INJECTION = re.compile(
    r"(ignore|disregard|forget|override)\b[^.?!\n]{0,40}\b(instructions?|rules?|prompts?|guidelines|above|previous)"
    r"|\b(system prompt|you are now|act as|pretend (to be|you)|jailbreak|developer mode|reveal your|print your)"
    r"|\bignora\w*\b[^.?!\n]{0,40}\binstrucciones", re.IGNORECASE)
_FOLLOW_UP_START = re.compile(r"^\s*(and|also|what about|how about|what if|ok(ay)?,? and|then|y|¿y|¿y qué|qué tal|y si|and for)\b",
                              re.IGNORECASE)
_PRONOUN = re.compile(r"\b(it|that|this|they|them|there|those|these|he|him|his|she|her|eso|esto|ello|ellos|ella|él|ahí|allí)\b",
                      re.IGNORECASE)

ANSWER_TYPES = {
    "email": re.compile(r"\b(e-?mails?|correo|contact(o|ar)?|reach (out|them)|write to|who (do|can|should) i (ask|contact|talk|write)"
                        r"|where (do|can|should) i (send|ask|write|direct)|send (my |our )?(questions|comments)"
                        r"|a qui[eé]n (escribo|contacto|pregunto)|inbox)\b", re.IGNORECASE),
    "phone": re.compile(r"\b(phone|call|dial[- ]?in|tel[eé]fono|llamar|number to call|what(?:['’]?s| is)? the number(?!\s+of)|"
                        # "¿a dónde llamo?", not "me llamo Ana"; "le marco", not "en el marco de"
                        r"which number|(?<!me )llamo|marcar|le marco|(?:a|al) qu[eé] n[uú]mero|n[uú]mero (?:pa|para) \w+)\b",
                        re.IGNORECASE),
    # "when" asks for a date at the start of a clause or before a verb ("when is it due"), not in "how do I … when I …".
    # "cuándo" asks when; an unaccented "cuando" asks only after "¿" or "y" ("Cuando apruebe el examen, …" means "once")
    "date": re.compile(r"\b(what date|which date|deadline|due|by what|what time|start(ed)? date|cuándo|fecha|plazo|"
                       r"(what|which|qu[eé]) (year|month|day|a[nñ]o|mes|d[ií]a)s?)\b|"
                       r"(¿\s*|\by\s+)cuando\b|"
                       r"(^|[^\w\s']\s*|\b(and|so|but|then|ok|okay)\s+)when\b|"
                       r"\bwhen\s+(is|are|was|were|do|does|did|will|can|could|should|would|has|have|had)\b", re.IGNORECASE),
    "number": re.compile(r"\b(how (many|much|long)|cu[aá]nt[oa]s?|costs?|fees?|price|pay|score|percent|hours?|minimum|"
                         r"maximum|cuesta|costo|horas|puntaje|calificaci[oó]n|rates?|wages?|salar(?:y|ies)|hourly|tarifas?|"
                         r"sueldos?|salarios?)\b", re.IGNORECASE),
}
_COUNT_WORDS = re.compile(r"\b(how (many|much|long)|cu[aá]nt[oa]s?|score|percent|hours?|minimum|maximum|horas|puntaje|"
                          r"calificaci[oó]n)\b", re.IGNORECASE)
_WH = re.compile(r"\b(what|whats|wat|wats|which|how|qu[eé]|cu[aá]l(es)?)\b", re.IGNORECASE)
_MEMBERSHIP = re.compile(r"\b(particip\w*|take part|opt(ed|ing)?[- ]in|included|on the list|in (the|this)( [\w-]+){0,3} program|part of|"
                         r"signed up|forma parte|incluid\w*)\b", re.IGNORECASE)
_LIST_COUNTIES = re.compile(r"\b(which|what|list( of)?|all( the)?|cu[aá]les|qu[eé])\s+(counties|condados)\b", re.IGNORECASE)


@dataclass
class Query:
    original: str
    language: str
    text: str  # what is retrieved: English, follow-up resolved, injection removed
    answer_type: str = "general"  # email | phone | date | number | membership | county_list | general
    counties: list[str] = field(default_factory=list)
    injection: bool = False
    follow_up: bool = False
    focus: str = ""  # the newest message in corpus English: its terms weigh more than the history's
    cleaned: str = ""  # the newest message in its own language, injection removed, "my county" named
    meaning: str = ""  # what the multilingual model embeds: `cleaned`, after the previous question for a follow-up
    swapped: bool = False  # "and the Hmong one?" rewritten as the previous question about it (assistant/swap.py)
    previous: "Query | None" = None  # a follow-up's previous question, as it was understood


_AMBIGUOUS = {"Orange", "Lake", "Kings", "Glenn", "Mono", "Trinity", "Sierra", "Imperial", "Nevada", "Sutter", "Yuba"}


def find_counties(text: str) -> list[str]:
    """County names in the text, in order. Names that are also common words need a county context."""
    plain = " " + strip_accents(text.lower()) + " "
    county_context = bool(re.search(r"\b(county|counties|condados?)\b", plain) or _MEMBERSHIP.search(plain))
    found: list[tuple[int, str]] = []
    for name in sorted(COUNTIES, key=len, reverse=True):
        m = re.search(rf"(?<![a-z]){re.escape(name.lower())}(?![a-z])", plain)
        if not m or any(name.lower() in other.lower() for _, other in found):
            continue
        if name in _AMBIGUOUS and not county_context:
            continue
        found.append((m.start(), name))
    for alias, name in _COUNTY_ALIASES.items():
        pos = plain.find(f" {alias} ")
        if pos >= 0 and name not in [n for _, n in found]:
            found.append((pos, name))
    return [name for _, name in sorted(found)]


def strip_injection(text: str) -> tuple[str, bool]:
    """Drop sentences that try to give the assistant instructions; keep any real question."""
    sentences = re.split(r"(?<=[.?!\n])\s+", text)
    kept = [s for s in sentences if not _INJECTION.search(s)]
    return " ".join(kept).strip(), len(kept) != len(sentences)


def is_follow_up(message: str, in_scope: Callable[[str], bool]) -> bool:
    words = message.split()
    if _FOLLOW_UP_START.match(message):
        return True
    if len(words) <= 12 and not in_scope(message) and not find_counties(message):
        return True  # "what number do i call in on?": only makes sense with the conversation
    if len(words) <= 6 and _PRONOUN.search(message):
        return True
    # longer, only a pronoun that cannot point inside the message: "does it prioritize any kind of programs", "which
    # of those …"; not "is there a fee this year" nor "how long does it take to …"
    if len(words) <= 12 and _POINTS_BACK.search(_EXPLETIVE_IT.sub(" ", message)):
        return True
    return len(words) <= 4 and bool(find_counties(message))


_POINTS_BACK = re.compile(r"\b(?:it|they|them|of (?:those|these)|ellos|ellas|eso)\b|\bthat\s*[?.!]*$|"
                          r"(?<!is )(?<!are )(?<!was )(?<!were )(?<!be )\bthere\b(?!\s*(?:is|are|was|were|will|be|['’]?s)\b)",
                          re.IGNORECASE)
# "it" that stands for nothing: "how long does it take to …", "is it possible to …", "is it ok if …", "it's hard to …"
_EXPLETIVE_IT = re.compile(r"\bit\s+(?:takes?|took)\s+(?:\w+\s+)?(?:to|for)\b|"
                           r"\b(?:is\s+it|it\s+is|it['’]?s)\s+(?:\w+\s+)?(?:to|if|that)\b", re.IGNORECASE)


_REFERS_BACK = re.compile(r"\b(it|its|that|this|they|them|their|there|those|these|he|him|his|she|her|one|ones|"
                          r"eso|esto|ello|ellos|ellas|ella|él|su|sus|ahí|allí|lo|la|le|les)\b", re.IGNORECASE)
_NAME = re.compile(r"\b(?:[A-Z][a-z]*[A-Z][\w-]*|[A-Z][a-z]+(?:[- ](?:of |and |for |the )?[A-Z][\w-]+)+)")


def refers_back(message: str) -> bool:
    """A follow-up that points at something named before ("how do I contact them", "what's her job title")."""
    return bool(_REFERS_BACK.search(message))


def names_in(text: str) -> list[str]:
    """Names and acronyms a passage uses ("Lucero Robles", "Working Well Together", "CalMHSA"): what 'her', 'it' or
    'them' in the next question can point at."""
    return list(dict.fromkeys(m.group(0) for m in _NAME.finditer(text)))


# Words typed between the words of a question that change nothing it asks ("so like what even is a BHIN").
_FILLERS = re.compile(r"\b(like|even|actually|really|just|literally|basically|um+|uh+|lol|tho|pls|please)\b\s*|"
                      r"^\W*((so|ok(ay)?|hey|wait|hi|hello|also|and|but)\b[\s,]*)+", re.IGNORECASE)


def without_fillers(text: str) -> str:
    return _FILLERS.sub("", text).strip()


_PART_BREAK = re.compile(r"\?\s+(?=\S)|[,;]\s+(?=(?:how|what|which|when|where|who|why)\b)|"
                         r"[,;]?\s+(?:and|also|plus|n|y|e)\s+(?=(?:how|what|which|when|where|who|why|do|does|did|is|are|"
                         r"can|will|should|cu[aá]nt\w*|cu[aá]l\w*|qu[eé]|cu[aá]ndo|d[oó]nde|qui[eé]n\w*|c[oó]mo|por qu[eé])\b)",
                         re.IGNORECASE)


_LIST_ASKED = re.compile(r"\b(?:what|which)\s+(?:are|were)\s+(?:the\s+|some\s+)?(?:[\w-]+\s+){0,3}?([a-z][\w-]{2,}s)\b|"
                         r"\b(?:what|which|list(?: of)?|all(?: the)?)\s+(?:[\w-]+\s+){0,2}?([a-z][\w-]{2,}s)\s+"
                         r"(?:do|does|did|are|is|can|will)\b",
                         re.IGNORECASE)


def listed_things(question: str) -> str | None:
    """What a list question asks for: 'projects' in 'What are the projects DHCS is using …?'."""
    m = _LIST_ASKED.search(without_fillers(question))
    noun = (m.group(1) or m.group(2)).lower() if m else None
    return noun if noun not in (None, "counties", "questions") else None  # counties have their own answers


def enumeration_of(noun: str) -> re.Pattern:
    """A passage that enumerates the things: 'four projects: A, B, C' or 'the projects … A, B and C'."""
    stem = re.escape(noun[:-1] if len(noun) > 4 else noun)
    return re.compile(rf"\b{stem}\w*\b[^.:]{{0,60}}:\s*\S|"
                      rf"\b{stem}\w*\b[^.]{{0,40}}\b(?:include|includes|including|such as|are|were)\b[^.]*,", re.IGNORECASE)


MAX_PARTS = 4  # each part is embedded and ranked on its own: a long message must not cost one pass per sentence


def question_parts(message: str) -> list[str]:
    """The questions inside one message ("How many awards are there, and when is the deadline?"), each of at
    least three words; [] when it asks one thing."""
    parts: list[str] = []
    context = ""
    for piece in (p.strip(" ,;?¿") for p in _PART_BREAK.split(message)):
        if not _ASKS.search(piece):  # "As a peer supervisor, what form …": a preamble belongs to the question after it
            context = f"{context} {piece}".strip()
            continue
        parts.append(f"{context}, {piece}" if context else piece)
        context = ""
    parts = [p for p in parts if len(p.split()) >= 3]
    return parts[:MAX_PARTS] if len(parts) > 1 else []


_ASKS = re.compile(r"\b(how|what|whats|wat|which|when|where|who|whom|why|cu[aá]nt\w*|cu[aá]l\w*|qu[eé]|cu[aá]ndo|d[oó]nde|"
                   r"qui[eé]n\w*|c[oó]mo|por qu[eé])\b|(?:^|[.!?]\s+)\W*(do|does|did|is|are|was|were|can|could|will|would|should|has|"
                   r"have|am|puedo|hay|tengo|me|se)\b", re.IGNORECASE)


def asks(sentence: str) -> bool:
    """A sentence that asks something, with or without its question mark ("is there a fee for the exam")."""
    return sentence.rstrip().endswith("?") or bool(_ASKS.search(sentence))


def answer_type(text: str, counties: list[str]) -> str:
    text = without_fillers(text)
    if _LIST_COUNTIES.search(text):
        return "county_list"
    if counties and (_MEMBERSHIP.search(text) or re.search(r"\b(in|on board|there)\s*[?.!]*$", text, re.IGNORECASE)):
        return "membership"
    for name, pattern in ANSWER_TYPES.items():
        if name == "number" and not _COUNT_WORDS.search(text) and not (_WH.search(text) or len(text.split()) <= 4):
            continue  # "Do they reimburse the renewal fee?" asks yes or no, not an amount
        if pattern.search(text):
            return name
    if _DEFINITION.search(text) and not _PRONOUN_TERM.match(text):
        return "definition"
    return "general"


# "who is that meant for", "what is it about": a pronoun is no term to define
_PRONOUN_TERM = re.compile(r"^\W*(?:what|wat|wut|who)\s*(?:is|are|'s|s)?\s+(?:it|that|this|they|them|those|these|he|she)\b",
                           re.IGNORECASE)


_DEFINITION = re.compile(r"^\W*(what|wat|wut|who)\s+(is|are|'s)\s+(a|an|the)?\s*[\w-]+(\s+[\w-]+){0,3}\s*\??$|"
                         r"\b(stand for|mean(s|ing)?|define|definition of|explain|q(u[eé])? (es|son|significa))\b", re.IGNORECASE)
_TERM = re.compile(r"\b(?:what|wat|wut)(?:'s| is| are| does| do)\s+(?:a |an |the )?([\w-]+(?:\s+[\w-]+){0,2}?)\s*(?:mean|stand|refer|\?|$|for\b)"
                   r"|\b(?:defin(?:e|ition of)|explain)\s+(?:what |a |an |the )*([\w-]+(?:\s+[\w-]+){0,2})"
                   r"|\bwho (?:is|are) (?:a |an |the )?([\w-]+(?:\s+[\w-]+){0,2}?)\s*(?:\?|$)"
                   r"|\b([\w-]+)\s+(?:mean|means|stand for)\b", re.IGNORECASE)


def definition_term(question: str) -> str | None:
    """The thing a definition question asks about: 'grandparenting' in 'what does grandparenting mean for…'."""
    m = _TERM.search(without_fillers(question))
    if not m:
        return None
    term = next(g for g in m.groups() if g)
    words = [w for w in term.split() if w.lower() not in ("does", "do", "is", "are", "mean", "means", "stand")]
    cut = next((i for i, w in enumerate(words) if i and w.lower() in _TERM_ENDS), len(words))
    return " ".join(words[:cut]) or None


_TERM_ENDS = {"for", "to", "of", "in", "on", "with", "about", "the", "and", "a", "an", "is", "are"}


_NOT_ANCHORS = {"ok", "usa", "us", "faq", "faqs", "id", "tv", "pm", "am", "hi", "mhsa"}


def anchors(question: str, rules: list[AnchorRule] = ()) -> list[set[str]]:
    """Terms the evidence must mention (in its text, section or title), each as a set of alternatives.

    Program names and numbers are what a question is about ('EPOC', '21-041'); and the profile's first
    anchor rule whose words the question uses adds what its evidence must name ('certification' here means
    the program's certification, so the passage names the program).
    """
    groups: list[set[str]] = []
    for token in re.findall(r"\b[A-Z][A-Za-z]*[A-Z][A-Za-z0-9]*\b|\b\d{2,}-\d+\b|\b\d{3,}\b", question):
        if token.lower() not in _NOT_ANCHORS:
            groups.append({token.lower()})
    words = set(tokenize(question))
    for rule in rules:
        if rule.applies(words):
            groups.append({w.lower() for w in rule.evidence})
            break
    return groups


_HOME_COUNTY = re.compile(r"\b(?:my|our|this|mi|nuestro|este)\s+(?:own\s+|local\s+)?(county|condado)\b", re.IGNORECASE)


def with_home_county(message: str, county: str | None) -> str:
    """'Is my county participating?' asked on a county's own site means that county."""
    if not county or find_counties(message):
        return message
    return _HOME_COUNTY.sub(lambda m: f"{county} {m.group(1)}", message, count=1)


def analyze(message: str, history: list[str], home_county: str | None = None,
            in_scope: Callable[[str], bool] = lambda text: False) -> Query:
    """`history` holds earlier questions of the same conversation, oldest first; `home_county` is
    the county whose website the question was asked on, if any; `in_scope` tells whether a text (in the
    corpus's English) names what the deployment is about (a short message that doesn't may be a follow-up)."""
    language = detect_language(message)
    cleaned, injected = strip_injection(message)
    cleaned = with_home_county(plain(cleaned) if language == "en" else cleaned, home_county)
    english = to_english_query(cleaned) if language == "es" else cleaned
    follow_up = bool(history) and is_follow_up(cleaned, lambda _: in_scope(english)) if cleaned else False
    counties = find_counties(cleaned)
    kind = answer_type(cleaned, counties)
    text = english
    meaning = cleaned
    before = None
    if follow_up:
        previous = history[-1]
        # the previous question as it was understood: a follow-up to a follow-up ("when is the next one?" → "does
        # that cost anything?") carries the topic of the question before it; one step back is enough context
        before = analyze(previous, history[-2:-1], home_county, in_scope)
        meaning = f"{before.meaning} {cleaned}"
        prev_en = before.text
        prev_counties = find_counties(previous)
        if counties and prev_counties:
            text = prev_en
            for old in prev_counties:
                text = re.sub(re.escape(old), counties[0], text, flags=re.IGNORECASE)
            if kind == "membership" or len(cleaned.split()) <= 6:
                kind = answer_type(previous, counties) if answer_type(previous, prev_counties) != "general" else kind
        else:
            text = f"{prev_en} {english}"
            if kind == "general":
                kind = answer_type(previous, find_counties(previous))
            if not counties:
                counties = find_counties(previous) if kind in ("membership",) else []
    return Query(original=message, language=language, text=text.strip(), answer_type=kind, counties=counties,
                 injection=injected, follow_up=follow_up, focus=english, cleaned=cleaned, meaning=meaning, previous=before)


def spelling_fixes(words: list[str], vocabulary: Vocabulary) -> dict[str, str]:
    """Corpus words for misspelled or clipped query words: 'scholorship' → 'scholarship', 'cert' → 'certification'."""
    fixes: dict[str, str] = {}
    for w in words:
        lw = w.lower()
        if not lw.isalpha() or lw in vocabulary or w in fixes:
            continue
        if len(lw) >= 6:
            match = vocabulary.closest(lw, cutoff=0.84)
            if match:
                fixes[w] = match
        elif len(lw) == 4 and lw in _CLIPPED:
            fixes[w] = _CLIPPED[lw]
    return fixes


_CLIPPED = {"cert": "certification", "cred": "credential", "reqs": "requirements", "info": "information",
            "appt": "appointment", "govt": "government", "dept": "department", "orgs": "organizations"}


def definition_pattern(term: str) -> re.Pattern:
    """'X is …', 'X means …', 'X — …' (a glossary line), and for an acronym its expansion 'Full Name (X)'."""
    head = term.lower().split()[-1]
    head = re.escape(head[:-1] if head.endswith("s") and len(head) > 3 else head)
    expansion = rf"|[A-Za-z]\s+\({head}s?\)" if re.fullmatch(r"[A-Za-z]{2,8}", term.strip()) else ""
    return re.compile(rf"\b(an?\s+)?{head}s?(\s+\([^)]*\))?\s+(is|are|means|refers to|takes)\b|^{head}s?\s+—{expansion}",
                      re.IGNORECASE)


