"""How many personal details the redactor (assistant/privacy.py) catches, and how many ordinary words it takes.

Run: `python -m evals.privacy_eval SET.jsonl [SET.jsonl …]`. The redactor reads the messages as the assistant does,
knowing the words the seed documents write in lower case (`corpus/`, or PEERHELP_CORPUS_DIR). A set holds one message per line,
`{"id", "language", "message", "pii": [{"kind", "text"}]}`, where each `text` is the detail exactly as typed.
The sets are written by helpers who see no code and are kept outside the project (they are full of invented
names, numbers and addresses); evals/README.md, "Personal details", keeps what each one measured.

A detail counts as caught when none of its identifying parts is left in the output: a name's words, a
number's digit groups, an address's number and the words of its street, a mailbox (the part before the "at").
Words a redactor may leave without identifying anyone (street types, "apt", state abbreviations, cue words)
are not parts. Ordinary words removed is the share of words outside every detail that the output lost.
"""

import json
import re
import sys
from collections import Counter
from difflib import SequenceMatcher
from pathlib import Path

from assistant.name_rules import ordinary_words
from assistant.privacy import redact
from core.settings import Settings
from ingest.manifest import read_manifest
from ingest.pipeline import cleaned_text_of

KINDS = ("name", "address", "dob", "email", "phone", "ssn", "cin")
_WORD = re.compile(r"[\w'’]+")
# Words inside an address or a date that identify no one on their own.
_NOT_PARTS = {
    "st", "street", "ave", "avenue", "blvd", "rd", "road", "dr", "drive", "ln", "lane", "way", "ct", "court",
    "pl", "place", "apt", "apartment", "unit", "suite", "ste", "space", "spc", "lot", "po", "p", "o", "box",
    "ca", "california", "calle", "avenida", "av", "de", "la", "el", "del", "los", "las", "n", "s", "e", "w",
    "north", "south", "east", "west", "no", "num", "número", "numero", "interior", "int", "depto", "casa",
    "hwy", "highway", "route", "rt", "rr", "the", "of", "y", "and", "in", "en", "at", "dot", "punto", "arroba",
}


def parts(kind: str, text: str) -> list[str]:
    """The pieces of a detail that would still identify someone if left in the output (lower case)."""
    if kind == "email":
        mailbox = re.split(r"@|\s*[\[(]?\s*\b(?:at|arroba)\b\s*[\])]?\s*", text, maxsplit=1)[0]
        return [w.lower() for w in _WORD.findall(mailbox) if w.lower() not in {"dot", "punto"}]
    if kind in ("phone", "ssn", "cin", "dob"):
        groups = re.findall(r"\d+", text)
        return groups or [w.lower() for w in _WORD.findall(text) if w.lower() not in _NOT_PARTS]
    words = [w.lower() for w in _WORD.findall(text)]
    if kind == "address":
        return [w for w in words if w not in _NOT_PARTS and (w.isdigit() or len(w) > 1)]
    return [w for w in words if len(w) > 1]  # an initial alone identifies no one


def _words_of(text: str) -> Counter:
    found = Counter(w.lower() for w in _WORD.findall(text))
    found.update(re.findall(r"\d+", text))
    return found


def _caught(kind: str, text: str, output: str, outside: str = "") -> bool:
    """No part of the detail is left, beyond the times the same word occurs in `outside`, the message's text outside
    every detail ("Faith" of a name may stay in "a faith based house")."""
    left, elsewhere = _words_of(output), _words_of(outside)
    return not any(left[p] > elsewhere[p] for p in parts(kind, text))


def _ordinary_removed(message: str, details: list[str], output: str) -> tuple[int, int]:
    spans = [(m.start(), m.end()) for d in details for m in re.finditer(re.escape(d), message)]
    words = [(m.group().lower(), not any(s <= m.start() < e for s, e in spans)) for m in _WORD.finditer(message)]
    kept = [w.lower() for w in _WORD.findall(output)]
    matcher = SequenceMatcher(a=[w for w, _ in words], b=kept, autojunk=False)
    matched = {i for block in matcher.get_matching_blocks() for i in range(block.a, block.a + block.size)}
    ordinary = [i for i, (_, plain) in enumerate(words) if plain]
    return sum(i not in matched for i in ordinary), len(ordinary)


def score(items: list[dict], document_words: frozenset[str] = frozenset()) -> dict:
    caught, total = Counter(), Counter()
    removed = ordinary = 0
    misses = []
    for item in items:
        output = redact(item["message"], document_words)
        outside = item["message"]
        for detail in item["pii"]:
            outside = outside.replace(detail["text"], " ")
        for detail in item["pii"]:
            total[detail["kind"]] += 1
            if _caught(detail["kind"], detail["text"], output, outside):
                caught[detail["kind"]] += 1
            else:
                misses.append({"id": item["id"], "kind": detail["kind"]})
        r, o = _ordinary_removed(item["message"], [d["text"] for d in item["pii"]], output)
        removed, ordinary = removed + r, ordinary + o
    return {"recall": {k: (caught[k], total[k]) for k in KINDS if total[k]},
            "ordinary_removed": removed / max(ordinary, 1), "misses": misses}


def main(paths: list[str]) -> None:
    items = [json.loads(line) for p in paths for line in Path(p).read_text(encoding="utf-8").splitlines() if line.strip()]
    settings = Settings()
    document_words = ordinary_words(cleaned_text_of(settings, e)[1] for e in read_manifest(settings.corpus_dir))
    result = score(items, document_words)
    print("| kind | caught |\n|---|---|")
    for kind, (c, t) in result["recall"].items():
        print(f"| {kind} | {c}/{t} = {c / t:.3f} |")
    print(f"| ordinary words removed | {100 * result['ordinary_removed']:.2f} % |")
    print(f"{len(result['misses'])} details missed (ids only; read the set itself to see them)")
    print(" ".join(f"{m['id']}:{m['kind']}" for m in result["misses"]))


if __name__ == "__main__":
    main(sys.argv[1:])
