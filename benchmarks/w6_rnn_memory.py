"""W6: reverse mode through a long recurrence, its time and its peak memory.

h <- tanh(W @ h + x) for 2,000 steps with h of length 256; loss = sum(h_final);
gradient with respect to W, x and h0. Reverse mode keeps every step's values until
the backward sweep, so memory grows with the number of steps; wrapping each of about
sqrt(steps) segments in ``cr.checkpoint`` keeps only the segments' inputs and
recomputes one segment at a time, so memory grows like sqrt(steps) for some extra time.
Peak memory is measured with tracemalloc, which sees NumPy's buffers but not PyTorch's
or XLA's.
"""

from __future__ import annotations

import math

import numpy as np

import chainrule as cr
import chainrule.numpy as cnp
from benchmarks.harness import Bench, ExtraTable, peak_memory
from benchmarks.peers import Peers
from benchmarks.table import format_bytes, format_ratio

TITLE = "gradient through 2,000 RNN steps, time and peak memory"
HIDDEN = 256
MEMORY = "tracemalloc"


def make_problem() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """W with spectral radius about 0.9 (a contraction, as trained RNNs are), x, h0."""
    rng = np.random.default_rng(6)
    W = rng.standard_normal((HIDDEN, HIDDEN)) * (0.9 / np.sqrt(HIDDEN))
    return W, 0.5 * rng.standard_normal(HIDDEN), rng.standard_normal(HIDDEN)


def bptt_by_hand(W: np.ndarray, x: np.ndarray, h0: np.ndarray, steps: int) -> tuple:
    """Backpropagation through time: store every hidden state, then sweep back."""
    states = np.empty((steps + 1, HIDDEN))
    states[0] = h0
    for k in range(steps):
        states[k + 1] = np.tanh(W @ states[k] + x)
    pre_bars = np.empty((steps, HIDDEN))  # cotangents of W @ h + x, one row per step
    h_bar = np.ones(HIDDEN)  # d sum(h) / d h
    for k in range(steps - 1, -1, -1):
        pre_bars[k] = h_bar * (1 - states[k + 1] ** 2)  # d tanh(a) = (1 - tanh(a)^2) da
        h_bar = W.T @ pre_bars[k]
    return pre_bars.T @ states[:-1], pre_bars.sum(axis=0), h_bar


def segment_lengths(steps: int) -> list[int]:
    """About sqrt(steps) segments of near-equal length."""
    count = max(1, round(math.sqrt(steps)))
    return [len(part) for part in np.array_split(np.arange(steps), count)]


def _steps(tanh, steps: int):
    """``steps`` RNN steps written with ``tanh``; the same loop for every framework."""

    def run_steps(W, x, h):
        for _ in range(steps):
            h = tanh(W @ h + x)
        return h

    return run_steps


def chainrule_gradient(steps: int, checkpoint=None):
    """cr.grad of the loss in (W, x, h0), each segment checkpointed when given ``checkpoint``."""
    if checkpoint is None:
        run_all = _steps(cnp.tanh, steps)
        return cr.grad(lambda W, x, h: cnp.sum(run_all(W, x, h)), argnums=(0, 1, 2))
    lengths = segment_lengths(steps)
    segments = {n: checkpoint(_steps(cnp.tanh, n)) for n in set(lengths)}

    def loss(W, x, h):
        for n in lengths:
            h = segments[n](W, x, h)
        return cnp.sum(h)

    return cr.grad(loss, argnums=(0, 1, 2))


def _torch_gradient(torch, steps: int, arrays, use_checkpoint: bool):
    W, x, h0 = (torch.from_numpy(a).requires_grad_() for a in arrays)
    if use_checkpoint:
        from torch.utils.checkpoint import checkpoint

        lengths = segment_lengths(steps)
        segments = {n: _steps(torch.tanh, n) for n in set(lengths)}

        def run_all(W, x, h):
            for n in lengths:
                h = checkpoint(segments[n], W, x, h, use_reentrant=False)
            return h
    else:
        run_all = _steps(torch.tanh, steps)
    return lambda: torch.autograd.grad(torch.sum(run_all(W, x, h0)), (W, x, h0))


def _jax_gradients(jax, jnp, steps: int):
    """Eager (a Python loop) and jit (lax.fori_loop) gradients of the same loss."""
    run_all = _steps(jnp.tanh, steps)
    eager = jax.grad(lambda W, x, h: jnp.sum(run_all(W, x, h)), argnums=(0, 1, 2))

    def looped_loss(W, x, h):
        step = lambda _, h: jnp.tanh(W @ h + x)
        return jnp.sum(jax.lax.fori_loop(0, steps, step, h))

    return eager, jax.jit(jax.grad(looped_loss, argnums=(0, 1, 2)))


def run(bench: Bench, peers: Peers) -> None:
    steps = 500 if bench.settings.quick else 2000
    W, x, h0 = make_problem()
    expected = bptt_by_hand(W, x, h0, steps)
    case = f"{steps} steps"
    checkpoint = getattr(cr, "checkpoint", None)

    def measure(framework, fn, **options):
        bench.measure("W6", case, framework, fn, expected, **options)

    by_hand = lambda: bptt_by_hand(W, x, h0, steps)
    measure("numpy (hand)", by_hand, is_limit=True, memory=MEMORY, note="stores all states")
    plain = chainrule_gradient(steps)
    measure("chainrule", lambda: plain(W, x, h0), memory=MEMORY)
    if checkpoint is None:
        bench.unavailable("W6", case, "chainrule+checkpoint", "cr.checkpoint is missing")
    else:
        segmented = chainrule_gradient(steps, checkpoint)
        note = f"{len(segment_lengths(steps))} segments"
        measure("chainrule+checkpoint", lambda: segmented(W, x, h0), memory=MEMORY, note=note)
    if peers.autograd is not None:
        run_all = _steps(peers.anp.tanh, steps)
        gradient = peers.autograd.grad(lambda args: peers.anp.sum(run_all(*args)))
        measure("autograd", lambda: gradient((W, x, h0)), memory=MEMORY)
    if peers.torch is not None:
        for use_checkpoint, name in ((False, "torch eager"), (True, "torch+checkpoint")):
            fn = _torch_gradient(peers.torch, steps, (W, x, h0), use_checkpoint)
            note = "torch.utils.checkpoint" if use_checkpoint else ""
            measure(name, fn, memory="n/a", note=note)
    if peers.jax is not None:
        jax = peers.jax
        eager, compiled = _jax_gradients(jax, peers.jnp, steps)
        arrays = tuple(peers.jnp.asarray(a) for a in (W, x, h0))
        ready = jax.block_until_ready
        measure("jax eager", lambda: ready(eager(*arrays)), memory="n/a")
        measure("jax jit", lambda: ready(compiled(*arrays)), memory="n/a", note="lax.fori_loop")
    bench.tables.append(memory_growth(bench, checkpoint, W, x, h0))


def _peak(fn, *args) -> tuple[str, int | None]:
    """Peak memory of ``fn(*args)``, shown, and in bytes (None when it raised)."""
    try:
        peak = peak_memory(lambda: fn(*args))
    except Exception as error:  # reported in the table, like a failing row
        return f"ERROR ({type(error).__name__})", None
    return format_bytes(peak), peak


def memory_growth(bench: Bench, checkpoint, W, x, h0) -> ExtraTable:
    """Peak memory of one gradient call against the number of steps."""
    counts = (500, 1000) if bench.settings.quick else (500, 1000, 2000, 4000)
    rows = []
    for steps in counts:
        row = [str(steps), str(len(segment_lengths(steps)))]
        row.append(_peak(bptt_by_hand, W, x, h0, steps)[0])
        shown, plain = _peak(chainrule_gradient(steps), W, x, h0)
        row.append(shown)
        if checkpoint is None:
            row += ["n/a", ""]
        else:
            shown, segmented = _peak(chainrule_gradient(steps, checkpoint), W, x, h0)
            ratio = format_ratio(segmented / plain) if segmented and plain else ""
            row += [shown, ratio]
        rows.append(row)
    headers = ["Steps", "Segments", "numpy (hand)", "chainrule", "chainrule+checkpoint"]
    return ExtraTable(
        "W6 peak memory of one gradient call (tracemalloc) against the number of steps",
        [*headers, "checkpoint / plain"],
        rows,
    )
