"""Fit the unit ranker and the answer policy (assistant/fitted.py) on the dev split.

Two passes over the dev questions, because the policy looks at the lead unit the ranker chooses:
1. collect every ranked unit's features, labelled by whether the unit holds a fact the question
   asks for (the gold `facts`), and fit the ranker;
2. with that ranker, collect the policy's features for each question, labelled by whether the
   chosen units hold an asked-for fact (a question the documents don't answer is labelled no),
   fit the policy, and pick the threshold that gets the most decisions right.
Both are L2-regularised logistic regressions solved by Newton's method: a few features, a few
hundred items, no dependency beyond numpy. The section written for the model records what it was
fitted on and its reliability table (predicted probability against what happened).
"""

from dataclasses import dataclass, replace
from datetime import datetime, timezone

import numpy as np

from assistant.engine import Assistant, InputError
from assistant.evidence import Unit
from assistant.fitted import Fitted, Judged, Logistic, Scale
from assistant.judge import Judge
from assistant.policy import POLICY_FEATURES, Decision, judge_features, vetoed
from assistant.ranking import RANKING_FEATURES, unit_features
from evals.checks import normalize
from evals.gold import GoldItem
from core.errors import PeerhelpError

L2 = 0.1
# What a wrong answer costs against a wrong refusal when the answer threshold is chosen. Measured on dev with e5
# (evals/README.md, "Calibration"): 1.5 refuses 0.924 of unanswerable questions but answers 0.744 of all statuses
# right; 1.0 (fewest wrong decisions) 0.774 and 0.849. The reports that started this issue found refusing answerable
# questions the most frequent failure, so both mistakes count the same until the policy separates them better.
WRONG_ANSWER_COST = 1.0
RELIABILITY_BINS = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0001]


def holds_fact(texts: list[str], facts: list[list[str]]) -> bool:
    """Some asked-for fact (any of its spellings) appears in one of the texts."""
    joined = normalize(" ".join(texts))
    return any(any(normalize(p) in joined for p in group) for group in facts)


def policy_label(item: GoldItem, chosen: list[str]) -> bool:
    """Answering was right: the question is answerable and the chosen units' texts hold an asked-for fact."""
    return item.expected_status == "answered" and bool(chosen) and holds_fact(chosen, item.facts)


def fittable(item: GoldItem) -> bool:
    """Questions the policy decides: not crisis messages; answerable ones only when their facts are written down."""
    return item.expected_status == "abstained" or (item.expected_status == "answered" and bool(item.facts))


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = L2, steps: int = 50) -> tuple[float, np.ndarray]:
    """Newton's method on the L2-penalised log-likelihood (the bias is not penalised)."""
    n, d = x.shape
    a = np.hstack([np.ones((n, 1)), x])
    w = np.zeros(d + 1)
    penalty = np.eye(d + 1) * l2
    penalty[0, 0] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(a @ w, -30, 30)))
        gradient = a.T @ (p - y) + penalty @ w
        hessian = (a * (p * (1 - p))[:, None]).T @ a + penalty
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return float(w[0]), w[1:]


def reliability(probabilities: list[float], labels: list[bool]) -> list[dict]:
    """Per probability bin: how many decisions, the mean predicted probability, and how often it was right."""
    rows = []
    p, y = np.array(probabilities), np.array(labels, dtype=float)
    for lo, hi in zip(RELIABILITY_BINS, RELIABILITY_BINS[1:]):
        mask = (p >= lo) & (p < hi)
        if mask.any():
            rows.append({"bin": f"{lo:.1f}-{min(hi, 1.0):.1f}", "items": int(mask.sum()),
                         "predicted": round(float(p[mask].mean()), 3), "observed": round(float(y[mask].mean()), 3)})
    return rows


@dataclass
class Observed:
    item: GoldItem
    units: list[Unit]
    chosen: list[Unit]
    decision: Decision | None
    follow_up: bool = False  # read as continuing the conversation (never judged)


def observe(assistant: Assistant, items: list[GoldItem]) -> list[Observed]:
    rows = []
    for item in items:
        try:
            _, trace = assistant.ask_with_trace(item.question, item.history, use_llm=False)
        except InputError:
            continue
        rows.append(Observed(item, trace.units, trace.chosen, trace.policy, bool(trace.query and trace.query.follow_up)))
    return rows


def fit(runs: list[tuple[Assistant, list[GoldItem]]], split: str, suites: list[str]) -> Fitted:
    """A new fitted section for the embedding model, from each suite's assistant and its dev questions."""
    runs = [(assistant, [i for i in items if fittable(i)]) for assistant, items in runs]
    model = runs[0][0].embedder.name
    first = [row for assistant, items in runs for row in observe(assistant, items)]
    units = [(u, row.item) for row in first for u in row.units if row.item.expected_status == "answered"]
    semantic = np.array([u.semantic for row in first for u in row.units]) if first else np.zeros(1)
    dense = np.array([u.dense for row in first for u in row.units]) if first else np.zeros(1)
    fitted = Fitted(model, Scale(float(semantic.mean()), float(semantic.std() or 1.0)),
                    Scale(float(dense.mean()), float(dense.std() or 1.0)))

    for row in first:  # the features again, on the scale just measured
        best_coverage = max((u.coverage for u in row.units), default=0.0)
        best_semantic = max((u.semantic for u in row.units), default=0.0)
        for u in row.units:
            u.features = unit_features(u, fitted, best_coverage, best_semantic)
    x = np.array([[u.features[f] for f in RANKING_FEATURES] for u, _ in units])
    y = np.array([holds_fact([u.text], item.facts) for u, item in units], dtype=float)
    bias, weights = fit_logistic(x, y)
    fitted = replace(fitted, ranking=Logistic(bias, dict(zip(RANKING_FEATURES, weights.round(4).tolist()))))

    _use(runs, fitted)
    second = [row for assistant, items in runs for row in observe(assistant, items)
              if row.decision is not None and row.decision.features]
    x = np.array([[row.decision.features[f] for f in POLICY_FEATURES] for row in second])
    y = np.array([policy_label(row.item, [u.text for u in row.chosen]) for row in second], dtype=float)
    bias, weights = fit_logistic(x, y)
    answer = Logistic(bias, dict(zip(POLICY_FEATURES, weights.round(4).tolist())))
    # a vetoed decision never answers, whatever its probability: the threshold is chosen for the others
    probabilities = [0.0 if vetoed(row.decision.features) else answer.probability(row.decision.features)
                     for row in second]
    threshold = best_threshold(probabilities, y)
    right = sum((p >= threshold) == bool(label) for p, label in zip(probabilities, y))
    provenance = {
        "split": split, "suites": suites, "fitted_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "questions": len(second), "units": len(units), "units_holding_a_fact": int(sum(holds_fact([u.text], i.facts)
                                                                                   for u, i in units)),
        "answer_right_share": round(float(y.mean()), 3), "decisions_right": round(right / max(len(second), 1), 3),
        "reliability": reliability(probabilities, list(map(bool, y))),
    }
    fitted = replace(fitted, answer=answer, threshold=threshold, provenance=provenance)
    _use(runs, fitted)
    return fitted


def fit_judged(runs: list[tuple[Assistant, list[GoldItem]]], judge: Judge, split: str, suites: list[str]) -> Fitted:
    """The decision with an LLM judge, for the policy the assistants use: one logistic over the policy's log-odds and
    the judge's, fitted on the same questions and labels as the policy (follow-ups excepted: they are never judged),
    the threshold chosen the same way."""
    rows, opinions, names = [], [], []
    for (assistant, items), name in zip(runs, suites):
        for row in observe(assistant, [i for i in items if fittable(i)]):
            if row.decision is None or not row.decision.features or row.follow_up:
                continue
            judged = judge.probability(row.item.question, row.chosen)
            if judged is not None:
                rows.append(row)
                opinions.append(judge_features(row.decision.probability, judged))
                names.append(name)
    if not rows:
        raise PeerhelpError("the LLM judge answered none of the dev questions. Fix: check that the LLM server runs "
                            "and serves the model named in PEERHELP_LLM_MODEL.")
    keys = ("policy", "judge")
    y = np.array([policy_label(row.item, [u.text for u in row.chosen]) for row in rows], dtype=float)
    bias, weights = fit_logistic(np.array([[o[k] for k in keys] for o in opinions]), y)
    answer = Logistic(bias, dict(zip(keys, weights.round(4).tolist())))
    probabilities = [0.0 if vetoed(row.decision.features) else answer.probability(o) for row, o in zip(rows, opinions)]
    threshold = best_threshold(probabilities, y)
    right = [(p >= threshold) == bool(label) for p, label in zip(probabilities, y)]
    provenance = {
        "split": split, "suites": suites, "llm": judge.model.name, "questions": len(rows),
        "fitted_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "decisions_right": {name: round(float(np.mean([r for r, n in zip(right, names) if n == name])), 3)
                            for name in dict.fromkeys(names)},
        "reliability": reliability(probabilities, list(map(bool, y))),
    }
    fitted = replace(runs[0][0].fitted, judged=Judged(answer, threshold, provenance))
    _use(runs, fitted)
    return fitted


def _use(runs: list[tuple[Assistant, list[GoldItem]]], fitted: Fitted) -> None:
    for assistant, _ in runs:
        assistant.fitted = fitted
        assistant.policy.fitted = fitted


def best_threshold(probabilities: list[float], labels: np.ndarray, wrong_answer_cost: float = WRONG_ANSWER_COST) -> float:
    """The cut with the lowest cost of wrong decisions (ties: the lower cut, which answers more)."""
    candidates = sorted(set(round(p, 3) for p in probabilities)) or [0.5]
    costs = [sum((wrong_answer_cost if p >= c else 1.0) for p, y in zip(probabilities, labels) if (p >= c) != bool(y))
             for c in candidates]
    return float(candidates[int(np.argmin(costs))])
