"""Tests of chainrule/numpy/index_tricks.py (r_, c_) and of cnp.partition: values equal
NumPy's, derivatives reach every traced item, errors name the function."""

from __future__ import annotations

import numpy as np
import pytest
from assertions import raises_with

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.testing import check_grads

rng = np.random.default_rng(7)
X = rng.standard_normal(3)
M = rng.standard_normal((2, 3))
C = np.arange(3.0)

# Each builds with `xp.r_` / `xp.c_`, so the same expression runs on NumPy's objects.
CONCATENATIONS = {
    "r_[x]": lambda xp, x, m: xp.r_[x],
    "r_[x, c, x]": lambda xp, x, m: xp.r_[x, C, x],
    "r_[x, c, 1:10]": lambda xp, x, m: xp.r_[x, C, 1:10],
    "r_[x, 2.0, 0:1:4j]": lambda xp, x, m: xp.r_[x, 2.0, 0:1:4j],
    "r_[m, m]": lambda xp, x, m: xp.r_[m, m],
    "r_['-1', m, m]": lambda xp, x, m: xp.r_["-1", m, m],
    "r_['0,2', x, c]": lambda xp, x, m: xp.r_["0,2", x, C],
    "r_['1,2,0', x, c]": lambda xp, x, m: xp.r_["1,2,0", x, C],
    "r_['0,3,1', m, m]": lambda xp, x, m: xp.r_["0,3,1", m, m],
    "r_['0,3,-2', x, x]": lambda xp, x, m: xp.r_["0,3,-2", x, x],
    "r_[x[0], m[1, 2]]": lambda xp, x, m: xp.r_[x[0], m[1, 2]],
    "c_[x, c, x]": lambda xp, x, m: xp.c_[x, C, x],
    "c_[m, m]": lambda xp, x, m: xp.c_[m, m],
    "c_[m.T, x]": lambda xp, x, m: xp.c_[m.T, x],
}


def _primal(function, *args):
    return cr.jvp(function, args, tuple(np.ones_like(a) for a in args))[0]


@pytest.mark.parametrize("name", CONCATENATIONS)
def test_concatenators_match_numpy_and_differentiate(name):
    build = CONCATENATIONS[name]
    expected = build(np, X, M)
    result = _primal(lambda x, m: build(cnp, x, m), X, M)
    assert result.shape == expected.shape
    np.testing.assert_array_equal(result, expected)
    check_grads(lambda x, m: build(cnp, x, m), (X, M), order=2)


def test_concatenators_without_traced_items_are_numpys():
    np.testing.assert_array_equal(cnp.r_[X, C, 1:3], np.r_[X, C, 1:3])
    np.testing.assert_array_equal(cnp.c_[X, C], np.c_[X, C])


def test_concatenator_errors_name_the_function_and_the_fix():
    raises_with(NotImplementedError, lambda: cr.grad(lambda x: cnp.r_["r", x].sum())(X), "r_")
    raises_with(ValueError, lambda: cr.grad(lambda x: cnp.r_[x, "0"].sum())(X), "first")
    raises_with(ValueError, lambda: cr.grad(lambda x: cnp.c_["a,b", x].sum())(X), "c_")
    raises_with(ValueError, lambda: cr.grad(lambda x: cnp.r_["0,1,2,3", x].sum())(X), "1 to 3")


A = rng.standard_normal((4, 7))


@pytest.mark.parametrize("kth, axis", [(3, -1), ([0, 6], 1), (2, 0), (5, None)], ids=str)
def test_partition_matches_numpy_and_differentiates(kth, axis):
    np.testing.assert_array_equal(
        _primal(lambda a: cnp.partition(a, kth, axis), A), np.partition(A, kth, axis)
    )
    check_grads(lambda a: np.partition(a, kth, axis), (A,), order=2)


def test_partition_derivative_follows_the_element_put_at_kth():
    # The 4th smallest of each row gets the whole derivative of that output position.
    grad = cr.grad(lambda a: cnp.sum(cnp.partition(a, 3, axis=1)[:, 3]))(A)
    expected = (A == np.sort(A, axis=1)[:, 3:4]).astype(float)
    np.testing.assert_array_equal(grad, expected)


def test_partition_refuses_structured_order():
    raises_with(
        TypeError, lambda: cr.grad(lambda a: cnp.partition(a, 1, order="f").sum())(A), "order"
    )
