"""The engine's fast paths give exactly what the general paths give.

Scalars take shortcuts (a scalar elementwise step is swept by evaluating its local
partials inline; arithmetic on NumPy scalars uses Python's operators); arrays are
accumulated in place when the sweep owns them. Each test compares a shortcut with
the general path or with a known value, including the zero-safe cases.
"""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp


def _chain(x, y, z):
    for _ in range(5):
        x = cnp.sin(cnp.cos(x + y)) ** 2 + 0.5 * z - x / (1.5 + y * y) + cnp.exp(-x) * 2.0
    return x


def test_scalar_steps_match_the_array_path():
    scalars = cr.grad(_chain, argnums=(0, 1, 2))(0.3, -0.2, 0.7)
    arrays = cr.grad(lambda *a: cnp.sum(_chain(*a)), argnums=(0, 1, 2))(
        np.array([0.3]), np.array([-0.2]), np.array([0.7])
    )
    for s, a in zip(scalars, arrays):
        assert type(s) is np.float64
        np.testing.assert_allclose(s, a[0], rtol=1e-15)


def test_scalar_steps_against_finite_differences():
    cr.check_grads(_chain, (0.3, -0.2, 0.7), order=2, modes=("fwd", "rev"))


def test_scalar_steps_are_zero_safe():
    f = lambda x: cnp.where(x > 0, cnp.sqrt(x), 0.0)
    assert cr.grad(f)(0.0) == 0.0
    assert cr.grad(cr.grad(f))(0.0) == 0.0
    assert cr.grad(f)(4.0) == 0.25
    g = lambda x: cnp.where(x < 500, x * cnp.exp(x), 0.0)
    assert cr.grad(g)(1000.0) == 0.0


def test_scalar_steps_with_traced_cotangents():
    # jvp of a pullback: the cotangents are forward-mode tracers.
    _, pullback = cr.vjp(lambda x: cnp.sin(x) * x, 0.7)
    value, tangent = cr.jvp(lambda c: pullback(c)[0], (2.0,), (1.0,))
    slope = np.cos(0.7) * 0.7 + np.sin(0.7)
    np.testing.assert_allclose(value, 2.0 * slope, rtol=1e-15)
    np.testing.assert_allclose(tangent, slope, rtol=1e-15)


def test_float32_scalars_keep_their_dtype():
    x = np.float32(0.5)
    g = cr.grad(lambda x: cnp.sin(x) * x)(x)
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, np.cos(0.5) * 0.5 + np.sin(0.5), rtol=1e-6)
    # A float32 input mixed with float64: the float64 cotangent is cast back.
    g = cr.grad(lambda x: cnp.sin(x * np.float64(2.0)))(x)
    assert g.dtype == np.float32


@pytest.mark.parametrize("operand", [2.0, 2, np.float64(2.0), np.float32(2.0), np.array(2.0)])
def test_operators_with_plain_operands(operand):
    for f, slope in [
        (lambda x: x * operand, 2.0),
        (lambda x: operand * x, 2.0),
        (lambda x: x + operand, 1.0),
        (lambda x: operand - x, -1.0),
        (lambda x: x / operand, 0.5),
        (lambda x: operand / x, -2.0 / 9.0),
        (lambda x: x**operand, 6.0),
    ]:
        np.testing.assert_allclose(cr.grad(f)(3.0), slope, rtol=1e-15)


def test_division_by_a_constant_zero():
    # The partial 1 / y is computed with NumPy's semantics (inf), not Python's (an error).
    assert cr.grad(lambda x: x / 0.0)(1.0) == np.inf


def test_in_place_accumulation_never_touches_shared_arrays():
    x = np.array([1.0, 2.0, 3.0])
    cotangent = np.array([1.0, 10.0, 100.0])
    kept = cotangent.copy()
    _, pullback = cr.vjp(lambda x: x + x + x * 2.0 + x, x)
    (grad,) = pullback(cotangent)
    np.testing.assert_array_equal(grad, 5 * kept)
    np.testing.assert_array_equal(cotangent, kept)
    (again,) = pullback(cotangent)  # the kept tape gives the same twice
    np.testing.assert_array_equal(again, grad)


@pytest.mark.parametrize(
    "a_shape, b_shape", [((4, 3), (3,)), ((3,), (3, 4)), ((3,), (3,)), ((2, 4, 3), (3,))]
)
def test_matrix_vector_products(rng, a_shape, b_shape):
    a, b = rng.standard_normal(a_shape), rng.standard_normal(b_shape)
    cr.check_grads(lambda a, b: cnp.tanh(a @ b), (a, b), order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("row_vector", [False, True])
def test_deferred_outer_products_in_a_long_loop(rng, row_vector):
    # 100 steps of a matrix-vector recurrence: the matrix's cotangent is a sum of 100
    # outer products, folded in batches; compared with backpropagation by hand.
    n, steps = 6, 100
    w = rng.standard_normal((n, n)) * 0.5 / np.sqrt(n)
    x, h0 = rng.standard_normal(n), rng.standard_normal(n)

    def loss(w, x, h):
        scaled = w * 1.5  # an intermediate matrix: its deferred cotangent is read by a rule
        for _ in range(steps):
            h = cnp.tanh((h @ scaled if row_vector else scaled @ h) + x)
        return cnp.sum(h)

    def by_hand(w, x, h):
        m = w * 1.5
        states = [h]
        for _ in range(steps):
            h = np.tanh((h @ m if row_vector else m @ h) + x)
            states.append(h)
        m_bar, x_bar, h_bar = np.zeros_like(w), np.zeros(n), np.ones(n)
        for k in range(steps, 0, -1):
            pre_bar = h_bar * (1 - states[k] ** 2)
            previous = states[k - 1]
            m_bar += np.outer(previous, pre_bar) if row_vector else np.outer(pre_bar, previous)
            x_bar += pre_bar
            h_bar = m @ pre_bar if row_vector else m.T @ pre_bar
        return 1.5 * m_bar, x_bar, h_bar

    got = cr.grad(loss, argnums=(0, 1, 2))(w, x, h0)
    for a, b in zip(got, by_hand(w, x, h0)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    # Second order still goes through the ordinary rules (traced values are not deferred).
    cr.check_grads(lambda w: loss(w, x, h0), (w,), order=2, modes=("rev",))


def test_deferred_outer_products_with_a_kept_tape_and_float32(rng):
    n = 5
    w = rng.standard_normal((n, n)) * 0.5
    h0 = rng.standard_normal(n)

    def run(w, h):
        for _ in range(70):  # more than one batch of deferred outer products
            h = cnp.tanh(w @ h)
        return h

    # vjp keeps its tape: a second pullback must give the same, and jacrev sweeps n times.
    out, pullback = cr.vjp(run, w, h0)
    seed = np.linspace(-1.0, 1.0, n)
    first, second = pullback(seed), pullback(seed)
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    rows = cr.jacrev(run)(w, h0)
    np.testing.assert_allclose(np.tensordot(seed, rows, axes=1), first[0], rtol=1e-12, atol=1e-14)
    # float32 in, float32 out, close to the float64 result.
    w32, h32 = w.astype(np.float32), h0.astype(np.float32)
    g32 = cr.grad(lambda w: cnp.sum(run(w, h32)))(w32)
    g64 = cr.grad(lambda w: cnp.sum(run(w, h0)))(w)
    assert g32.dtype == np.float32
    np.testing.assert_allclose(g32, g64, rtol=1e-3, atol=1e-4)
