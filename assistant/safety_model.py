"""The learned crisis detector: four levels from a logistic regression on two views of a message.

People in crisis write in ways no rule anticipates, in English, Spanish and both at once, so the decision
is learned: `assistant/data/crisis_training.jsonl` holds lines written by writers who saw neither this code nor
any evaluation set — for training, or as blind sets that joined only after they were measured (their `kind`
says so) — each labelled with a level; the corpus's own sentences join
as in-domain "none" lines. The model reads two views of the whole message at once: its multilingual-e5 vector
(what it means, in either language) and its character n-grams (slang, typos, txt-speak and emoji words, which
the small embedding blurs). Measured on the earlier, non-blind crisis sets, the two together catch more at the
same false alarm rate than either alone, and the whole message more than its most alarming sentence: sentences
alone doubled the false alarms (evals/README.md). Long messages with the risk in their last clause are in the
training lines, so the model learns to read them whole.

A linear model draws one boundary through the whole space, and the near-misses this audience writes (a joke
about paperwork, grief told calmly, a peer quoting a client) sit close to it. So the training lines also vote:
the ten nearest in meaning, nearer ones weighing more; their share of risk is blended with the regression's
(on the training lines' cross-validation this cut false alarms at 97 % recall from 10.9 % to 8.6 %), and the
emergency share among their risk lines with the regression's, for 911 first.

A program question with one line of risk inside it reads, as a whole, mostly like a program question. So each
sentence of a longer message is also scored alone, and the message's risk is a second small logistic regression
over two log-odds: the whole message's and its most alarming sentence's. Fitted on out-of-fold scores, it weighs
the whole about twice the sentence. Tried on the measured blind sets (trained on the lines plus half of them,
tested on the other half, both ways), it caught more at fewer false alarms than the whole message alone, where the
most alarming sentence alone doubled the false alarms (evals/README.md, "Crisis detection").

The thresholds are chosen by cross-validation on the training lines, scored the way messages are scored,
for recall first: a missed crisis costs far more than a concern line. `peerhelp train-safety` rebuilds
`assistant/data/crisis_model.npz` deterministically; nothing is trained at run time.
"""

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).resolve().parent / "data"
TRAINING_FILE = DATA_DIR / "crisis_training.jsonl"
MODEL_FILE = DATA_DIR / "crisis_model.npz"
# One model for both languages, whatever retrieval uses: a Spanish message must be read as it was written.
EMBEDDER = "multilingual-e5-small-q4"
LEVELS = ("none", "concern", "crisis", "emergency")
RISK = ("crisis", "emergency")

# The decision's targets, met on cross-validated training lines (see `train`):
RISK_RECALL = 0.97       # share of crisis and emergency lines that must get the crisis panel
EMERGENCY_RECALL = 0.99  # share of emergency lines, among those caught, that must get 911 first
CONCERN_RECALL = 0.90    # share of concern lines that must get the 988 line
SCREEN_MARGIN = 0.5      # the screen clears below half the lowest out-of-fold score of any risk or concern line
REGULARIZATION = 8.0     # logistic regression's C; 4, 8 and 16 cross-validate within a point of each other
FOLDS = 5
# The neighbours' vote (cross-validated: 10, 25 and 50 neighbours, sharpness 10-60, share 0.6-0.75 all within a
# point of each other; every blend beat the regression alone, and the vote alone was far worse):
NEIGHBOURS = 10             # how many training lines nearest in meaning vote
NEIGHBOUR_SHARPNESS = 30.0  # a neighbour's vote weighs exp(sharpness · (cosine − 1)): the nearest count most
MODEL_SHARE = 0.75          # risk = this share of the regression's risk + the rest from the neighbours' vote
# (and the same for the emergency share: with the vote, 98 % of emergency lines get 911 first at the cost in
# crisis lines sent to 911 that the regression alone paid for 97 %)
MAX_PARTS = 12  # a longer message's sentences are read in at most this many parts (each costs an embedding)
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\s*\n+\s*")


def parts(text: str) -> list[str]:
    """The sentences of a message that has more than one (of three words or more), joined into at most MAX_PARTS
    runs of neighbours; [] for a one-sentence message, whose only part is itself."""
    found = [p.strip() for p in _SENTENCE_END.split(text) if len(p.split()) >= 3]
    if len(found) < 2:
        return []
    size = -(-len(found) // MAX_PARTS)
    return [" ".join(found[i:i + size]) for i in range(0, len(found), size)]


def char_ngrams(normalized: str) -> list[str]:
    """Character 2- to 5-grams of each word padded with spaces: ' kms ', 'unaliv', 'suicdal' share most of theirs
    with what they stand for."""
    grams = []
    for word in normalized.split():
        padded = f" {word} "
        grams += [padded[i:i + n] for n in range(2, 6) for i in range(len(padded) - n + 1)]
    return grams


@dataclass(frozen=True)
class Vote:
    """What the training lines nearest in meaning say, each weighted by its closeness."""

    risk: float = 0.0  # the share of crisis and emergency lines among them
    emergency: float = 0.0  # the share of emergency lines among those risk lines


@dataclass(frozen=True)
class Assessment:
    level: str
    probabilities: tuple[float, ...]  # over LEVELS
    vote: Vote


@dataclass
class CrisisModel:
    vector_weights: np.ndarray  # (levels, embedding dimension)
    gram_weights: np.ndarray    # (levels, vocabulary)
    bias: np.ndarray            # (levels,)
    vocabulary: dict[str, int]
    idf: np.ndarray
    risk_threshold: float
    emergency_threshold: float
    concern_threshold: float
    embedder: str
    # The screen: the n-grams alone, a model of their own. Below `screen_threshold` a message is plainly ordinary
    # and is not embedded (most program questions: the full model's embedding would double the cost of an answer).
    screen_weights: np.ndarray | None = None  # (levels, vocabulary)
    screen_bias: np.ndarray | None = None
    screen_threshold: float = 0.0
    # The training lines' vectors (unit length) and their levels, for the neighbours' vote.
    neighbours: np.ndarray | None = None  # (lines, embedding dimension)
    neighbour_levels: np.ndarray | None = None  # (lines,) index into LEVELS
    # The message's risk from the log-odds of the whole message's blended risk and its most alarming part's:
    # (weight of the whole, weight of the part, bias); `risk_threshold` is on this score.
    part_weights: np.ndarray | None = None

    def screen(self, normalized: str) -> float:
        """P(concern) + P(crisis) + P(emergency) from the n-grams alone."""
        logits = self._gram_logits(normalized, self.screen_weights) + self.screen_bias
        e = np.exp(logits - logits.max())
        return float(1.0 - e[0] / e.sum())

    def plainly_ordinary(self, normalized: str) -> bool:
        return self.screen_weights is not None and self.screen(normalized) < self.screen_threshold

    def _gram_logits(self, normalized: str, weights: np.ndarray | None = None) -> np.ndarray:
        """sklearn's TfidfVectorizer(sublinear_tf=True) over char_ngrams, times the weights, without sklearn."""
        counts: dict[int, int] = {}
        for gram in char_ngrams(normalized):
            column = self.vocabulary.get(gram)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        if not counts:
            return np.zeros(len(self.bias))
        columns = np.fromiter(counts, dtype=np.int64)
        values = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64))) * self.idf[columns]
        values /= np.linalg.norm(values)
        return (self.gram_weights if weights is None else weights)[:, columns] @ values

    def probabilities(self, vector: np.ndarray, normalized: str) -> np.ndarray:
        """Over LEVELS, from the message's vector and its normalised text."""
        logits = np.asarray(vector, dtype=np.float64) @ self.vector_weights.T + self.bias + self._gram_logits(normalized)
        e = np.exp(logits - logits.max())
        return e / e.sum()

    def neighbour_vote(self, vector: np.ndarray) -> Vote:
        """What the training lines nearest to the message's vector say."""
        v = np.asarray(vector, dtype=np.float32)
        # einsum, not `@`: a product this size wakes OpenBLAS's threads, which then spin on both cores and made
        # the next e5 embedding ten times slower (about 105 ms instead of 8 ms); einsum stays on one core, 0.7 ms.
        similarity = np.einsum("ij,j->i", self.neighbours, v / (np.linalg.norm(v) or 1.0))
        k = min(NEIGHBOURS, len(similarity))
        nearest = np.argpartition(-similarity, k - 1)[:k]
        weight = np.exp(NEIGHBOUR_SHARPNESS * (similarity[nearest].astype(np.float64) - 1.0))
        levels = self.neighbour_levels[nearest]
        risky = float(weight @ (levels >= 2))
        return Vote(risky / weight.sum(), float(weight @ (levels == 3)) / risky if risky > 0 else 0.0)

    def part_risk(self, vector: np.ndarray, normalized: str) -> float:
        """The blended risk of one text read alone."""
        return blended_risk(self.probabilities(vector, normalized), self.neighbour_vote(vector))

    def assess(self, vector: np.ndarray, normalized: str,
               part_views: list[tuple[np.ndarray, str]] = ()) -> Assessment:
        """`part_views`: the (vector, normalised text) of each of the message's `parts`, if it has several."""
        most = max((self.part_risk(v, n) for v, n in part_views), default=None)
        return self.decide(self.probabilities(vector, normalized), self.neighbour_vote(vector), most)

    def risk(self, p: np.ndarray, vote: Vote, most_alarming_part: float | None = None) -> float:
        """The message's risk score: the stacked log-odds of the whole and its most alarming part (itself when it
        has one part)."""
        whole = blended_risk(p, vote)
        part = whole if most_alarming_part is None else most_alarming_part
        w_whole, w_part, bias = self.part_weights
        return float(w_whole * log_odds(whole) + w_part * log_odds(part) + bias)

    def decide(self, p: np.ndarray, vote: Vote, most_alarming_part: float | None = None) -> Assessment:
        """The decision, in one place. The regression's risk is P(crisis) + P(emergency), blended with the
        neighbours' risk share (MODEL_SHARE of the first); stacked with its most alarming part's (`risk`), at or
        above `risk_threshold` it gets the crisis panel: emergency when the emergency share of the whole
        message's risk, the regression's and the neighbours' blended the same way, reaches `emergency_threshold`,
        else crisis. Below it, concern when P(concern) + the regression's risk reaches `concern_threshold`;
        otherwise none."""
        if self.risk(p, vote, most_alarming_part) >= self.risk_threshold:
            level = "emergency" if urgency(p, vote) >= self.emergency_threshold else "crisis"
        elif p[1] + p[2] + p[3] >= self.concern_threshold:
            level = "concern"
        else:
            level = "none"
        return Assessment(level, tuple(round(float(x), 4) for x in p), vote)

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> "CrisisModel | None":
        if not path.exists():
            return None
        data = np.load(path, allow_pickle=False)
        if "part_weights" not in data:  # a model file from before the parts, the levels or the neighbours' vote
            return None
        vocabulary = {str(g): i for i, g in enumerate(data["vocabulary"])}
        return cls(data["vector_weights"], data["gram_weights"], data["bias"], vocabulary, data["idf"],
                   float(data["risk_threshold"]), float(data["emergency_threshold"]), float(data["concern_threshold"]),
                   str(data["embedder"]), data["screen_weights"], data["screen_bias"], float(data["screen_threshold"]),
                   data["neighbours"].astype(np.float32), data["neighbour_levels"].astype(np.int64),
                   data["part_weights"].astype(np.float64))

    def save(self, path: Path = MODEL_FILE, training_hash: str = "") -> None:
        grams = sorted(self.vocabulary, key=self.vocabulary.get)
        np.savez_compressed(
            path, vector_weights=self.vector_weights.astype(np.float32), gram_weights=self.gram_weights.astype(np.float32),
            bias=self.bias.astype(np.float32), vocabulary=np.array(grams), idf=self.idf.astype(np.float32),
            risk_threshold=np.float64(self.risk_threshold), emergency_threshold=np.float64(self.emergency_threshold),
            concern_threshold=np.float64(self.concern_threshold), embedder=np.str_(self.embedder),
            screen_weights=self.screen_weights.astype(np.float32), screen_bias=self.screen_bias.astype(np.float32),
            screen_threshold=np.float64(self.screen_threshold), neighbours=self.neighbours.astype(np.float16),
            neighbour_levels=self.neighbour_levels.astype(np.int8), part_weights=self.part_weights.astype(np.float64),
            training_hash=np.str_(training_hash))


def blended_risk(p: np.ndarray, vote: Vote) -> float:
    """P(crisis) + P(emergency), blended with the neighbours' risk share."""
    return MODEL_SHARE * (p[2] + p[3]) + (1 - MODEL_SHARE) * vote.risk


def log_odds(q: float) -> float:
    q = min(max(q, 1e-4), 1 - 1e-4)
    return float(np.log(q / (1 - q)))


def urgency(p: np.ndarray, vote: Vote) -> float:
    """The emergency share of the regression's risk, blended with the neighbours' emergency share."""
    return MODEL_SHARE * p[3] / ((p[2] + p[3]) or 1.0) + (1 - MODEL_SHARE) * vote.emergency


def load_training(path: Path = TRAINING_FILE) -> tuple[list[str], list[str]]:
    texts, levels = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            item = json.loads(line)
            if item.get("level") not in LEVELS or not str(item.get("text", "")).strip():
                raise ValueError(f"{path}, line {number}: expected {{\"text\": str, \"level\": {'|'.join(LEVELS)}}}")
            texts.append(item["text"])
            levels.append(item["level"])
    return texts, levels


def _fit(vectors: np.ndarray, normalized: list[str], y: np.ndarray, embedder: str) -> CrisisModel:
    """Logistic regression over [tf-idf of the n-grams | the vector], unpacked into a CrisisModel, and the screen:
    the same over the n-grams alone."""
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    grams = TfidfVectorizer(analyzer=char_ngrams, min_df=2, sublinear_tf=True).fit(normalized)
    G = grams.transform(normalized)
    clf = LogisticRegression(C=REGULARIZATION, class_weight="balanced", max_iter=5000).fit(
        hstack([G, csr_matrix(vectors)]).tocsr(), y)
    screen = LogisticRegression(C=REGULARIZATION, class_weight="balanced", max_iter=5000).fit(G, y)
    n = len(grams.vocabulary_)
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    # stored as float16 in the model file: the same rounding here, so a retrained model votes as the shipped one
    return CrisisModel(clf.coef_[:, n:], clf.coef_[:, :n], clf.intercept_, dict(grams.vocabulary_), grams.idf_,
                       1.0, 0.5, 1.0, embedder, screen.coef_, screen.intercept_, 0.0,
                       unit.astype(np.float16).astype(np.float32), y.astype(np.int64))


def _lowest_passing(scores: np.ndarray, recall: float) -> float:
    """The highest threshold that still keeps `recall` of these scores at or above it."""
    ordered = np.sort(scores)
    return float(ordered[int(np.floor((1 - recall) * len(ordered)))]) - 1e-6


def train(texts: list[str], normalized: list[str], levels: list[str], domain_negatives: list[str],
          normalize, embed, embedder_name: str) -> tuple[CrisisModel, dict]:
    """Fit; choose the thresholds on out-of-fold probabilities. `texts` are what `embed` (one text → its vector)
    reads, `normalized` what the n-grams are taken from (`normalize(text)`); a text's `parts` are read the same way."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    missing = set(LEVELS) - set(levels)
    if missing:
        raise ValueError(f"the training lines hold no {', '.join(sorted(missing))} example; every level needs some")
    all_texts = texts + domain_negatives
    all_normalized = normalized + [normalize(t) for t in domain_negatives]
    y = np.array([LEVELS.index(level) for level in levels] + [0] * len(domain_negatives))
    X = np.array([embed(t) for t in all_texts], dtype=np.float64)
    part_views = [[(np.asarray(embed(p), dtype=np.float64), normalize(p)) for p in parts(t)] for t in all_texts]
    held_out = np.zeros((len(y), len(LEVELS)))
    votes: list[Vote] = [Vote()] * len(y)
    most: list[float | None] = [None] * len(y)
    screened = np.zeros(len(y))
    for train_idx, test_idx in StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=7).split(X, y):
        probe = _fit(X[train_idx], [all_normalized[i] for i in train_idx], y[train_idx], embedder_name)
        for i in test_idx:
            held_out[i] = probe.probabilities(X[i], all_normalized[i])
            votes[i] = probe.neighbour_vote(X[i])
            most[i] = max((probe.part_risk(v, n) for v, n in part_views[i]), default=None)
            screened[i] = probe.screen(all_normalized[i])
    model = _fit(X, all_normalized, y, embedder_name)
    model.screen_threshold = SCREEN_MARGIN * float(np.min(screened[y >= 1]))
    risk = held_out[:, 2] + held_out[:, 3]
    at_risk = y >= 2
    whole = np.array([log_odds(blended_risk(p, v)) for p, v in zip(held_out, votes)])
    part = np.array([w if m is None else log_odds(m) for w, m in zip(whole, most)])
    stack = LogisticRegression(C=1.0).fit(np.c_[whole, part], at_risk)
    model.part_weights = np.array([*stack.coef_[0], stack.intercept_[0]])
    scored = np.array([model.risk(p, v, m) for p, v, m in zip(held_out, votes, most)])
    model.risk_threshold = _lowest_passing(scored[at_risk], RISK_RECALL)
    caught_emergency = (y == 3) & (scored >= model.risk_threshold)
    urgent = np.array([urgency(p, v) for p, v in zip(held_out, votes)])
    model.emergency_threshold = _lowest_passing(urgent[caught_emergency], EMERGENCY_RECALL)
    model.concern_threshold = _lowest_passing((held_out[:, 1] + risk)[y == 1], CONCERN_RECALL)
    predicted = np.array([0 if screened[i] < model.screen_threshold else
                          LEVELS.index(model.decide(p, votes[i], most[i]).level) for i, p in enumerate(held_out)])
    stats = {
        "lines": len(texts), "domain_negatives": len(domain_negatives),
        "by_level": {level: int(np.sum(y == k)) for k, level in enumerate(LEVELS)},
        "cv_risk_recall": round(float(np.mean(predicted[at_risk] >= 2)), 4),
        "cv_false_alarm_rate": round(float(np.mean(predicted[~at_risk] >= 2)), 4),
        "cv_false_alarm_rate_on_none": round(float(np.mean(predicted[y == 0] >= 2)), 4),
        "cv_false_alarm_rate_on_concern": round(float(np.mean(predicted[y == 1] >= 2)), 4),
        "cv_emergency_to_911": round(float(np.mean(predicted[y == 3] == 3)), 4),
        "cv_crisis_to_911": round(float(np.mean(predicted[y == 2] == 3)), 4),
        "cv_concern_line_on_none": round(float(np.mean(predicted[y == 0] == 1)), 4),
        "cv_screened_out_none": round(float(np.mean(screened[y == 0] < model.screen_threshold)), 4),
        "part_weights": [round(float(w), 3) for w in model.part_weights],
        "thresholds": {"risk": round(model.risk_threshold, 4), "emergency": round(model.emergency_threshold, 4),
                       "concern": round(model.concern_threshold, 4), "screen": round(model.screen_threshold, 4)},
    }
    return model, stats


def training_hash(path: Path = TRAINING_FILE) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
