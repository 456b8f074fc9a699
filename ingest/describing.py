"""What a document says about itself: its title and its issuer, when the staff member adding it gave neither.

Peers see both beside every quote, so a wrong guess misleads: an "Updated March 2026" line is not a title, a
"Title:" label is not part of one, and a web page's name sits in its `<h1>` (often inside `<header>`, which the
text extraction drops as page chrome) or its `<title>`, not in its first `<h2>`. The file's own metadata comes
first (HTML head and `<h1>`, PDF document info, DOCX core properties), then labelled lines of the text, then the
first line that reads like a title; the issuer falls back to the host of the document's URL, which is at least
true, before "Unknown issuer".
"""

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from ingest.dating import STATED
from ingest.manifest import MARKUP

UNKNOWN_ISSUER = "Unknown issuer"
MAX_TITLE = 160
_TITLE_LABEL = re.compile(r"^\s*(?:title|t[ií]tulo|subject|asunto|re)\s*:\s*(?P<value>\S.*)$", re.IGNORECASE)
_ISSUER_LABEL = re.compile(r"^\s*(?:issued\s+by|issuer|published\s+by|publisher|emitido\s+por|publicado\s+por)"
                           r"\s*:\s*(?P<value>\S.*)$", re.IGNORECASE)
_OTHER_LABEL = re.compile(r"^\s*[A-Za-zÁÉÍÓÚáéíóúñ ]{2,24}:\s*\S")  # "Source: …", "URL: …", "Date: …"
# Metadata written by tools, not people: "Microsoft Word - memo.docx", "untitled", a bare file name.
_TOOL_TITLE = re.compile(r"^(microsoft\s+\w+\s+-|untitled|document\d*$|presentation\d*$)|\.(docx?|pdf|pptx?|xlsx?|txt)$",
                         re.IGNORECASE)
# An author field holds a person as often as an organisation; only an organisation is an issuer.
_ORGANISATION = re.compile(r"\b(department|dept|county|agency|authority|association|office|division|services|"
                           r"program|center|centre|council|commission|board|institute|university|college|"
                           r"coalition|network|foundation|alliance|departamento|condado|agencia|oficina)\b", re.IGNORECASE)
_ACRONYM = re.compile(r"^(?:[A-Z]{2,}|[A-Z][a-z]+[A-Z][A-Za-z]*)$")  # "DHCS", "CalMHSA"; never "jsmith"
_SITE_SEPARATOR = re.compile(r"\s+[|–—·:]\s+|\s+-\s+")


@dataclass(frozen=True)
class Description:
    title: str
    issuer: str


def describe(path: Path, cleaned: str, url: str | None = None) -> Description:
    """The title and issuer of the file at `path` (its text already extracted and cleaned)."""
    meta_title, meta_issuer = _file_metadata(path)
    title = meta_title or _title_from_text(cleaned) or _title_from_name(path)
    issuer = meta_issuer or _labelled(cleaned, _ISSUER_LABEL) or _host(url) or UNKNOWN_ISSUER
    return Description(capitalized(_tidy(title)), _tidy(issuer))


def _file_metadata(path: Path) -> tuple[str | None, str | None]:
    suffix = path.suffix.lower()
    try:
        if suffix in (".html", ".htm"):
            return _html_metadata(path.read_bytes())
        if suffix == ".pdf":
            return _pdf_metadata(path)
        if suffix == ".docx":
            return _docx_metadata(path)
    except Exception:  # noqa: BLE001 — pypdf and python-docx raise many internal types on odd files; the loader
        pass  # already read this file's text, so unreadable metadata only means no hint
    return None, None


def _html_metadata(markup: bytes) -> tuple[str | None, str | None]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    h1 = soup.find("h1")
    heading = " ".join(h1.get_text(" ").split()) if h1 else ""
    page = " ".join(soup.title.get_text(" ").split()) if soup.title else ""
    parts = [p for p in _SITE_SEPARATOR.split(page) if p.strip()]
    site = None
    for attrs in ({"property": "og:site_name"}, {"name": "author"}, {"name": "publisher"}, {"name": "DC.publisher"}):
        tag = soup.find("meta", attrs=attrs)
        if tag is not None and (tag.get("content") or "").strip():
            site = tag["content"]
            break
    if site is None and len(parts) > 1:  # "Certification Exam | Some Agency": the site is the last part
        site = parts[-1]
    title = heading if _reads_as_title(heading) else (parts[0] if parts and _reads_as_title(parts[0]) else None)
    return title, site


def _pdf_metadata(path: Path) -> tuple[str | None, str | None]:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    if reader.is_encrypted:
        reader.decrypt("")
    info = reader.metadata or {}
    return _meta_title(info.get("/Title")), _meta_issuer(info.get("/Author"))


def _docx_metadata(path: Path) -> tuple[str | None, str | None]:
    import docx

    props = docx.Document(str(path)).core_properties
    return _meta_title(props.title), _meta_issuer(props.author)


def _meta_title(value) -> str | None:
    text = " ".join(str(value or "").split())
    return text if _reads_as_title(text) and not _TOOL_TITLE.search(text) else None


def _meta_issuer(value) -> str | None:
    text = " ".join(str(value or "").split())
    return text if 2 <= len(text) <= MAX_TITLE and (_ORGANISATION.search(text) or _ACRONYM.match(text)) else None


def _title_from_text(cleaned: str) -> str | None:
    """A "Title:" line's value, else the first line that reads like a title and is not a date or another label."""
    lines = [line.lstrip("#").strip() for line in cleaned.splitlines()[:40]]
    labelled = _labelled(cleaned, _TITLE_LABEL)
    if labelled:
        return labelled
    for line in lines:
        if not _reads_as_title(line) or _ISSUER_LABEL.match(line) or _OTHER_LABEL.match(line):
            continue
        date = STATED.search(line)
        if date and len(line) - len(date.group(0)) < 15:  # "Updated March 2026" is a date line, not a title
            continue
        return line
    return None


def _labelled(cleaned: str, label: re.Pattern) -> str | None:
    for line in cleaned.splitlines()[:40]:
        m = label.match(line.lstrip("#").strip())
        if m and _reads_as_title(m["value"].strip()):
            return m["value"].strip()
    return None


def _title_from_name(path: Path) -> str:
    return path.stem.replace("_", " ").replace("-", " ").strip() or path.name


def _reads_as_title(text: str) -> bool:
    return 3 <= len(text.strip()) <= MAX_TITLE and any(c.isalpha() for c in text)


def _host(url: str | None) -> str | None:
    host = urlparse(url or "").hostname or ""
    return host.removeprefix("www.") or None


def _tidy(text: str) -> str:
    """One line of plain text: markup a document's metadata may hold ("<b>Fees</b>") is not part of its name."""
    return " ".join(MARKUP.sub(" ", re.sub(r"<[^>]{0,200}>", " ", text)).split()).strip(" -–—|:")


def capitalized(title: str) -> str:
    """A title starts with a capital, as peers read it beside a quote ("how do stipends work?" is a typed question)."""
    return title[:1].upper() + title[1:]
