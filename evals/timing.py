"""Latency summaries shared by the benchmark's in-process and HTTP measurements."""

import time
from collections.abc import Callable, Iterable

import numpy as np


def percentiles(ms: Iterable[float]) -> dict[str, float]:
    values = np.asarray(list(ms), dtype=float)
    if values.size == 0:
        return {"n": 0, "p50": None, "p95": None, "p99": None}
    p50, p95, p99 = np.percentile(values, [50, 95, 99])
    return {"n": int(values.size), "p50": round(float(p50), 2), "p95": round(float(p95), 2), "p99": round(float(p99), 2)}


def time_each(fn: Callable, inputs: list, warmup: list) -> list[float]:
    """Milliseconds per call. The unmeasured warm-up calls use other inputs: lazy loads are not counted,
    and no measured input is already in a cache."""
    for item in warmup:
        fn(item)
    out = []
    for item in inputs:
        started = time.perf_counter()
        fn(item)
        out.append((time.perf_counter() - started) * 1000)
    return out
