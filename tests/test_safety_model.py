"""The learned crisis model: trained only on its own lines, shipped reproducibly, its decision in one place."""

import glob
import json
from collections import Counter

import numpy as np
import pytest

from assistant.safety_model import (EMBEDDER, LEVELS, MAX_PARTS, MODEL_FILE, MODEL_SHARE, TRAINING_FILE, CrisisModel, Vote,
                                    char_ngrams, load_training, parts)
from tests.conftest import ROOT


def _evaluation_texts() -> set[str]:
    """Every question of the gold sets and every message of the crisis sets not yet joined to training (the sets in
    evals/crisis_sets/trained/ joined after they were measured)."""
    paths = [*glob.glob(str(ROOT / "evals" / "gold" / "*.jsonl")), *glob.glob(str(ROOT / "evals" / "crisis_sets" / "*.jsonl")),
             *glob.glob(str(ROOT / "evals" / "corpora" / "*" / "gold" / "*.jsonl"))]
    items = [json.loads(line) for path in paths for line in open(path, encoding="utf-8") if line.strip()]
    return {" ".join((item.get("question") or item["text"]).lower().split()) for item in items}


def test_training_lines_are_many_varied_and_disjoint_from_every_evaluation_set():
    texts, levels = load_training()
    rows = [json.loads(line) for line in TRAINING_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(texts) >= 2000
    by = Counter((r["level"], r["lang"]) for r in rows)
    assert all(by[(level, lang)] >= 100 for level in LEVELS for lang in ("en", "es")), by
    assert not {" ".join(t.lower().split()) for t in texts} & _evaluation_texts()


def test_shipped_model_loads_for_the_multilingual_embedder():
    model = CrisisModel.load()
    assert model is not None and model.embedder == EMBEDDER
    assert model.vector_weights.shape == (4, 384) and model.gram_weights.shape[1] == len(model.vocabulary)
    assert model.part_weights.shape == (3,)  # the risk threshold is on the stacked log-odds, any real number
    assert 0 < model.emergency_threshold < 1 and 0 < model.concern_threshold <= 1


def single_part_risk(model) -> float:
    """The blended risk at which a one-sentence message reaches the threshold (its whole is its only part)."""
    w_whole, w_part, bias = model.part_weights
    return float(1 / (1 + np.exp(-(model.risk_threshold - bias) / (w_whole + w_part))))


def test_decision_thresholds():
    model = CrisisModel.load()
    risk = single_part_risk(model) + 1e-4  # where the regression and the neighbours agree, their blend is that risk
    assert model.decide(np.array([1 - risk, 0, risk, 0]), Vote(risk, 0.0)).level == "crisis"
    assert model.decide(np.array([1 - risk, 0, 0, risk]), Vote(risk, 1.0)).level == "emergency"
    assert model.decide(np.array([1 - risk + 0.02, 0, risk - 0.02, 0]), Vote(risk - 0.02)).level in ("none", "concern")
    assert model.decide(np.array([1.0, 0, 0, 0]), Vote()).level == "none"
    assert model.decide(np.array([0.0, 1.0, 0, 0]), Vote()).level == "concern"
    # the neighbours move each decision, but only as far as their share
    assert model.decide(np.array([1 - risk, 0, risk, 0]), Vote(0.0)).level != "crisis"
    assert model.decide(np.array([1.0, 0, 0, 0]), Vote(1.0, 1.0)).level == "none"
    assert model.decide(np.array([1 - risk, 0, risk, 0]), Vote(risk, 1.0)).level == (
        "emergency" if 1 - MODEL_SHARE >= model.emergency_threshold else "crisis")


def test_one_alarming_sentence_raises_a_calm_message_and_a_calm_sentence_lowers_nothing_alone():
    model = CrisisModel.load()
    w_whole, w_part, _ = model.part_weights
    assert w_whole > 0 and w_part > 0
    calm, calm_vote = np.array([0.9, 0.05, 0.05, 0.0]), Vote(0.05)
    assert model.decide(calm, calm_vote).level != "crisis"
    assert model.decide(calm, calm_vote, most_alarming_part=0.999).level == "crisis"
    assert model.decide(calm, calm_vote, most_alarming_part=0.0).level != "crisis"
    assert model.risk(calm, calm_vote, 0.999) > model.risk(calm, calm_vote) > model.risk(calm, calm_vote, 0.0)


def test_parts_are_the_sentences_of_a_longer_message_in_at_most_max_parts_runs():
    assert parts("How long does the exam take?") == []
    assert parts("Quick one about billing. Separate thing, I can't go on like this.") == [
        "Quick one about billing.", "Separate thing, I can't go on like this."]
    assert parts("ok. so. What is the fee?") == []  # fragments under three words are not sentences
    long = " ".join(f"Sentence number {i} is here." for i in range(40))
    assert len(parts(long)) <= MAX_PARTS and " ".join(parts(long)) == long


def test_the_neighbours_vote_with_the_lines_nearest_in_meaning():
    model = CrisisModel.load()
    levels = model.neighbour_levels
    assert model.neighbours.shape == (len(levels), 384) and set(levels.tolist()) == {0, 1, 2, 3}
    risky, calm, urgent = (model.neighbours[levels == k][0] for k in (2, 0, 3))
    assert model.neighbour_vote(risky).risk > 0.5 > model.neighbour_vote(calm).risk
    assert model.neighbour_vote(urgent).emergency > 0.5 > model.neighbour_vote(risky).emergency
    longer, vote = model.neighbour_vote(3 * risky), model.neighbour_vote(risky)  # length does not matter
    assert (longer.risk, longer.emergency) == pytest.approx((vote.risk, vote.emergency))


def test_the_screen_clears_plain_questions_without_embedding_them_and_never_a_risk():
    from assistant.safety import CrisisDetector, normalize

    model = CrisisModel.load()
    embedded = []
    detector = CrisisDetector(lambda text: embedded.append(text) or np.zeros(384), model)
    assert 0 < model.screen_threshold < 0.1
    plain = ["What is the renewal fee?", "Which counties are participating?", "When is the application deadline?",
             "Where do I send my application?", "What is a BHIN?"]
    cleared = [q for q in plain if model.plainly_ordinary(normalize(q))]
    assert cleared and all(detector.assess(q).level == "none" for q in cleared) and embedded == []
    for risky in ["i took all my pills an hour ago", "nobody would even notice if i was gone", "ya no aguanto, me quiero ir para siempre"]:
        assert not model.plainly_ordinary(normalize(risky)), risky


def test_character_ngrams_carry_misspellings():
    assert set(char_ngrams("suicdal")) & set(char_ngrams("suicidal")) >= {" s", "su", "sui", " sui"}
    assert char_ngrams("") == []


def test_training_rejects_a_bad_line(tmp_path):
    bad = tmp_path / "t.jsonl"
    bad.write_text('{"text": "hi", "level": "maybe"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="line 1"):
        load_training(bad)


@pytest.mark.slow
def test_retraining_reproduces_the_shipped_model(crisis_embedder, seed_index):
    """Retrained from the same lines, the model decides as the shipped one does. Its numbers are not compared digit
    for digit: e5's C engine computes slightly different vectors on different CPUs (up to 0.002 per component
    between the machine that trained the shipped model and an AMD EPYC, identical run to run on each), and the
    thresholds, read off cross-validated scores, move with them (risk threshold -1.19 there, -1.11 here) while
    every decision on the 1,520 measured messages stayed the same but one crisis-or-emergency call."""
    from assistant.safety import CrisisDetector, crisis_embedding, model_text, normalize
    from assistant.safety_model import train
    from evals.crisis import load_messages
    from ingest.store import IndexVersion
    from ingest.units import split_units

    texts, levels = load_training()
    index = IndexVersion.open_current(seed_index)
    domain = sorted({u.text for c in index.chunks for u in split_units(c) if len(u.text.split()) >= 4})
    embed = crisis_embedding(crisis_embedder)
    model, stats = train([model_text(t) for t in texts], [normalize(t) for t in texts], levels, domain, normalize,
                         embed, crisis_embedder.name)
    shipped = CrisisModel.load(MODEL_FILE)
    assert stats["cv_risk_recall"] >= 0.97
    assert (model.neighbour_levels == shipped.neighbour_levels).all()
    assert np.allclose(model.neighbours, shipped.neighbours, atol=0.01)
    assert abs(model.risk_threshold - shipped.risk_threshold) < 0.2 and abs(model.screen_threshold - shipped.screen_threshold) < 0.01
    assert np.allclose(model.part_weights, shipped.part_weights, atol=0.05)
    messages = [m.text for path in sorted((ROOT / "evals" / "crisis_sets").rglob("*.jsonl")) for m in load_messages(path)]
    retrained, original = CrisisDetector(embed, model), CrisisDetector(embed, shipped)
    same_level = [retrained.assess(m).level == original.assess(m).level for m in messages]
    assert len(messages) >= 1000 and sum(same_level) / len(same_level) >= 0.99
