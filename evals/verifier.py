"""How well LLM-draft verification drops contradictions and keeps faithful restatements.

A labelled set (`evals/verifier_sets/*.jsonl`) pairs a passage copied from a corpus document with a
claim an answer might make citing it, labelled `contradiction` (by kind: negation, quantifier,
number, role, polarity) or `faithful`. Each claim is checked exactly as a draft sentence is
(assistant/grounding.py), against the indexed chunk that holds its passage, so the verifier sees
the same neighbouring sentences it would see in an answer.
"""

from collections import defaultdict
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from assistant.entailment import Reader
from assistant.grounding import Passage, check, read
from ingest.chunking import Chunk
from ingest.store import IndexVersion

SETS_DIR = Path(__file__).resolve().parent / "verifier_sets"


class Pair(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    document: str
    passage: str
    claim: str
    label: str  # contradiction | faithful
    kind: str
    language: str


def load_pairs(path: Path) -> list[Pair]:
    return [Pair.model_validate_json(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _flat(text: str) -> str:
    return " ".join(text.split())


def chunk_holding(pair: Pair, indexes: list[IndexVersion]) -> Chunk:
    """The indexed chunk whose text holds the passage; the passage alone when it spans two chunks."""
    wanted = _flat(pair.passage)
    for index in indexes:
        for chunk in index.chunks:
            if chunk.doc_id == pair.document and wanted in _flat(chunk.text):
                return chunk
    return Chunk(id=f"{pair.document}:x", doc_id=pair.document, n=0, text=pair.passage, start=0,
                 end=len(pair.passage), heading_path=[], title=pair.document)


def measure(pairs: list[Pair], indexes: list[IndexVersion], reader: Reader | None = None) -> dict:
    """Drop rate of contradictions (overall and per kind) and keep rate of faithful claims, per language too; with
    `reader` (LLM mode's model), the way a draft sentence is verified there."""
    rows = []
    for pair in pairs:
        checked = read(check(f"{pair.claim.rstrip()} [1]", False, {1: Passage.of(1, chunk_holding(pair, indexes))},
                             pair.language), reader)
        rows.append({"id": pair.id, "label": pair.label, "kind": pair.kind, "language": pair.language,
                     "kept": checked.kept, "reason": checked.reason, "claim": pair.claim})
    groups: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        groups[row["label"]].append(row)
        groups[f"{row['label']} / {row['kind']}"].append(row)
        groups[f"{row['label']} / {row['language']}"].append(row)
    summary = {}
    for name, members in sorted(groups.items()):
        right = sum((not r["kept"]) if r["label"] == "contradiction" else r["kept"] for r in members)
        summary[name] = {"items": len(members), "right": right, "share": round(right / len(members), 3)}
    return {"summary": summary, "rows": rows}


def report(result: dict) -> str:
    lines = ["| group | items | right | share |", "|---|---|---|---|"]
    lines += [f"| {name} | {v['items']} | {v['right']} | {v['share']} |" for name, v in result["summary"].items()]
    wrong = [r for r in result["rows"] if r["kept"] == (r["label"] == "contradiction")]
    lines += ["", "Wrong:"] + [f"- {r['id']} ({r['label']}/{r['kind']}, {'kept' if r['kept'] else 'dropped: ' + r['reason']}): "
                                f"{r['claim']}" for r in wrong]
    return "\n".join(lines)


def main(paths: list[Path], index_dirs: list[Path], reader: Reader | None = None) -> str:
    indexes = [IndexVersion.open_current(d) for d in index_dirs]
    pairs = [p for path in paths for p in load_pairs(path)]
    return f"{len(pairs)} pairs\n\n" + report(measure(pairs, indexes, reader))
