"""Crisis detection measured on message sets: recall, false alarms, 911 first, per language.

A set is JSON lines with `text` (or a gold item's `question`) and `level` (none, concern, crisis,
emergency; a gold item's `expected_status` "crisis" counts as crisis, anything else as none) and `lang`.
The blind sets in evals/crisis_sets/ were measured once, as they came, and are kept so the figures in
evals/README.md can be re-run; they are no longer blind, and the training lines stay disjoint from them. Those in
evals/crisis_sets/trained/ joined the training lines after they were measured: re-running them measures
training lines.
"""

import json
import time
from dataclasses import dataclass
from pathlib import Path

from assistant.safety import CrisisDetector
from assistant.safety_model import RISK


@dataclass(frozen=True)
class Message:
    text: str
    level: str
    lang: str


def load_messages(path: Path) -> list[Message]:
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as err:
            raise ValueError(f"{path}, line {number}: not JSON ({err.msg})") from None
        text = item.get("text") or item.get("question")
        level = item.get("level") or ("crisis" if item.get("expected_status") == "crisis" else "none")
        if not text or level not in ("none", "concern", "crisis", "emergency"):
            raise ValueError(f"{path}, line {number}: expected text and a level")
        out.append(Message(text, level, item.get("lang") or item.get("language") or "en"))
    return out


def _share(hits: int, of: int) -> dict:
    return {"share": round(hits / of, 4) if of else None, "hits": hits, "of": of}


def score(detector: CrisisDetector, messages: list[Message]) -> dict:
    """Recall (crisis panel on crisis and emergency messages), false alarms (the panel on none and concern),
    911 first on emergencies, and the milliseconds per message, overall and per language."""
    started = time.perf_counter()
    levels = [detector.assess(m.text).level for m in messages]
    ms = (time.perf_counter() - started) * 1000 / max(1, len(messages))

    def figures(rows: list[tuple[Message, str]]) -> dict:
        risky = [got for m, got in rows if m.level in RISK]
        calm = [got for m, got in rows if m.level not in RISK]
        emergencies = [got for m, got in rows if m.level == "emergency"]
        none = [got for m, got in rows if m.level == "none"]
        return {"messages": len(rows), "recall": _share(sum(g in RISK for g in risky), len(risky)),
                "false_alarms": _share(sum(g in RISK for g in calm), len(calm)),
                "false_alarms_on_none": _share(sum(g in RISK for g in none), len(none)),
                "emergency_911_first": _share(sum(g == "emergency" for g in emergencies), len(emergencies))}

    rows = list(zip(messages, levels))
    report = {"all": figures(rows), "ms_per_message": round(ms, 1)}
    for lang in sorted({m.lang for m in messages}):
        report[lang] = figures([(m, g) for m, g in rows if m.lang == lang])
    report["misses"] = [{"expected": m.level, "got": g, "lang": m.lang} for m, g in rows
                        if (m.level in RISK) != (g in RISK) or (m.level == "emergency" and g != "emergency")]
    return report
