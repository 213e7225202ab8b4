"""bincount and histogram (chainrule/numpy/counting.py): differentiable in the weights.

Derivatives by check_grads, values and dtypes against NumPy (bin edges included), plain
counts, np.-dispatch, errors.
"""

import numpy as np
import pytest
from assertions import raises_with
from cases import Case

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.testing import check_grads

BINS = np.array([0, 2, 2, 5, 0, 1, 1, 1, 3, 3, 3, 3])
SAMPLES = np.array([0.1, 0.4, 0.9, 0.5, 0.45, 1.0, 0.0, 0.7, 0.2, 0.95, 0.3, 0.65])

# Functions of 12 weights.
CASES = [
    Case(lambda w: cnp.bincount(BINS, w), name="bincount"),
    Case(lambda w: cnp.bincount(BINS, w, minlength=9), name="bincount_minlength"),
    Case(lambda w: cnp.histogram(SAMPLES, bins=3, weights=w)[0], name="histogram"),
    Case(
        lambda w: cnp.histogram(SAMPLES, bins=[0.0, 0.25, 0.6, 1.0], weights=w)[0],
        name="histogram_edges",
    ),
    Case(
        lambda w: cnp.histogram(SAMPLES, bins=4, range=(0.2, 0.8), weights=w)[0],
        name="histogram_range",
    ),
    Case(
        lambda w: cnp.histogram(SAMPLES, bins=3, weights=w, density=True)[0],
        name="histogram_density",
        domain=(0.5, 2.0),
    ),
    Case(
        lambda w: cnp.histogram(SAMPLES.reshape(3, 4), bins=5, weights=w.reshape(3, 4))[0],
        name="histogram_2d",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_rules(case, rng):
    check_grads(case.fn, (case.sample(rng, (12,)),), order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=str)
def test_values_and_dtypes_match_numpy(dtype, rng):
    w = rng.normal(size=12).astype(dtype)
    for case in CASES:
        actual, _ = cr.vjp(case.fn, w)
        expected = case.fn(w)  # on a plain array chainrule.numpy calls NumPy itself
        assert actual.dtype == expected.dtype and actual.shape == expected.shape, case.name
        np.testing.assert_allclose(actual, expected, rtol=1e-6 if dtype == np.float32 else 1e-15)
    for bins in (3, [0.0, 0.5, 1.0]):
        traced = cr.vjp(lambda w, b=bins: cnp.histogram(SAMPLES, b, weights=w)[1] + 0 * w[0], w)
        np.testing.assert_array_equal(traced[0], np.histogram(SAMPLES, bins, weights=w)[1])


def test_counts_of_traced_samples_are_plain(rng):
    x = rng.normal(size=10)
    seen = {}

    def f(x):
        seen["histogram"] = cnp.histogram(x, bins=4)
        seen["density"] = cnp.histogram(x, bins=4, density=True)
        return cnp.sum(x)

    cr.grad(f)(x)
    for key, kwargs in (("histogram", {}), ("density", {"density": True})):
        for actual, expected in zip(seen[key], np.histogram(x, bins=4, **kwargs)):
            assert type(actual) is np.ndarray
            np.testing.assert_array_equal(actual, expected)


def test_numpy_functions_on_tracers_dispatch_here(rng):
    w = rng.normal(size=12)
    for numpy_call, cnp_call in [
        (lambda w: np.bincount(BINS, w), lambda w: cnp.bincount(BINS, w)),
        (
            lambda w: np.histogram(SAMPLES, 3, weights=w)[0],
            lambda w: cnp.histogram(SAMPLES, 3, weights=w)[0],
        ),
    ]:
        expected = cr.grad(lambda w, f=cnp_call: cnp.sum(f(w) ** 2))(w)
        actual = cr.grad(lambda w, f=numpy_call: np.sum(f(w) ** 2))(w)
        np.testing.assert_array_equal(actual, expected)
        assert np.any(expected != 0)


def test_errors_name_the_function_and_the_fix(rng):
    w = rng.normal(size=12)

    def grad_of(f, value=w):
        return lambda: cr.grad(lambda v: cnp.sum(f(v)))(value)

    raises_with(TypeError, grad_of(lambda v: cnp.bincount(v)), "bincount", "plain integer")
    raises_with(
        ValueError, grad_of(lambda v: cnp.bincount(BINS[:5], v)), "bincount", "one weight per entry"
    )
    raises_with(ValueError, grad_of(lambda v: cnp.bincount(-BINS, v)), "bincount", "negative")
    raises_with(TypeError, grad_of(lambda v: cnp.bincount(BINS * 1.5, v)), "bincount", "integers")
    raises_with(
        ValueError,
        grad_of(lambda v: cnp.histogram(SAMPLES[:3], weights=v)),
        "histogram",
        "one weight per sample",
    )
