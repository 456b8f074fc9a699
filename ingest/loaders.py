"""Read a file of any supported format into plain text with light structure.

Structure survives as plain-text conventions the cleaner and chunker understand:
markdown `#` headings, `- ` list items, and tab-separated table rows. Every failure is a
LoadError naming the file, the reason and the fix, so ingest can skip it and go on.

PDF: PDFium (pypdfium2, Apache-2.0/BSD; its wheel carries the library, so no system package and no
network) gives positioned text segments, and ingest/pdf_layout.py puts them in reading order; the
choice was measured against pypdf, pdfminer.six and pdfplumber (evals/README.md, "PDF extraction").
It opens PDFs encrypted with an empty owner password, as government PDFs often are. PyMuPDF is
AGPL, which a county cannot always accept.
"""

import re
import zipfile
from pathlib import Path

from core.errors import LoadError
from ingest.pdf_layout import Line, Segment, furniture, lines_of, page_text, ruled_rows

TEXT_SUFFIXES = {".txt", ".md"}
HTML_SUFFIXES = {".html", ".htm"}


def load_text(path: Path, max_bytes: int) -> str:
    """Return the file's text, or raise LoadError."""
    if not path.is_file():
        raise LoadError(str(path), "file not found", "check the path")
    size = path.stat().st_size
    if size == 0:
        raise LoadError(str(path), "file is empty", "replace it with the full document")
    if size > max_bytes:
        raise LoadError(
            str(path),
            f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit",
            "split the document, or raise PEERHELP_MAX_FILE_MB",
        )
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        text = _decode_text(path)
    elif suffix in HTML_SUFFIXES:
        text = html_to_text(_decode_text(path))
    elif suffix == ".pdf":
        text = _read_pdf(path)
    elif suffix == ".docx":
        text = _read_docx(path)
    else:
        raise LoadError(str(path), f"unsupported file type '{suffix or 'none'}'",
                        "convert it to PDF, DOCX, HTML, TXT or MD")
    if len(text.strip()) < 20:
        raise LoadError(str(path), "no readable text in the file",
                        "if it is a scanned PDF, run OCR first; otherwise check the file")
    return text


def _decode_text(path: Path) -> str:
    data = path.read_bytes()
    if b"\x00" in data[:65536]:
        raise LoadError(str(path), "file is binary, not text", "export the document as text, or give it its real extension")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\n\r\t\f")
    if controls > len(text) / 100 or text.count("\ufffd") > len(text) / 100:
        raise LoadError(str(path), "file is binary or in an unknown encoding", "save it as UTF-8 text")
    return text


def _read_pdf(path: Path) -> str:
    """Each page laid out in reading order (ingest/pdf_layout.py), running headers and footers dropped."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise LoadError(str(path), "PDF is password-protected", "ask the issuer for an unprotected copy") from exc
        raise LoadError(str(path), f"PDF is damaged or not a PDF ({exc})",
                        "download the PDF again, or re-save it from a PDF viewer") from exc
    try:
        pages = []
        for page in document:  # each page closed when read: a 1,000-page PDF holds one page at a time
            try:
                pages.append((_page_lines(page), page.get_size()))
            finally:
                page.close()
    except pdfium.PdfiumError as exc:
        raise LoadError(str(path), f"PDF could not be parsed ({exc})", "re-save it from a PDF viewer") from exc
    finally:
        document.close()
    if pages and not any(lines for lines, _ in pages):
        raise LoadError(str(path), f"the PDF has no text layer (its {len(pages)} page(s) are pictures, as a scanner "
                        "makes them)", "run OCR on it first (for example `ocrmypdf in.pdf out.pdf`), then add the result")
    repeated, kept = furniture([(lines, height) for lines, (_, height) in pages]), set()
    return "\n\n".join(page_text(lines, width, height, repeated, kept) for lines, (width, height) in pages)


def _page_lines(page) -> list[Line]:
    """PDFium's text segments of one page, as lines (y measured from the top); a ruled table's rows as lines of
    their cells."""
    import pypdfium2.raw as pdfium_raw

    text = page.get_textpage()
    try:
        height = page.get_size()[1]
        segments = []
        for i in range(text.count_rects()):
            left, bottom, right, top = text.get_rect(i)
            segments.append(Segment(text.get_text_bounded(left, bottom, right, top), left, right, height - top,
                                    height - bottom))
    finally:
        text.close()
    boxes = []
    for drawn in page.get_objects(filter=[pdfium_raw.FPDF_PAGEOBJ_PATH], max_depth=2):
        left, bottom, right, top = drawn.get_bounds()
        boxes.append((left, height - top, right, height - bottom))
    rows, rest = ruled_rows(segments, boxes) if boxes else ([], segments)
    return sorted(lines_of(rest) + rows, key=lambda line: line.top)


def _read_docx(path: Path) -> str:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise LoadError(str(path), "DOCX is damaged or not a Word document",
                        "re-save it from Word or LibreOffice as .docx") from exc
    except Exception as exc:
        raise LoadError(str(path), f"DOCX could not be parsed ({type(exc).__name__})",
                        "re-save it from Word or LibreOffice as .docx") from exc
    lines: list[str] = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            para = Paragraph(child, document)
            text = para.text.strip()
            if not text:
                continue
            style = (para.style.name if para.style is not None else "") or ""
            level = _heading_level(style)
            if level:
                lines += ["", "#" * level + " " + text, ""]
            elif "List" in style:
                lines.append("- " + text)
            else:
                lines += [text, ""]
        elif tag == "tbl":
            table = Table(child, document)
            lines.append("")
            for row in table.rows:
                cells = [" ".join(c.text.split()) for c in row.cells]
                lines.append("\t".join(cells))
            lines.append("")
    return "\n".join(lines)


def _heading_level(style: str) -> int:
    if style == "Title":
        return 1
    m = re.match(r"Heading (\d)", style)
    return min(int(m.group(1)), 6) if m else 0


_BLOCK_TAGS = {"p", "div", "section", "article", "main", "blockquote", "li", "dd", "dt", "pre", "address", "figcaption"}
_HEADINGS = ["h1", "h2", "h3", "h4", "h5", "h6"]
_SKIP_TAGS = {"script", "style", "noscript", "nav", "header", "footer", "aside", "form", "button", "svg", "template", "iframe"}


def html_to_text(markup: str) -> str:
    """Render HTML as text lines: headings as `#`, list items as `- `, table rows tab-separated."""
    from bs4 import BeautifulSoup, NavigableString, Tag

    soup = BeautifulSoup(markup, "html.parser")
    root = soup.body or soup
    lines: list[str] = []
    buf: list[str] = []

    def flush(prefix: str = "") -> None:
        text = " ".join("".join(buf).split())
        buf.clear()
        if text:
            lines.append(prefix + text)

    def walk_heading(heading) -> None:
        flush()
        buf.append(heading.get_text(" "))
        lines.append("")
        flush("#" * int(heading.name[1]) + " ")
        lines.append("")

    def walk(node) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if type(child).__name__ in ("Comment", "Doctype", "Declaration", "ProcessingInstruction"):
                    continue
                buf.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name
            if name == "header":  # page chrome, except the page's own heading, which often sits in it
                for heading in child.find_all(_HEADINGS):
                    walk_heading(heading)
            elif name in _SKIP_TAGS:
                continue
            elif name in _HEADINGS:
                walk_heading(child)
            elif name == "br":
                flush()
            elif name == "table":
                flush()
                lines.append("")
                for tr in child.find_all("tr"):
                    cells = [" ".join(td.get_text(" ").split()) for td in tr.find_all(["td", "th"])]
                    lines.append("\t".join(cells))
                lines.append("")
            elif name == "li":
                flush()
                walk(child)
                flush("- ")
            elif name in _BLOCK_TAGS:
                flush()
                walk(child)
                flush()
                lines.append("")
            else:
                walk(child)

    walk(root)
    flush()
    return "\n".join(lines)
