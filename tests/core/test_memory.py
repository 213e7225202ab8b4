"""Reverse mode frees its tape: repeated gradients of a long loop do not grow memory, and
nothing recorded during a run stays referenced once the transform has returned.
"""

import gc
import tracemalloc
import weakref

import numpy as np

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.core.reverse import Node

STEPS = 10_000


def long_loop(x):
    for _ in range(STEPS):
        x = x * 0.9999 + cnp.sin(x) * 1e-4
    return cnp.sum(x)


def _live_nodes():
    gc.collect()
    return sum(1 for obj in gc.get_objects() if type(obj) is Node)


def test_repeated_grads_of_a_long_loop_do_not_grow_memory():
    x = np.array([0.5, 1.0, -0.3])
    # Warm-up runs before tracing starts, so caches built once are not counted.
    expected = cr.grad(long_loop)(x)
    cr.grad(long_loop)(x)
    gc.collect()
    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        for _ in range(2):
            gradient = cr.grad(long_loop)(x)
        gc.collect()
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    np.testing.assert_array_equal(gradient, expected)
    # One run's tape takes megabytes (the peak says so); what stays must be tiny.
    assert peak - baseline > 1_000_000
    assert current - baseline < 32_000, f"grew by {current - baseline} bytes over 2 calls"


def test_no_tape_node_survives_grad():
    before = _live_nodes()
    cr.grad(long_loop)(0.5)
    assert _live_nodes() == before
    cr.grad(cr.grad(lambda x: cnp.sin(x) * x**3))(0.5)
    cr.hessian(lambda x: cnp.sum(cnp.exp(x) * x[0]))(np.ones(3))
    assert _live_nodes() == before


def test_values_captured_on_the_tape_are_released():
    captured = []

    def f(x):
        weights = np.linspace(1.0, 2.0, 1000)  # recorded as an input of the multiply
        captured.append(weakref.ref(weights))
        hidden = cnp.tanh(x * weights)  # an intermediate the tape keeps for tanh's rule
        captured.append(weakref.ref(hidden.primal))
        return cnp.sum(hidden**2)

    gradient = cr.grad(f)(0.3)
    gc.collect()
    assert len(captured) == 2
    assert all(ref() is None for ref in captured)
    assert np.isfinite(gradient)


def test_vjp_keeps_its_tape_until_the_pullback_is_dropped():
    before = _live_nodes()
    out, vjp_fn = cr.vjp(lambda x: cnp.cumsum(cnp.sin(x) * x), np.linspace(0, 1, 5))
    assert _live_nodes() > before
    first = vjp_fn(np.ones(5))[0]
    second = vjp_fn(np.ones(5))[0]  # the tape is still there for a second sweep
    np.testing.assert_array_equal(first, second)
    del vjp_fn
    assert _live_nodes() == before


def test_forward_mode_records_nothing():
    before = _live_nodes()
    cr.jvp(long_loop, (np.ones(2),), (np.ones(2),))
    cr.jacfwd(lambda x: cnp.sin(x) * x)(np.ones(3))
    assert _live_nodes() == before


def test_tape_keeps_only_what_the_rules_read():
    # y = tanh(y + 1) fifty times: tanh's rule reads its output, add's nothing, so the
    # tape holds one array per step (the tanh outputs), not two.
    x = np.linspace(-1.0, 1.0, 100_000)

    def f(y):
        for _ in range(50):
            y = cnp.tanh(y + 1.0)
        return cnp.sum(y)

    cr.grad(f)(x)
    tracemalloc.start()
    try:
        cr.grad(f)(x)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    arrays = peak / x.nbytes
    assert 50 <= arrays < 60, arrays
