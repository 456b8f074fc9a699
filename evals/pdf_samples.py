"""PDFs shaped like the ones county staff add, made here (fpdf2), never downloaded.

Each sample knows what a faithful extraction holds, so extractors can be compared by measurement
(`evals/pdf_extractors.py`) and the loader tested against the same shapes:
- two columns of numbered sentences (reading order: the left column, then the right);
- a ruled table with a header row (each row must keep its column names);
- running headers, footers and page numbers on every page (they must not reach the text);
- a scanned page: an image of text with no text layer (a clear message, never an empty document);
- a long document of many pages, for the bench's ingest time.
"""

from dataclasses import dataclass, field
from pathlib import Path

TOPICS = ["certification", "the exam", "renewal", "supervision", "training hours", "the code of ethics",
          "scholarships", "continuing education", "reciprocity", "the application", "background checks", "fees"]


@dataclass
class Sample:
    path: Path
    order: list[str] = field(default_factory=list)  # sentences in reading order
    absent: list[str] = field(default_factory=list)  # page furniture that must not be extracted
    rows: list[dict[str, str]] = field(default_factory=list)  # table rows, by column name


def _pdf():
    from fpdf import FPDF

    pdf = FPDF(format="letter")
    pdf.set_auto_page_break(False)
    pdf.set_font("Helvetica", size=10)
    return pdf


def _furniture(pdf, header: str, footer_left: str, footer_right: str) -> None:
    """A page's running header and footer, in small type in the margins."""
    pdf.set_font("Helvetica", size=8)
    pdf.set_xy(20, 10)
    pdf.cell(176, 5, header)
    pdf.set_xy(20, 262)
    pdf.cell(120, 5, footer_left)
    pdf.set_xy(150, 262)
    pdf.cell(46, 5, footer_right, align="R")
    pdf.set_font("Helvetica", size=10)


def _body(pdf, side: str, page: int, count: int, top: float, order: list[str]) -> None:
    """`count` numbered sentences down the page, full width, each appended to `order`."""
    pdf.set_xy(20, top)
    for n in range(1, count + 1):
        sentence = _sentence(side, page, n)
        order.append(sentence)
        pdf.set_x(20)
        pdf.multi_cell(170, 5, sentence)
        pdf.ln(2)


def _sentence(side: str, page: int, n: int) -> str:
    topic = TOPICS[(n + page * 3) % len(TOPICS)]
    return f"Marker {side}{page}{n:02d} says the county guidance on {topic} applies to every peer in this region."


def two_columns(path: Path, pages: int = 2, per_column: int = 6, interleaved: bool = False) -> Sample:
    """A newsletter: a full-width title, then two columns per page, each holding its own numbered sentences.
    `interleaved` writes the page line by line across both columns, as many producers store it, so an
    extractor that follows the file's order instead of the page's layout mixes the columns."""
    pdf = _pdf()
    order: list[str] = []
    for page in range(1, pages + 1):
        pdf.add_page()
        if page == 1:
            pdf.set_font("Helvetica", style="B", size=14)
            pdf.set_xy(20, 18)
            pdf.cell(176, 8, "Peer Workforce Newsletter")
            pdf.set_font("Helvetica", size=10)
        columns = {}
        for side, x in (("L", 20), ("R", 112)):
            lines = []
            for n in range(1, per_column + 1):
                sentence = _sentence(side, page, n)
                order.append(sentence)
                lines += pdf.multi_cell(84, 5, sentence, dry_run=True, output="LINES") + [""]
            columns[x] = lines
        placed = [(row, x, line) for x, lines in columns.items() for row, line in enumerate(lines)]
        for row, x, line in sorted(placed) if interleaved else placed:
            if line:
                pdf.set_xy(x, 34 + row * 5)
                pdf.cell(84, 5, line)
    pdf.output(str(path))
    return Sample(path, order)


COLUMNS = ["County", "Training start", "Contact office"]


def ruled_table(path: Path, rows: int = 8) -> Sample:
    """A sentence, a ruled table with a header row, a sentence: rows must keep their column names."""
    pdf = _pdf()
    pdf.add_page()
    before = "The table below lists when each county starts its next peer training cohort."
    after = "Counties not listed have not scheduled a cohort yet."
    pdf.set_xy(20, 20)
    pdf.multi_cell(170, 5, before)
    pdf.ln(4)
    widths = (50, 50, 70)
    counties = ["Alameda", "Butte", "Fresno", "Kern", "Marin", "Placer", "Shasta", "Yolo", "Napa", "Tulare"]
    months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October"]
    table = [dict(zip(COLUMNS, (c, f"{m} {5 + i}, 2026", f"{c} Behavioral Health Workforce Office")))
             for i, (c, m) in enumerate(zip(counties[:rows], months))]
    pdf.set_font("Helvetica", style="B", size=10)
    pdf.set_x(20)
    for name, width in zip(COLUMNS, widths):
        pdf.cell(width, 8, name, border=1)
    pdf.ln()
    pdf.set_font("Helvetica", size=9)
    for row in table:
        pdf.set_x(20)
        for name, width in zip(COLUMNS, widths):
            pdf.cell(width, 8, row[name], border=1)
        pdf.ln()
    pdf.ln(4)
    pdf.set_x(20)
    pdf.multi_cell(170, 5, after)
    pdf.output(str(path))
    return Sample(path, [before, after], rows=table)


def running_furniture(path: Path, pages: int = 5, per_page: int = 8) -> Sample:
    """A policy memo whose every page repeats a header, a confidentiality line and 'Page N of M'."""
    pdf = _pdf()
    header = "County of Example Behavioral Health - Peer Support Supervision Policy"
    notice = "Internal use - do not distribute outside the department"
    order: list[str] = []
    for page in range(1, pages + 1):
        pdf.add_page()
        _furniture(pdf, header, notice, f"Page {page} of {pages}")
        _body(pdf, "P", page, per_page, 24, order)
    pdf.output(str(path))
    return Sample(path, order, absent=[header, notice] + [f"Page {p} of {pages}" for p in range(1, pages + 1)])


def scanned_page(path: Path) -> Sample:
    """One page that is only a picture of text, as a scanner makes it."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (1275, 1650), 255)
    draw = ImageDraw.Draw(image)
    for n in range(12):
        draw.text((100, 100 + n * 40), _sentence("S", 1, n + 1), fill=0)
    picture = path.with_suffix(".png")
    image.save(picture)
    pdf = _pdf()
    pdf.add_page()
    pdf.image(str(picture), x=0, y=0, w=215.9)
    pdf.output(str(path))
    picture.unlink()
    return Sample(path)


def long_document(path: Path, pages: int) -> Sample:
    """A handbook of `pages` pages with a running header and page numbers: the bench's big PDF."""
    pdf = _pdf()
    order: list[str] = []
    for page in range(1, pages + 1):
        pdf.add_page()
        _furniture(pdf, "Peer Support Specialist Handbook", "", str(page))
        if page % 10 == 1:
            pdf.set_font("Helvetica", style="B", size=13)
            pdf.set_xy(20, 22)
            pdf.cell(176, 8, f"Chapter {page // 10 + 1}: {TOPICS[(page // 10) % len(TOPICS)].capitalize()}")
            pdf.set_font("Helvetica", size=10)
        _body(pdf, "H", page, 8, 34, order)
    pdf.output(str(path))
    return Sample(path, order)
