"""logsumexp, logcumsumexp and their base-2 twins (chainrule/numpy/logaddexp_reductions.py),
also reached as np.logaddexp.reduce / .accumulate on tracers: derivatives (the softmax),
stability with huge values and -inf entries, values and dtypes against NumPy."""

import functools

import numpy as np
import pytest
from assertions import raises_with
from cases import SHAPES, Case

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.testing import check_grads

LOG_SUMS = [
    Case(cnp.logsumexp),
    Case(cnp.logsumexp2),
    Case(cnp.logsumexp, params={"keepdims": True}, name="logsumexp_keepdims"),
]
LOG_SCANS = [Case(cnp.logcumsumexp), Case(cnp.logcumsumexp2)]
LONG_SHAPES = [(7,), (2, 5)]  # scans over more than one doubling step


def axis_choices(shape):
    return {0: [None], 1: [None, 0], 2: [None, 0, -1, (0, 1)]}[len(shape)]


@pytest.mark.parametrize("case", LOG_SUMS, ids=str)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_log_sum_rules(case, shape, rng):
    for axis in axis_choices(shape):
        f = functools.partial(case.fn, **case.params, axis=axis)
        check_grads(f, (case.sample(rng, shape),), order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("case", LOG_SCANS, ids=str)
@pytest.mark.parametrize("shape", SHAPES + LONG_SHAPES, ids=str)
def test_log_scan_rules(case, shape, rng):
    for axis in [None] + ([0, -1] if shape else []):
        f = functools.partial(case.fn, axis=axis)
        check_grads(f, (case.sample(rng, shape),), order=2, modes=("fwd", "rev"))


def test_gradient_is_the_softmax(rng):
    x = rng.normal(size=(2, 3))
    softmax = np.exp(x) / np.exp(x).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(cr.grad(lambda v: cnp.sum(cnp.logsumexp(v, axis=1)))(x), softmax)
    np.testing.assert_allclose(cr.jacfwd(cnp.logsumexp)(x[0]), softmax[0])


def test_huge_values_and_minus_infinity():
    x = np.array([1000.0, 1000.0, -np.inf])
    assert cnp.logsumexp(x) == np.logaddexp.reduce(x) == 1000.0 + np.log(2.0)
    np.testing.assert_array_equal(cr.grad(cnp.logsumexp)(x), [0.5, 0.5, 0.0])
    tiny = np.array([-1000.0, -1000.0])  # exp underflows to 0 without the shift
    assert cnp.logsumexp(tiny) == np.logaddexp.reduce(tiny)
    np.testing.assert_array_equal(cr.grad(cnp.logsumexp)(tiny), [0.5, 0.5])
    # A +inf entry gives +inf (as logaddexp does), with derivative 0 rather than NaN.
    assert cnp.logsumexp(-x) == np.inf
    np.testing.assert_array_equal(cr.grad(lambda v: cnp.logsumexp(-v))(x), np.zeros(3))
    empty = np.full(3, -np.inf)
    assert cnp.logsumexp(empty) == -np.inf
    np.testing.assert_array_equal(cr.grad(cnp.logsumexp)(empty), np.zeros(3))
    np.testing.assert_array_equal(cr.grad(cnp.logsumexp2)(empty), np.zeros(3))
    # A leading run of -inf in a scan: -inf with derivative 0, never NaN.
    z = np.array([-np.inf, -np.inf, 0.0, 1000.0, -np.inf, 3.0])
    out, _ = cr.vjp(cnp.logcumsumexp, z)
    np.testing.assert_array_equal(out, np.logaddexp.accumulate(z))
    jacobian = cr.jacrev(cnp.logcumsumexp)(z)
    assert np.all(np.isfinite(jacobian))
    np.testing.assert_array_equal(jacobian[1], np.zeros(6))
    np.testing.assert_array_equal(jacobian[-1], [0, 0, 0, 1, 0, 0])
    np.testing.assert_array_equal(cr.jacfwd(cnp.logcumsumexp)(z), jacobian)


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=str)
def test_values_and_dtypes_match_numpy(dtype, rng):
    x = rng.normal(size=(3, 9)).astype(dtype) * 10
    for name, ufunc in [("logsumexp", np.logaddexp), ("logsumexp2", np.logaddexp2)]:
        for axis, keepdims in [(0, False), (1, True), (-1, False)]:
            expected = ufunc.reduce(x, axis=axis, keepdims=keepdims)
            f = functools.partial(getattr(cnp, name), axis=axis, keepdims=keepdims)
            actual, _ = cr.vjp(f, x)
            assert actual.dtype == expected.dtype == dtype and actual.shape == expected.shape
            np.testing.assert_allclose(
                actual, expected, rtol=1e-6 if dtype == np.float32 else 1e-14
            )
        assert getattr(cnp, name)(x).dtype == dtype
    for name, ufunc in [("logcumsumexp", np.logaddexp), ("logcumsumexp2", np.logaddexp2)]:
        for axis in (0, 1, None):
            expected = ufunc.accumulate(x.reshape(-1) if axis is None else x, axis=axis or 0)
            for traced in (True, False):
                f = functools.partial(getattr(cnp, name), axis=axis)
                actual = cr.vjp(f, x)[0] if traced else f(x)
                assert actual.dtype == expected.dtype == dtype and actual.shape == expected.shape
                np.testing.assert_allclose(
                    actual, expected, rtol=1e-6 if dtype == np.float32 else 1e-14
                )


def test_ufunc_methods_on_tracers_dispatch_here(rng):
    x = rng.normal(size=(3, 4))
    for numpy_call, cnp_call in [
        (lambda v: np.logaddexp.reduce(v), lambda v: cnp.logsumexp(v, axis=0)),
        (
            lambda v: np.logaddexp.reduce(v, axis=1, keepdims=True),
            lambda v: cnp.logsumexp(v, 1, True),
        ),
        (lambda v: np.logaddexp.reduce(v, axis=None), lambda v: cnp.logsumexp(v)),
        (
            lambda v: np.logaddexp.reduce(v, initial=2.0),
            lambda v: cnp.logaddexp(cnp.logsumexp(v, 0), 2.0),
        ),
        (lambda v: np.logaddexp2.reduce(v, axis=1), lambda v: cnp.logsumexp2(v, axis=1)),
        (lambda v: np.logaddexp.accumulate(v), lambda v: cnp.logcumsumexp(v, axis=0)),
        (lambda v: np.logaddexp2.accumulate(v, axis=1), lambda v: cnp.logcumsumexp2(v, axis=1)),
    ]:
        expected = cr.grad(lambda v, f=cnp_call: cnp.sum(f(v) ** 2))(x)
        np.testing.assert_array_equal(
            cr.grad(lambda v, f=numpy_call: np.sum(f(v) ** 2))(x), expected
        )
        assert np.all(expected != 0)


def test_errors_name_the_function_and_the_fix():
    z = np.array([1.0 + 1j, 2.0])
    raises_with(TypeError, lambda: cr.jvp(cnp.logsumexp, (z,), (z,)), "logsumexp", "real numbers")
    raises_with(TypeError, lambda: cr.jvp(cnp.logcumsumexp, (z,), (z,)), "logcumsumexp")
    raises_with(
        TypeError,
        lambda: cr.grad(lambda v: np.logaddexp.reduce(v, where=v > 0))(np.ones(2)),
        "where=",
    )
