"""The LLM judge (assistant/judge.py) against the scripted server: its yes or no read as a probability, the answer
decision it joins, what happens when it fails, and its fit."""

import math
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.engine import Assistant
from assistant.fitted import Judged, Logistic, fitted_for
from assistant.judge import Judge
from assistant.llm import OpenAICompatible
from core.settings import Settings
from evals.fitting import fit_judged, holds_fact
from evals.gold import load_gold
from tests.scripted_llm import script, seen

QUESTION = "Is the certification exam available in Spanish?"
JUDGE_ONLY = Judged(Logistic(0.0, {"policy": 0.0, "judge": 1.0}), 0.5, {"llm": "scripted"})  # the judge alone decides
NO = {"top": {"yes": -5.0, "no": -0.01}}
YES = {"top": {"yes": -0.01, "no": -5.0}}


def settings_for(llm_server: str, seed_index: Path, state: Path) -> Settings:
    return Settings(index_dir=seed_index, state_db=state / "state.sqlite", llm_base_url=f"{llm_server}/v1",
                    llm_model="scripted", llm_timeout_s=2, llm_phrasing=False)


@pytest.fixture(scope="module")
def judged_bot(llm_server, seed_index, embedder, tmp_path_factory):
    fitted = replace(fitted_for(embedder.name), judged=JUDGE_ONLY)
    return Assistant(settings_for(llm_server, seed_index, tmp_path_factory.mktemp("judge")), embedder=embedder,
                     fitted=fitted)


def judge_requests(llm_server: str) -> list[dict]:
    return [r["body"] for r in seen(llm_server) if r["body"].get("max_tokens") == 1]


def test_the_first_tokens_yes_and_no_become_one_probability(llm_server):
    model = OpenAICompatible(f"{llm_server}/v1", "scripted", timeout_s=2)
    script(llm_server, judgements=[{"top": {"yes": -0.2, "no": -1.8, "Yes": -3.0, "maybe": -4.0}}])
    p = model.yes_probability([{"role": "user", "content": "Passage: … Question: …"}])
    yes = math.exp(-0.2) + math.exp(-3.0)
    assert p == pytest.approx(yes / (yes + math.exp(-1.8)))
    request = judge_requests(llm_server)[-1]
    assert request["logprobs"] is True and request["temperature"] == 0 and not request.get("stream")


def test_a_server_without_log_probabilities_is_read_from_the_word_it_wrote(llm_server):
    model = OpenAICompatible(f"{llm_server}/v1", "scripted", timeout_s=2)
    script(llm_server, judgements=[{"text": "No", "top": None}, {"text": "Sí", "top": None}])
    assert model.yes_probability([{"role": "user", "content": "?"}]) == 0.0
    assert model.yes_probability([{"role": "user", "content": "?"}]) == 1.0


def test_the_judge_reads_what_the_answer_would_quote_and_turns_the_decision(judged_bot, llm_server):
    script(llm_server, judgements=[NO])
    refused, trace = judged_bot.ask_with_trace(QUESTION)
    assert refused.status == "abstained" and trace.policy.features["judge"] < -4, trace.decision
    prompt = judge_requests(llm_server)[-1]["messages"][-1]["content"]
    assert prompt.startswith("Passage:\n- ") and f"Question: {QUESTION}" in prompt
    assert trace.chosen[0].text in prompt and "judge" in trace.timings_ms

    script(llm_server, judgements=[YES])
    answered, trace = judged_bot.ask_with_trace(QUESTION)
    assert answered.status == "answered" and answered.mode == "extractive"  # phrasing is off: the judge only decides
    assert answered.answer == judged_bot.ask_with_trace(QUESTION, use_llm=False)[0].answer


def test_a_follow_up_is_left_to_the_policy(judged_bot, llm_server):
    history = ["How do I apply for the certification exam?"]
    extractive, plain = judged_bot.ask_with_trace("and what about the fee for it?", history=history, use_llm=False)
    script(llm_server, judgements=[NO])
    answer, trace = judged_bot.ask_with_trace("and what about the fee for it?", history=history)
    assert trace.query.follow_up and judge_requests(llm_server) == []
    assert answer.answer == extractive.answer and trace.policy.probability == plain.policy.probability


@pytest.mark.parametrize("failure", [{"status": 500}, {"text": "Maybe", "top": None}],
                         ids=["server error", "neither yes nor no"])
def test_a_judge_that_fails_leaves_the_decision_to_the_policy(judged_bot, llm_server, failure):
    extractive, plain = judged_bot.ask_with_trace(QUESTION, use_llm=False)
    script(llm_server, judgements=[failure])
    answer, trace = judged_bot.ask_with_trace(QUESTION)
    assert answer.answer == extractive.answer and "judge" not in trace.policy.features
    assert trace.policy.probability == plain.policy.probability


def test_the_judge_is_not_asked_without_a_fit_for_its_model_or_when_turned_off(llm_server, seed_index, embedder,
                                                                               tmp_path, caplog):
    settings = settings_for(llm_server, seed_index, tmp_path)
    unfitted = Assistant(settings, embedder=embedder, fitted=replace(fitted_for(embedder.name), judged=None))
    other = Assistant(settings, embedder=embedder, fitted=replace(fitted_for(embedder.name), judged=replace(
        JUDGE_ONLY, provenance={"llm": "another-model"})))
    off = Assistant(settings.model_copy(update={"llm_judge": False}), embedder=embedder,
                    fitted=replace(fitted_for(embedder.name), judged=JUDGE_ONLY))
    script(llm_server, judgements=[NO, NO, NO])
    assert all(bot.ask(QUESTION).status == "answered" for bot in (unfitted, other, off))
    assert judge_requests(llm_server) == []
    assert "fitted with another-model, not scripted. Fix: run `peerhelp fit --judge`" in caplog.text


class KnowingJudge:
    """A judge that is right every time: yes exactly when the quoted units hold an asked-for fact."""

    def __init__(self, items):
        self.model = type("Model", (), {"name": "knowing"})()
        self.items = {i.question: i for i in items}

    def probability(self, question, units):
        item = self.items[question]
        return 0.95 if item.expected_status == "answered" and holds_fact([u.text for u in units], item.facts) else 0.05


def test_the_fit_learns_how_far_to_trust_the_judge(llm_server, seed_index, embedder, tmp_path):
    items = [i for i in load_gold("dev", Path(__file__).resolve().parents[1] / "evals" / "gold")
             if not i.history and i.expected_status in ("answered", "abstained")][:40]
    bot = Assistant(Settings(index_dir=seed_index, state_db=tmp_path / "state.sqlite"), embedder=embedder,
                    fitted=fitted_for(embedder.name))
    fitted = fit_judged([(bot, items)], KnowingJudge(items), "dev", ["seeds"])
    judged = fitted.judged
    assert judged.answer.weights["judge"] > 1.0 and judged.provenance["llm"] == "knowing"
    assert judged.provenance["decisions_right"]["seeds"] >= 0.95 and judged.provenance["reliability"]
    assert bot.fitted is fitted and fitted.answer == fitted_for(embedder.name).answer  # the policy itself unchanged
