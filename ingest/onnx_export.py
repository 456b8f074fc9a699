"""Turn the packaged sentence-transformers weights into an ONNX file, once per machine.

Serving with onnxruntime instead of torch cuts process start from ~5 s to ~0.3 s and a query
embedding from ~11 ms to ~3 ms (see README, "Performance"). The file is made here, from the
weights already on disk, never downloaded; the export is checked against sentence-transformers
itself before it is used, so the vectors are the model's own.
"""

import fcntl
import logging
import os
import warnings
from pathlib import Path

import numpy as np

from core.errors import PeerhelpError

log = logging.getLogger("peerhelp.embedding")

OPSET = 17
MIN_PARITY_COSINE = 0.9999
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
# Short and long, padded in one batch: the mask path is what a careless export gets wrong.
PROBES = [
    "Is Kern County participating?",
    "¿Cómo me certifico como especialista de apoyo entre pares?",
    "The Medi-Cal Peer Support Specialist certification requires completing training, passing the exam and "
    "agreeing to the code of ethics; grandparenting applications were accepted for a limited time.",
]


def ensure_onnx(model_dir: Path, target: Path, embed_reference=None) -> Path:
    """The ONNX file at `target`, exported first if missing. Safe when several processes start together."""
    return ensure_file(target, lambda partial: _export(model_dir, partial, embed_reference),
                       "the embedding model (once per machine, ~10 s)")


def ensure_file(target: Path, make, what: str) -> Path:
    """`target`, made first by `make(partial_path)` if missing; the partial file replaces the target only when
    `make` returns. One process makes it while the others starting with it wait on a lock."""
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not target.exists():
                log.warning("making %s: %s", target, what)
                partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
                try:
                    make(partial)
                    os.replace(partial, target)
                finally:
                    partial.unlink(missing_ok=True)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return target


def _export(model_dir: Path, target: Path, embed_reference) -> None:
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager", local_files_only=True).eval()

    class LastHiddenState(torch.nn.Module):
        def __init__(self, bert):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.bert(input_ids=input_ids, attention_mask=attention_mask,
                             token_type_ids=token_type_ids).last_hidden_state

    example = tuple(torch.ones((2, 8), dtype=torch.int64) for _ in INPUTS)
    axes = {name: {0: "batch", 1: "tokens"} for name in (*INPUTS, "last_hidden_state")}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer notes about Python branches in the attention code; parity is checked below
        torch.onnx.export(LastHiddenState(model), example, str(target), input_names=list(INPUTS),
                          output_names=["last_hidden_state"], dynamic_axes=axes, opset_version=OPSET, dynamo=False)
    _check_parity(model_dir, target, embed_reference)


def _check_parity(model_dir: Path, onnx_path: Path, embed_reference) -> None:
    from ingest.embedding import OnnxSession

    if embed_reference is None:
        from sentence_transformers import SentenceTransformer

        reference = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
        embed_reference = lambda texts: reference.encode(texts, normalize_embeddings=True, convert_to_numpy=True)  # noqa: E731
    ours = OnnxSession(model_dir, onnx_path).embed(PROBES)
    cosine = float(np.min(np.sum(ours * np.asarray(embed_reference(PROBES)), axis=1)))
    if cosine < MIN_PARITY_COSINE:
        raise PeerhelpError(f"{onnx_path}: the exported embedding model disagrees with sentence-transformers "
                            f"(cosine {cosine:.5f} < {MIN_PARITY_COSINE}). Fix: check the torch and onnx versions in "
                            "pyproject.toml, then delete the file and run `peerhelp ingest` again.")
