"""Redact personal details before anything is stored: users may tell us who they are and what they live with.

Rules, one kind at a time, most specific first: emails (also written "name (at) site (dot) com" or with
"arroba"), Social Security numbers in any grouping and "the last four of my social", Medi-Cal CINs (eight digits
and a letter), phone numbers (ten digits however grouped, with an extension), dates of birth after a cue ("DOB",
"born", "nací el", a birthday), street addresses (number and street, "Calle" first or last, PO boxes, with the
unit, city and ZIP that follow), then names. A name is found by what introduces it ("I'm", "soy", "my son",
"Dr.", "Name:", a signature line) or by its shape (a first name from the `gender-guesser` list of about 40,000,
then capitalised words or surnames from the `zxcvbn` census list). Place names that start with a saint's or an
article ("San Diego", "Los Ángeles") and words in everyday use ("Will", "Grace", "Mark") are not names unless
something introduces them, nor are words the deployment's own documents write in lower case ("Peer Support", "Fair
Hearing": `ordinary_words`). What the rules miss, a learned tagger finds (assistant/name_tagger.py: every word read
with its neighbours, weights fitted here on helper-written messages): no model with weights inside a PyPI wheel
does this offline for English and Spanish (spaCy's and Presidio's models are downloads); measured in
evals/README.md, "Personal details".
"""

import re
from collections import Counter
from collections.abc import Iterable

from assistant.addresses import STREET_LINES, place_after
from assistant.name_lists import EVERYDAY_ZIPF, bare, first_names, place_names, surnames, zipf
from assistant.name_tagger import load as load_tagger
from ingest.store import IndexVersion, per_index

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
_YEAR_WORDS = r"(?:mil\s+novecientos|dos\s+mil)(?:\s+(?!de\b|del\b|y\s+no\b)[a-záéíóú]+){0,3}"  # "mil novecientos noventa y uno"
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
# Names. A token of a name: a capitalised word, an initial, a hyphenated or O'/D' surname; particles inside.
_NAME_TOKEN = r"(?:(?:[A-Z]\.){1,3}|[A-ZÁÉÍÓÚÑÜ][\wáéíóúñüÁÉÍÓÚÑÜ'’-]*\.?)"  # "J.R.", "Smithers", "Q."
_PARTICLE = r"(?:de|del|la|los|van|von|der|den|da|das|do|dos|di|du|le)"
_CUED_NAME = (rf"(?:{_NAME_TOKEN}|[a-záéíóúñü][\wáéíóúñü'’-]+)(?:[ \t]+(?:{_PARTICLE}[ \t]+)?(?:{_NAME_TOKEN}|"
              r"[a-záéíóúñü][\wáéíóúñü'’-]+)){0,4}")
_INTRODUCTIONS = (r"my\s+name\s+is|my\s+full\s+name\s+is|name\s*:?|full\s+name\s*:?|nombre\s*:?|me\s+llamo|mi\s+nombre\s+es|"
                  r"ask\s+for|pregunten?\s+por|preguntar\s+por|"
                  r"i\s+am\s+called|i'?m|i\s+am|this\s+is|it['’]s|(?:^|(?:hey|hi|hello|yo|hola)[,!]?\s+)its|soy|habla|aqu[ií]\s+(?:est[áa]\s+)?|firmado\s*:|"
                  r"signed\s*:|contact(?:\s+me|\s+info)?\s*:|call\s+me|ll[áa]menme|re\s*:\s*application\s*[—–-]")
_ROLES = (r"(?:son|daughter|kid|mom|mother|dad|father|wife|husband|brother|sister|grandma|grandmother|grandpa|"
          r"grandfather|aunt|uncle|cousin|niece|nephew|partner|boyfriend|girlfriend|friend|boss|supervisor|manager|"
          r"case\s+manager|counselor|therapist|employee|coworker|co-worker|colleague|peer|client|hire|team\s+lead|lead|"
          r"director|coordinator|sponsor)")
_ROLES_ES = (r"(?:hijo|hija|mam[áa]|madre|pap[áa]|padre|esposo|esposa|marido|hermano|hermana|abuela|abuelo|t[íi]a|"
             r"t[íi]o|primo|prima|novio|novia|amigo|amiga|jefe|jefa|supervisor|supervisora|empleado|empleada|"
             r"consejero|consejera|compañer[oa]|coordinador|coordinadora|directora?)")
# "my son", "our new hire", "my peer supervisor is", "mi hija", "Supervisor …" opening a sentence
_RELATIONS = (rf"(?:my|our|his|her|their)\s+(?:[a-z]+\s+)?{_ROLES}(?:\s+(?:is|was))?|for\s+our\s+{_ROLES}|"
              rf"(?:mi|nuestr[oa]|su)\s+{_ROLES_ES}(?:\s+(?:es|se\s+llama))?|(?:^|(?<=[.!?]\s)){_ROLES}")
_TITLES = r"(?:mr|mrs|ms|miss|mx|dr|pastor|rev|lic|sr|sra|srta|se[ñn]ora|se[ñn]or|se[ñn]orita|don|doña|prof)\.?"
_CLOSINGS = r"(?:thanks|thank\s+you|regards|best|cheers|sincerely|gracias|saludos|atentamente|att|atte|cordialmente|firma)"
_CUED = [
    re.compile(rf"(?i:\b(?:{_INTRODUCTIONS})\s+)(?:(?i:(?:la|el)\s+)?(?i:{_TITLES})\s+)?({_CUED_NAME})"),
    re.compile(rf"(?i:\b(?:{_RELATIONS})\s*[,:]?\s+)(?:(?i:{_TITLES})\s+)?({_CUED_NAME})"),
    re.compile(rf"(?i:(?:^|(?<=[.!?]\s))(?:me|yo|self)\s*:\s*)({_CUED_NAME})"),  # a form typed out: "Me: Daniel Park"
    re.compile(rf"(?i:\b{_TITLES}\s+)({_CUED_NAME})"),
    re.compile(rf"(?i:\b{_CLOSINGS}\b[,!.]*\s+)({_CUED_NAME})"),
    re.compile(rf"(?m:(?:^|\s)[-–—~]\s*)({_CUED_NAME})\s*$"),  # a signature ending a line: "- Brianna"
    re.compile(rf"(?m:^[ \t]*)({_CUED_NAME})(?=[ \t]*,?[ \t]+(?:here|aqu[ií]|again|otra\s+vez)\b)"),  # "Jennifer here again"
    re.compile(rf"(?i:\b(?:hi|hello|hey|hola|buenas|good\s+morning)\s*(?:team|all|there)?\s*[,!]\s+)({_CUED_NAME})(?=\s*(?:,|here|aqu[ií]|again|otra\s+vez|from|del?\b))"),
]
_SHAPED = re.compile(rf"(?<![\w'’-])({_NAME_TOKEN}(?:[ \t]+(?:{_PARTICLE}[ \t]+)?{_NAME_TOKEN}){{0,3}})")
_TITLE_PAIR = re.compile(r"(?<![\w'’-])([A-ZÁÉÍÓÚÑ][a-záéíóúñü'’-]+[ \t]+[A-ZÁÉÍÓÚÑ][a-záéíóúñü'’-]+)(?![\w'’-])")
_LOWER_PAIR = re.compile(r"(?<![\w'’-])([a-záéíóúñü][\wáéíóúñü'’-]+[ \t]+[a-záéíóúñü][\wáéíóúñü'’-]+)(?![\w'’-])")
_PLACE_START = {"san", "santa", "santo", "los", "las", "el", "la", "del", "saint", "st", "fort", "port", "mount", "lake",
                "new", "north", "south", "east", "west", "upper", "lower", "le"}
_ORG_WORDS = {"county", "condado", "city", "ciudad", "health", "services", "system", "center", "centre", "clinic",
              "clínica", "hospital", "university", "college", "department", "program", "agency", "church", "street",
              "avenue", "inc", "llc", "foundation", "association", "network", "coalition", "bhrs", "dmh", "hhs"}


_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}


def _suffix(word: str) -> str:
    """'Jr.' keeps its full stop; after 'III' one ends the sentence."""
    return word[:-1] if word.endswith(".") and bare(word) in ("ii", "iii", "iv") else word


_CONTRACTION = re.compile(r"[A-Za-z]+['’](?:m|s|re|ve|ll|d|t)", re.IGNORECASE)
_INFORMAL = {"im", "ive", "id", "ill", "its", "thats", "dont", "cant", "wont", "didnt", "doesnt", "isnt", "u", "ur", "pls",
             "plz", "lol", "thx", "btw", "asap"}
# The word-frequency lines of the name decision, in one place, set by hand on the two tuning sets (evals/README.md,
# "Personal details"); zipf is wordfreq's scale, 3 = once per million words. EVERYDAY_ZIPF is in name_lists.py.
RARE_ZIPF = 4.6  # a lower-case first name after an introduction must be rarer than this ('file' 4.9 is a word)
UNKNOWN_ZIPF = 3.0  # a capitalised word in neither name list reads as a name only if hardly used otherwise
# a lower-case first name after an introduction with a known name after it may be this common ('carlos' 5.1, a
# Spanish word too), not 'will' or 'may' (6+); so may a capitalised first name right before a found name ('Mark')
PAIRED_FIRST_ZIPF = 5.5
UNHEARD_ZIPF = 1.6  # two capitalised words in a row this rare in English and Spanish are a name ('Faleolo Tuiasosopo')
SHAPED_FIRST_ZIPF = 4.0  # without an introduction, a first name more common than this as a word needs a known name next


def _name_words(candidate: str, cued: bool) -> str | None:
    """The leading run of `candidate` that reads as a name. After an introduction ('I'm', 'soy', 'my son') the first
    word may be lower case but not an everyday word ('I'm confused'); without one, it must be a capitalised first
    name. Later words: capitalised, an initial, or a known first name or surname; particles ('de la') inside."""
    words, kept = candidate.split(), []
    for i, word in enumerate(words):
        plain = bare(word)
        if not plain:
            break
        if kept and re.fullmatch(_PARTICLE, plain) and i + 1 < len(words):
            kept.append(word)
            continue
        if kept and cued and word in ("St.", "Ste.") and i + 1 < len(words) and words[i + 1][:1].isupper():
            kept.append(word)  # 'Evangeline St. Clair'
            continue
        if kept and plain in _SUFFIXES:  # 'Robert Hayes Jr.', 'jose garcia jr'
            kept.append(_suffix(word))
            break
        if plain in _ORG_WORDS or (not kept and (plain in _PLACE_START or re.fullmatch(_TITLES, plain))):
            break
        possessive = re.fullmatch(r"(.+)['’]s", word)
        if possessive and word[0].isupper() and (cued or kept or plain[:-1] in first_names()):
            kept.append(possessive.group(1))  # "Aaliyah's phone": the name, then no more
            break
        if _CONTRACTION.fullmatch(word) or plain in _INFORMAL:
            break
        capital, first, surname = word[0].isupper(), plain in first_names(), _surname(plain)
        common = zipf(word) >= EVERYDAY_ZIPF
        initials = re.fullmatch(r"(?:[A-Z]\.){1,3}", word) is not None or bool(kept) and re.fullmatch(r"[A-Z]", word) is not None
        if not kept and cued:  # 'Pastor James', 'this is kevin', 'J.R.'; not 'I'm confused', 'my father file', 'it's DHCS'
            # typed in lower case, a first name that is also a fairly common word needs a name after it ('carlos mendoza')
            ok = initials or not word.isupper() and (capital and (first or not common) or first and (
                zipf(plain) < RARE_ZIPF or zipf(plain) < PAIRED_FIRST_ZIPF and _rare_surname_next(words, i))) \
                or word.isupper() and first and len(plain) > 2  # 'THIS IS WALTER J. …', not 'it's DHCS'

        elif not kept:  # a capitalised first name; one that is also a word ('Core') only before another name
            ok = capital and first and not common and (zipf(word) < SHAPED_FIRST_ZIPF or _names_next(words, i))
        elif cued:  # 'Q.', 'Price' (a surname, however common), 'Gonzalez', 'de la cruz'
            # … or a capitalised word ending the name's clause, however common ('I am Sung-min Park.')
            ok = re.fullmatch(r"[A-Z]\.?", word) is not None or capital and (surname or first or not common) or \
                capital and not word.isupper() and word[-1] in ".,;:!?" or \
                (first or surname) and (not common or _names_next(words, i))  # 'jose luis garcia'
        else:  # without an introduction a second word must be a name, or no word at all: not 'Peer Workforce'
            ok = re.fullmatch(r"[A-Z]\.?", word) is not None or capital and (surname or first or zipf(word) < UNKNOWN_ZIPF)
        if not ok:
            break
        if word.endswith(".") and not initials:  # "I'm Ethan. I moved": the full stop ends the name
            kept.append(word[:-1])
            break
        kept.append(word)
    while kept and re.fullmatch(_PARTICLE, bare(kept[-1])):
        kept.pop()
    return " ".join(kept) or None


def _surname(plain: str) -> bool:
    """A known surname, or a hyphenated one made of known names ('nguyen-tran', 'coleman-pryce')."""
    if plain in surnames():
        return True
    parts = plain.split("-")
    return len(parts) > 1 and all(parts) and any(p in surnames() or p in first_names() for p in parts)


def _names_next(words: list[str], i: int) -> bool:
    """A known name follows, or a middle initial and then one ('Marcus T. Greene')."""
    following = bare(words[i + 1]) if i + 1 < len(words) else ""
    if re.fullmatch(r"[A-Z]\.?", words[i + 1] if i + 1 < len(words) else "") and i + 2 < len(words):
        following = bare(words[i + 2])
    return following in surnames() or following in first_names()


def _rare_surname_next(words: list[str], i: int) -> bool:
    """A surname that is hardly an everyday word follows ('carlos mendoza'; not 'mark the date')."""
    following = words[i + 1] if i + 1 < len(words) else ""
    return _surname(bare(following)) and zipf(following) < RARE_ZIPF


def _preceded(text: str, start: int) -> int:
    """Where a found name really starts: a known first name right before it ('employee Crystal [Redhorse]')."""
    while m := re.search(r"(?:^|(?<=\s))([A-ZÁÉÍÓÚÑ][\wáéíóúñü'’-]+)[ \t]+$", text[:start]):
        plain = bare(m.group(1))
        # a first name as common as a word may stand before a found surname ('Mark [Delacroix]'), not 'I'm' or 'The'
        if plain not in first_names() or zipf(m.group(1)) >= PAIRED_FIRST_ZIPF or re.fullmatch(_TITLES, m.group(1).lower()):
            break
        start = m.start(1)
    return start


def _names_a_place(text: str, end: int) -> bool:
    """'Doña Ana County', 'Grace Clinic': a name-shaped run right before an organisation's word names that."""
    following = re.match(r"[ \t]+([\w'’-]+)", text[end:])
    return bool(following) and bare(following.group(1)) in _ORG_WORDS


def _continued(text: str, end: int) -> int:
    """Where a found name really ends: the surnames and initials right after it ('[Ashley] Nakamura-Price',
    '[thuy] nguyen-tran', '[Tomás] Ibarra-Whitman'), which a first-name finding alone leaves behind."""
    before = text[:end].split()
    lower = bool(before) and before[-1] == before[-1].lower()  # a name typed in lower case continues in lower case
    while m := re.match(r"[ \t]+([^\s,;:!?()\[\]]+)", text[end:]):
        word = m.group(1)
        plain = bare(word)
        if not plain or plain in _ORG_WORDS or _CONTRACTION.fullmatch(word) or plain in _INFORMAL:
            break
        initial = re.fullmatch(r"[A-Z]\.?", word) is not None
        if re.fullmatch(r"(['’\"“])[A-ZÁÉÍÓÚÑa-záéíóúñ][\wáéíóúñ]*['’\"”]", word):  # a nickname: "Consuelo 'Chelo' …"
            end += m.end()
            continue
        if plain in _SUFFIXES:
            end += m.end() - (len(word) - len(_suffix(word)))
            break
        if word[0].isupper():
            ok = initial or not word.isupper() and (_surname(plain) or plain in first_names() or zipf(word) < UNKNOWN_ZIPF)
        else:  # typed in lower case: a surname that is hardly a word, or a word of neither language ('volkov')
            ok = lower and (_surname(plain) and zipf(plain) < RARE_ZIPF or word.isalpha() and zipf(word) < UNKNOWN_ZIPF)
        if not ok:
            break
        stop = word.endswith(".") and not initial
        end += m.end() - (1 if stop else 0)
        if stop:
            break
    return end


def _overlapping(pattern: re.Pattern, text: str):
    """Every match, also those starting inside an earlier one ("gracias saludos, Chuy")."""
    at = 0
    while (m := pattern.search(text, at)) is not None:
        yield m
        at = m.start() + 1


_SIGNS_IN = re.compile(r"[ \t]*,?[ \t]+(?:here|aqu[ií])[ \t]*(?:[.,!:;—–-]|$|again\b|otra\s+vez\b)", re.IGNORECASE)


_LOWER_WORD = re.compile(r"(?<![\w@.'’-])[a-záéíóúñü]{3,}(?![\w@'’-])")
_ADDRESSES = re.compile(r"\S+@\S+|\bhttps?://\S+|\bwww\.\S+")
ORDINARY_MIN = 2  # a word the documents write in lower case this often is one of their ordinary words


def ordinary_words(texts: Iterable[str]) -> frozenset[str]:
    """The words a deployment's documents write in lower case (outside emails and web addresses): in its users'
    questions the same words capitalised ("Medi-Cal Peer Support Specialist") name the program, not a person."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(bare(w) for w in _LOWER_WORD.findall(_ADDRESSES.sub(" ", text)))
    return frozenset(w for w, n in counts.items() if n >= ORDINARY_MIN)


@per_index
def ordinary_words_of(index: IndexVersion) -> frozenset[str]:
    return ordinary_words(c.text for c in index.chunks)


def _only_ordinary(text: str, start: int, end: int, ordinary: frozenset[str]) -> bool:
    words = [bare(re.sub(r"['’]s$", "", w)) for w in re.findall(r"[^\W\d_][\w'’-]*", text[start:end])]
    return bool(words) and all(w in ordinary for w in words)


def ruled_names(text: str, ordinary: frozenset[str] = frozenset()) -> list[tuple[int, int]]:
    """Names the rules find. `ordinary`: a name found by its shape alone, made only of these words, is not one."""
    spans = []
    for pattern in _CUED:
        for m in _overlapping(pattern, text):
            name = _name_words(m.group(1), cued=True)
            first = m.group(1).split()[0]
            if not name and bare(first) in first_names() and _SIGNS_IN.match(text, m.start(1) + len(first)):
                name = first  # 'mark here.', 'hi, rosa here': a first name that is also a word, saying who writes
            if name:
                spans.append((m.start(1), m.start(1) + len(name)))
    covered = 0
    for m in _overlapping(_SHAPED, text):  # from every word: "Hi. Lucius Tanaka-Moreau" is found after "Hi." fails
        if m.start(1) < covered:
            continue
        name = _name_words(m.group(1), cued=False)
        if name and _only_ordinary(text, m.start(1), m.start(1) + len(name), ordinary):
            continue
        if name and (len(name.split()) >= 2 or _introduced_by_shape(text, m.start(1) + len(name))):
            spans.append((m.start(1), m.start(1) + len(name)))
            covered = m.start(1) + len(name)
    for m in _TITLE_PAIR.finditer(text):
        if all(zipf(w) < UNHEARD_ZIPF for w in m.group(1).split()) and m.group(1).lower() not in place_names():
            spans.append((m.start(1), m.end(1)))
    for m in _LOWER_PAIR.finditer(text):
        first, last = (bare(w) for w in m.group(1).split())
        if first in first_names() and last in surnames() and max(zipf(first), zipf(last)) < 4.0:
            spans.append((m.start(1), m.end(1)))
    return spans


def _introduced_by_shape(text: str, end: int) -> bool:
    """A lone first name that stands as a greeting's or a message's subject: 'Jennifer here', 'Yesenia otra vez'."""
    after = text[end:end + 12].lower()
    return bool(re.match(r"\s*(?:here\b|aqu[ií]\b|again\b|otra\s+vez\b|from\b|de\s+parte\b)", after))


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
    ruled = ruled_names(text, ordinary)
    tagged = [(s, e) for s, e in load_tagger().spans(text, ruled) if not _only_ordinary(text, s, e, ordinary)]
    names = sorted((_preceded(text, s), _continued(text, e)) for s, e in ruled + tagged)
    for s, e in _bridged(text, [(s, e) for s, e in names if not _names_a_place(text, e)]):
        found.append((s, e, "name"))
    return found


def _bridged(text: str, names: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """One capitalised word between two found names belongs to them ('[Kateri] Two [Bulls]')."""
    out: list[tuple[int, int]] = []
    for s, e in names:
        if out and re.fullmatch(r"[ \t]+[A-ZÁÉÍÓÚÑ][\wáéíóúñü'’-]*[ \t]+", text[out[-1][1]:s]):
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


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
