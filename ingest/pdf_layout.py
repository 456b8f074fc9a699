"""A PDF page's text in reading order, from positioned text segments (what PDFium reports).

Extractors that follow the order text is stored in the file mix the columns of a newsletter
whenever its producer wrote the page line by line, keep every running header and "Page 3 of 9",
and flatten a table row into one run of words that loses its column names. Chosen by measurement
(evals/README.md, "PDF extraction"): PDFium's text segments with their boxes, laid out here:
- lines: segments on one baseline, left to right; a wide gap between two segments is a cell break;
- running furniture: a line in the top or bottom band of the page that repeats (digits aside) on
  most pages is kept on its first page only, and a bare page number is dropped;
- columns: a gutter that most lines of a block leave empty, with prose on both sides, is read as
  two columns, the left one first;
- tables: a table drawn with rules or cell boxes gives each row its cells as the rules divide them
  (a cell's wrapped lines stay together); elsewhere a line split by wide gaps is a row of cells. Rows
  are written tab-separated, and the cleaner makes each a record naming its columns (ingest/tables.py).
"""

import re
from collections import Counter
from dataclasses import dataclass

MARGIN_BAND = 0.09  # top and bottom share of the page where running headers and footers sit
REPEATS = 0.5  # a margin line on at least this share of the pages is furniture
CELL_GAP = 2.0  # a gap wider than this many line heights separates cells, not words
PARAGRAPH_GAP = 1.6  # a vertical gap wider than this many line heights starts a paragraph
_PAGE_NUMBER = re.compile(r"^(?:page\s+)?[-–—]?\s*\d{1,4}\s*[-–—]?(?:\s+(?:of|de)\s+\d{1,4})?$|^[ivxlc]{1,6}$",
                          re.IGNORECASE)


@dataclass(frozen=True)
class Segment:
    """A run of text on one line, in page points with y growing downwards."""

    text: str
    left: float
    right: float
    top: float
    bottom: float

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 1.0)


@dataclass
class Line:
    segments: list[Segment]
    fixed: list[str] | None = None  # a ruled table's row: its cells, as the rules divide them

    @property
    def top(self) -> float:
        return min(s.top for s in self.segments)

    @property
    def bottom(self) -> float:
        return max(s.bottom for s in self.segments)

    @property
    def left(self) -> float:
        return min(s.left for s in self.segments)

    @property
    def right(self) -> float:
        return max(s.right for s in self.segments)

    @property
    def height(self) -> float:
        return max(s.height for s in self.segments)

    def cells(self) -> list[str]:
        """The line's text split at wide gaps (a table's cells); one cell for ordinary prose."""
        if self.fixed is not None:
            return self.fixed
        out: list[list[Segment]] = []
        for segment in sorted(self.segments, key=lambda s: s.left):
            if out and segment.left - out[-1][-1].right <= CELL_GAP * self.height:
                out[-1].append(segment)
            else:
                out.append([segment])
        return [" ".join(" ".join(s.text.split()) for s in cell) for cell in out]

    def text(self) -> str:
        return " ".join(self.cells())


def lines_of(segments: list[Segment]) -> list[Line]:
    """Segments grouped by baseline: a segment joins the line its vertical middle falls inside."""
    lines: list[Line] = []
    for segment in sorted((s for s in segments if s.text.strip()), key=lambda s: (s.top, s.left)):
        middle = (segment.top + segment.bottom) / 2
        for line in reversed(lines[-3:]):
            if line.top - 1 <= middle <= line.bottom + 1:
                line.segments.append(segment)
                break
        else:
            lines.append(Line([segment]))
    return sorted(lines, key=lambda line: line.top)


RULE = 3.0  # a drawn path thinner than this (points) is a rule, not a box
TALLEST_ROW = 200.0  # points: a band between two rules taller than this is a framed page or column, not a row


def ruled_rows(segments: list[Segment], boxes: list[tuple[float, float, float, float]]) -> tuple[list[Line], list[Segment]]:
    """Rows of the tables drawn with rules or cell boxes (`boxes`: drawn paths as left, top, right, bottom, y down),
    each row one Line of its cells' texts; and the segments outside every table."""
    horizontal: list[tuple[float, float, float]] = []  # y, from x, to x
    vertical: list[tuple[float, float, float]] = []  # x, from y, to y
    for left, top, right, bottom in boxes:
        if right - left >= 10 and bottom - top < RULE:
            horizontal.append(((top + bottom) / 2, left, right))
        elif bottom - top >= 8 and right - left < RULE:
            vertical.append(((left + right) / 2, top, bottom))
        elif right - left >= 10 and bottom - top >= 8:
            horizontal += [(top, left, right), (bottom, left, right)]
            vertical += [(left, top, bottom), (right, top, bottom)]
    ys = _clustered([y for y, _, _ in horizontal])
    rows: list[Line] = []
    used: set[int] = set()
    for upper, lower in zip(ys, ys[1:]):
        if lower - upper > TALLEST_ROW:
            continue
        middle = (upper + lower) / 2
        xs = _clustered([x for x, a, b in vertical if a - 2 <= middle <= b + 2])
        if len(xs) < 3:
            continue
        cells: list[list[tuple[int, Segment]]] = [[] for _ in xs[1:]]
        for i, seg in enumerate(segments):
            across, down = (seg.left + seg.right) / 2, (seg.top + seg.bottom) / 2
            if upper <= down <= lower and xs[0] <= across <= xs[-1]:
                column = next(k for k, x in enumerate(xs[1:]) if across <= x)
                cells[column].append((i, seg))
        if not any(cells):
            continue
        texts = [" ".join(" ".join(s.text.split()) for _, s in sorted(c, key=lambda p: (round(p[1].top), p[1].left)))
                 for c in cells]
        used.update(i for c in cells for i, _ in c)
        members = [s for c in cells for _, s in c]
        rows.append(Line(members, fixed=texts))
    return rows, [s for i, s in enumerate(segments) if i not in used]


def _clustered(values: list[float], tolerance: float = 2.0) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tolerance:
            out.append(v)
    return out


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def furniture(pages: list[tuple[list[Line], float]]) -> set[str]:
    """Shapes of the margin lines that repeat on most pages (`pages`: each page's lines and height)."""
    if len(pages) < 2:
        return set()
    seen: Counter[str] = Counter()
    for lines, height in pages:
        seen.update({_shape(line.text()) for line in lines if _in_margin(line, height)})
    needed = max(2, REPEATS * len(pages))
    return {shape for shape, count in seen.items() if count >= needed}


def _in_margin(line: Line, height: float) -> bool:
    return line.bottom <= MARGIN_BAND * height or line.top >= (1 - MARGIN_BAND) * height


def page_text(lines: list[Line], width: float, height: float, repeated: set[str], kept: set[str]) -> str:
    """The page's text in reading order. A running header or footer is kept the first time only (it may hold the
    document's date or phone) and recorded in `kept`; a bare page number never."""
    body = []
    for line in lines:
        if _in_margin(line, height):
            shape = _shape(line.text())
            if _PAGE_NUMBER.match(line.text().strip()) or shape in kept:
                continue
            if shape in repeated:
                kept.add(shape)
        body.append(line)
    gutter = _gutter(body, width)
    if gutter is None:
        return _render(body)
    blocks: list[list[Line]] = []
    left: list[Line] = []
    right: list[Line] = []
    for line in body:
        if line.left < gutter < line.right and not _splits_at(line, gutter):  # a full-width line ends the block
            blocks += [left, right, [line]]
            left, right = [], []
            continue
        mine = [s for s in line.segments if s.right <= gutter]
        theirs = [s for s in line.segments if s.left >= gutter]
        if mine:
            left.append(Line(mine))
        if theirs:
            right.append(Line(theirs))
    blocks += [left, right]
    return "\n\n".join(_render(block) for block in blocks if block)


def _splits_at(line: Line, x: float) -> bool:
    return not any(s.left < x < s.right for s in line.segments)


def _gutter(lines: list[Line], width: float) -> float | None:
    """The x of an empty band between two columns of prose, if the page has one."""
    if len(lines) < 6:
        return None
    best, best_count = None, 0
    for x in range(int(width * 0.3), int(width * 0.7), 2):
        two_sided = [line for line in lines if _splits_at(line, x) and line.left < x < line.right]
        crossing = sum(1 for line in lines if not _splits_at(line, x))
        if crossing > 0.1 * len(lines) or len(two_sided) < 0.5 * len(lines):
            continue
        if len(two_sided) > best_count:
            best, best_count = float(x), len(two_sided)
    if best is None:
        return None
    # prose, not a table: left of the gutter, a line is one run of words that mostly fills its column
    sides = [Line([s for s in line.segments if s.right <= best]) for line in lines]
    sides = [side for side in sides if side.segments]
    column = best - min(line.left for line in lines)
    prose = [side for side in sides if len(side.cells()) == 1 and side.right - side.left >= 0.6 * column]
    return best if len(prose) >= 0.5 * len(sides) else None


def _render(lines: list[Line]) -> str:
    """One text line per line; tab-separated cells for table rows; a blank line between paragraphs."""
    out: list[str] = []
    previous: Line | None = None
    for line in lines:
        cells = line.cells()
        row_after_row = len(cells) > 1 and previous is not None and len(previous.cells()) > 1
        if previous is not None and line.top - previous.bottom > PARAGRAPH_GAP * line.height and not row_after_row:
            out.append("")
        out.append("\t".join(cells) if len(cells) > 1 else cells[0])
        previous = line
    return "\n".join(out)
