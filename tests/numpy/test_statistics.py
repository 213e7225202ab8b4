"""Order statistics (chainrule/numpy/statistics.py): percentile, quantile, median, nan twins.

Derivatives by check_grads in both modes at several shapes and axes, values and dtypes
against NumPy for every method, the sort convention at ties, NaN handling, errors, and
np.percentile & co. on tracers.
"""

import functools
import itertools
import warnings

import numpy as np
import pytest
from assertions import raises_with
from cases import SHAPES, Case

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.numpy.statistics import _METHODS
from chainrule.testing import check_grads

STATISTICS = [
    Case(cnp.quantile, params={"q": 0.3}, name="quantile"),
    Case(cnp.quantile, params={"q": [0.0, 0.45, 1.0]}, name="quantile_q_vector"),
    Case(cnp.percentile, params={"q": 70}, name="percentile"),
    Case(cnp.percentile, params={"q": [[10, 20], [60, 95]]}, name="percentile_q_matrix"),
    Case(cnp.median),
    Case(cnp.nanquantile, params={"q": 0.6}, name="nanquantile"),
    Case(cnp.nanpercentile, params={"q": [10, 90]}, name="nanpercentile"),
    Case(cnp.nanmedian),
]
# Every NumPy method, at one q between sample points and one on the ends.
METHODS = [
    Case(cnp.quantile, params={"q": [0.0, 0.37, 0.5, 1.0], "method": m}, name=f"quantile_{m}")
    for m in _METHODS
]


def axis_choices(shape):
    return {0: [None], 1: [None, 0], 2: [None, 0, -1, (0, 1)]}[len(shape)]


@pytest.mark.parametrize("case", STATISTICS, ids=str)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_statistics_rules(case, shape, rng):
    for axis, keepdims in itertools.product(axis_choices(shape), (False, True)):
        f = functools.partial(case.fn, **case.params, axis=axis, keepdims=keepdims)
        check_grads(f, (case.sample(rng, shape),), order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("case", METHODS, ids=str)
def test_every_method_is_differentiable(case, rng):
    for axis in (None, 1):
        f = functools.partial(case.fn, **case.params, axis=axis)
        check_grads(f, (case.sample(rng, (3, 4)),), order=2, modes=("fwd", "rev"))


def _values(function, x, *args, **kwargs):
    """The result of chainrule.numpy's ``function`` on traced x, and NumPy's."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices
        expected = getattr(np, function)(x, *args, **kwargs)
        actual, _ = cr.vjp(lambda v: getattr(cnp, function)(v, *args, **kwargs), x)
    return actual, expected


def _assert_same(actual, expected, dtype):
    assert np.shape(actual) == np.shape(expected)
    assert actual.dtype == np.asarray(expected).dtype
    single = dtype == np.float32
    np.testing.assert_allclose(actual, expected, rtol=1e-6 if single else 1e-14, atol=1e-6 * single)


@pytest.mark.parametrize("method", _METHODS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=str)
def test_values_and_dtypes_match_numpy_for_every_method(method, dtype, rng):
    x = rng.normal(size=(3, 4, 5)).astype(dtype)
    for axis, q, keepdims in itertools.product(
        [None, 0, -1, (0, 2)], [0.3, [0.0, 0.25, 1.0], np.array([0.1, 0.9], dtype)], (False, True)
    ):
        for function, scale in (("quantile", 1), ("percentile", 100), ("nanquantile", 1)):
            q_scaled = q if scale == 1 else np.multiply(q, scale).tolist()
            options = dict(axis=axis, method=method, keepdims=keepdims)
            _assert_same(*_values(function, x, q_scaled, **options), dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=str)
def test_median_values_and_dtypes_match_numpy(dtype, rng):
    for shape in [(), (1,), (4,), (5,), (2, 3), (3, 4, 2)]:
        x = np.asarray(rng.normal(size=shape).astype(dtype))
        axes = [None] + list(range(x.ndim)) + ([(0, -1)] if x.ndim > 1 else [])
        for function, axis, keepdims in itertools.product(
            ["median", "nanmedian"], axes, (False, True)
        ):
            _assert_same(*_values(function, x, axis=axis, keepdims=keepdims), dtype)


def test_nan_versions_skip_nans_and_others_propagate_them():
    x = np.array([[1.0, np.nan, 4.0, 2.0], [np.nan, np.nan, np.nan, np.nan], [3.0, 1.0, 0.0, 5.0]])
    for function, args in [
        ("nanmedian", ()),
        ("nanquantile", (0.3,)),
        ("nanpercentile", ([25, 75],)),
        ("median", ()),
        ("quantile", (0.3,)),
        ("percentile", ([25, 75],)),
    ]:
        actual, expected = _values(function, x, *args, axis=1)
        np.testing.assert_array_equal(actual, expected)
    # NaNs get no derivative from a nan function.
    gradient = cr.grad(lambda v: cnp.nansum(cnp.nanmedian(v, axis=1)))(x)
    np.testing.assert_array_equal(gradient[0], [0.0, 0.0, 0.0, 1.0])  # median of 1, 4, 2
    np.testing.assert_array_equal(gradient[1], np.zeros(4))  # all NaN
    np.testing.assert_array_equal(gradient[2], [0.5, 0.5, 0.0, 0.0])  # mean of 1 and 3


def test_ties_follow_the_sort_convention():
    x = np.array([2.0, 1.0, 2.0, 2.0, 0.0])
    # Stable sort: [0.0 (4), 1.0 (1), 2.0 (0), 2.0 (2), 2.0 (3)]; the median is position 2.
    np.testing.assert_array_equal(cr.grad(cnp.median)(x), [1.0, 0, 0, 0, 0])
    np.testing.assert_array_equal(cr.jacfwd(cnp.median)(x), [1.0, 0, 0, 0, 0])
    for q in (0.0, 0.3, 0.75, 1.0):
        np.testing.assert_allclose(
            cr.grad(lambda v, q=q: cnp.quantile(v, q))(x),
            cr.grad(lambda v, q=q: cnp.interp(q * 4, np.arange(5.0), cnp.sort(v)))(x),
        )
    np.testing.assert_array_equal(cr.grad(cnp.median)(np.ones(3)), [0.0, 1.0, 0.0])


def test_interpolation_weights_of_linear_quantiles():
    x = np.array([4.0, 1.0, 3.0, 2.0])
    # q = 0.4 on 4 points: index 1.2, 0.8 of the 2nd smallest (x[3]) + 0.2 of the 3rd (x[2]).
    np.testing.assert_allclose(cr.grad(lambda v: cnp.quantile(v, 0.4))(x), [0, 0, 0.2, 0.8])
    np.testing.assert_allclose(cr.grad(cnp.median)(x), [0, 0, 0.5, 0.5])
    gradient = cr.grad(lambda v: cnp.quantile(v, 0.4, method="midpoint"))(x)
    np.testing.assert_allclose(gradient, [0, 0, 0.5, 0.5])
    np.testing.assert_allclose(
        cr.grad(lambda v: cnp.quantile(v, 0.4, method="lower"))(x), [0, 0, 0, 1]
    )


def test_float32_in_gives_float32_out_and_derivatives(rng):
    x = rng.normal(size=(2, 3)).astype(np.float32)
    for f in [cnp.median, lambda v: cnp.percentile(v, 30.0), lambda v: cnp.nanquantile(v, 0.5)]:
        out, pullback = cr.vjp(f, x)
        assert out.dtype == np.float32
        assert pullback(np.ones_like(out))[0].dtype == np.float32


def test_numpy_functions_on_tracers_dispatch_here(rng):
    x = rng.normal(size=(3, 4))
    for numpy_call, cnp_call in [
        (
            lambda v: np.percentile(v, [20, 80], axis=0),
            lambda v: cnp.percentile(v, [20, 80], axis=0),
        ),
        (
            lambda v: np.quantile(v, 0.3, method="hazen"),
            lambda v: cnp.quantile(v, 0.3, method="hazen"),
        ),
        (lambda v: np.median(v, axis=1), lambda v: cnp.median(v, axis=1)),
        (lambda v: np.nanmedian(v, axis=1), lambda v: cnp.nanmedian(v, axis=1)),
        (lambda v: np.nanpercentile(v, 40), lambda v: cnp.nanpercentile(v, 40)),
        (lambda v: np.nanquantile(v, [0.5]), lambda v: cnp.nanquantile(v, [0.5])),
    ]:
        expected = cr.grad(lambda v, f=cnp_call: cnp.sum(f(v) ** 2))(x)
        np.testing.assert_array_equal(
            cr.grad(lambda v, f=numpy_call: np.sum(f(v) ** 2))(x), expected
        )
        assert np.any(expected != 0)


def test_plain_arrays_get_numpy_results(rng):
    x = rng.normal(size=(3, 4))
    weights = rng.uniform(0.5, 1.0, (3, 4))
    assert cnp.median(x) == np.median(x)
    options = dict(axis=0, method="inverted_cdf", weights=weights)
    np.testing.assert_array_equal(cnp.quantile(x, 0.5, **options), np.quantile(x, 0.5, **options))


def test_errors_name_the_function_and_the_fix(rng):
    x = rng.normal(size=(3, 4))

    def grad_of(f):
        return lambda: cr.grad(lambda v: cnp.sum(f(v)))(x)

    raises_with(
        TypeError, grad_of(lambda v: cnp.quantile(x, v[0, 0] ** 2 / 10)), "quantile", "q is traced"
    )
    raises_with(TypeError, lambda: cr.grad(lambda q: cnp.percentile(x, q))(30.0), "stop_gradient")
    raises_with(ValueError, grad_of(lambda v: cnp.quantile(v, 1.5)), "quantile", "[0, 1]")
    raises_with(ValueError, grad_of(lambda v: cnp.percentile(v, -1)), "percentile", "[0, 100]")
    raises_with(ValueError, grad_of(lambda v: cnp.quantile(v, 0.5, method="best")), "method='best'")
    raises_with(
        NotImplementedError,
        grad_of(lambda v: cnp.quantile(v, 0.5, method="inverted_cdf", weights=np.ones((3, 4)))),
        "weights=",
    )
    raises_with(TypeError, grad_of(lambda v: cnp.median(v, out=np.zeros(()))), "median", "out=")
    raises_with(
        TypeError,
        lambda: cr.jvp(cnp.median, (np.array([1.0 + 1j, 2.0]),), (np.ones(2, complex),)),
        "real numbers",
    )
    raises_with(np.exceptions.AxisError, grad_of(lambda v: cnp.nanmedian(v, axis=2)), "nanmedian")
