"""Redact personal details before anything is stored: users may tell us who they are and what they live with.

Rules, one kind at a time, most specific first: emails (also written "name (at) site (dot) com" or with
"arroba"), Social Security numbers in any grouping and "the last four of my social", Medi-Cal CINs (eight digits
and a letter), phone numbers (ten digits however grouped, with an extension), dates of birth after a cue ("DOB",
"born", "nací el", a birthday), street addresses (number and street, "Calle" first or last, PO boxes, with the
unit, city and ZIP that follow), then names (assistant/name_rules.py: rules, a word tagger and a fine-tuned
transformer; no ready model with weights inside a PyPI wheel does this offline for English and Spanish, spaCy's and
Presidio's are downloads). Measured in evals/README.md, "Personal details".
"""

import re

from assistant.addresses import STREET_LINES, place_after
from assistant.name_rules import name_spans

PLACEHOLDER = {"email": "[email]", "ssn": "[id number]", "cin": "[id number]", "id": "[id number]",
               "phone": "[phone]", "dob": "[date of birth]", "address": "[address]", "name": "[name]"}

_AT = r"(?:\s*[\[(]\s*(?:at|arroba)\s*[\])]\s*|\s+(?:at|arroba)\s+)"
_DOT = r"(?:\s*[\[(]\s*(?:dot|punto)\s*[\])]\s*|\s+(?:dot|punto)\s+|\.)"
_JOIN = r"\s+(?:dot|punto|underscore|guion\s+bajo|gui[óo]n|dash)\s+"  # spoken inside a mailbox's name
_MAIL_HOSTS = r"(?:gmail|yahoo|hotmail|outlook|icloud|aol|protonmail|live|msn|comcast|sbcglobal|att|me|mail)"
_EMAIL = [
    re.compile(rf"[\w.+-]+(?:[ \t]+\.[ \t]+[\w.+-]+)*[ \t]*@[ \t]*[\w-]+(?:\.[\w-]+|(?:[ \t]*\.[ \t]*|(?i:{_DOT}))(?i:com|org|net|edu|gov|us|mx)\b)+"),
    # spelled out to the end: "juan dot perez at yahoo dot com"; a local part read out in words joined by a spoken
    # connector may hold one more word before the "at": "rosa punto elvira arroyo arroba …", "marcus dot bellamy 1980 at …"
    re.compile(rf"\b(?:[\w+-]+{_JOIN}(?:[\w+-]+{_JOIN})*[\w+-]+(?:\s+[a-z\d][\w+-]*)?|[\w+-]+){_AT}[\w-]+(?:{_DOT}[\w-]+)*"
               rf"{_DOT}(?:com|org|net|edu|gov|us|mx)\b", re.IGNORECASE),
    # written out: "(at)"/"[arroba]" always; a bare "at" only after something shaped like a mailbox (a dot, an
    # underscore or a digit in it) or before a mail host, so "meet me at home" stays
    re.compile(rf"[\w.+-]+(?:\s*[\[(]\s*(?:dot|punto)\s*[\])]\s*[\w+-]+)*\s*[\[(]\s*(?:at|arroba)\s*[\])]\s*[\w-]+"
               rf"(?:{_DOT}[\w-]+)*", re.IGNORECASE),
    re.compile(rf"\b(?=[\w.+-]*[a-zA-Z])[\w+-]*[._\d][\w.+-]*{_AT}[\w-]+(?:{_DOT}(?:com|org|net|edu|gov|us|mx)\b)?", re.IGNORECASE),
    re.compile(rf"\b[\w.+-]+{_AT}{_MAIL_HOSTS}(?:{_DOT}(?:com|org|net)\b)?", re.IGNORECASE),
]
_SSN = [
    re.compile(r"(?<![\w.-])\d{3}[ \t]*([-. ]?)[ \t]*\d{2}[ \t]*\1[ \t]*\d{4}(?![\w-])"),
    re.compile(r"(?<![\w-])[Xx*#]{3}[- ]?[Xx*#]{2}[- ]?\d{4}(?![\w-])"),  # "XXX-XX-5518"
    re.compile(r"(?<![\w/.-])\d(?: \d){8}(?![\w/-]| \d)"),  # one digit at a time
    re.compile(r"(?<![\w/.-])\d(?: \d){2} ?- ?\d \d ?- ?\d(?: \d){3}(?![\w/-]| \d)"),  # "3 3 1 - 8 2 - 5 0 6 7"
    # "last 4 of my social is 4417", "ends in 0429", "los últimos 4 de mi seguro social son 8832"
    re.compile(r"(?i:\b(?:(?:last|[úu]ltimos)\s+(?:4|four|cuatro)|ends?\s+(?:in|with)|ending\s+in|termina(?:ci[óo]n)?)\b"
               r"\D{0,40}?)(\d{4})\b"),
]
# eight digits in any grouping ("91 23 45 67 J", "93 008 421 B", "9 5 5 1 2 0 8 3 F"), then the letter; after a space or
# a dash the letter must be a capital or a consonant other than y ("… 12345678 a lot" is not an id; "9104 5527 f" is)
_CIN = re.compile(r"(?<![\w-])(?:\d(?:[ -]?\d){7}(?:[A-Za-z]|[ -][A-Z]|[ -][b-df-hj-np-tv-xz])|\d(?: \d){7} [a-z])(?![\w-])")
_OTHER_ID = re.compile(r"(?i:\b(?:medi-?cal|cin|member|client|case|license|certification)\s*(?:id|number|no\.?|#)\s*"
                       r"(?:is\s+|es\s+)?[:#]?\s*)([A-Z0-9-]*\d[A-Z0-9-]{4,})\b", re.IGNORECASE)
_EXTENSION = r"(?:\s*,?\s*(?:ext\.?|x|extension|extensi[óo]n)\s*\d{1,5})?"
_PHONE = [
    re.compile(r"(?<![\w/.-])(?:\+\d{1,3}[\s.-]*|1[\s.-]*)?\(?\d{3}\)?[\s.-]*\d{3}[\s.-]*\d{2}[\s.-]?\d{2}(?![\w/-])" + _EXTENSION,
               re.IGNORECASE),
    re.compile(r"(?<![\w/.-])\d(?: \d){9}(?![\w/-])"),  # one digit at a time
    # read out by dictation: "nueve uno seis cuatro …", "nine one six …" (seven digits or more)
    re.compile(r"(?i:\b(?:(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|cero|uno|dos|tres|cuatro|cinco|seis|"
               r"siete|ocho|nueve)[\s,.-]+){6,}(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|cero|uno|dos|tres|"
               r"cuatro|cinco|seis|siete|ocho|nueve)\b)"),
]
_MONTHS = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t|tember)?|"
           r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|enero|febrero|marzo|abril|mayo|junio|julio|agosto|"
           r"sep?tiembre|octubre|noviembre|diciembre|ene|abr|ago|dic)\.?")
_DATE = (rf"(?:\d{{1,2}}[-/.]\d{{1,2}}[-/.]\d{{2,4}}|\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}|\d{{1,2}}[-/ ]{_MONTHS}[-/ ]\d{{2,4}}|"
         rf"{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:\d{{4}}|['’]\d{{2}}\b)|"
         rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+|de\s+)?{_MONTHS},?\s+(?:de(?:l)?\s+)?(?:\d{{4}}|\d{{2}}\b)|"
         rf"{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?|\d{{1,2}}\s+de\s+{_MONTHS})")
_DAY_WORDS = (r"(?:1ro|1ero|1º|primero|uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce|trece|catorce|quince|"
              r"dieci\w+|veinti\w+|veinte|treinta(?:\s+y\s+uno)?)")
_YEAR_WORDS = (r"(?:mil\s+novecientos|dos\s+mil)(?:\s+(?:y\s+)?(?:uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|"
               r"doce|trece|catorce|quince|dieci\w+|veinti\w+|veinte|treinta|cuarenta|cincuenta|sesenta|setenta|ochenta|"
               r"noventa)(?![a-záéíóú])){0,2}")  # "mil novecientos noventa y uno"
# after a cue, also a month and year ("dob 3/88"), a year alone ("born in '85") and a day in words ("nueve de
# septiembre del 79")
_DOB = re.compile(rf"(?i:\b(?:dob|d\.o\.b|date\s+of\s+birth|birth\s*date|born|birth\s*day|b-?day|fecha\s+de\s+nac|"
                  rf"nac[ií]|naci[óo]|nacid[oa]|nacimiento|cumplea[ñn]os)\b[^\d\n]{{0,25}}?)"
                  rf"({_DAY_WORDS}\s+de\s+{_MONTHS}(?![a-záéíóú])(?:,?\s+(?:de(?:l)?\s+)?(?:\d{{4}}|\d{{2}}\b|{_YEAR_WORDS}))?|"
                  rf"{_DATE}|\d{{1,2}}/(?:19|20)?\d{{2}}\b|['’]\d{{2}}\b|(?:19|20)\d{{2}}\b|"
                  rf"(?<=\ben\s)(?:el\s+)?(?:a[ñn]o\s+)?(?:19)?\d{{2}}\b)", re.IGNORECASE)
# A full date in a birth year (1920–2010; '86 and '03 too) is a birth date in these messages, cue or not: program
# dates (exams, deadlines, trainings) fall in the 2020s.
_BIRTH_YEAR = r"(?:19[2-9]\d|200\d|2010)"
_BIRTH_YEAR_DATE = re.compile(rf"(?<![\w/.-])(\d{{1,2}}[-/.]\d{{1,2}}[-/.](?:{_BIRTH_YEAR}|[3-9]\d|0\d)|"
                              rf"{_BIRTH_YEAR}[-/.]\d{{1,2}}[-/.]\d{{1,2}}|"
                              rf"(?i:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+|de\s+)?{_MONTHS},?\s+(?:de(?:l)?\s+)?){_BIRTH_YEAR}|"
                              rf"(?i:{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+){_BIRTH_YEAR}|"
                              rf"\d{{1,2}}[-/ ](?i:{_MONTHS})[-/ ]{_BIRTH_YEAR})(?![\w/-])")
def _spans(text: str, ordinary: frozenset[str]) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []

    def add(pattern: re.Pattern, kind: str, group: int = 0) -> None:
        for m in pattern.finditer(text):
            if m.group(group):
                found.append((m.start(group), m.end(group), kind))

    for p in _EMAIL:
        add(p, "email")
    for p in _SSN[:-1]:
        add(p, "ssn")
    add(_SSN[-1], "ssn", 1)
    add(_CIN, "cin")
    add(_OTHER_ID, "id", 1)
    for p in _PHONE:
        add(p, "phone")
    add(_DOB, "dob", 1)
    add(_BIRTH_YEAR_DATE, "dob", 1)
    for p in STREET_LINES:
        for m in p.finditer(text):
            place = place_after().match(text, m.end())
            found.append((m.start(), place.end() if place else m.end(), "address"))
    found += [(s, e, "name") for s, e in name_spans(text, ordinary)]
    return found


def warm_up() -> None:
    """Read the name and place lists, the tagger, the place pattern and wordfreq's tables (about half a second) at
    start-up, not while the first message to be stored waits: one message that takes every path does it."""
    redact("Hola, soy Ana Ruiz, 12 Oak St, Fresno")


def redact(text: str, ordinary: frozenset[str] = frozenset()) -> str:
    """`text` with every personal detail found replaced by its placeholder ('[name]', '[phone]', …); where two
    findings overlap, the one that starts first (then the longer) wins, and the other keeps what reaches past it
    (an address match that began on the year of a date of birth before it). `ordinary`: the deployment's own words
    (`ordinary_words`), never a name unless something introduces them."""
    kept: list[tuple[int, int, str]] = []
    for start, end, kind in sorted(_spans(text, ordinary), key=lambda s: (s[0], -(s[1] - s[0]))):
        if kept and start < kept[-1][1]:
            rest = re.search(r"\d" if kind == "address" else r"\w", text[kept[-1][1]:end])  # a street line starts at its number
            if not rest:
                continue
            start = kept[-1][1] + rest.start()
        kept.append((start, end, kind))
    out, at = [], 0
    for start, end, kind in kept:
        out += [text[at:start], PLACEHOLDER[kind]]
        at = end
    return "".join(out + [text[at:]])
