"""The quality gate: the assistant on the test split must meet every threshold in evals/thresholds.toml."""

from assistant.engine import Assistant
from evals.runner import check_gate, run_eval
from peerhelp.settings import Settings
from tests.conftest import SEED_CORPUS


def test_quality_gate_on_the_test_split(seed_index, embedder):
    settings = Settings(index_dir=seed_index, corpus_dir=SEED_CORPUS)
    report = run_eval(settings, split="test", baselines=False, assistant=Assistant(settings, embedder=embedder))
    summary = report["systems"]["assistant"]["summary"]
    assert summary["items"] >= 80
    failures = check_gate(report)
    assert not failures, "; ".join(failures)
