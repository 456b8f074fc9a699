"""A small learned crisis signal on top of the rules: logistic regression on the MiniLM sentence vectors.

Rules catch what they were written for; people in crisis write in ways no rule anticipates.
The model is trained on `assistant/data/crisis_training.jsonl` (written for training only, disjoint
from every evaluation set) plus the corpus's own sentences as in-domain negatives, and its
threshold is chosen by cross-validation to keep false alarms low. `peerhelp train-safety`
rebuilds `assistant/data/crisis_model.npz` deterministically; nothing is trained at run time.
"""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).resolve().parent / "data"
TRAINING_FILE = DATA_DIR / "crisis_training.jsonl"
MODEL_FILE = DATA_DIR / "crisis_model.npz"
MAX_FALSE_POSITIVE_RATE = 0.02
# The model the weights were trained on, kept apart from the retrieval model: the crisis layer embeds
# messages with this one whatever retrieval uses.
EMBEDDER = "all-MiniLM-L6-v2"


@dataclass
class CrisisModel:
    weights: np.ndarray
    bias: float
    threshold: float
    embedder: str

    def probability(self, vector: np.ndarray) -> float:
        return float(1.0 / (1.0 + np.exp(-(vector @ self.weights + self.bias))))

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> "CrisisModel | None":
        if not path.exists():
            return None
        data = np.load(path, allow_pickle=False)
        return cls(data["weights"], float(data["bias"]), float(data["threshold"]), str(data["embedder"]))

    def save(self, path: Path = MODEL_FILE, training_hash: str = "") -> None:
        np.savez(path, weights=self.weights, bias=np.float64(self.bias), threshold=np.float64(self.threshold),
                 embedder=np.str_(self.embedder), training_hash=np.str_(training_hash))


def load_training(path: Path = TRAINING_FILE) -> tuple[list[str], list[int]]:
    texts, labels = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            item = json.loads(line)
            if item.get("crisis") not in (0, 1) or not str(item.get("text", "")).strip():
                raise ValueError(f"{path}, line {number}: expected {{\"text\": str, \"crisis\": 0|1}}")
            texts.append(item["text"])
            labels.append(int(item["crisis"]))
    return texts, labels


def train(texts: list[str], labels: list[int], domain_negatives: list[str], embed, embedder_name: str) -> tuple[CrisisModel, dict]:
    """Fit, then pick the lowest threshold whose cross-validated false-positive rate stays under the limit."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    all_texts = texts + domain_negatives
    y = np.array(labels + [0] * len(domain_negatives))
    X = np.asarray(embed(all_texts), dtype=np.float64)
    held_out = np.zeros(len(y))
    for train_idx, test_idx in StratifiedKFold(n_splits=5, shuffle=True, random_state=7).split(X, y):
        clf = LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000)
        clf.fit(X[train_idx], y[train_idx])
        held_out[test_idx] = clf.predict_proba(X[test_idx])[:, 1]
    negatives = np.sort(held_out[y == 0])
    threshold = float(negatives[int(np.ceil((1 - MAX_FALSE_POSITIVE_RATE) * len(negatives))) - 1]) + 1e-6
    recall = float(np.mean(held_out[y == 1] >= threshold))
    fpr = float(np.mean(held_out[y == 0] >= threshold))
    clf = LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000).fit(X, y)
    model = CrisisModel(clf.coef_[0].astype(np.float32), float(clf.intercept_[0]), threshold, embedder_name)
    return model, {"examples": len(y), "positives": int(y.sum()), "cv_recall": round(recall, 4),
                   "cv_false_positive_rate": round(fpr, 4), "threshold": round(threshold, 4)}


def training_hash(path: Path = TRAINING_FILE) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
