"""Tests of chainrule/numpy/ranges.py (linspace, logspace, geomspace with traced end
points), of real_if_close, and of norms of lists holding traced values."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from assertions import raises_with

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.testing import check_grads

END_POINTS = [(1.2, 3.4), (1.2, -3.4), (1.2, 1.2), (np.array([1.0, 2.0]), 3.0)]
LAYOUTS = list(itertools.product([0, 1, 2, 5], [True, False]))


def _primal(function, *args):
    return cr.jvp(function, args, tuple(np.ones_like(a) for a in args))[0]


@pytest.mark.parametrize("num, endpoint", LAYOUTS, ids=str)
@pytest.mark.parametrize("start, stop", END_POINTS, ids=str)
def test_linspace_matches_numpy_bit_for_bit_and_differentiates(num, endpoint, start, stop):
    def f(a, b):
        return cnp.linspace(a, b, num, endpoint=endpoint)

    np.testing.assert_array_equal(_primal(f, start, stop), np.linspace(start, stop, num, endpoint))
    if num:
        check_grads(f, (start, stop), order=2)


@pytest.mark.parametrize("num, endpoint", LAYOUTS, ids=str)
@pytest.mark.parametrize("start, stop", END_POINTS, ids=str)
def test_logspace_matches_numpy_and_differentiates_in_the_base_too(num, endpoint, start, stop):
    def f(a, b, base):
        return cnp.logspace(a, b, num, endpoint=endpoint, base=base)

    expected = np.logspace(start, stop, num, endpoint, base=2.0)
    np.testing.assert_allclose(_primal(f, start, stop, 2.0), expected, rtol=1e-15)
    if num:
        check_grads(f, (start, stop, 2.0), order=2)


@pytest.mark.parametrize("num, endpoint", LAYOUTS, ids=str)
@pytest.mark.parametrize("start, stop", [(1.5, 40.0), (-2.0, -0.1), (np.array([1.0, 3.0]), 2.0)])
def test_geomspace_matches_numpy_and_differentiates(num, endpoint, start, stop):
    def f(a, b):
        return cnp.geomspace(a, b, num, endpoint=endpoint)

    result = _primal(f, start, stop)
    np.testing.assert_allclose(result, np.geomspace(start, stop, num, endpoint), rtol=1e-14)
    if num:  # the end points exactly, as NumPy
        np.testing.assert_array_equal(result[0], np.broadcast_to(start, result.shape[1:]))
        check_grads(f, (start, stop), order=2)


@pytest.mark.parametrize("function", ["linspace", "logspace", "geomspace"])
def test_one_traced_end_point(function):
    def first(a):
        return getattr(np, function)(a, 3.0, 4)

    def second(b):
        return getattr(np, function)(1.5, b, 4)

    np.testing.assert_allclose(_primal(first, 1.5), getattr(np, function)(1.5, 3.0, 4), rtol=1e-15)
    check_grads(first, (1.5,), order=2)
    check_grads(second, (3.0,), order=2)


def test_axis_retstep_and_dispatch_match_numpy():
    start = np.array([1.0, 2.0])

    def f(a):
        return np.linspace(a, 2 * a + 1, 4, axis=-1, retstep=True)

    samples, step = _primal(f, start)
    expected = np.linspace(start, 2 * start + 1, 4, axis=-1, retstep=True)
    np.testing.assert_array_equal(samples, expected[0])
    np.testing.assert_array_equal(step, expected[1])
    base = np.array([2.0, 3.0])
    np.testing.assert_allclose(
        _primal(lambda b: np.logspace(0.0, 1.0, 3, base=b, axis=-1), base),
        np.logspace(0.0, 1.0, 3, base=base, axis=-1),
        rtol=1e-15,
    )
    check_grads(lambda a: np.geomspace(a, 10.0, 5, axis=-1), (start,), order=2)


def test_range_errors_name_the_function():
    raises_with(ValueError, lambda: cr.grad(lambda a: cnp.linspace(a, 1.0, -1).sum())(0.0), "num")
    raises_with(
        NotImplementedError, lambda: cr.grad(lambda a: cnp.geomspace(a, -1.0, 3).sum())(1.0), "sign"
    )
    raises_with(ValueError, lambda: cr.grad(lambda a: cnp.geomspace(a, 0.0, 3).sum())(1.0), "zero")


def test_real_if_close_drops_tiny_imaginary_parts_only():
    close = np.array([1 + 1e-17j, 2 + 0j])
    out, tangent = cr.jvp(np.real_if_close, (close,), (np.array([1 + 1j, 1 - 1j]),))
    assert out.dtype == np.float64 and tangent.dtype == np.float64
    np.testing.assert_array_equal(tangent, [1.0, 1.0])
    far = close + 1j
    out, _ = cr.jvp(np.real_if_close, (far,), (far,))
    np.testing.assert_array_equal(out, far)
    real = np.array([1.0, 2.0])
    check_grads(lambda x: cnp.real_if_close(x * (1 + 0j)) ** 2, (real,), order=2)


def test_norm_of_a_list_of_traced_values():
    # d/dx sqrt(x**2 + (x + 2)**2) at 0 is 2 / 2.
    assert cr.grad(lambda x: cnp.linalg.norm([x, x + 2]))(0.0) == 1.0
    assert cr.grad(lambda x: cnp.linalg.norm((x, x + 2), ord=1))(0.5) == 2.0
    check_grads(lambda x, y: cnp.linalg.norm([[x, y], [y, x]], "nuc"), (0.3, 1.4), order=2)
