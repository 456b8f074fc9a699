"""The quality gate: the assistant on the dev split must meet every threshold in evals/thresholds.toml.

The gate runs on dev because the test split is read once per issue, at its end.
"""

from assistant.engine import Assistant
from evals.runner import GATE_SPLIT, check_gate, markdown_report, run_eval
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
    assert "Gate (dev split only): not applied (a sample: one question in 12)" in markdown_report(report, [])


def test_every_must_be_positive_and_a_sample_cannot_be_gated(tmp_path):
    import pytest
    from typer.testing import CliRunner

    from peerhelp.cli import app

    with pytest.raises(ValueError, match="every must be 1 or more"):
        run_eval(Settings(index_dir=tmp_path, corpus_dir=SEED_CORPUS), every=0)
    result = CliRunner().invoke(app, ["eval", "--gate", "--every", "3"])
    assert result.exit_code == 2 and "drop --every, or --gate" in result.output
    assert CliRunner().invoke(app, ["eval", "--every", "0"]).exit_code == 2  # the option's own bound
