"""Fit the name tagger (assistant/name_tagger.py) on helper-written messages; write assistant/data/name_tagger.json.

Run: `python -m evals.name_training` (deterministic; about a minute on 2 cores). The messages in
evals/name_training/*.jsonl were written for training by a helper who saw no code and no evaluation set
(English and Spanish; names in many forms and hard negatives: ordinary words that are also names, places,
programs). The threshold is chosen by 5-fold cross-validation over messages: the highest name recall whose
added removals stay under MAX_ADDED_REMOVAL of the ordinary words.
"""

import json
import re
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from assistant.name_tagger import FEATURES, MODEL_FILE, NameTagger, features, tokens_of
from assistant.name_rules import ruled_names
from evals.fitting import fit_logistic

TRAINING_DIR = Path(__file__).resolve().parent / "name_training"
MAX_ADDED_REMOVAL = 0.01  # at most 1 % of ordinary words taken by the tagger on top of the rules
L2 = 1.0


def _spans(message: str, texts: list[str]) -> list[tuple[int, int]]:
    out = []
    for text in texts:
        out += [(m.start(), m.end()) for m in re.finditer(re.escape(text), message)]
    return out


def examples(paths: list[Path]) -> list[dict]:
    rows = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            message = item["message"]
            names = _spans(message, [p["text"] for p in item["pii"] if p["kind"] == "name"])
            personal = _spans(message, [p["text"] for p in item["pii"]])
            tokens = tokens_of(message)
            ruled = ruled_names(message)
            rows.append({"message": message, "tokens": tokens, "ruled": ruled, "names": names,
                         "x": np.array([[f[k] for k in FEATURES] for f in features(message, tokens, ruled)]).reshape(-1, len(FEATURES)),
                         "y": np.array([any(s <= t.start < e for s, e in names) for t in tokens], dtype=float),
                         "ordinary": np.array([not any(s <= t.start < e for s, e in personal) for t in tokens])})
    return rows


def _scores(rows: list[dict], tagger: NameTagger) -> tuple[int, int, int, int]:
    """Names caught (every word covered by the rules or the tagger), names, ordinary words the tagger added, ordinary words."""
    caught = total = added = ordinary = 0
    for row in rows:
        found = row["ruled"] + tagger.spans(row["message"], row["ruled"])
        for s, e in row["names"]:
            words = [t for t in row["tokens"] if s <= t.start < e]
            total += 1
            caught += all(any(a <= t.start and t.end <= b for a, b in found) for t in words)
        for t, plain in zip(row["tokens"], row["ordinary"]):
            if plain:
                ordinary += 1
                ruled = any(a <= t.start and t.end <= b for a, b in row["ruled"])
                added += not ruled and any(a <= t.start and t.end <= b for a, b in found)
    return caught, total, added, ordinary


def fit(rows: list[dict]) -> tuple[float, np.ndarray]:
    return fit_logistic(np.vstack([r["x"] for r in rows]), np.concatenate([r["y"] for r in rows]), l2=L2)


def main() -> dict:
    paths = sorted(TRAINING_DIR.glob("*.jsonl"))
    rows = examples(paths)
    thresholds = [round(t, 2) for t in np.arange(0.2, 0.85, 0.05)]
    folds = [[r for i, r in enumerate(rows) if i % 5 == k] for k in range(5)]
    table = {t: [0, 0, 0, 0] for t in thresholds}
    for k in range(5):
        bias, weights = fit([r for j, fold in enumerate(folds) if j != k for r in fold])
        for t in thresholds:
            tagger = NameTagger(bias, dict(zip(FEATURES, weights)), t)
            for m, v in enumerate(_scores(folds[k], tagger)):
                table[t][m] += v
    rules_only = _scores(rows, NameTagger(-30.0, dict.fromkeys(FEATURES, 0.0), 0.5))
    allowed = [t for t in thresholds if table[t][2] <= MAX_ADDED_REMOVAL * table[t][3]]
    threshold = max(allowed, key=lambda t: (table[t][0], t)) if allowed else max(thresholds)
    bias, weights = fit(rows)
    out = {"features": list(FEATURES), "bias": round(bias, 5), "weights": [round(float(w), 5) for w in weights],
           "threshold": threshold,
           "provenance": {"fitted_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                          "files": [p.name for p in paths], "messages": len(rows),
                          "tokens": int(sum(len(r["tokens"]) for r in rows)),
                          "rules_alone": {"names_caught": rules_only[0], "names": rules_only[1]},
                          "cross_validated": {str(t): {"names_caught": v[0], "names": v[1], "ordinary_added": v[2],
                                                       "ordinary": v[3]} for t, v in table.items()}}}
    MODEL_FILE.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    return out


if __name__ == "__main__":
    result = main()
    print(json.dumps({k: v for k, v in result.items() if k != "weights"}, indent=1))
