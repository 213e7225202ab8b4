"""W4: full Jacobians of tanh(W @ x) by forward mode, reverse mode and chainrule's "auto".

Three shapes (inputs -> outputs): 500 -> 1 favours reverse mode (one sweep instead of
500), 1 -> 500 favours forward mode, 200 -> 200 is a tie in sweeps. The "auto" case
says which mode ``cr.jacobian(mode="auto")`` picked and how its time compares with
``cr.jacfwd`` and ``cr.jacrev`` on the same function.
"""

from __future__ import annotations

import numpy as np

import chainrule as cr
import chainrule.numpy as cnp
from benchmarks.harness import OK, Bench, Record
from benchmarks.peers import Peers
from benchmarks.table import format_ratio

TITLE = "Jacobians of tanh(W @ x): jacfwd, jacrev, auto"
SHAPES = ((500, 1), (1, 500), (200, 200))  # (inputs, outputs)


def jacobian_by_hand(W: np.ndarray, x: np.ndarray) -> np.ndarray:
    """d tanh(W x) / dx = diag(1 - t^2) W with t = tanh(W x)."""
    t = np.tanh(W @ x)
    return (1 - t**2)[:, None] * W


def auto_choice(inputs: int, outputs: int) -> str:
    """The mode cr.jacobian(mode="auto") uses, by its rule in transforms/jacobian.py."""
    return "forward" if inputs < outputs else "reverse"


def _peer_rows(peers: Peers, W: np.ndarray, x: np.ndarray) -> dict[str, list]:
    """For each mode, (framework, zero-argument Jacobian call, note) of every peer."""
    rows: dict[str, list] = {"jacfwd": [], "jacrev": []}
    if peers.torch is not None:
        torch = peers.torch
        W_torch, x_torch = torch.from_numpy(W), torch.from_numpy(x)
        f_torch = lambda x: torch.tanh(W_torch @ x)
        for mode in rows:
            transform = getattr(torch.func, mode)(f_torch)
            rows[mode].append(("torch eager", lambda t=transform: t(x_torch), f"torch.func.{mode}"))
    if peers.autograd is not None:
        anp = peers.anp
        jacobian = peers.autograd.jacobian(lambda x: anp.tanh(anp.dot(W, x)))
        rows["jacrev"].append(("autograd", lambda: jacobian(x), "autograd.jacobian"))
    if peers.jax is not None:
        jax, jnp = peers.jax, peers.jnp
        W_jax, x_jax = jnp.asarray(W), jnp.asarray(x)
        f_jax = lambda x, W: jnp.tanh(W @ x)
        for mode in rows:
            eager = getattr(jax, mode)(f_jax)
            compiled = jax.jit(eager)
            rows[mode].append(
                ("jax eager", lambda e=eager: jax.block_until_ready(e(x_jax, W_jax)), "")
            )
            rows[mode].append(
                ("jax jit", lambda c=compiled: jax.block_until_ready(c(x_jax, W_jax)), "")
            )
    return rows


def _describe_auto(auto: Record, forward: Record, reverse: Record, picked: str) -> str:
    text = f"picked {picked}"
    if OK == auto.status == forward.status == reverse.status:
        to_forward = format_ratio(auto.seconds / forward.seconds)
        to_reverse = format_ratio(auto.seconds / reverse.seconds)
        text += f"; {to_forward} x cr.jacfwd, {to_reverse} x cr.jacrev"
    return text


def run_shape(bench: Bench, peers: Peers, inputs: int, outputs: int) -> None:
    rng = np.random.default_rng(4)
    W = rng.standard_normal((outputs, inputs)) / np.sqrt(inputs)
    x = np.linspace(-1.0, 1.0, inputs)
    expected = jacobian_by_hand(W, x)
    f = lambda x: cnp.tanh(W @ x)
    prefix = f"{inputs}->{outputs}"
    by_hand = lambda: jacobian_by_hand(W, x)
    first_case = f"{prefix} jacfwd"
    limit = bench.measure("W4", first_case, "numpy (hand)", by_hand, expected, is_limit=True)
    chainrule_records = {}
    for mode, rows in _peer_rows(peers, W, x).items():
        case = f"{prefix} {mode}"
        if mode != "jacfwd":
            bench.repeat(limit, case)
        transform = getattr(cr, mode)(f)
        chainrule_records[mode] = bench.measure(
            "W4", case, "chainrule", lambda t=transform: t(x), expected, note=f"cr.{mode}"
        )
        for framework, call, note in rows:
            bench.measure("W4", case, framework, call, expected, note=note)
    case = f"{prefix} auto"
    bench.repeat(limit, case)
    automatic = cr.jacobian(f, mode="auto")
    auto = bench.measure("W4", case, "chainrule", lambda: automatic(x), expected)
    picked = auto_choice(inputs, outputs)
    forward, reverse = chainrule_records["jacfwd"], chainrule_records["jacrev"]
    auto.note = _describe_auto(auto, forward, reverse, picked)


def run(bench: Bench, peers: Peers) -> None:
    bench.notes.append(
        "W4 auto: cr.jacobian(mode='auto') uses forward mode when the inputs have fewer "
        "elements than the outputs, else reverse (chainrule/transforms/jacobian.py); "
        "the note says which it picked and its time relative to cr.jacfwd and cr.jacrev."
    )
    for inputs, outputs in SHAPES:
        run_shape(bench, peers, inputs, outputs)
