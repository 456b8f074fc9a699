"""What the assistant could not answer: abstained questions and thumbs-down feedback, grouped so staff see patterns.

Grouping is greedy on sentence-embedding similarity, so "can I take the exam in Spanish" and "is the
test offered in spanish?" land in one group with a count. It uses all-MiniLM-L6-v2, whatever retrieval and
the crisis layer use, because SIMILAR is a cosine on that model's scale (multilingual-e5 puts almost any two
questions above 0.75); the console loads it the first time staff open the gaps.
"""

import csv
import io
import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

import numpy as np

from assistant.conversations import ConversationStore
from assistant.language import detect_language

GROUPING_MODEL = "all-MiniLM-L6-v2"
SIMILAR = 0.72  # on GROUPING_MODEL


@lru_cache(maxsize=1)
def grouping_embedder():
    from ingest.embedding import get_embedder

    return get_embedder(GROUPING_MODEL)


@dataclass
class Gap:
    question: str
    at: float
    source: str  # "abstained" or "thumbs down"
    comment: str = ""
    language: str = "en"
    conversation: str = ""


@dataclass
class GapGroup:
    representative: str
    gaps: list[Gap] = field(default_factory=list)

    @property
    def count(self) -> int:
        """How many conversations asked it: one client retrying is one person, not a pattern."""
        return len({g.conversation or id(g) for g in self.gaps})

    @property
    def first(self) -> str:
        return _day(min(g.at for g in self.gaps))

    @property
    def last(self) -> str:
        return _day(max(g.at for g in self.gaps))


def _day(ts: float) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%d")


def collect_gaps(store: ConversationStore) -> list[Gap]:
    """Abstained turns and thumbs-down ratings (both already redacted when stored)."""
    return [Gap(q, at, "abstained", language=lang, conversation=c) for q, at, lang, c in store.turns_with_status("abstained")] + \
        [Gap(f.question, f.at, "thumbs down", comment=f.comment, language=f.language, conversation=f.conversation_id)
         for f in store.feedback("down")]


def group_gaps(gaps: list[Gap], embed) -> list[GapGroup]:
    """`embed(texts) -> unit vectors`. Largest groups first."""
    if not gaps:
        return []
    vectors = np.asarray(embed([g.question for g in gaps]), dtype=np.float32)
    centroids: list[np.ndarray] = []
    groups: list[GapGroup] = []
    for gap, vector in zip(gaps, vectors):
        best = int(np.argmax([c @ vector for c in centroids])) if centroids else -1
        if best >= 0 and float(centroids[best] @ vector) >= SIMILAR:
            groups[best].gaps.append(gap)
            mean = centroids[best] * (len(groups[best].gaps) - 1) + vector
            centroids[best] = mean / np.linalg.norm(mean)
        else:
            centroids.append(vector)
            groups.append(GapGroup(gap.question, [gap]))
    return sorted(groups, key=lambda g: (-g.count, -len(g.gaps), g.representative))


def group_states(groups: list[GapGroup], resolved: dict[str, float], status_now: Callable[[str], str]) -> list[str]:
    """What staff need to know of each group: open; resolved (marked, and nobody asked since); asked again since it
    was resolved; and, for unanswered questions, whether the assistant answers the representative now (after a
    document or curated answer was added). `status_now(question)` asks the assistant."""
    states = []
    for g in groups:
        marked = max((resolved[x.question] for x in g.gaps if x.question in resolved), default=None)
        last = max(x.at for x in g.gaps)
        state = "open" if marked is None else "resolved" if last <= marked else "asked again since resolved"
        if any(x.source == "abstained" for x in g.gaps) and status_now(g.representative) == "answered":
            state += " · answered now"
        states.append(state)
    return states


def groups_table(groups: list[GapGroup], states: list[str]) -> list[list]:
    return [[i, g.representative, state, g.count, len(g.gaps), sum(x.source == "thumbs down" for x in g.gaps), g.first,
             g.last, " | ".join(x.comment for x in g.gaps if x.comment)[:300]]
            for i, (g, state) in enumerate(zip(groups, states), start=1)]


GROUP_COLUMNS = ["group", "question (representative)", "state", "conversations", "messages", "thumbs down", "first",
                 "last", "comments"]


EXPORT_KEEP_S = 3600  # an export holds redacted questions: gone within the hour, well inside the retention period


def export_file(folder: Path, name: str, text: str, now: float | None = None) -> Path:
    """Write `text` as a new download `name` under `folder`, first deleting every earlier export there older than
    EXPORT_KEEP_S (they used to stay in the system's temp folder, outside any retention)."""
    now = time.time() if now is None else now
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*/*"):
        if now - old.stat().st_mtime > EXPORT_KEEP_S:
            old.unlink(missing_ok=True)
            if not any(old.parent.iterdir()):
                old.parent.rmdir()
    path = Path(tempfile.mkdtemp(prefix="export-", dir=folder)) / name
    path.write_text(text, encoding="utf-8")
    return path


def gaps_csv(groups: list[GapGroup]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["group", "representative", "question", "source", "date", "language", "comment"])
    for i, g in enumerate(groups, start=1):
        for x in g.gaps:
            writer.writerow([i, *map(inert, (g.representative, x.question)), x.source, _day(x.at), x.language,
                             inert(x.comment)])
    return out.getvalue()


def inert(cell: str) -> str:
    """A cell a spreadsheet will not run: text a peer typed that starts like a formula (=, +, -, @, a tab or a
    carriage return) gets a leading apostrophe (OWASP, CSV injection)."""
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def staff_note_text(answer: str, source_url: str) -> str:
    """A curated answer as a small document. The question goes in its title (which retrieval sees), not its
    text: a question in the text would be quoted back as if it were the answer."""
    return f"{answer.strip()}\n\nSource: {source_url.strip()}\n"


def eval_item(question: str, expected_status: str, document: str | None, contains: str | None,
              existing_ids: set[str]) -> dict:
    """A dev-split gold item (dev, so the test split that the quality gate was measured on stays as it was)."""
    n = 1
    while f"staff-{n:03d}" in existing_ids:
        n += 1
    language = detect_language(question)
    item = {"id": f"staff-{n:03d}", "split": "dev", "category": "answerable" if expected_status == "answered" else "unanswerable",
            "question": question.strip(), "language": language, "expected_status": expected_status,
            "notes": "added by staff from the console's gaps tab"}
    if expected_status == "answered" and document and contains:
        item["gold"] = [{"document": document, "contains": contains}]
    return item


def append_eval_item(path: Path, item: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(item, ensure_ascii=False) + "\n")
