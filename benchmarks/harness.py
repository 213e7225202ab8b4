"""Timing, agreement checks and memory measurement shared by every workload.

A workload hands ``Bench.measure`` a zero-argument function and the result it must
produce (the hand-written one). The function is called once and its result checked;
only a framework that agrees is timed: warm-up calls for a fraction of a second, then
samples of as many inner calls as make a sample last long enough for ``perf_counter``,
repeated within a time budget, and the median sample reported.
"""

from __future__ import annotations

import gc
import math
import statistics
import sys
import time
import traceback
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

OK, MISMATCH, ERROR, NOT_AVAILABLE = "ok", "MISMATCH", "ERROR", "n/a"


@dataclass(frozen=True)
class Settings:
    """How long to measure: warm-up, one sample, all samples of one case (seconds)."""

    quick: bool
    threads: int
    warmup_seconds: float
    sample_seconds: float
    case_seconds: float
    min_repeats: int
    max_repeats: int

    @classmethod
    def for_run(cls, quick: bool, threads: int) -> Settings:
        if quick:
            return cls(quick, threads, 0.05, 0.01, 0.2, 3, 7)
        return cls(quick, threads, 0.3, 0.05, 2.0, 5, 40)


@dataclass
class Record:
    """One row of the table: one framework on one case of one workload."""

    workload: str
    case: str
    framework: str
    status: str
    seconds: float | None = None  # median per unit (per call, or per primitive in W1)
    is_limit: bool = False  # the hand-written reference that ratios divide by
    note: str = ""
    memory: str = ""  # "" not reported, "n/a" not measurable, else measured
    peak_bytes: int | None = None
    number: int = 0  # inner calls per sample
    repeats: int = 0  # samples; the median of these is reported
    detail: str = ""  # why a row is a mismatch or an error


@dataclass
class ExtraTable:
    """A small table printed after the main one (W6's memory against the step count)."""

    title: str
    headers: list[str]
    rows: list[list[str]]


def to_numpy(value: Any) -> Any:
    """A framework's result as NumPy arrays in the same nesting (tuples for sequences)."""
    if isinstance(value, dict):
        return {key: to_numpy(item) for key, item in value.items()}
    if isinstance(value, (tuple, list)):
        return tuple(to_numpy(item) for item in value)
    if hasattr(value, "detach"):  # a torch tensor
        return value.detach().cpu().numpy()
    return np.asarray(value)


def default_rtol(expected: Any) -> float:
    """1e-8 for float64 results; 1e-4 when any expected array is float32 or narrower."""
    leaves = _leaves(expected)
    is_narrow = any(np.asarray(leaf).dtype.itemsize <= 4 for leaf in leaves)
    return 1e-4 if is_narrow else 1e-8


def _leaves(value: Any) -> list:
    if isinstance(value, dict):
        return [leaf for key in sorted(value) for leaf in _leaves(value[key])]
    if isinstance(value, (tuple, list)):
        return [leaf for item in value for leaf in _leaves(item)]
    return [value]


def compare(actual: Any, expected: Any, rtol: float, path: str = "result") -> list[str]:
    """Where ``actual`` differs from ``expected``: structure, shape, or values.

    Values agree when, array by array, max |actual - expected| <= rtol * max |expected|,
    a relative test on the array's scale, so entries near zero do not need relative
    accuracy they cannot have.
    """
    if isinstance(expected, dict):
        if not isinstance(actual, dict) or set(actual) != set(expected):
            return [f"{path}: expected a dict with keys {sorted(expected)}"]
        return [p for key in expected for p in compare(actual[key], expected[key], rtol, key)]
    if isinstance(expected, tuple):
        if not isinstance(actual, tuple) or len(actual) != len(expected):
            return [f"{path}: expected a sequence of {len(expected)} entries"]
        pairs = zip(actual, expected)
        return [p for i, (a, e) in enumerate(pairs) for p in compare(a, e, rtol, f"{path}[{i}]")]
    actual, expected = np.asarray(actual), np.asarray(expected)
    if actual.shape != expected.shape:
        return [f"{path}: shape {actual.shape}, expected {expected.shape}"]
    if not np.all(np.isfinite(actual)):
        return [f"{path}: contains inf or nan"]
    error = float(np.max(np.abs(actual - expected), initial=0.0))
    scale = float(np.max(np.abs(expected), initial=0.0))
    if error > rtol * scale:
        return [f"{path}: max |diff| {error:.3g} > rtol {rtol:g} * max |expected| {scale:.3g}"]
    return []


def dtype_notes(actual: Any, expected: Any) -> str:
    """A note when a result array comes back in another dtype than the reference's."""
    pairs = zip(_leaves(actual), _leaves(expected))
    changes = {
        f"{np.asarray(e).dtype} -> {np.asarray(a).dtype}"
        for a, e in pairs
        if np.asarray(a).dtype != np.asarray(e).dtype
    }
    return f"dtype {', '.join(sorted(changes))}" if changes else ""


def peak_memory(fn: Callable[[], Any]) -> int:
    """Bytes allocated at the peak of one call of ``fn``, above what was live before it.

    tracemalloc sees Python objects and NumPy's array buffers (NumPy reports them to
    it), not memory that PyTorch or XLA allocate themselves.
    """
    gc.collect()
    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        result = fn()
        peak = tracemalloc.get_traced_memory()[1] - baseline
        del result
    finally:
        tracemalloc.stop()
    return peak


def _warm_up(fn: Callable[[], Any], seconds: float) -> float:
    """Call ``fn`` for about ``seconds`` (caches, allocators, lazy set-up settle; the
    first calls of a compiled JAX function are slower); the fastest call's time."""
    fastest = math.inf
    deadline = time.perf_counter() + seconds
    while True:
        fastest = min(fastest, _sample(fn, 1))
        if time.perf_counter() >= deadline:
            return max(fastest, 1e-9)


def _median_time(fn: Callable[[], Any], settings: Settings) -> tuple[float, int, int]:
    """Median seconds per call of ``fn`` after a warm-up, inner calls, samples."""
    once = _warm_up(fn, settings.warmup_seconds)
    number = max(1, math.ceil(settings.sample_seconds / once))
    repeats = int(settings.case_seconds / (once * number))
    repeats = min(max(repeats, settings.min_repeats), settings.max_repeats)
    samples = []
    for _ in range(repeats):
        samples.append(_sample(fn, number))
    return statistics.median(samples), number, repeats


def _sample(fn: Callable[[], Any], number: int) -> float:
    """Seconds per call over ``number`` calls, with the cycle collector paused.

    As in ``timeit``: a collection's cost grows with everything the process holds
    (all the peers' modules), not with the work timed, so garbage is collected between
    samples instead of at random points inside them.
    """
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        for _ in range(number):
            fn()
        return (time.perf_counter() - start) / number
    finally:
        gc.enable()


def _short_error(error: BaseException) -> str:
    frame = traceback.extract_tb(error.__traceback__)[-1]
    where = f"{frame.filename.split('/')[-1]}:{frame.lineno}"
    return f"{type(error).__name__}: {str(error)[:300]} (raised at {where})"


@dataclass
class Bench:
    """Runs the measurements and keeps the records, in the order they were made."""

    settings: Settings
    records: list[Record] = field(default_factory=list)
    tables: list[ExtraTable] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def measure(
        self,
        workload: str,
        case: str,
        framework: str,
        fn: Callable[[], Any],
        expected: Any,
        *,
        rtol: float | None = None,
        is_limit: bool = False,
        per: int = 1,
        note: str = "",
        memory: str = "",
    ) -> Record:
        """Check ``fn()`` against ``expected``, then time it; one record either way.

        Args:
            per: units of work in one call; the time reported is per unit.
            memory: "tracemalloc" to measure the peak memory of one call, "n/a" to
                show that it cannot be measured, "" not to report it.
        """
        record = Record(workload, case, framework, OK, is_limit=is_limit, note=note)
        record.memory = memory
        try:
            actual = to_numpy(fn())
            problems = compare(actual, expected, rtol or default_rtol(expected))
            if problems:
                record.status, record.detail = MISMATCH, "; ".join(problems[:3])
            else:
                record.note = "; ".join(filter(None, [note, dtype_notes(actual, expected)]))
                seconds, record.number, record.repeats = _median_time(fn, self.settings)
                record.seconds = seconds / per
                if memory == "tracemalloc":
                    record.peak_bytes = peak_memory(fn)
        except Exception as error:  # a framework failing is a result, not a crash
            record.status, record.detail = ERROR, _short_error(error)
        self._add(record)
        return record

    def unavailable(self, workload: str, case: str, framework: str, reason: str) -> Record:
        """A row saying that this framework cannot run this case, and why."""
        record = Record(workload, case, framework, NOT_AVAILABLE, note=reason)
        self._add(record)
        return record

    def repeat(self, record: Record, case: str) -> Record:
        """Show an existing measurement again under another case (a shared reference)."""
        copy = Record(**{**record.__dict__, "case": case})
        self.records.append(copy)
        return copy

    def _add(self, record: Record) -> None:
        self.records.append(record)
        if record.status == OK:
            shown = f"{record.seconds:.4g} s ({record.repeats} x {record.number})"
        else:
            shown = f"{record.status} {record.detail or record.note}"
        print(f"  [{record.workload} {record.case}] {record.framework}: {shown}", file=sys.stderr)
