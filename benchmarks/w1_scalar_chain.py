"""W1: the cost of one primitive on Python floats, forward and backward.

x <- sin(cos(x + y))**2 + 0.5*z, repeated; value and gradient with respect to x, y, z.
Each iteration applies six primitives (add, cos, sin, power, multiply, add), so the
time per primitive is the time of one value-and-gradient call over 6 * iterations:
what a framework's bookkeeping costs when the arithmetic itself is almost free.
"""

from __future__ import annotations

import math
import sys

import chainrule as cr
import chainrule.numpy as cnp
from benchmarks.harness import Bench
from benchmarks.peers import Peers

TITLE = "scalar chain on Python floats, per primitive"
PRIMITIVES_PER_ITERATION = 6
START = (0.3, -0.4, 0.7)  # x, y, z


def chain_by_hand(x: float, y: float, z: float, iterations: int) -> tuple:
    """Value and (dx, dy, dz) with the math module: a forward loop, then a backward one."""
    saved = []
    for _ in range(iterations):
        inner = x + y
        cosine = math.cos(inner)
        sine = math.sin(cosine)
        saved.append((inner, cosine, sine))
        x = sine**2 + 0.5 * z
    value = x
    x_bar, y_bar, z_bar = 1.0, 0.0, 0.0
    for inner, cosine, sine in reversed(saved):
        z_bar += 0.5 * x_bar
        sine_bar = 2.0 * sine * x_bar
        cosine_bar = math.cos(cosine) * sine_bar
        inner_bar = -math.sin(inner) * cosine_bar
        x_bar = inner_bar
        y_bar += inner_bar
    return value, (x_bar, y_bar, z_bar)


def _chain(sin, cos, iterations):
    """The loop written once for every framework that takes sin and cos functions."""

    def chain(x, y, z):
        for _ in range(iterations):
            x = sin(cos(x + y)) ** 2 + 0.5 * z
        return x

    return chain


def _micrograd_functions(value_type: type) -> tuple:
    """sin and cos for micrograd's Value, which has neither, in micrograd's own style."""

    def sin(v):
        out = value_type(math.sin(v.data), (v,), "sin")

        def _backward():
            v.grad += math.cos(v.data) * out.grad  # d sin(v) = cos(v) dv

        out._backward = _backward
        return out

    def cos(v):
        out = value_type(math.cos(v.data), (v,), "cos")

        def _backward():
            v.grad += -math.sin(v.data) * out.grad  # d cos(v) = -sin(v) dv

        out._backward = _backward
        return out

    return sin, cos


def _micrograd_run(value_type: type, iterations: int):
    sin, cos = _micrograd_functions(value_type)
    chain = _chain(sin, cos, iterations)

    def value_and_grad():
        x, y, z = (value_type(v) for v in START)
        out = chain(x, y, z)
        out.backward()
        return out.data, (x.grad, y.grad, z.grad)

    # micrograd sorts the graph recursively: one level per node of the chain.
    needed = 10 * PRIMITIVES_PER_ITERATION * iterations + 1000
    sys.setrecursionlimit(max(sys.getrecursionlimit(), needed))
    return value_and_grad


def _torch_run(torch, iterations: int):
    chain = _chain(torch.sin, torch.cos, iterations)

    def value_and_grad():
        inputs = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in START]
        out = chain(*inputs)
        return out, torch.autograd.grad(out, inputs)

    return value_and_grad


def _jax_jit_run(jax, jnp, iterations: int):
    def chain(x, y, z):
        body = lambda _, x: jnp.sin(jnp.cos(x + y)) ** 2 + 0.5 * z
        return jax.lax.fori_loop(0, iterations, body, x)

    compiled = jax.jit(jax.value_and_grad(chain, argnums=(0, 1, 2)))
    start = tuple(jnp.asarray(v, jnp.float64) for v in START)
    return lambda: jax.block_until_ready(compiled(*start))


def run(bench: Bench, peers: Peers) -> None:
    iterations = 1000
    jax_eager_iterations = 100  # jax dispatches each eager primitive slowly
    case = f"{iterations} iterations"
    expected = chain_by_hand(*START, iterations)
    per = PRIMITIVES_PER_ITERATION * iterations
    common = {"per": per, "note": "per primitive"}

    def measure(framework, fn, **options):
        bench.measure("W1", case, framework, fn, expected, **{**common, **options})

    measure("python (hand)", lambda: chain_by_hand(*START, iterations), is_limit=True)
    chainrule_chain = cr.value_and_grad(_chain(cnp.sin, cnp.cos, iterations), argnums=(0, 1, 2))
    measure("chainrule", lambda: chainrule_chain(*START))
    if peers.micrograd_value is not None:
        measure("micrograd", _micrograd_run(peers.micrograd_value, iterations))
    if peers.torch is not None:
        measure("torch eager", _torch_run(peers.torch, iterations))
    if peers.autograd is not None:
        autograd_chain = _chain(peers.anp.sin, peers.anp.cos, iterations)
        autograd_both = peers.autograd.value_and_grad(lambda args: autograd_chain(*args))
        measure("autograd", lambda: autograd_both(START))
    if peers.jax is not None:
        jax, jnp = peers.jax, peers.jnp
        eager = jax.value_and_grad(_chain(jnp.sin, jnp.cos, jax_eager_iterations), (0, 1, 2))
        bench.measure(
            "W1",
            case,
            "jax eager",
            lambda: jax.block_until_ready(eager(*START)),
            chain_by_hand(*START, jax_eager_iterations),
            per=PRIMITIVES_PER_ITERATION * jax_eager_iterations,
            note=f"per primitive, {jax_eager_iterations} iterations",
        )
        measure("jax jit", _jax_jit_run(jax, jnp, iterations), note="per primitive, fori_loop")
