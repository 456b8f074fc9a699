"""Which PDF text extractor reads county PDFs best: measured on the shapes of `evals/pdf_samples.py`.

Run: `python -m evals.pdf_extractors` (the figures and the choice are in evals/README.md, "PDF extraction").
Each extractor returns one text per page; the scores are
- reading order: of the two-column sample's sentences, the share found whole (not interleaved with the
  other column) and the share of consecutive pairs found in order;
- table rows: the share of the table's rows whose three cells come out on one line, in order (a
  row keeps its column names only when the cells are also told apart: the shipped layout writes them
  tab-separated, and the cleaner makes each row a record naming its columns);
- table rows naming columns: after the same cleaner, the share of rows whose record names its columns;
- running header on pages: the share of a five-page memo's pages whose running header is left in the text
  (the shipped layout keeps it on the first page only: it may hold the document's date or phone);
- seconds per 100 pages of the long sample.
"""

import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from evals.pdf_samples import long_document, ruled_table, running_furniture, two_columns


def _pypdf(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [p.extract_text() or "" for p in PdfReader(str(path)).pages]


def _pypdf_layout(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [p.extract_text(extraction_mode="layout") or "" for p in PdfReader(str(path)).pages]


def _pdfminer(path: Path) -> list[str]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTTextContainer

    return ["".join(e.get_text() for e in page if isinstance(e, LTTextContainer)) for page in extract_pages(str(path))]


def _pdfplumber(path: Path) -> list[str]:
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        return [p.extract_text() or "" for p in pdf.pages]


def _pdfium(path: Path) -> list[str]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


def _peerhelp(path: Path) -> list[str]:
    from ingest.loaders import load_text

    return [load_text(path, 10**9)]


EXTRACTORS: dict[str, Callable[[Path], list[str]]] = {
    "pypdf": _pypdf, "pypdf (layout mode)": _pypdf_layout, "pdfminer.six": _pdfminer, "pdfplumber": _pdfplumber,
    "pypdfium2": _pdfium, "pypdfium2 + ingest/pdf_layout.py (shipped)": _peerhelp,
}


def _flat(text: str) -> str:
    return " ".join(text.split())


def order_scores(text: str, sentences: list[str]) -> tuple[float, float]:
    flat = _flat(text)
    whole = [s for s in sentences if s in flat]
    positions = [flat.find(s.split(" says")[0] + " ") for s in sentences]
    pairs = [(a, b) for a, b in zip(positions, positions[1:])]
    in_order = sum(1 for a, b in pairs if 0 <= a < b)
    return len(whole) / len(sentences), in_order / max(len(pairs), 1)


def row_score(text: str, rows: list[dict[str, str]]) -> float:
    lines = [_flat(line) for line in text.splitlines()]
    found = 0
    for row in rows:
        pattern = re.compile(r".*".join(re.escape(v) for v in row.values()))
        found += any(pattern.search(line) for line in lines)
    return found / len(rows)


def named_rows(text: str, rows: list[dict[str, str]]) -> float:
    """After the cleaner (the same for every extractor): the share of rows whose record names its columns."""
    from ingest.cleaning import clean_text

    cleaned = _flat(clean_text(text))
    return sum(1 for row in rows if all(f"{name}: {row[name]}" in cleaned for name in list(row)[1:])) / len(rows)


def compare(work: Path, pages: int = 100) -> list[dict]:
    columns = two_columns(work / "columns.pdf")
    interleaved = two_columns(work / "interleaved.pdf", interleaved=True)
    table = ruled_table(work / "table.pdf")
    memo = running_furniture(work / "memo.pdf")
    long = long_document(work / "long.pdf", pages)
    rows = []
    for name, extract in EXTRACTORS.items():
        whole, ordered = order_scores("\n".join(extract(columns.path)), columns.order)
        mixed_whole, mixed_ordered = order_scores("\n".join(extract(interleaved.path)), interleaved.order)
        memo_text = _flat("\n".join(extract(memo.path)))
        header_share = memo_text.count(memo.absent[0]) / (len(memo.absent) - 2)
        started = time.perf_counter()
        extract(long.path)
        seconds = time.perf_counter() - started
        rows.append({"extractor": name, "sentences_whole": round(whole, 3), "pairs_in_order": round(ordered, 3),
                     "interleaved_whole": round(mixed_whole, 3), "interleaved_in_order": round(mixed_ordered, 3),
                     "table_rows_on_one_line": round(row_score("\n".join(extract(table.path)), table.rows), 3),
                     "table_rows_naming_columns": round(named_rows("\n".join(extract(table.path)), table.rows), 3),
                     "running_header_on_pages": round(header_share, 3), "s_per_100_pages": round(seconds * 100 / pages, 2)})
    return rows


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        result = compare(Path(tmp), int(sys.argv[1]) if len(sys.argv) > 1 else 100)
    keys = list(result[0])
    print("| " + " | ".join(keys) + " |")
    print("|" + "---|" * len(keys))
    for row in result:
        print("| " + " | ".join(str(row[k]) for k in keys) + " |")
