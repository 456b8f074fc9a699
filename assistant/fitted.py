"""The numbers the answer stages learned from the dev split, per embedding model.

`assistant/data/fitted.json` is written by `peerhelp fit` (evals/fitting.py) and read here; no
threshold or weight of the ranking and answer decisions lives anywhere else. Each embedding model
has its own section because cosine similarities sit on different scales (MiniLM spreads 0.2-0.8,
e5 sits in 0.75-0.95).
"""

import json
import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from core.errors import PeerhelpError

FITTED_FILE = Path(__file__).resolve().parent / "data" / "fitted.json"


@dataclass(frozen=True)
class Scale:
    """Where a model's cosine similarities sit: a raw cosine becomes (cosine - mean) / sd."""

    mean: float = 0.0
    sd: float = 1.0

    def z(self, value: float) -> float:
        return (value - self.mean) / (self.sd or 1.0)


@dataclass(frozen=True)
class Logistic:
    """P(yes) = sigmoid(bias + Σ weight·feature); features missing from `weights` do not count."""

    bias: float = 0.0
    weights: dict[str, float] = field(default_factory=dict)

    def logit(self, features: dict[str, float]) -> float:
        return self.bias + sum(w * float(features.get(name, 0.0)) for name, w in self.weights.items())

    def probability(self, features: dict[str, float]) -> float:
        x = self.logit(features)
        return 1.0 / (1.0 + math.exp(-x)) if x > -60 else 0.0


@dataclass(frozen=True)
class Judged:
    """The answer decision when an LLM judge is asked (assistant/judge.py): P(answering is right) from the policy's
    own logit and the judge's, fitted on dev with the judge's model (named in `provenance`)."""

    answer: Logistic = Logistic()
    threshold: float = 0.5
    provenance: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"bias": self.answer.bias, "weights": self.answer.weights, "threshold": self.threshold,
                "provenance": self.provenance}

    @classmethod
    def from_dict(cls, data: dict) -> "Judged":
        return cls(Logistic(data["bias"], data["weights"]), float(data["threshold"]), data.get("provenance", {}))


@dataclass(frozen=True)
class Fitted:
    """One model's section: the similarity scales, the unit ranker and the answer policy."""

    model: str
    semantic: Scale = Scale()  # a unit's own vector against the question's
    dense: Scale = Scale()  # a chunk's vector against the question's
    ranking: Logistic = Logistic()  # P(this unit holds a fact the question asks for)
    answer: Logistic = Logistic()  # P(answering with the lead unit gives the asked-for fact)
    threshold: float = 0.5  # answer when answer.probability >= threshold
    provenance: dict = field(default_factory=dict)  # what it was fitted on, when, and how well it held
    judged: Judged | None = None  # fitted on this policy's logits: a refit of the policy drops it

    def to_dict(self) -> dict:
        data = {"semantic": vars(self.semantic), "dense": vars(self.dense),
                "ranking": {"bias": self.ranking.bias, "weights": self.ranking.weights},
                "answer": {"bias": self.answer.bias, "weights": self.answer.weights},
                "threshold": self.threshold, "provenance": self.provenance}
        return data | ({"judged": self.judged.to_dict()} if self.judged else {})

    @classmethod
    def from_dict(cls, model: str, data: dict) -> "Fitted":
        return cls(model, Scale(**data["semantic"]), Scale(**data["dense"]), Logistic(**data["ranking"]),
                   Logistic(**data["answer"]), float(data["threshold"]), data.get("provenance", {}),
                   Judged.from_dict(data["judged"]) if data.get("judged") else None)


def read_all(path: Path = FITTED_FILE) -> dict[str, Fitted]:
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {model: Fitted.from_dict(model, section) for model, section in data.get("models", {}).items()}


@cache
def fitted_for(model: str, path: Path = FITTED_FILE) -> Fitted:
    """The fitted section for an embedding model; an unfitted model is refused with the fix."""
    sections = read_all(path)
    if model not in sections:
        raise PeerhelpError(f"{path}: no fitted ranking and answer policy for {model}. "
                            f"Fix: run `PEERHELP_EMBEDDING_MODEL={model} peerhelp fit` on an index built with that model.")
    return sections[model]


def write_section(fitted: Fitted, path: Path = FITTED_FILE) -> None:
    """Replace one model's section, keeping the others; written atomically."""
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"models": {}}
    data["models"][fitted.model] = fitted.to_dict()
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)
    fitted_for.cache_clear()
