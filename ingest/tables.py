"""Tables in extracted text: tab-separated rows become one record per line ('Label — value').

A record keeps its label and values together so a chunk boundary never splits them; a table whose first
row names its columns gives every record those names ("Kern — Training start: April 8, 2026"), so a row
quoted alone still says what each value is.
"""

import re

from ingest.markup import TERMINAL, is_boilerplate, strip_html

RECORD_SEP = " — "


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
    names = column_names(merged)
    for idx, cells in enumerate(merged):
        texts = [strip_html(c) for c in cells]
        filled = [t for t in texts if t]
        if names is not None:
            if idx > 0 and texts[0]:  # 'Kern — Training start: April 8, 2026 — Contact: …'
                out.append(RECORD_SEP.join([texts[0]] + [f"{name}: {t}" for name, t in zip(names[1:], texts[1:]) if t]))
            continue
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


def column_names(rows: list[list[str]]) -> list[str] | None:
    """The first row's texts when it names the columns, so each record can say what its values are.

    A header is short labels (no figures, no sentence) over at least two rows of the same width, and none
    of its labels recurs as a value below it (a first row of data does: 'Alameda | DMC-ODS & SMHS')."""
    if len(rows) < 3:
        return None
    first = [strip_html(c) for c in rows[0]]
    if len(first) < 2 or not all(first) or _is_wrapped_pair_header(first) or any(len(r) != len(first) for r in rows[1:]) or \
            any(_cell_items(c) for r in rows for c in r):
        return None
    if any(re.search(r"\d|•", t) or len(t.split()) > 4 or t.endswith(TERMINAL) for t in first):
        return None
    columns = [[strip_html(r[k]).lower() for r in rows[1:]] for k in range(len(first))]
    if any(name.lower() in values for name, values in zip(first, columns)):
        return None
    return first


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
    return len(prev_first) > 60 and not prev_first.endswith(TERMINAL + (")",))
