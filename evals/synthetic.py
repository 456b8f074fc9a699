"""A bigger corpus made from the seeds, for the scale curve: perturbed copies, never downloads.

Each copy rewords the seed text (synonyms, dropped sentences, a changed county) and names itself
as a copy, so a ×100 corpus has 100 near-duplicates of every passage: the hardest case for both
retrievers, and the realistic one when counties add their own versions of the same guidance.
"""

import random
import re
import shutil
from pathlib import Path

from ingest.loaders import load_text
from ingest.manifest import DocumentEntry, read_manifest, write_manifest
from ingest.profile import PROFILE_FILE

SYNONYMS = {
    "certification": "credential", "specialist": "worker", "services": "supports", "training": "coursework",
    "exam": "test", "must": "shall", "program": "initiative",
    "individuals": "people", "provide": "offer", "including": "such as", "requirements": "conditions",
    "support": "assistance", "behavioral": "behavioural", "information": "details",
}
COUNTIES = ["Alpine", "Modoc", "Sierra", "Mono", "Trinity", "Plumas", "Inyo", "Lassen", "Colusa", "Glenn"]
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def perturb(text: str, rng: random.Random) -> str:
    """Reworded, shortened text with the same shape (paragraphs and headings kept)."""
    def reword(match: re.Match) -> str:
        word = match.group(0)
        swap = SYNONYMS.get(word.lower())
        if swap is None or rng.random() > 0.5:
            return word
        return swap.capitalize() if word[0].isupper() else swap

    paragraphs = []
    for paragraph in text.split("\n"):
        sentences = _SENTENCE.split(paragraph)
        if len(sentences) > 1:
            sentences = [s for s in sentences if rng.random() > 0.15] or sentences[:1]
        paragraphs.append(re.sub(r"[A-Za-z]+", reword, " ".join(sentences)))
    county = rng.choice(COUNTIES)
    return re.sub(r"\b(Kern|Sonoma|Fresno|Alameda)\b", county, "\n".join(paragraphs))


def big_text(seed_dir: Path, out: Path, size: int, seed: int = 3) -> Path:
    """One text file of `size` bytes: reworded copies of the seed documents one after another, as a long handbook."""
    rng = random.Random(seed)
    texts = [load_text(seed_dir / e.file, 25_000_000) for e in read_manifest(seed_dir)]
    parts, total, n = ["Peer Support Handbook\n"], 0, 0
    while total < size:
        n += 1
        part = f"\n# Part {n}\n\n" + perturb(rng.choice(texts), rng)
        parts.append(part)
        total += len(part.encode("utf-8"))
    out.write_bytes("".join(parts).encode("utf-8")[:size].decode("utf-8", errors="ignore").encode("utf-8"))
    return out


def scaled_corpus(seed_dir: Path, out_dir: Path, factor: int, max_bytes: int = 25_000_000, seed: int = 7) -> int:
    """Write the seeds plus `factor - 1` perturbed copies of each into `out_dir`; returns the document count."""
    if factor < 1:
        raise ValueError("factor must be at least 1")
    rng = random.Random(seed)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    if (seed_dir / PROFILE_FILE).exists():
        shutil.copy2(seed_dir / PROFILE_FILE, out_dir / PROFILE_FILE)  # the same deployment, more documents
    entries: list[DocumentEntry] = []
    for entry in read_manifest(seed_dir):
        shutil.copy2(seed_dir / entry.file, out_dir / entry.file)
        entries.append(entry)
        text = load_text(seed_dir / entry.file, max_bytes)
        for k in range(1, factor):
            name = f"{entry.id}--copy{k:03d}.txt"
            (out_dir / name).write_text(perturb(text, rng), encoding="utf-8")
            entries.append(entry.model_copy(update={"id": f"{entry.id}--copy{k:03d}", "file": name,
                                                    "title": f"{entry.title} (copy {k})"}))
    write_manifest(out_dir, entries)
    return len(entries)
