"""chainrule.scipy.signal: convolutions and filters against SciPy's values, both modes of
differentiation at order 2 against finite differences, dtypes and error messages."""

import numpy as np
import pytest
import scipy.signal
from assertions import raises_with
from cases import Case

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.scipy import signal
from chainrule.testing import check_grads


def _traced_value(function, args):
    """``function(*args)`` computed on tracers (a forward sweep with zero tangents)."""
    return cr.jvp(function, args, tuple(np.zeros_like(arg) for arg in args))[0]


def _assert_same(ours, theirs, rtol=1e-10):
    if isinstance(theirs, tuple):
        assert len(ours) == len(theirs)
        for mine, reference in zip(ours, theirs):
            _assert_same(mine, reference, rtol)
        return
    assert np.shape(ours) == np.shape(theirs)
    assert np.asarray(ours).dtype == np.asarray(theirs).dtype
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=rtol)


# ---------------------------------------------------------------------------------------
# Convolutions.

# (in1, in2) shapes: 1-d either longer, 2-d with in2 larger on one or both axes, 3-d.
CONVOLUTION_SHAPES = [
    ((5,), (3,)),
    ((2,), (4,)),
    ((4, 3), (2, 2)),
    ((2, 3), (3, 4)),
    ((2, 3, 2), (2, 1, 2)),
]

CONVOLUTIONS = [
    Case(
        lambda a, v, function=function, mode=mode, method=method: function(a, v, mode, method),
        arity=2,
        name=f"{function.__name__}_{mode}_{method}",
    )
    for function in (signal.convolve, signal.correlate)
    for mode in ("full", "same", "valid")
    for method in ("direct", "fft")
]


@pytest.mark.parametrize("case", CONVOLUTIONS, ids=str)
@pytest.mark.parametrize("shapes", CONVOLUTION_SHAPES, ids=str)
def test_convolution_rules(case, shapes, rng):
    check_grads(case.fn, case.sample_args(rng, shapes), order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("function", ["convolve", "correlate"])
@pytest.mark.parametrize("method", ["auto", "direct", "fft"])
@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("shapes", [*CONVOLUTION_SHAPES, ((3, 4), (6, 5)), ((), ())], ids=str)
def test_convolution_values_equal_scipys(function, method, mode, shapes, rng):
    args = tuple(rng.normal(size=shape) for shape in shapes)
    ours = _traced_value(lambda a, v: getattr(signal, function)(a, v, mode, method), args)
    _assert_same(ours, getattr(scipy.signal, function)(*args, mode, method))


def test_complex_convolutions_are_plain_transposes(rng):
    a = rng.normal(size=(3, 2)) + 1j * rng.normal(size=(3, 2))
    v = rng.normal(size=(2, 2)) + 1j * rng.normal(size=(2, 2))
    for method in ("direct", "fft"):
        _assert_same(
            _traced_value(lambda a, v, m=method: signal.correlate(a, v, "same", m), (a, v)),
            scipy.signal.correlate(a, v, "same", method),
        )
        check_grads(lambda a, v, m=method: signal.correlate(a, v, "full", m), (a, v), order=2)


FFT_CONVOLUTIONS = [
    Case(
        lambda a, v, function=function, mode=mode, axes=axes: function(a, v, mode, axes),
        arity=2,
        name=f"{function.__name__}_{mode}_{axes}",
    )
    for function in (signal.fftconvolve, signal.oaconvolve)
    for mode in ("full", "same", "valid")
    for axes in (None, 1, (0, -1))
]


# Batched shapes: axis 0 broadcasts (length 1 in in2) when it is not convolved.
@pytest.mark.parametrize("case", FFT_CONVOLUTIONS, ids=str)
@pytest.mark.parametrize("shapes", [((2, 5), (1, 3)), ((3, 4), (3, 2))], ids=str)
def test_fft_convolution_rules_and_values(case, shapes, rng):
    args = case.sample_args(rng, shapes)
    check_grads(case.fn, args, order=2, modes=("fwd", "rev"))
    function, mode, axes = case.fn.__defaults__
    reference = getattr(scipy.signal, function.__name__)(*args, mode, axes)
    _assert_same(_traced_value(case.fn, args), reference)


TWO_D = [
    Case(
        lambda a, v, c, function=function, mode=mode, boundary=boundary: function(
            a, v, mode, boundary, c
        ),
        arity=3,
        name=f"{function.__name__}_{mode}_{boundary}",
    )
    for function in (signal.convolve2d, signal.correlate2d)
    for mode in ("full", "same", "valid")
    for boundary in ("fill", "wrap", "symm")
]


@pytest.mark.parametrize("case", TWO_D, ids=str)
@pytest.mark.parametrize("shapes", [((4, 3), (2, 2)), ((2, 3), (3, 4)), ((3, 3), (3, 1))], ids=str)
def test_two_d_rules_and_values(case, shapes, rng):
    a, v, c = case.sample_args(rng, (*shapes, ()))
    if case.name.endswith(("wrap", "symm")) or "valid" in case.name:
        check_grads(lambda a, v: case.fn(a, v, c), (a, v), order=2, modes=("fwd", "rev"))
    else:  # the fill value is differentiable too
        check_grads(case.fn, (a, v, c), order=2, modes=("fwd", "rev"))
    function, mode, boundary = case.fn.__defaults__
    reference = getattr(scipy.signal, function.__name__)(a, v, mode, boundary, c)
    _assert_same(_traced_value(lambda a, v: case.fn(a, v, c), (a, v)), reference)


def test_float32_in_gives_float32_out(rng):
    a = rng.normal(size=(4, 3)).astype(np.float32)
    v = rng.normal(size=(2, 2)).astype(np.float32)
    for function in (signal.convolve, signal.correlate, signal.fftconvolve, signal.convolve2d):
        out = _traced_value(function, (a, v))
        assert out.dtype == np.float32
        np.testing.assert_allclose(out, getattr(scipy.signal, function.__name__)(a, v), rtol=1e-5)
    grad = cr.grad(lambda a: signal.convolve(a, v).sum())(a)
    assert grad.dtype == np.float32


def test_plain_arrays_go_to_scipy(rng):
    a, v = rng.normal(size=(4, 3)), rng.normal(size=(2, 2))
    assert np.array_equal(signal.convolve(a, v, method="direct"), scipy.signal.convolve(a, v))
    assert np.array_equal(
        signal.convolve2d(a, v, boundary="wrap"), scipy.signal.convolve2d(a, v, boundary="wrap")
    )


def test_convolution_errors(rng):
    a, v = rng.normal(size=(4, 3)), rng.normal(size=(3, 4))
    traced = lambda function: cr.grad(lambda a: function(a).sum())(a)  # noqa: E731
    raises_with(
        ValueError,
        lambda: traced(lambda a: signal.convolve(a, v, "valid")),
        "chainrule.scipy.signal.convolve",
        "at least as large",
    )
    raises_with(
        ValueError,
        lambda: traced(lambda a: signal.correlate(a, v[0])),
        "chainrule.scipy.signal.correlate",
        "same dimensionality",
    )
    raises_with(
        ValueError,
        lambda: traced(lambda a: signal.convolve(a, v, method="overlap")),
        "chainrule.scipy.signal.convolve",
        "method='overlap'",
    )
    raises_with(
        ValueError,
        lambda: traced(lambda a: signal.fftconvolve(a, v, mode="middle")),
        "chainrule.scipy.signal.fftconvolve",
        "mode='middle'",
    )
    raises_with(
        ValueError,
        lambda: traced(lambda a: signal.fftconvolve(a, v, axes=1)),
        "chainrule.scipy.signal.fftconvolve",
        "along axis 0",
    )
    raises_with(
        ValueError,
        lambda: traced(lambda a: signal.convolve2d(a[0], v[0])),
        "chainrule.scipy.signal.convolve2d",
        "2-d",
    )
    raises_with(
        ValueError,
        lambda: traced(lambda a: signal.correlate2d(a, v, boundary="reflect")),
        "chainrule.scipy.signal.correlate2d",
        "boundary='reflect'",
    )


# ---------------------------------------------------------------------------------------
# Filters (the rules of lfilter_p itself are tested in tests/primitives/test_filtering.py).

# (b, a): FIR, first order, second order with a[0] != 1, third order.
FILTERS = [
    (np.array([0.5, 0.25]), np.array([1.0])),
    (np.array([0.3]), np.array([1.0, -0.6])),
    (np.array([0.2, 0.4, 0.1]), np.array([1.5, -0.4, 0.2])),
    (np.array([1.0, -0.5]), np.array([1.0, -0.3, 0.1, 0.05])),
]


@pytest.mark.parametrize("coefficients", FILTERS, ids=lambda c: f"{len(c[0])}_{len(c[1])}")
@pytest.mark.parametrize("length", [1, 2, 7])
def test_lfilter_with_initial_state(coefficients, length, rng):
    b, a = coefficients
    order = max(len(a), len(b)) - 1
    x, zi = rng.normal(size=(2, length)), rng.normal(size=(2, order))
    function = lambda b, a, x, zi: signal.lfilter(b, a, x, zi=zi)  # noqa: E731
    _assert_same(_traced_value(function, (b, a, x, zi)), scipy.signal.lfilter(b, a, x, zi=zi))
    check_grads(function, (b, a, x, zi), order=2, modes=("fwd", "rev"))
    # zi broadcast along a batch axis of length 1, the signal along axis 0.
    function = lambda x, zi: signal.lfilter(b, a, x, axis=0, zi=zi)  # noqa: E731
    args = (x.T, zi[:1].T)
    _assert_same(_traced_value(function, args), scipy.signal.lfilter(b, a, *args[:1], 0, args[1]))
    check_grads(function, args, order=1, modes=("fwd", "rev"))


@pytest.mark.parametrize("coefficients", FILTERS, ids=lambda c: f"{len(c[0])}_{len(c[1])}")
def test_lfilter_zi(coefficients):
    _assert_same(
        _traced_value(signal.lfilter_zi, coefficients), scipy.signal.lfilter_zi(*coefficients)
    )
    check_grads(signal.lfilter_zi, coefficients, order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("coefficients", FILTERS[1:], ids=lambda c: f"{len(c[0])}_{len(c[1])}")
@pytest.mark.parametrize("padding", [("odd", None), ("even", 3), ("constant", 2), (None, None)])
def test_filtfilt(coefficients, padding, rng):
    padtype, padlen = padding
    x = rng.normal(size=(2, 13))
    function = lambda b, a, x: signal.filtfilt(b, a, x, padtype=padtype, padlen=padlen)  # noqa: E731
    reference = scipy.signal.filtfilt(*coefficients, x, padtype=padtype, padlen=padlen)
    _assert_same(_traced_value(function, (*coefficients, x)), reference)
    check_grads(function, (*coefficients, x), order=2, modes=("fwd", "rev"))
    along_0 = lambda x: signal.filtfilt(*coefficients, x, axis=0)  # noqa: E731
    _assert_same(_traced_value(along_0, (x.T,)), scipy.signal.filtfilt(*coefficients, x.T, axis=0))


def test_sosfilt(rng):
    sos = scipy.signal.butter(4, 0.3, output="sos")
    x, zi = rng.normal(size=(3, 8)), rng.normal(size=(2, 3, 2))
    _assert_same(_traced_value(signal.sosfilt, (sos, x)), scipy.signal.sosfilt(sos, x))

    def with_state(numerators, denominators, x, zi):
        # sos[:, 3] must stay 1 (SciPy refuses other values), so it is not a variable.
        rows = cnp.concatenate([numerators, np.ones((2, 1)), denominators], axis=1)
        return signal.sosfilt(rows, x, zi=zi)

    args = (sos[:, :3], sos[:, 4:], x, zi)
    _assert_same(_traced_value(with_state, args), scipy.signal.sosfilt(sos, x, zi=zi))
    check_grads(with_state, args, order=2, modes=("fwd", "rev"))
    along_0 = lambda x: signal.sosfilt(sos, x, axis=0)  # noqa: E731
    _assert_same(_traced_value(along_0, (x.T,)), scipy.signal.sosfilt(sos, x.T, axis=0))


@pytest.mark.parametrize("mode", ["interp", "mirror", "nearest", "wrap", "constant"])
@pytest.mark.parametrize("window", [(5, 2, 0), (4, 2, 1), (7, 3, 2)], ids=str)
def test_savgol_filter(mode, window, rng):
    length, polyorder, deriv = window
    x = rng.normal(size=(2, 9))
    function = lambda x, delta, cval: signal.savgol_filter(  # noqa: E731
        x, length, polyorder, deriv, delta, mode=mode, cval=cval
    )
    reference = scipy.signal.savgol_filter(x, length, polyorder, deriv, 0.5, mode=mode, cval=0.3)
    _assert_same(_traced_value(function, (x, 0.5, 0.3)), reference)
    check_grads(function, (x, 0.5, 0.3), order=2, modes=("fwd", "rev"))
    along_0 = lambda x: signal.savgol_filter(x, length, polyorder, axis=0, mode=mode)  # noqa: E731
    reference = scipy.signal.savgol_filter(x.T, length, polyorder, axis=0, mode=mode)
    _assert_same(_traced_value(along_0, (x.T,)), reference)


def test_filters_keep_float32(rng):
    b, a = np.float32([0.2, 0.4]), np.float32([1.0, -0.5])
    x = rng.normal(size=(2, 6)).astype(np.float32)
    for function in (
        lambda x: signal.lfilter(b, a, x),
        lambda x: signal.filtfilt(b, a, x, padlen=2),
        lambda x: signal.savgol_filter(x, 5, 2),
    ):
        assert _traced_value(function, (x,)).dtype == np.float32
        assert cr.grad(lambda x, f=function: f(x).sum())(x).dtype == np.float32


def test_filter_errors(rng):
    x = rng.normal(size=(2, 6))
    traced = lambda function: cr.grad(lambda x: function(x).sum())(x)  # noqa: E731
    name = "chainrule.scipy.signal."
    raises_with(
        ValueError,
        lambda: traced(lambda x: signal.lfilter([1.0], [0.0, 1.0], x)),
        name + "lfilter",
        "a[0] is 0",
    )
    raises_with(
        ValueError,
        lambda: traced(lambda x: signal.lfilter(np.ones((2, 2)), [1.0], x)),
        name + "lfilter",
        "b must be",
    )
    raises_with(
        ValueError,
        lambda: traced(lambda x: signal.lfilter([1.0, 2.0], [1.0], x, zi=np.zeros((2, 3)))),
        name + "lfilter",
        "zi has shape",
    )
    raises_with(
        ValueError,
        lambda: traced(lambda x: signal.lfilter([1.0], [1.0], x.sum())),
        name + "lfilter",
        "0-d",
    )
    raises_with(
        ValueError,
        lambda: traced(lambda x: signal.filtfilt([1.0, 2.0], [1.0], x)),
        name + "filtfilt",
        "padlen is 6",
    )
    raises_with(
        NotImplementedError,
        lambda: traced(lambda x: signal.filtfilt([1.0], [1.0], x, method="gust")),
        name + "filtfilt",
        "method='gust'",
    )
    raises_with(
        ValueError,
        lambda: traced(lambda x: signal.filtfilt([1.0], [1.0], x, padtype="zero")),
        name + "filtfilt",
        "padtype='zero'",
    )
    raises_with(
        ValueError,
        lambda: traced(lambda x: signal.sosfilt(np.ones((1, 5)), x)),
        name + "sosfilt",
        "(n_sections, 6)",
    )
    raises_with(
        ValueError,
        lambda: traced(lambda x: signal.sosfilt(2 * np.ones((1, 6)), x)),
        name + "sosfilt",
        "sos[:, 3]",
    )
    raises_with(
        ValueError,
        lambda: traced(lambda x: signal.savgol_filter(x, 3, 5)),
        name + "savgol_filter",
        "polyorder",
    )
    raises_with(
        ValueError,
        lambda: traced(lambda x: signal.savgol_filter(x, 7, 2)),
        name + "savgol_filter",
        "at most",
    )
    raises_with(
        ValueError,
        lambda: traced(lambda x: signal.savgol_filter(x, 5, 2, mode="reflect")),
        name + "savgol_filter",
        "mode='reflect'",
    )
