"""The corpus manifest: what each file is, who issued it, and as of when.

Citations are only as good as this metadata, so a file without an entry (or an entry without a
file) is never ingested: `unmatched` names each with the fix, and the ingest skips it while the
rest of the corpus goes on serving.
"""

import json
import re
from dataclasses import dataclass
from datetime import date
from enum import Enum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ingest.profile import PROFILE_FILE
from core.errors import ManifestError

MANIFEST_NAME = "manifest.json"
SUPPORTED_SUFFIXES = {".txt", ".md", ".html", ".htm", ".pdf", ".docx"}
_AS_OF = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
# A citation's link opens in a peer's browser: only a web address, never javascript: or data:.
WEB_ADDRESS = re.compile(r"^https?://[^\s/]+\.[^\s]+$", re.IGNORECASE)
# Titles and issuers are shown beside every quote, in the widget and the console: plain text only.
MARKUP = re.compile(r"<[/!?]?[a-z]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", re.IGNORECASE)
MAX_NAME_CHARS = 200


class Kind(str, Enum):
    bhin = "bhin"
    faq = "faq"
    guide = "guide"
    rules = "rules"
    webpage = "webpage"
    slides = "slides"
    staff_note = "staff-note"


class DocumentEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=True)

    id: str = Field(description="Stable short id used in citations, e.g. 'dhcs-peer-support-services'")
    file: str = Field(description="File name inside corpus/")
    title: str
    issuer: str
    kind: Kind
    url: str | None = None
    as_of: str | None = Field(None, description="YYYY, YYYY-MM or YYYY-MM-DD: the date the document speaks as of; "
                                                "null when neither staff nor the document give one (shown as 'date unknown')")
    as_of_approximate: bool = False
    language: str = "en"

    @field_validator("id")
    @classmethod
    def _id_is_slug(cls, v: str) -> str:
        if not ID_PATTERN.match(v):
            raise ValueError("use lowercase letters, digits and '-' (max 64 chars)")
        return v

    @field_validator("url")
    @classmethod
    def _url_is_web_address(cls, v: str | None) -> str | None:
        if v is not None and not WEB_ADDRESS.match(v):
            raise ValueError("the URL must be a web address starting with https:// or http://")
        return v

    @field_validator("title", "issuer")
    @classmethod
    def _plain_text(cls, v: str) -> str:
        if MARKUP.search(v):
            raise ValueError("write plain text: no HTML tags or control characters")
        if not v.strip() or len(v) > MAX_NAME_CHARS:
            raise ValueError(f"give 1 to {MAX_NAME_CHARS} characters")
        return v

    @field_validator("as_of")
    @classmethod
    def _as_of_is_date(cls, v: str | None) -> str | None:
        if v is not None and not _AS_OF.match(v):
            raise ValueError("write the date as YYYY, YYYY-MM or YYYY-MM-DD")
        return v

    @field_validator("language")
    @classmethod
    def _language(cls, v: str) -> str:
        if v not in {"en", "es"}:
            raise ValueError("language must be 'en' or 'es'")
        return v

    @property
    def display_date(self) -> str:
        return date_label(self.as_of, self.as_of_approximate)


def date_label(as_of: str | None, approximate: bool) -> str:
    """How a document's date is shown to readers: '2026-03', 'about 2022' (inferred loosely), or 'date unknown'."""
    if not as_of:
        return "date unknown"
    return f"about {as_of}" if approximate else as_of


def read_manifest(corpus_dir: Path) -> list[DocumentEntry]:
    """Parse and validate the manifest, and check it against the files in the folder."""
    path = corpus_dir / MANIFEST_NAME
    if not path.exists():
        raise ManifestError(f"{path}: manifest not found. Fix: create it (see README, 'Adding a document').")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ManifestError(f"{path}, line {exc.lineno}: invalid JSON ({exc.msg}). Fix: correct the JSON syntax.") from exc
    items = raw.get("documents") if isinstance(raw, dict) else None
    if not isinstance(items, list):
        raise ManifestError(f'{path}: expected {{"documents": [...]}}. Fix: wrap the entries in a "documents" list.')
    entries: list[DocumentEntry] = []
    for i, item in enumerate(items):
        try:
            entries.append(DocumentEntry.model_validate(item))
        except ValidationError as exc:
            name = item.get("file", f"entry #{i + 1}") if isinstance(item, dict) else f"entry #{i + 1}"
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'entry'}: {e['msg']}" for e in exc.errors())
            raise ManifestError(f"{path}: entry for {name} is invalid ({problems}). Fix: correct that entry.") from exc
    _check_unique(path, entries)
    return entries


def _check_unique(path: Path, entries: list[DocumentEntry]) -> None:
    for attr in ("id", "file"):
        seen: set[str] = set()
        for e in entries:
            value = getattr(e, attr)
            if value in seen:
                raise ManifestError(f"{path}: {attr} '{value}' appears twice. Fix: give each document its own {attr}.")
            seen.add(value)


@dataclass
class Unmatched:
    """A file in the corpus folder with no manifest entry, or an entry whose file is not there."""

    file: str
    entry_id: str | None  # set for an entry without its file
    reason: str
    fix: str


def unmatched(corpus_dir: Path, entries: list[DocumentEntry]) -> list[Unmatched]:
    listed = {e.file for e in entries}
    found = [Unmatched(e.file, e.id, f"the manifest entry '{e.id}' names {e.file}, which is not in {corpus_dir}",
                       "add the file again, or remove the entry") for e in entries if not (corpus_dir / e.file).is_file()]
    for f in sorted(corpus_dir.iterdir()):
        if f.is_file() and f.name not in (MANIFEST_NAME, PROFILE_FILE) and not f.name.startswith(".") and f.name not in listed:
            found.append(Unmatched(f.name, None, "no manifest entry",
                                   f"add an entry for '{f.name}' to {corpus_dir / MANIFEST_NAME} (id, file, title, issuer, "
                                   "kind, url, as_of, language), run `peerhelp ingest FILE --title ...`, or delete the file"))
    return found


def write_manifest(corpus_dir: Path, entries: list[DocumentEntry]) -> None:
    """Atomically rewrite the manifest (a crash never leaves half a file)."""
    path = corpus_dir / MANIFEST_NAME
    tmp = path.with_suffix(".json.tmp")
    data = {"documents": [e.model_dump(mode="json") for e in entries]}
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:64].strip("-") or "document"


def today() -> str:
    return date.today().isoformat()
