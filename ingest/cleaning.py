"""Turn messy extracted text into clean lines: one paragraph, list item or table record per line.

The seeds are what real extraction gives: HTML fragments inside table cells, bullet glyphs
run together, tab-separated tables (one wrapped into four columns), slide bullets split
across lines, markdown links to '#', and template boilerplate. Cleaning is always done
here, never by editing a document, so a new document of the same kind comes out clean too.
Each rule is its own function with a unit test on a real excerpt (tests/test_cleaning.py).
"""

import re
import unicodedata

from ingest.markup import TERMINAL, is_boilerplate, strip_html
from ingest.tables import RECORD_SEP, tables_to_records

CLEANING_VERSION = 4  # bump when a rule changes: every document is then re-chunked

_CHAR_MAP = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"',
    "\u2013": "-", "\u2011": "-", "\u2012": "-",
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ", "\u200a": " ",
    "\u00ad": "", "\u200b": "", "\u200c": "", "\u200d": "", "\ufeff": "",
    "\u25cf": "•", "\u25aa": "•", "\u2023": "•", "\u2043": "•", "\u25e6": "•", "\u00b7": "•",
}

_CLOUDFLARE_EMAIL = re.compile(r"\[email\s*(?:&#160;|\s)*protected\]", re.IGNORECASE)
_MD_LINK = re.compile(r"\[((?:\\.|[^\]\\])*)\]\(((?:[^()\s]|\([^()]*\))*)\)")
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_GLUED_MONTH = re.compile(rf"^((?:{_MONTHS})(?:\s*-\s*(?:{_MONTHS}))?)(?=[A-Z][a-z])")
_WEEKDAY_DATE = re.compile(rf"^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (?:{_MONTHS}) \d{{1,2}}, \d{{4}}$")
_BULLET_START = re.compile(r"^\s*(?:[•▪◦\-*]|\d{1,2}[.)])\s+")
_CONNECTIVES = {"and", "or", "of", "the", "to", "for", "in", "with", "a", "an", "from", "by", "on", "&", "as", "at", "including"}


def clean_text(raw: str) -> str:
    """Apply every rule, in order, and return text with one unit per line."""
    text = normalize_characters(raw)
    lines = text.split("\n")
    lines = [rewrite_inline_markup(line) for line in lines]
    lines = drop_table_of_contents(lines)
    lines = [line for line in lines if not is_boilerplate(line)]
    lines = [split_glued_month(line) for line in lines]
    lines = split_bullet_runs(lines)
    lines = join_broken_lines(lines)
    lines = tables_to_records(lines)
    lines = [strip_html(line) if "<" in line else line for line in lines]
    lines = group_date_rows(lines)
    lines = [line for line in lines if not is_noise(line) and not is_boilerplate(line)]
    return assemble(lines)


def normalize_characters(text: str) -> str:
    """Unicode NFC, one apostrophe and dash style, private-use glyphs (Wingdings bullets) as •."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n"))
    text = "".join(_CHAR_MAP.get(c, "•" if "\ue000" <= c <= "\uf8ff" else c) for c in text)
    text = _CLOUDFLARE_EMAIL.sub("(email address hidden in the source page)", text)
    return "\n".join(re.sub(r"[ \u3000]+", " ", line).rstrip(" ") for line in text.split("\n"))


def rewrite_inline_markup(line: str) -> str:
    """Markdown links become their text (plus the URL when it is a real one); bold markers go."""

    def link(m: re.Match) -> str:
        label = re.sub(r"\\(.)", r"\1", m.group(1)).strip()
        target = m.group(2).strip()
        if target.startswith(("http://", "https://")) and target not in label:
            return f"{label} ({target})"
        return label

    line = _MD_LINK.sub(link, line)
    line = line.replace("**", "").replace("__", "")
    if line.startswith("*") and not line.startswith("* "):
        line = line[1:]
    if line.endswith("*") and not line.endswith(" *"):
        line = line[:-1]
    return line


def drop_table_of_contents(lines: list[str]) -> list[str]:
    """Remove a table of contents: it repeats headings and would confuse section detection.

    The entries run from the 'Table of Contents' line until the first entry appears again
    (where the body starts).
    """
    for i, line in enumerate(lines):
        if re.match(r"^\s*table of contents\b", line, re.IGNORECASE):
            entries = [j for j in range(i + 1, min(len(lines), i + 200)) if lines[j].strip()]
            if not entries:
                return lines
            first = lines[entries[0]].strip().lower()
            for j in entries[1:]:
                if lines[j].strip().lower() == first:
                    return lines[:i] + lines[j:]
            return lines
    return lines


def split_glued_month(line: str) -> str:
    """'NovemberDisseminate BHIN 20-056…' → 'November: Disseminate BHIN 20-056…' (lost table cell)."""
    return _GLUED_MONTH.sub(r"\1: ", line)


def split_bullet_runs(lines: list[str]) -> list[str]:
    """'• a • b • c' on one line → one '- item' per line; leading bullet glyphs become '- '."""
    out: list[str] = []
    for line in lines:
        stripped = line.strip()
        if "\t" in line:
            out.append(line)
        elif stripped.count("•") >= 2 and stripped.startswith("•"):
            out.extend(f"- {' '.join(it.split())}" for it in stripped.split("•") if it.strip())
        elif stripped.count("•") >= 2:
            out.append(", ".join(p.strip() for p in stripped.split("•") if p.strip()))
        elif stripped.startswith("•"):
            out.append("- " + stripped.lstrip("• ").strip())
        else:
            out.append(line.strip() if _BULLET_START.match(line) else line)
    return out


def join_broken_lines(lines: list[str]) -> list[str]:
    """Rejoin sentences that extraction broke across lines (slide bullets, PDF line wraps).

    A line continues the previous one when it starts in lower case or with '(' or when the
    previous line ends with a connective ('and', 'of', ',' …). A single blank line between
    them does not stop the join (slide decks put one there); a new bullet always does.
    """
    out: list[str] = []
    blank_run = 0
    for line in lines:
        if not line.strip():
            blank_run += 1
            out.append(line)
            continue
        prev_idx = _last_nonblank(out)
        if prev_idx is not None and blank_run <= 1 and _is_continuation(out[prev_idx], line, blank_run):
            prev = out[prev_idx].rstrip()
            piece = line.strip()
            out[prev_idx] = prev + piece if prev.endswith("-") and piece[:1].islower() and not prev.endswith(" -") else prev + " " + piece
            del out[prev_idx + 1:]
        else:
            out.append(line)
        blank_run = 0
    return out


def _last_nonblank(lines: list[str]) -> int | None:
    for k in range(len(lines) - 1, -1, -1):
        if lines[k].strip():
            return k
    return None


def _is_continuation(prev: str, line: str, blanks: int) -> bool:
    p, s = prev.strip(), line.strip()
    if "\t" in prev or "\t" in line:
        return False
    if not p or not s or s.startswith("- ") or s.startswith("#") or p.startswith("#"):
        return False
    if p.endswith(TERMINAL) or RECORD_SEP in s:
        return False
    last_word = p.split()[-1].lower()
    if blanks and not (p.startswith("- ") or len(p) > 60):
        return False  # a short line before a gap is a heading or label, not half a sentence
    if s[0].islower() or s[0] == "(":
        return True
    if last_word in _CONNECTIVES or p.endswith((",", "-")) and not p.endswith(" -"):
        return True
    return blanks == 0 and p.startswith("- ") and not s.endswith(":") and not _WEEKDAY_DATE.match(s)


def group_date_rows(lines: list[str]) -> list[str]:
    """A table flattened to one cell per line (meeting date, time, dial-in…) → one record per date."""
    dates = [k for k, line in enumerate(lines) if _WEEKDAY_DATE.match(line.strip())]
    if len(dates) < 2:
        return lines
    out = lines[: dates[0]]
    header: list[str] = []
    while out and out[-1].strip() and len(out[-1].split()) <= 3 and not out[-1].strip().endswith(TERMINAL):
        header.insert(0, out.pop().strip())
    if header:
        out.append("; ".join(header))
    k = dates[0]
    while k < len(lines):
        if k in dates:
            record = [lines[k].strip()]
            k += 1
            while k < len(lines) and lines[k].strip() and k not in dates:
                record.append(lines[k].strip())
                k += 1
            out.append("; ".join(record))
        else:
            out.append(lines[k])
            k += 1
    return out


def is_noise(line: str) -> bool:
    """Slide numbers ('1', '01', '1 2 3 4'), single letters, and separator rules."""
    s = line.strip()
    if not s:
        return False
    return bool(re.fullmatch(r"(\d{1,2}\s*)+", s) or len(s) == 1 or re.fullmatch(r"[-_=—*#|•]{2,}", s))


def assemble(lines: list[str]) -> str:
    """Trim, and keep at most one blank line between blocks."""
    out: list[str] = []
    for line in lines:
        s = " ".join(line.split()) if not line.startswith("#") else line.strip()
        if not s:
            if out and out[-1]:
                out.append("")
            continue
        out.append(s)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"
