"""unique, union1d, intersect1d, setdiff1d, setxor1d and isin
(chainrule/numpy/set_operations.py).

Derivatives by check_grads where the inputs hold distinct values (ties make a set
operation jump), the exact gather at ties (first occurrence), values and dtypes against
NumPy, np.-dispatch, errors.
"""

import numpy as np
import pytest
from cases import Case

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.testing import check_grads

OTHER = np.array([10.5, 0.25, 30.0, 10.5])

# Functions of a (3, 4) array of distinct values, none equal to OTHER's.
CASES = [
    Case(cnp.unique, name="unique"),
    Case(lambda x: cnp.unique(x, axis=1), name="unique_axis"),
    Case(lambda x: cnp.unique(x, return_index=True, return_counts=True)[0], name="unique_extras"),
    Case(lambda x: cnp.union1d(x, OTHER), name="union1d"),
    Case(lambda x: cnp.union1d(OTHER, x[0]), name="union1d_second"),
    Case(lambda x: cnp.intersect1d(cnp.concatenate([x[0], OTHER]), x), name="intersect1d"),
    Case(
        lambda x: cnp.intersect1d(OTHER, cnp.concatenate([x[1], OTHER[:2]])),
        name="intersect1d_second_traced",
    ),
    Case(lambda x: cnp.setdiff1d(x, x[1]), name="setdiff1d"),
    Case(lambda x: cnp.setdiff1d(x[0], OTHER, assume_unique=True), name="setdiff1d_unique"),
    Case(lambda x: cnp.setxor1d(x[:2], x[1:]), name="setxor1d"),
    Case(lambda x: cnp.setxor1d(x[0], OTHER, assume_unique=True), name="setxor1d_unique"),
]


def _distinct(rng, shape=(3, 4)):
    return rng.permutation(np.arange(np.prod(shape)) * 0.75 + 1.0).reshape(shape)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_rules(case, rng):
    check_grads(case.fn, (_distinct(rng),), order=2, modes=("fwd", "rev"))


def test_ties_give_the_derivative_to_the_first_occurrence():
    x = np.array([2.0, 1.0, 2.0, 1.0, 3.0])
    np.testing.assert_array_equal(cr.grad(lambda x: cnp.unique(x).sum())(x), [1, 1, 0, 0, 1])
    np.testing.assert_array_equal(
        cr.grad(lambda x: cnp.union1d(x, x[::-1]).sum())(x), [1, 1, 0, 0, 1]
    )
    # Common values come from ar1 when both are traced.
    grads = cr.grad(lambda a, b: cnp.intersect1d(a, b).sum(), argnums=(0, 1))(x, x[:2] * 1.0)
    np.testing.assert_array_equal(grads[0], [1, 1, 0, 0, 0])
    np.testing.assert_array_equal(grads[1], [0, 0])
    np.testing.assert_array_equal(
        cr.grad(lambda x: cnp.setxor1d(x, np.array([3.0])).sum())(x), [1, 1, 0, 0, 0]
    )


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex128], ids=str)
def test_values_and_dtypes_match_numpy(dtype, rng):
    x = np.round(rng.uniform(0, 4, (3, 4)) * 2) / 2
    x = x.astype(dtype)
    y = np.array([1.0, 2.5, 7.0, 1.0]).astype(dtype)
    calls = [case.fn for case in CASES] + [
        lambda x: cnp.unique(x, return_index=True, return_inverse=True, return_counts=True),
        lambda x: cnp.unique(x, axis=0, return_inverse=True),
        lambda x: cnp.unique(x, sorted=False),
        lambda x: cnp.union1d(x, y),
        lambda x: cnp.intersect1d(x, y, return_indices=True),
        lambda x: cnp.intersect1d(y, x, assume_unique=False),
        lambda x: cnp.setdiff1d(x, y),
        lambda x: cnp.setxor1d(x, y),
        lambda x: cnp.setxor1d(y, x[0], assume_unique=True),
        lambda x: cnp.isin(x, y),
        lambda x: cnp.isin(x, y, invert=True),
    ]
    for i, f in enumerate(calls):
        actual, _ = cr.vjp(lambda x, f=f: f(x), x) if not _is_plain(f, x) else (f(x), None)
        expected = f(x)  # on a plain array chainrule.numpy calls NumPy itself
        for a, e in zip(_as_tuple(actual), _as_tuple(expected)):
            assert a.dtype == e.dtype and a.shape == e.shape, i
            np.testing.assert_array_equal(a, e, err_msg=str(i))


def _is_plain(f, x):
    return isinstance(f(x), np.ndarray) and f(x).dtype == bool


def _as_tuple(value):
    return value if isinstance(value, tuple) else (value,)


def test_plain_results_on_tracers(rng):
    x = _distinct(rng)
    seen = {}

    def f(x):
        seen["isin"] = cnp.isin(x, x[0])
        seen["index"] = cnp.unique(x, return_index=True)[1]
        return cnp.sum(x)

    cr.grad(f)(x)
    np.testing.assert_array_equal(seen["isin"], np.isin(x, x[0]))
    np.testing.assert_array_equal(seen["index"], np.unique(x, return_index=True)[1])
    assert type(seen["isin"]) is np.ndarray


def test_numpy_functions_on_tracers_dispatch_here(rng):
    x = _distinct(rng)
    calls = [
        (lambda x: np.unique(x), lambda x: cnp.unique(x)),
        (lambda x: np.union1d(x, OTHER), lambda x: cnp.union1d(x, OTHER)),
        (lambda x: np.intersect1d(x, x[0]), lambda x: cnp.intersect1d(x, x[0])),
        (lambda x: np.setdiff1d(x, x[0]), lambda x: cnp.setdiff1d(x, x[0])),
        (lambda x: np.setxor1d(x, x[0] * 2), lambda x: cnp.setxor1d(x, x[0] * 2)),
        (lambda x: x[np.isin(x, x[0])], lambda x: x[cnp.isin(x, x[0])]),
    ]
    for numpy_call, cnp_call in calls:
        expected = cr.grad(lambda x, f=cnp_call: cnp.sum(f(x) ** 2))(x)
        actual = cr.grad(lambda x, f=numpy_call: np.sum(f(x) ** 2))(x)
        np.testing.assert_array_equal(actual, expected)
        assert np.any(expected != 0)
