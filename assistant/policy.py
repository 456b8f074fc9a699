"""Answer or abstain: the one decision, with its features and threshold in one place.

The policy sees the lead unit the ranking chose and a few facts about the question, and
estimates the probability that quoting that unit gives the reader what they asked for. The
weights and the threshold are fitted on the dev split (`peerhelp fit`, assistant/fitted.py); the
evaluation report prints how well the probabilities held (its reliability table).
"""

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.evidence import Unit
from assistant.fitted import Fitted


POLICY_FEATURES = ("coverage", "semantic", "dense", "score", "anchored", "in_domain", "type_missing", "focus_missing",
                   "typed_focus_missing", "novelty", "cross_language")


@dataclass
class Decision:
    answer: bool
    probability: float
    features: dict[str, float] = field(default_factory=dict)

    def describe(self) -> str:
        shown = ", ".join(f"{k} {v:.2f}" for k, v in self.features.items())
        return f"{'answer' if self.answer else 'abstain'}: p {self.probability:.2f} ({shown})"


@dataclass
class Evidence:
    """What the decision looks at besides the lead unit."""

    in_domain: bool  # the question uses the program's terms
    wants_type: bool  # it asks for an email, phone, date or number
    type_found: bool  # … and the lead unit holds one
    focus_found: bool  # the lead unit (or its passage) names the question's most specific term
    novelty: float = 0.0  # how specific the most specific word is that the documents never use (assistant/novelty.py)
    # the question and the lead passage are in different languages: similarities run lower and words match less
    cross_language: bool = False


class AbstentionPolicy:
    """Usage: `AbstentionPolicy(fitted_for(model)).decide(lead, evidence)`."""

    def __init__(self, fitted: Fitted):
        self.fitted = fitted

    def features(self, lead: Unit, evidence: Evidence) -> dict[str, float]:
        return {
            "coverage": lead.coverage,
            "semantic": self.fitted.semantic.z(lead.semantic),
            "dense": self.fitted.dense.z(lead.dense),
            "score": lead.score,
            "anchored": float(lead.anchored),
            "in_domain": float(evidence.in_domain),
            "type_missing": float(evidence.wants_type and not evidence.type_found),
            "focus_missing": float(not evidence.focus_found),
            # a date or an amount about something else is a wrong answer, not a near one
            "typed_focus_missing": float(evidence.wants_type and not evidence.focus_found),
            "novelty": evidence.novelty,
            "cross_language": float(evidence.cross_language),
        }

    def decide(self, lead: Unit | None, evidence: Evidence, judge: Callable[[], float | None] | None = None) -> Decision:
        """`judge`: asks an LLM judge for its probability that the quoted units answer (assistant/judge.py). It is
        called only when the judge was fitted for this policy and the decision is not vetoed (its answer could not
        change it: seconds saved on a CPU model); None from it leaves the decision to the policy."""
        if lead is None:
            return Decision(False, 0.0)
        features = self.features(lead, evidence)
        p = self.fitted.answer.probability(features)
        combined = self.fitted.judged
        judged = judge() if judge is not None and combined is not None and not vetoed(features) else None
        if judged is None:
            return Decision(p >= self.fitted.threshold and not vetoed(features), p, features)
        both = judge_features(p, judged)
        q = combined.answer.probability(both)
        return Decision(q >= combined.threshold, q, features | both)


def judge_features(policy: float, judged: float) -> dict[str, float]:
    """The two opinions on one scale: log-odds, bounded so that a certain 0 or 1 stays finite."""
    return {"policy": _logit(policy), "judge": _logit(judged)}


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def vetoed(features: dict[str, float]) -> bool:
    """Never answered, whatever the probability: a question asking for an email, a phone, a date or an amount,
    when the lead passage holds none (on dev, 2 of 21 such answers held the fact)."""
    return bool(features.get("type_missing"))
