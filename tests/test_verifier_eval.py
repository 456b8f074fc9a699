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
