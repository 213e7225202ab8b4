"""Tests of chainrule/numpy/rearranging.py (rot90, rollaxis, append) and of arrays built
from nested lists of traced values."""

from __future__ import annotations

import numpy as np
import pytest
from assertions import raises_with

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.testing import check_grads

X = np.arange(24.0).reshape(2, 3, 4) / 10


def _primal(function, x):
    """``function(x)`` evaluated on a traced ``x`` (its forward value)."""
    return cr.jvp(function, (x,), (np.ones_like(x),))[0]


@pytest.mark.parametrize("k", [-1, 0, 1, 2, 3, 5])
@pytest.mark.parametrize("axes", [(0, 1), (1, 2), (2, 0), (-1, 0)], ids=str)
def test_rot90_matches_numpy_and_differentiates(k, axes):
    np.testing.assert_array_equal(_primal(lambda x: cnp.rot90(x, k, axes), X), np.rot90(X, k, axes))
    check_grads(lambda x: np.rot90(x, k, axes), (X,), order=2)


@pytest.mark.parametrize("axis", range(-3, 3))
@pytest.mark.parametrize("start", range(-3, 4))
def test_rollaxis_matches_numpy(axis, start):
    result = _primal(lambda x: cnp.rollaxis(x, axis, start), X)
    np.testing.assert_array_equal(result, np.rollaxis(X, axis, start))


def test_rollaxis_differentiates():
    check_grads(lambda x: np.rollaxis(x, 2, 1), (X,), order=2)


@pytest.mark.parametrize("axis", [None, 0, 1, 2])
def test_append_matches_numpy_and_differentiates(axis):
    np.testing.assert_array_equal(
        _primal(lambda x: cnp.append(x, x, axis), X), np.append(X, X, axis)
    )
    check_grads(lambda x, y: np.append(x, y, axis), (X, 2 * X), order=2)


def test_append_of_a_constant_list():
    check_grads(lambda x: cnp.append(x[0, 0], [1.0, 2.0]), (X,), order=2)


def test_errors_name_the_function():
    raises_with(ValueError, lambda: cr.grad(lambda x: cnp.sum(cnp.rot90(x, 1, (0, 0))))(X), "rot90")
    raises_with(
        np.exceptions.AxisError,
        lambda: cr.grad(lambda x: cnp.sum(cnp.rollaxis(x, 0, 5)))(X),
        "rollaxis",
    )


def test_array_from_nested_lists_of_traced_values():
    def f(x):
        return cnp.array([[x, 2.0], [x * x, 1.0]])

    np.testing.assert_array_equal(_primal(f, 3.0), [[3.0, 2.0], [9.0, 1.0]])
    check_grads(f, (3.0,), order=2)
    assert cr.grad(lambda x: cnp.sum(cnp.asarray([[x], [x]], dtype=float)))(1.5) == 2.0
