"""cumulative_sum, cumulative_prod, nancumsum, nancumprod (chainrule/numpy/cumulative.py):
derivatives, include_initial, NaNs, values and dtypes against NumPy, errors, dispatch."""

import functools

import numpy as np
import pytest
from assertions import raises_with
from cases import SHAPES, Case

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.testing import check_grads

NEW_NAMES = hasattr(np, "cumulative_sum")  # NumPy >= 2.1
needs_new_names = pytest.mark.skipif(not NEW_NAMES, reason="NumPy < 2.1 has no cumulative_sum")

CUMULATIVE = [Case(cnp.nancumsum), Case(cnp.nancumprod)]
if NEW_NAMES:
    CUMULATIVE += [
        Case(cnp.cumulative_sum),
        Case(cnp.cumulative_prod),
        Case(cnp.cumulative_sum, params={"include_initial": True}, name="cumulative_sum_initial"),
        Case(cnp.cumulative_prod, params={"include_initial": True}, name="cumulative_prod_initial"),
    ]


def axis_choices(case, shape):
    if str(case).startswith("cumulative") and len(shape) > 1:
        return [0, -1, 1]  # axis is required there
    return [None] + ([0, -1] if shape else [])


@pytest.mark.parametrize("case", CUMULATIVE, ids=str)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_cumulative_rules(case, shape, rng):
    for axis in axis_choices(case, shape):
        f = functools.partial(case.fn, **case.params, axis=axis)
        check_grads(f, (case.sample(rng, shape),), order=2, modes=("fwd", "rev"))


def test_nan_versions_skip_nans_with_derivative_zero():
    x = np.array([[2.0, np.nan, 3.0], [np.nan, 0.5, 4.0]])
    for name in ("nancumsum", "nancumprod"):
        for axis in (None, 0, 1):
            f = functools.partial(getattr(cnp, name), axis=axis)
            out, pullback = cr.vjp(f, x)
            np.testing.assert_array_equal(out, getattr(np, name)(x, axis=axis))
            (x_bar,) = pullback(np.ones_like(out))
            assert np.all(x_bar[np.isnan(x)] == 0) and np.all(np.isfinite(x_bar))
    np.testing.assert_array_equal(cr.grad(lambda v: cnp.nancumprod(v)[-1])(x[0]), [3.0, 0.0, 2.0])


@needs_new_names
def test_include_initial_prepends_the_identity():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    out, _ = cr.vjp(lambda v: cnp.cumulative_prod(v, axis=1, include_initial=True), x)
    np.testing.assert_array_equal(out, [[1.0, 1.0, 2.0], [1.0, 3.0, 12.0]])
    jacobian = cr.jacfwd(lambda v: cnp.cumulative_sum(v, include_initial=True))(x[0])
    np.testing.assert_array_equal(jacobian, [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0]])


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=str)
def test_values_and_dtypes_match_numpy(dtype, rng):
    x = rng.uniform(-2, 2, (3, 4)).astype(dtype)
    x[1, 2] = np.nan
    checks = [("nancumsum", {}), ("nancumprod", {"axis": 1}), ("nancumsum", {"dtype": np.float64})]
    if NEW_NAMES:
        checks += [
            ("cumulative_sum", {"axis": 0}),
            ("cumulative_prod", {"axis": -1, "include_initial": True}),
            ("cumulative_sum", {"axis": 1, "dtype": np.float64, "include_initial": True}),
        ]
    for name, options in checks:
        expected = getattr(np, name)(x, **options)
        actual, _ = cr.vjp(lambda v, name=name, o=options: getattr(cnp, name)(v, **o), x)
        assert actual.dtype == expected.dtype and actual.shape == expected.shape, name
        np.testing.assert_allclose(actual, expected, rtol=1e-6 if dtype == np.float32 else 1e-14)
    if NEW_NAMES:  # a 0-d array is scanned as a vector of one, as in NumPy
        for include_initial in (False, True):
            f = functools.partial(cnp.cumulative_sum, include_initial=include_initial)
            actual, _ = cr.vjp(f, np.asarray(2.0, dtype))
            np.testing.assert_array_equal(
                actual, np.cumulative_sum(np.asarray(2.0, dtype), include_initial=include_initial)
            )


def test_numpy_functions_on_tracers_dispatch_here(rng):
    x = rng.uniform(0.5, 2, (2, 3))
    names = ["nancumsum", "nancumprod"] + (
        ["cumulative_sum", "cumulative_prod"] if NEW_NAMES else []
    )
    for name in names:
        expected = cr.grad(lambda v, n=name: cnp.sum(getattr(cnp, n)(v, axis=1) ** 2))(x)
        actual = cr.grad(lambda v, n=name: np.sum(getattr(np, n)(v, axis=1) ** 2))(x)
        np.testing.assert_array_equal(actual, expected)


def test_errors_name_the_function_and_the_fix(rng):
    x = rng.uniform(0.5, 2, (2, 3))

    def grad_of(f):
        return lambda: cr.grad(lambda v: cnp.sum(f(v)))(x)

    raises_with(
        TypeError, grad_of(lambda v: cnp.nancumsum(v, out=np.zeros(6))), "nancumsum", "out="
    )
    if NEW_NAMES:
        raises_with(ValueError, grad_of(cnp.cumulative_sum), "cumulative_sum", "axis= is required")
        raises_with(TypeError, grad_of(lambda v: cnp.cumulative_prod(v, axis=0, out=v)), "out=")
