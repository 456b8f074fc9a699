"""The gold set: load and validate `evals/gold/*.jsonl` (schema in evals/README.md)."""

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from core.errors import PeerhelpError

GOLD_DIR = Path(__file__).resolve().parent / "gold"
Category = Literal["answerable", "unanswerable", "follow_up", "spanish", "informal", "conflict", "out_of_scope",
                   "injection", "crisis", "benign_near_miss"]


class GoldPassage(BaseModel):
    model_config = ConfigDict(extra="forbid")
    document: str
    contains: str


class GoldItem(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    split: Literal["dev", "test"]
    category: Category
    question: str
    history: list[str] = []
    language: Literal["en", "es"] = "en"
    expected_status: Literal["answered", "abstained", "crisis"]
    facts: list[list[str]] = []
    gold: list[GoldPassage] = []
    referral: str | None = None  # a referral id of the corpus's profile (corpus/profile.toml)
    twin: str | None = None
    forbid: list[str] = []
    notes: str = ""


def load_gold(split: str | None = None, directory: Path = GOLD_DIR) -> list[GoldItem]:
    items: list[GoldItem] = []
    for path in sorted(directory.glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                items.append(GoldItem.model_validate_json(line))
            except (ValidationError, json.JSONDecodeError) as err:
                raise PeerhelpError(f"{path}, line {number}: invalid gold item ({err.errors()[0]['msg'] if hasattr(err, 'errors') else err}). "
                                    "Fix: see the schema in evals/README.md.") from err
    ids = [i.id for i in items]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise PeerhelpError(f"{directory}: duplicate gold ids {sorted(duplicates)}. Fix: make ids unique.")
    known = set(ids)
    for item in items:
        if item.twin and item.twin not in known:
            raise PeerhelpError(f"{directory}: item {item.id} names twin {item.twin}, which does not exist.")
    return [i for i in items if split in (None, "all", i.split)]
