"""Turn messy extracted text into clean lines: one paragraph, list item or table record per line.

The seeds are what real extraction gives: HTML fragments inside table cells, bullet glyphs
run together, tab-separated tables (one wrapped into four columns), slide bullets split
across lines, markdown links to '#', and template boilerplate. Cleaning is always done
here, never by editing a document, so a new document of the same kind comes out clean too.
Each rule is its own function with a unit test on a real excerpt (tests/test_cleaning.py).
"""

import html
import re
import unicodedata

CLEANING_VERSION = 3  # bump when a rule changes: every document is then re-chunked

RECORD_SEP = " — "

_CHAR_MAP = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"',
    "\u2013": "-", "\u2011": "-", "\u2012": "-",
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ", "\u200a": " ",
    "\u00ad": "", "\u200b": "", "\u200c": "", "\u200d": "", "\ufeff": "",
    "\u25cf": "•", "\u25aa": "•", "\u2023": "•", "\u2043": "•", "\u25e6": "•", "\u00b7": "•",
}

_BOILERPLATE = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^insert (statistics|text|image|photo|chart|graph|table)s? here\.?$",
        r"^this page (was|is|has been) (left )?(blank )?(intentionally|purposely)( left)?( blank)?\.?$",
        r"^this space is (left|reserved) for\b.*$",
        r"^(sidebar|page) elements$",
        r"^body$",
        r"^(click|tap) here\.?$",
        r"^delivery system key:?(\s*[\w-]+\s*=)*\s*$",
    )
]
_CLOUDFLARE_EMAIL = re.compile(r"\[email\s*(?:&#160;|\s)*protected\]", re.IGNORECASE)
_MD_LINK = re.compile(r"\[((?:\\.|[^\]\\])*)\]\(((?:[^()\s]|\([^()]*\))*)\)")
_TAG = re.compile(r"<[^>]{0,400}>")
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_GLUED_MONTH = re.compile(rf"^((?:{_MONTHS})(?:\s*-\s*(?:{_MONTHS}))?)(?=[A-Z][a-z])")
_WEEKDAY_DATE = re.compile(rf"^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (?:{_MONTHS}) \d{{1,2}}, \d{{4}}$")
_BULLET_START = re.compile(r"^\s*(?:[•▪◦\-*]|\d{1,2}[.)])\s+")
_TERMINAL = tuple(".!?:;")
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


def is_boilerplate(line: str) -> bool:
    s = strip_html(line).strip()
    return any(p.match(s) for p in _BOILERPLATE)


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


def strip_html(fragment: str) -> str:
    """HTML fragment → text. Paragraphs become sentences; bullets become '; '-joined items."""
    s = re.sub(r"<br\s*/?>", "\x00", fragment, flags=re.IGNORECASE)
    s = re.sub(r"</(p|div|li|h\d)\s*>", "\x00", s, flags=re.IGNORECASE)
    s = html.unescape(_TAG.sub("", s))
    parts = [" ".join(p.split()) for p in s.split("\x00")]
    return join_sentences([p for p in parts if p])


def join_sentences(parts: list[str]) -> str:
    out = ""
    for part in parts:
        if not out:
            out = part
        elif out.endswith(_TERMINAL + (")", '"', "'")):
            out += " " + part
        else:
            out += ". " + part
    return out


def _cell_items(cell: str) -> list[str]:
    """A cell's bullet items ('• a • b'), or [] when the cell is not a bullet list."""
    text = strip_html(cell)
    if text.count("•") < 2:
        return []
    return [" ".join(p.split()) for p in text.split("•") if p.strip()]


def tables_to_records(lines: list[str]) -> list[str]:
    """Tab-separated rows → one record per line ('Label — value'), keeping label and value together."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        if "\t" not in lines[i]:
            out.append(lines[i])
            i += 1
            continue
        rows: list[tuple[list[str], bool]] = []  # (cells, preceded by a page gap)
        gap = False
        while i < len(lines):
            line = lines[i]
            if "\t" in line:
                rows.append(([c.strip() for c in line.split("\t")], gap))
                gap = False
                i += 1
            elif not line.strip() and _next_nonblank_has_tab(lines, i):
                gap = True
                i += 1
            else:
                break
        out.append("")
        out.extend(_render_table(rows))
        out.append("")
    return out


def _next_nonblank_has_tab(lines: list[str], i: int) -> bool:
    for j in range(i, min(len(lines), i + 6)):
        if lines[j].strip():
            return "\t" in lines[j]
    return False


def _render_table(rows: list[tuple[list[str], bool]]) -> list[str]:
    rows = [(cells, gap) for cells, gap in rows if not all(re.fullmatch(r"[-—:|\s]*", c) for c in cells)]
    out: list[str] = []
    pair_header: list[str] | None = None
    pairs_left: list[str] = []
    pairs_right: list[str] = []
    merged = _merge_continuations(rows)
    for idx, cells in enumerate(merged):
        texts = [strip_html(c) for c in cells]
        filled = [t for t in texts if t]
        if not filled or is_boilerplate("\t".join(texts)) or all(is_boilerplate(t) for t in filled):
            continue
        if _is_wrapped_pair_header(texts):
            pair_header = texts[:2]
            out.append(f"{pair_header[0]}{RECORD_SEP}{pair_header[1]}")
            continue
        if pair_header:
            texts += [""] * (4 - len(texts))
            for k, target in ((0, pairs_left), (2, pairs_right)):
                if texts[k]:
                    target.append(f"{texts[k]}{RECORD_SEP}{texts[k + 1] or 'not listed'}")
            continue
        item_cols = [_cell_items(c) for c in cells]
        if any(item_cols):
            header = merged[idx - 1] if idx > 0 else []
            header_texts = [strip_html(c) for c in header]
            if out and header and len(header_texts) == len(cells) and out[-1] == RECORD_SEP.join(t for t in header_texts if t):
                out.pop()
            for col, items in enumerate(item_cols):
                label = header_texts[col] if col < len(header_texts) and header_texts[col] else None
                if items:
                    if label:
                        out.extend(["", f"{label}:"])
                    out.extend(f"- {item}" for item in items)
                elif texts[col]:
                    out.append(texts[col])
            continue
        if len(filled) == 1 and texts[0]:
            out.extend(["", filled[0], ""])  # a caption: its own block, so it can head a section
            continue
        out.append(RECORD_SEP.join(filled))
    return out + pairs_left + pairs_right


def _is_wrapped_pair_header(texts: list[str]) -> bool:
    """COUNTY | DELIVERY SYSTEM | COUNTY | DELIVERY SYSTEM: a two-column list wrapped into four."""
    return len(texts) >= 4 and bool(texts[0]) and texts[0].lower() == texts[2].lower() and texts[1].lower() == texts[3].lower()


def _merge_continuations(rows: list[tuple[list[str], bool]]) -> list[list[str]]:
    """Rejoin rows a page break cut in two ('…the far-' / 'reaching initiative…')."""
    merged: list[list[str]] = []
    for cells, gap in rows:
        if merged and gap and _continues(merged[-1], cells):
            prev = merged[-1]
            width = max(len(prev), len(cells))
            prev += [""] * (width - len(prev))
            for k, c in enumerate(cells):
                a, b = prev[k], c
                if not b:
                    continue
                if not a:
                    prev[k] = b
                else:
                    a = re.sub(r"</p>\s*$", "", a)
                    b = re.sub(r"^\s*<p[^>]*>", "", b)
                    hyphenated = strip_html(a).endswith("-") and strip_html(b)[:1].islower()
                    prev[k] = a + ("" if hyphenated else " ") + b
            continue
        merged.append(list(cells))
    return merged


def _continues(prev: list[str], cells: list[str]) -> bool:
    first = strip_html(cells[0]) if cells else ""
    if not first:
        return False
    prev_first = strip_html(prev[0]) if prev else ""
    if first[:1].islower():
        return True
    only_first = all(not strip_html(c) for c in cells[1:])
    if only_first and first.lower().startswith("purpose:"):
        return True
    return len(prev_first) > 60 and not prev_first.endswith(_TERMINAL + (")",))


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
    if p.endswith(_TERMINAL) or RECORD_SEP in s:
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
    while out and out[-1].strip() and len(out[-1].split()) <= 3 and not out[-1].strip().endswith(_TERMINAL):
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
