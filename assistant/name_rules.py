"""People's names in a message, by rule: what introduces a name ("I'm", "soy", "my son", "Dr.", "Name:", a signature
line, "Jennifer here") and what a name looks like (a first name from the `gender-guesser` list of about 40,000, then
capitalised words or surnames from the `zxcvbn` census list; two capitalised words rare in both languages). Place
names that start with a saint's or an article ("San Diego", "Los Ángeles"), words in everyday use ("Will", "Grace",
"Mark") and words the deployment's own documents write in lower case ("Peer Support": `ordinary_words`) are not
names unless something introduces them. What the rules miss, two learned readers find: a word tagger
(assistant/name_tagger.py) and a fine-tuned transformer (assistant/name_model.py); `name_spans` joins all three. Used by assistant/privacy.py.
"""

import re
from collections import Counter
from collections.abc import Iterable

from assistant.name_lists import EVERYDAY_ZIPF, bare, first_names, place_set, surnames, zipf
from assistant.name_model import load as load_model
from assistant.name_tagger import load as load_tagger
from ingest.store import IndexVersion, per_index

# A token of a name: a capitalised word, an initial, a hyphenated or O'/D' surname; particles inside.
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
_GREETINGS = {"hello", "hi", "hey", "hola", "dear", "thanks", "gracias", "bye"}  # some are in the first-name list


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
        if plain in _ORG_WORDS or (not kept and (plain in _PLACE_START or plain in _GREETINGS or re.fullmatch(_TITLES, plain))):
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
        if plain not in first_names() or zipf(m.group(1)) >= PAIRED_FIRST_ZIPF or re.fullmatch(_TITLES, m.group(1).lower()) \
                or plain in _GREETINGS:
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


_LOWER_WORD = re.compile(r"(?<![\w@.'’-])(?:[a-záéíóúñü]{3,}|[A-Z]{3,})(?![\w@'’-])")  # 'peer', and acronyms: 'BHIN'
_ADDRESSES = re.compile(r"\S+@\S+|\bhttps?://\S+|\bwww\.\S+")
ORDINARY_MIN = 2  # a word the documents write in lower case this often is one of their ordinary words


def ordinary_words(texts: Iterable[str]) -> frozenset[str]:
    """The words a deployment's documents write in lower case or as acronyms (outside emails and web addresses): in
    its users' questions the same words capitalised ("Medi-Cal Peer Support Specialist") or typed in lower case
    ("camhpro") name the program, not a person."""
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
    for m in _overlapping(_TITLE_PAIR, text):  # "Hello Faleolo Tuiasosopo": the pair after "Hello" too
        if all(zipf(w) < UNHEARD_ZIPF for w in m.group(1).split()) and m.group(1).lower() not in place_set():
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

def name_spans(text: str, ordinary: frozenset[str] = frozenset()) -> list[tuple[int, int]]:
    """Every name in `text`, by the rules, the word tagger and the name model, stretched to the first names before it and the surnames
    after it."""
    ruled = ruled_names(text, ordinary)
    learned = load_tagger().spans(text, ruled) + load_model().spans(text)
    found = ruled + [(s, e) for s, e in learned if not _only_ordinary(text, s, e, ordinary)]
    names = sorted((_preceded(text, s), _continued(text, e)) for s, e in found)
    return _bridged(text, [(s, e) for s, e in names if not _names_a_place(text, e)])


def _bridged(text: str, names: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """One capitalised word between two found names belongs to them ('[Kateri] Two [Bulls]')."""
    out: list[tuple[int, int]] = []
    for s, e in names:
        if out and re.fullmatch(r"[ \t]+[A-ZÁÉÍÓÚÑ][\wáéíóúñü'’-]*[ \t]+", text[out[-1][1]:s]):
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out
