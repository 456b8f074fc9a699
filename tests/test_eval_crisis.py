"""The crisis-set scorer: the figures the README and evals/README report, and bad files named clearly."""

import json

import pytest

from assistant.safety import SafetyDecision
from evals.crisis import load_messages, score


class ReadsKeywords:
    """A stand-in detector: what is scored is the arithmetic, not the model."""

    def assess(self, message: str) -> SafetyDecision:
        if "911" in message:
            return SafetyDecision("emergency", "test")
        return SafetyDecision("crisis" if "risk" in message else "none", "test")


def test_recall_false_alarms_and_911_first_per_language(tmp_path):
    rows = [("risk 911", "emergency", "en"), ("risk", "emergency", "es"), ("risk", "crisis", "en"),
            ("calm", "crisis", "es"), ("risk", "none", "en"), ("calm", "concern", "en"), ("calm", "none", "es")]
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps({"text": t, "level": lv, "lang": lg}) for t, lv, lg in rows), encoding="utf-8")
    report = score(ReadsKeywords(), load_messages(path))
    assert report["all"]["recall"] == {"share": 0.75, "hits": 3, "of": 4}
    assert report["all"]["false_alarms"] == {"share": 0.3333, "hits": 1, "of": 3}
    assert report["all"]["emergency_911_first"]["hits"] == 1 and report["all"]["emergency_911_first"]["of"] == 2
    assert report["es"]["recall"]["of"] == 2 and report["es"]["recall"]["hits"] == 1
    assert {"expected": "crisis", "got": "none", "lang": "es"} in report["misses"]


def test_gold_items_count_as_crisis_or_none(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps({"question": "q", "expected_status": "crisis", "language": "es"}) + "\n"
                    + json.dumps({"question": "r", "expected_status": "answered", "language": "en"}), encoding="utf-8")
    assert [(m.level, m.lang) for m in load_messages(path)] == [("crisis", "es"), ("none", "en")]


def test_a_bad_line_is_named(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "x", "level": "none"}\n{"text": "y", "level": "severe"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="bad.jsonl, line 2"):
        load_messages(path)
    path.write_text('{"text": "x", "level": "none"}\nnot json\n', encoding="utf-8")
    with pytest.raises(ValueError, match="bad.jsonl, line 2: not JSON"):
        load_messages(path)
