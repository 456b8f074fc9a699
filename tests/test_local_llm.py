"""The local model's file: assembled from its parts in order, kept only when its SHA-256 is the expected one."""

import hashlib

import pytest

from core.errors import PeerhelpError
from peerhelp.local_llm import assemble, part_files, server_command


def parts(tmp_path, *contents: bytes):
    files = []
    for n, content in enumerate(contents, start=1):
        f = tmp_path / f"part{n:02d}.bin"
        f.write_bytes(content)
        files.append(f)
    return files


def test_the_parts_are_joined_in_order_and_checked(tmp_path):
    files = parts(tmp_path, b"GGUF-head", b"-middle", b"-tail")
    dest = tmp_path / "models" / "model.gguf"
    assert assemble(dest, files, hashlib.sha256(b"GGUF-head-middle-tail").hexdigest()) == dest
    assert dest.read_bytes() == b"GGUF-head-middle-tail"
    files[0].unlink()  # once built and checked, the parts are not read again
    assert assemble(dest, files, hashlib.sha256(b"GGUF-head-middle-tail").hexdigest()) == dest


def test_a_damaged_or_reordered_part_leaves_no_model_behind(tmp_path):
    files = parts(tmp_path, b"GGUF-head", b"-middle", b"-tail")
    dest = tmp_path / "model.gguf"
    with pytest.raises(PeerhelpError, match="SHA-256 .* Fix: reinstall the pinned parts"):
        assemble(dest, list(reversed(files)), hashlib.sha256(b"GGUF-head-middle-tail").hexdigest())
    assert list(tmp_path.glob("model.gguf*")) == []


def test_missing_packages_are_named_with_the_fix():
    with pytest.raises(PeerhelpError, match=r"2 of the model's 2 packages are not installed .* Fix: run `make llm`"):
        part_files(["no_such_part_package_1", "no_such_part_package_2"])


def test_the_server_listens_on_loopback_under_the_name_the_assistant_asks_for(tmp_path):
    command = server_command(tmp_path / "m.gguf", 8080, 2)
    assert command[command.index("--host") + 1] == "127.0.0.1"
    assert command[command.index("--model_alias") + 1] == "qwen2.5-coder-1.5b-instruct-q4_k_m"
