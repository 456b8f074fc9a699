"""Real `peerhelp serve` processes on 127.0.0.1, for tests and benchmarks: started, used, stopped."""

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
CHROMA = Path(sys.executable).parent / "chroma"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, index_dir: Path, log, env: dict[str, str] | None = None,
                 args: tuple[str, ...] = ()) -> subprocess.Popen:
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.Popen([sys.executable, "-m", "peerhelp.cli", "serve", "--port", str(port), "--index-dir",
                             str(index_dir), *args], env=full_env, stdout=log, stderr=subprocess.STDOUT, text=True)


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def wait_until_ready(url: str, proc: subprocess.Popen, timeout: float, what: str, log=None) -> None:
    """Poll `url` until it answers 200; RuntimeError (with the log's tail) if the process dies or time runs out."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            tail = ""
            if log is not None:
                log.seek(0)
                tail = ":\n" + log.read()[-4000:]
            raise RuntimeError(f"{what} did not become ready{tail}")
        time.sleep(0.2)


@contextmanager
def api_server(index_dir: Path, env: dict[str, str] | None = None, timeout: float = 120,
               args: tuple[str, ...] = ()) -> Iterator[str]:
    """Yields the base URL once /readyz answers; the server's log is shown if it never does."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile(mode="w+") as log:
        proc = start_server(port, index_dir, log, env, args)
        try:
            wait_until_ready(f"{base}/readyz", proc, timeout, "the API server", log)
            yield base
        finally:
            stop_server(proc)


class ChromaServer:
    """The chromadb package's own server (`chroma run`) on a free loopback port; stop and start it again at will."""

    def __init__(self, path: Path):
        self.path, self.port, self.proc = path, free_port(), None
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.proc = subprocess.Popen([str(CHROMA), "run", "--path", str(self.path), "--host", "127.0.0.1", "--port",
                                      str(self.port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until_ready(f"{self.url}/api/v2/heartbeat", self.proc, 60, "chroma run")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=20)
