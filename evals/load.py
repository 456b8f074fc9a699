"""A bounded load generator for the HTTP benchmark: a fixed number of requests, a time cap, loopback only.

It runs in the benchmark's own process (asyncio + httpx), so on a 2-core machine the client's
CPU is counted against the server: the figures are a floor, not flattering.
"""

import asyncio
import time
from dataclasses import dataclass
from urllib.parse import urlparse

import httpx

from evals.timing import percentiles

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass
class LoadResult:
    concurrency: int
    requests: int
    errors: int
    seconds: float
    per_second: float
    latency_ms: dict


def run_load(base_url: str, messages: list[str], concurrency: int, total: int, time_cap_s: float) -> LoadResult:
    if urlparse(base_url).hostname not in LOOPBACK:
        raise ValueError(f"{base_url}: the load generator only targets loopback")
    if not messages or concurrency < 1 or total < 1:
        raise ValueError("need messages, concurrency ≥ 1 and total ≥ 1")
    return asyncio.run(_run(base_url, messages, concurrency, total, time_cap_s))


async def _run(base_url: str, messages: list[str], concurrency: int, total: int, time_cap_s: float) -> LoadResult:
    latencies: list[float] = []
    errors = 0
    issued = 0
    started = time.perf_counter()
    deadline = started + time_cap_s
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal issued, errors
        while issued < total and time.perf_counter() < deadline:
            message = messages[issued % len(messages)]
            issued += 1
            sent = time.perf_counter()
            try:
                response = await client.post("/v1/chat", json={"message": message})
                ok = response.status_code == 200 and response.json().get("status") in ("answered", "abstained", "crisis")
            except httpx.HTTPError:
                ok = False
            latencies.append((time.perf_counter() - sent) * 1000)
            errors += 0 if ok else 1

    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    seconds = time.perf_counter() - started
    done = len(latencies)
    return LoadResult(concurrency=concurrency, requests=done, errors=errors, seconds=round(seconds, 2),
                      per_second=round((done - errors) / seconds, 1) if seconds else 0.0, latency_ms=percentiles(latencies))
