"""The folders read as floors: a module imports only from its own floor or the ones below, and stays short."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Bottom to top: settings and errors; documents into an index; answering; measuring; the staff console;
# the ways in (HTTP API, command line), which may use everything.
FLOORS = ["core", "ingest", "assistant", "evals", "ui", "peerhelp"]
MAX_LINES = 400


def _modules(package: str) -> list[Path]:
    return sorted(p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts)


def _imported_packages(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & set(FLOORS)


@pytest.mark.parametrize("package", FLOORS)
def test_no_module_imports_from_a_higher_floor(package):
    allowed = set(FLOORS[: FLOORS.index(package) + 1])
    upward = {f"{p.relative_to(ROOT)} imports {sorted(_imported_packages(p) - allowed)}"
              for p in _modules(package) if _imported_packages(p) - allowed}
    assert not upward


def test_every_module_stays_under_the_size_limit():
    long = {f"{p.relative_to(ROOT)}: {n} lines" for package in FLOORS for p in _modules(package)
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long


def test_settings_list_exactly_the_packaged_embedding_models():
    from core.settings import EMBEDDING_MODELS
    from ingest.embedding import MODELS

    assert set(EMBEDDING_MODELS) == set(MODELS)
