"""The quality gate: the assistant on the dev split must meet every threshold in evals/thresholds.toml.

The gate runs on dev because the test split is read once per issue, at its end.
"""

from assistant.engine import Assistant
from evals.runner import GATE_SPLIT, check_gate, run_eval
from core.settings import Settings
from tests.conftest import SEED_CORPUS


def test_quality_gate_on_the_dev_split(seed_index, embedder):
    assert GATE_SPLIT == "dev"
    settings = Settings(index_dir=seed_index, corpus_dir=SEED_CORPUS)
    report = run_eval(settings, split=GATE_SPLIT, baselines=False, assistant=Assistant(settings, embedder=embedder))
    summary = report["systems"]["assistant"]["summary"]
    assert summary["items"] >= 200
    failures = check_gate(report)
    assert not failures, "; ".join(failures)


def test_every_nth_question_samples_the_split_in_file_order(seed_index, embedder):
    """A slow run (LLM mode) evaluates every n-th question; the report says which sample it is."""
    from evals.gold import GOLD_DIR, load_gold

    settings = Settings(index_dir=seed_index, corpus_dir=SEED_CORPUS)
    report = run_eval(settings, split=GATE_SPLIT, baselines=False, assistant=Assistant(settings, embedder=embedder),
                      every=12)
    expected = [item.id for item in load_gold(GATE_SPLIT, GOLD_DIR)][::12]
    assert [r["id"] for r in report["systems"]["assistant"]["items"]] == expected
    assert report["every"] == 12 and report["systems"]["assistant"]["summary"]["items"] == len(expected)
