"""The verifier's measurement: contradictions dropped and faithful claims kept, per kind and language."""

from evals.verifier import Pair, measure, report


def test_contradictions_count_when_dropped_and_faithful_claims_when_kept():
    passage = "Applicants must be at least 18 years old and live in the county."
    pairs = [Pair(id="a", document="d", passage=passage, claim="Applicants must be at most 18 years old.",
                  label="contradiction", kind="quantifier", language="en"),
             Pair(id="b", document="d", passage=passage, claim="Applicants must be 18 years old or older.",
                  label="faithful", kind="paraphrase", language="en"),
             Pair(id="c", document="d", passage=passage, claim="Applicants must be at least 21 years old.",
                  label="contradiction", kind="number", language="en")]
    result = measure(pairs, [])  # no index: each claim is checked against its passage alone
    summary = result["summary"]
    assert summary["contradiction"] == {"items": 2, "right": 2, "share": 1.0}
    assert summary["faithful"]["right"] == 1 and summary["contradiction / quantifier"]["right"] == 1
    assert "Wrong:" in report(result)


def test_a_reader_drops_what_the_rules_keep_when_it_does_not_find_it_in_the_passage():
    passage = "The county pays the exam fee for each applicant."
    claim = "The county pays the exam fee of each applicant."
    pairs = [Pair(id="a", document="d", passage=passage, claim=claim, label="faithful", kind="paraphrase", language="en")]
    asked = []

    def reader(support: str, sentence: str) -> float:
        asked.append((support, sentence))
        return 0.1

    assert measure(pairs, [], reader)["rows"][0]["kept"] is False
    assert asked == [(passage, claim)]
    assert measure(pairs, [], lambda support, sentence: 0.99)["rows"][0]["kept"] is True


def test_eval_verifier_with_llm_but_no_model_configured_says_what_to_set(monkeypatch):
    from typer.testing import CliRunner

    from peerhelp.cli import app

    monkeypatch.delenv("PEERHELP_LLM_BASE_URL", raising=False)
    result = CliRunner().invoke(app, ["eval-verifier", "--llm", "evals/verifier_sets/dev.jsonl"])
    assert result.exit_code != 0 and "PEERHELP_LLM_BASE_URL" in result.output
