"""Evidence ranking, FAQ answer units, the answer policy and its fitting, on one-line documents."""

import json

import numpy as np
import pytest

from assistant.evidence import units_of
from assistant.fitted import Fitted, Logistic, Scale, fitted_for, read_all, write_section
from assistant.policy import AbstentionPolicy, Evidence
from assistant.ranking import Question, rank_evidence, told_terms
from assistant.retrieval import ScoredChunk
from evals.fitting import best_threshold, fit_logistic, holds_fact, reliability
from ingest.chunking import Chunk
from core.errors import PeerhelpError

FAQ = ("Frequently Asked Questions\n"
       "Q1. How much is the exam fee?\n"
       "The exam fee is $75, paid to the certifying entity.\n"
       "Q2. Can I take the exam online?\n"
       "Yes. The exam is offered online and at testing centers.\n")


def _chunk(text: str, n: int = 0) -> Chunk:
    return Chunk(id=f"faq-{n}", doc_id="faq", n=n, text=text, start=0, end=len(text), title="Exam FAQ",
                 heading_path=["Exam"], issuer="Test", url=None, as_of="2026-01", as_of_approximate=False,
                 kind="faq", language="en")


class _Index:
    """The two things ranking reads from an index: chunk rows and each chunk's unit vectors."""

    def __init__(self, chunk: Chunk, vectors: np.ndarray):
        self.by_id = {chunk.id: 0}
        self._vectors = vectors

    def unit_embeddings_of_chunk(self, row: int, embedder=None) -> np.ndarray:
        return self._vectors


def test_an_faq_question_line_is_not_an_answer_and_the_lines_under_it_know_what_they_answer():
    units = units_of(_chunk(FAQ))
    kinds = [(u.kind, u.asks) for u in units]
    assert ("question", "") in kinds
    fee = next(u for u in units if "$75" in u.text)
    assert fee.kind == "sentence" and fee.asks == "Q1. How much is the exam fee?"
    online = next(u for u in units if "testing centers" in u.text)
    assert online.asks == "Q2. Can I take the exam online?"


def test_the_fields_of_a_long_table_record_know_the_record_they_belong_to():
    from ingest.tables import RECORD_SEP
    record = RECORD_SEP.join(["Peer Wellness Groups", "Billing code: Z1234 - Group recovery education",
                              "What it is: " + "groups that practise coping skills and plan recovery goals together " * 3,
                              "Notes: Record the minutes and the number of members who attended."])
    units = units_of(_chunk(record))
    code = next(u for u in units if "Z1234" in u.text)
    assert code.text.startswith("Billing code") and code.asks == "Peer Wellness Groups"  # the code of that record
    assert units[0].text == "Peer Wellness Groups" and units[0].asks == ""
    # a first field that is itself "label: value" names no record
    labelled = units_of(_chunk(record.replace("Peer Wellness Groups", "Service: Peer Wellness Groups")))
    assert all(u.asks == "" for u in labelled)


def _ranked(question_tokens, semantic_row, fitted):
    chunk = _chunk(FAQ)
    n = len(units_of(chunk))
    vectors = np.zeros((n, 2), np.float32)
    vectors[:, 1] = 1.0
    vectors[semantic_row] = [1.0, 0.0]
    question = Question(tokens=question_tokens, vector=np.array([1.0, 0.0], np.float32), boost=set(), anchors=[])
    return rank_evidence([ScoredChunk(chunk, 1.0)], _Index(chunk, vectors), question, {"fee": 2.0, "exam": 1.0,
                                                                                          "take": 2.0}, fitted)


def test_ranking_scores_the_answer_under_the_matching_faq_question_and_never_the_question():
    fitted = Fitted("fake", ranking=Logistic(-2.0, {"coverage": 4.0}))
    ranked = _ranked(["fee"], 0, fitted)
    assert all(u.kind != "question" for u in ranked)
    assert "$75" in ranked[0].text
    # "take" is only in the question "Can I take the exam online?": the lines under it answer it.
    ranked = _ranked(["take"], 0, fitted)
    assert {u.text for u in ranked[:2]} == {"Yes.", "The exam is offered online and at testing centers."}
    assert ranked[0].coverage == 1.0 and ranked[2].coverage == 0.0


def test_what_a_person_tells_around_their_question_counts_less_than_what_they_ask():
    assert told_terms("I took the exam online last year. How much is the fee?") == {"took", "exam", "onlin", "last", "year"}
    assert told_terms("How much is the fee?") == frozenset() and told_terms("The fee. The exam.") == frozenset()
    fitted = Fitted("fake", ranking=Logistic(-2.0, {"coverage": 4.0}))
    chunk = _chunk(FAQ)
    vectors = np.zeros((len(units_of(chunk)), 2), np.float32)
    idf = {"fee": 1.0, "onlin": 2.0, "exam": 1.0}

    def lead(question):
        return rank_evidence([ScoredChunk(chunk, 1.0)], _Index(chunk, vectors), question, idf, fitted)[0].text

    tokens = ["onlin", "fee"]
    plain = Question(tokens=tokens, vector=np.array([1.0, 0.0], np.float32), boost=set(), anchors=[])
    assert "$75" not in lead(plain)  # "online" weighs most: the lines answering "Can I take the exam online?"…
    # …unless the person only told it: then the fee is what they ask
    assert "$75" in lead(Question(tokens=tokens, vector=plain.vector, boost=set(), anchors=[], told=frozenset({"onlin"})))


def test_ranking_weighs_meaning_by_the_fitted_weights():
    semantic_only = Fitted("fake", semantic=Scale(0.5, 0.25), ranking=Logistic(0.0, {"semantic": 3.0}))
    chunk_units = [u for u in units_of(_chunk(FAQ))]
    target = next(i for i, u in enumerate(chunk_units) if "testing centers" in u.text)
    ranked = _ranked(["fee"], target, semantic_only)
    assert "testing centers" in ranked[0].text and ranked[0].score > 0.9
    assert ranked[0].features["semantic"] == pytest.approx(2.0)  # (1.0 - 0.5) / 0.25


def test_the_policy_abstains_without_a_lead_and_follows_its_threshold():
    unit = units_of(_chunk(FAQ))[2]
    unit.coverage, unit.score = 0.9, 0.8
    evidence = Evidence(in_domain=True, wants_type=True, type_found=False, focus_found=True)
    policy = AbstentionPolicy(Fitted("fake", answer=Logistic(-1.0, {"coverage": 2.0, "type_missing": -5.0}),
                                     threshold=0.5))
    assert not policy.decide(None, evidence).answer
    missing = policy.decide(unit, evidence)
    assert not missing.answer and missing.features["type_missing"] == 1.0
    found = policy.decide(unit, Evidence(in_domain=True, wants_type=True, type_found=True, focus_found=True))
    assert found.answer and found.probability == pytest.approx(1 / (1 + np.exp(-0.8)))
    assert "answer: p 0.69" in found.describe()


def test_an_asked_for_value_missing_from_the_lead_is_never_answered_whatever_the_weights():
    unit = units_of(_chunk(FAQ))[2]
    unit.coverage = 1.0
    policy = AbstentionPolicy(Fitted("fake", answer=Logistic(5.0, {"coverage": 5.0}), threshold=0.5))
    missing = policy.decide(unit, Evidence(in_domain=True, wants_type=True, type_found=False, focus_found=True))
    assert missing.probability > 0.99 and not missing.answer
    assert policy.decide(unit, Evidence(in_domain=True, wants_type=False, type_found=False, focus_found=True)).answer


def test_the_judge_is_asked_only_when_fitted_for_and_never_for_a_vetoed_decision():
    from assistant.fitted import Judged

    unit = units_of(_chunk(FAQ))[2]
    unit.coverage = 1.0
    judged = Judged(Logistic(0.0, {"policy": 0.0, "judge": 1.0}), 0.5, {"llm": "fake"})
    policy = AbstentionPolicy(Fitted("fake", answer=Logistic(5.0, {"coverage": 5.0}), threshold=0.5, judged=judged))
    asked = []

    def judge(answer: float | None):
        return lambda: asked.append(answer) or answer

    plain = Evidence(in_domain=True, wants_type=False, type_found=False, focus_found=True)
    refused = policy.decide(unit, plain, judge(0.01))
    assert not refused.answer and refused.features["judge"] < -4 and asked == [0.01]
    assert policy.decide(unit, plain, judge(None)).answer  # an unavailable judge leaves it to the policy
    vetoed = Evidence(in_domain=True, wants_type=True, type_found=False, focus_found=True)
    assert not policy.decide(unit, vetoed, judge(0.99)).answer and 0.99 not in asked
    unfitted = AbstentionPolicy(Fitted("fake", answer=Logistic(5.0, {"coverage": 5.0}), threshold=0.5))
    assert unfitted.decide(unit, plain, judge(0.01)).answer and asked == [0.01, None]


def test_fit_logistic_recovers_the_direction_that_separates_the_labels():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 2))
    y = (x[:, 0] - 0.5 * x[:, 1] + rng.normal(scale=0.3, size=400) > 0).astype(float)
    bias, weights = fit_logistic(x, y)
    assert weights[0] > 1.0 and weights[1] < -0.3 and abs(bias) < 0.5


def test_threshold_and_reliability_table():
    probabilities = [0.1, 0.2, 0.45, 0.55, 0.9, 0.95]
    labels = np.array([0, 0, 0, 1, 1, 1])
    assert best_threshold(probabilities, labels) == 0.55
    rows = reliability(probabilities, [bool(v) for v in labels])
    assert [r["items"] for r in rows] == [1, 1, 2, 2]
    assert rows[-1] == {"bin": "0.8-1.0", "items": 2, "predicted": 0.925, "observed": 1.0}


def test_a_fact_is_held_in_any_of_its_spellings():
    assert holds_fact(["Email Peers@DHCS.ca.gov with questions."], [["peers@dhcs.ca.gov"]])
    assert not holds_fact(["No address here."], [["peers@dhcs.ca.gov"], ["988"]])


def test_fitted_sections_are_per_model_and_an_unfitted_model_is_refused_with_the_fix(tmp_path):
    path = tmp_path / "fitted.json"
    write_section(Fitted("model-a", threshold=0.4), path)
    write_section(Fitted("model-b", threshold=0.6), path)
    write_section(Fitted("model-a", threshold=0.45), path)
    assert {m: f.threshold for m, f in read_all(path).items()} == {"model-a": 0.45, "model-b": 0.6}
    assert json.loads(path.read_text())["models"]["model-b"]["threshold"] == 0.6
    with pytest.raises(PeerhelpError, match="PEERHELP_EMBEDDING_MODEL=model-c peerhelp fit"):
        fitted_for("model-c", path)


def test_a_word_rendered_several_ways_counts_once_and_is_there_when_any_rendering_is():
    from assistant.language import alternative_groups

    assert frozenset({"cost", "fee"}) in alternative_groups("¿cuánto es el costo del examen?")
    chunk = _chunk(FAQ)
    vectors = np.zeros((len(units_of(chunk)), 2), np.float32)
    tokens = ["exam", "fee", "cost"]  # "examen" and "costo" ('cost fee') rendered
    question = Question(tokens=tokens, vector=np.array([1.0, 0.0], np.float32), boost=set(), anchors=[])
    fee_line = next(u for u in rank_evidence([ScoredChunk(chunk, 1.0)], _Index(chunk, vectors), question,
                                             {"exam": 1.0, "fee": 1.0, "cost": 1.0}, Fitted("fake")) if "$75" in u.text)
    assert fee_line.coverage == pytest.approx(2 / 3)  # "cost" is missing from the line: a third of the question
    grouped = Question(tokens=tokens, vector=question.vector, boost=set(), anchors=[],
                       alternatives=[frozenset({"cost", "fee"})])
    fee_line = next(u for u in rank_evidence([ScoredChunk(chunk, 1.0)], _Index(chunk, vectors), grouped,
                                             {"exam": 1.0, "fee": 1.0, "cost": 1.0}, Fitted("fake")) if "$75" in u.text)
    assert fee_line.coverage == pytest.approx(1.0)  # "fee" renders "costo": the whole question is there
