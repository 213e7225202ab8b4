"""W3: the cheap-gradient principle on one large elementwise function.

f(x) = sum(sin(x) * exp(-x**2/10) + log1p(x**2)) on 10^6 float64 values. Reverse mode
promises the gradient for a small constant multiple of the cost of f; the grad/f ratio
in the Note column is that constant, for each framework and for the hand-written
gradient (the limit).
"""

from __future__ import annotations

import numpy as np

import chainrule as cr
import chainrule.numpy as cnp
from benchmarks.harness import OK, Bench, Record
from benchmarks.peers import Peers

TITLE = "f(x) and grad f(x), elementwise on 10^6 float64 values"
SIZE = 10**6


def f_numpy(x: np.ndarray) -> np.float64:
    return np.sum(np.sin(x) * np.exp(-(x**2) / 10) + np.log1p(x**2))


def grad_by_hand(x: np.ndarray) -> np.ndarray:
    """f'(x) = (cos x - x sin x / 5) exp(-x^2/10) + 2x / (1 + x^2)."""
    return (np.cos(x) - x * np.sin(x) / 5) * np.exp(-(x**2) / 10) + 2 * x / (1 + x**2)


def _f_written_with(module):
    """f in the NumPy-like namespace ``module`` (chainrule.numpy, autograd.numpy, jax.numpy)."""

    def f(x):
        return module.sum(module.sin(x) * module.exp(-(x**2) / 10) + module.log1p(x**2))

    return f


def _f_torch(torch):
    def f(x):
        return torch.sum(torch.sin(x) * torch.exp(-(x**2) / 10) + torch.log1p(x**2))

    return f


def _add_ratio(value_record: Record, grad_record: Record) -> None:
    if value_record.status == OK and grad_record.status == OK:
        ratio = f"grad/f = {grad_record.seconds / value_record.seconds:.2f}"
        grad_record.note = "; ".join(filter(None, [grad_record.note, ratio]))


def run(bench: Bench, peers: Peers) -> None:
    x = np.random.default_rng(3).uniform(-3.0, 3.0, SIZE)
    value, gradient = f_numpy(x), grad_by_hand(x)
    rows: list[tuple[str, object, object]] = []  # framework, f, grad f

    chainrule_f = _f_written_with(cnp)
    chainrule_grad = cr.grad(chainrule_f)
    rows.append(("chainrule", lambda: chainrule_f(x), lambda: chainrule_grad(x)))
    if peers.torch is not None:
        torch = peers.torch
        torch_f, x_torch = _f_torch(torch), torch.from_numpy(x).requires_grad_()

        def torch_value():
            with torch.no_grad():
                return torch_f(x_torch)

        def torch_grad():
            return torch.autograd.grad(torch_f(x_torch), x_torch)[0]

        rows.append(("torch eager", torch_value, torch_grad))
    if peers.autograd is not None:
        autograd_f = _f_written_with(peers.anp)
        autograd_grad = peers.autograd.grad(autograd_f)
        rows.append(("autograd", lambda: autograd_f(x), lambda: autograd_grad(x)))
    if peers.jax is not None:
        jax = peers.jax
        jax_f, x_jax = _f_written_with(peers.jnp), peers.jnp.asarray(x)
        jax_grad, jit_f = jax.grad(jax_f), jax.jit(jax_f)
        jit_grad = jax.jit(jax.grad(jax_f))
        ready = jax.block_until_ready
        rows.append(("jax eager", lambda: ready(jax_f(x_jax)), lambda: ready(jax_grad(x_jax))))
        rows.append(("jax jit", lambda: ready(jit_f(x_jax)), lambda: ready(jit_grad(x_jax))))

    limit_value = bench.measure(
        "W3", "f(x)", "numpy (hand)", lambda: f_numpy(x), value, is_limit=True
    )
    value_records = {}
    for framework, value_fn, _ in rows:
        value_records[framework] = bench.measure("W3", "f(x)", framework, value_fn, value)
    limit_grad = bench.measure(
        "W3", "grad f(x)", "numpy (hand)", lambda: grad_by_hand(x), gradient, is_limit=True
    )
    _add_ratio(limit_value, limit_grad)
    for framework, _, grad_fn in rows:
        record = bench.measure("W3", "grad f(x)", framework, grad_fn, gradient)
        _add_ratio(value_records[framework], record)
