"""W5: a Hessian-vector product without forming the Hessian.

f(x) = sum(x**4) + sum(tanh(A @ x)) with n = 2000, float64. The product H v costs a
few matrix-vector products (by hand: A x, A v and A^T of the result), so this measures
how much second-order machinery (chainrule: reverse over forward) adds to that.
"""

from __future__ import annotations

import numpy as np

import chainrule as cr
import chainrule.numpy as cnp
from benchmarks.harness import Bench
from benchmarks.peers import Peers

TITLE = "Hessian-vector product, n = 2000"
SIZE = 2000


def hvp_by_hand(A: np.ndarray, x: np.ndarray, v: np.ndarray) -> np.ndarray:
    """H v = 12 x^2 v + A^T (-2 t (1 - t^2) * (A v)) with t = tanh(A x)."""
    t = np.tanh(A @ x)
    return 12 * x**2 * v + A.T @ (-2 * t * (1 - t**2) * (A @ v))


def run(bench: Bench, peers: Peers) -> None:
    rng = np.random.default_rng(5)
    A = rng.standard_normal((SIZE, SIZE)) / np.sqrt(SIZE)
    x, v = rng.standard_normal(SIZE), rng.standard_normal(SIZE)
    expected = hvp_by_hand(A, x, v)
    case = f"n = {SIZE}"

    def measure(framework, fn, **options):
        bench.measure("W5", case, framework, fn, expected, **options)

    measure("numpy (hand)", lambda: hvp_by_hand(A, x, v), is_limit=True)
    f = lambda x: cnp.sum(x**4) + cnp.sum(cnp.tanh(A @ x))
    measure("chainrule", lambda: cr.hvp(f, (x,), (v,))[0], note="cr.hvp")
    if peers.torch is not None:
        torch = peers.torch
        A_torch, x_torch, v_torch = (torch.from_numpy(a) for a in (A, x, v))
        f_torch = lambda x: torch.sum(x**4) + torch.sum(torch.tanh(A_torch @ x))
        grad_torch = torch.func.grad(f_torch)
        measure(
            "torch eager",
            lambda: torch.func.jvp(grad_torch, (x_torch,), (v_torch,))[1],
            note="torch.func.jvp of grad",
        )
    if peers.autograd is not None:
        anp = peers.anp
        f_autograd = lambda x: anp.sum(x**4) + anp.sum(anp.tanh(anp.dot(A, x)))
        product = peers.autograd.hessian_vector_product(f_autograd)
        measure("autograd", lambda: product(x, v), note="hessian_vector_product")
    if peers.jax is not None:
        jax, jnp = peers.jax, peers.jnp
        A_jax, x_jax, v_jax = (jnp.asarray(a) for a in (A, x, v))

        def hvp_jax(x, v, A):
            f_jax = lambda x: jnp.sum(x**4) + jnp.sum(jnp.tanh(A @ x))
            return jax.jvp(jax.grad(f_jax), (x,), (v,))[1]

        compiled = jax.jit(hvp_jax)
        note = "jvp of grad"
        measure("jax eager", lambda: hvp_jax(x_jax, v_jax, A_jax).block_until_ready(), note=note)
        measure("jax jit", lambda: compiled(x_jax, v_jax, A_jax).block_until_ready(), note=note)
