"""logsumexp, softmax and log_softmax (chainrule/scipy/special_logsumexp.py) against SciPy:
their derivatives at every shape, weights and signs, extreme and infinite entries, float32,
and complex arguments (SciPy's values and branch, holomorphic derivatives)."""

import numpy as np
import pytest
import scipy.special as sc
from cases import SHAPE_PAIRS, SHAPES, Case

import chainrule as cr
import chainrule.numpy as cnp
import chainrule.scipy.special as csp
from chainrule.testing import check_grads

C = np.complex128


def _traced_value(function, args):
    """function(*args) computed on traced values (the value a transform sees)."""
    return cr.jvp(function, args, tuple(np.ones_like(a) for a in args))[0]


def _last_axis(a):
    return -1 if np.ndim(a) else None  # a 0-d array has no axis -1 (in SciPy neither)


LOG_SUM_EXP = [
    Case(lambda a: csp.logsumexp(a), name="logsumexp"),
    Case(lambda a: csp.logsumexp(a, axis=_last_axis(a), keepdims=True), name="logsumexp_keepdims"),
    Case(lambda a: csp.softmax(a, axis=_last_axis(a)), name="softmax"),
    Case(lambda a: csp.softmax(a), name="softmax_all_axes"),
    Case(lambda a: csp.log_softmax(a, axis=_last_axis(a)), name="log_softmax"),
    Case(lambda a: csp.log_softmax(a), name="log_softmax_all_axes"),
    Case(lambda a: csp.logsumexp(a + 500.0), name="logsumexp_large"),
]


@pytest.mark.parametrize("case", LOG_SUM_EXP, ids=str)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_sums_of_exponentials_rules(case, shape, rng):
    check_grads(case.call, case.sample_args(rng, [shape]), order=2)


def test_logsumexp_weights_and_axes(rng):
    a = rng.normal(size=(2, 3, 4))
    b = rng.uniform(0.1, 2, size=(3, 1))
    for axis in (None, 0, -1, (0, 2)):
        function = lambda a, b, axis=axis: csp.logsumexp(a, axis=axis, b=b)
        np.testing.assert_allclose(
            _traced_value(function, (a, b)), sc.logsumexp(a, axis, b), rtol=1e-14
        )
        check_grads(function, (a, b), order=2)
    # the gradient is the softmax
    np.testing.assert_allclose(cr.grad(csp.logsumexp)(a), sc.softmax(a), rtol=1e-14)


def test_logsumexp_signs(rng):
    # Sums of either sign; the last row has 1 + s < 0 (a small weight on the largest entry,
    # the rest outweighing it).
    a = np.array([[1.0, 2.0, 0.5], [0.0, -0.3, -1.0], [-3.0, 0.9, 1.0]])
    b = np.array([1.0, -1.0, 0.5])
    out, sign = sc.logsumexp(a, axis=1, b=b, return_sign=True)
    traced = _traced_value(lambda a: csp.logsumexp(a, axis=1, b=b, return_sign=True)[0], (a,))
    np.testing.assert_allclose(traced, out, rtol=1e-14)
    with_sign = cr.jvp(lambda a: csp.logsumexp(a, axis=1, b=b, return_sign=True), (a,), (a,))[0]
    np.testing.assert_array_equal(with_sign[1], sign)
    assert type(with_sign[1]) is np.ndarray  # the sign is a plain array
    check_grads(lambda a, b: csp.logsumexp(a, axis=1, b=b, return_sign=True)[0], (a, b), order=2)
    # a negative sum without return_sign is NaN, as in SciPy
    np.testing.assert_array_equal(
        _traced_value(lambda a: csp.logsumexp(a, axis=1, b=b), (a,)), sc.logsumexp(a, 1, b)
    )


EXTREMES = [
    (np.array([-np.inf, 0.0, 1.0]), None),
    (np.array([-np.inf, -np.inf]), None),
    (np.array([1000.0, 1000.0, -1000.0]), None),
    (np.array([1e308, 1e308]), None),
    (np.array([0.0, -40.0]), None),  # log1p keeps the 4e-18 that 1 + s would lose
    (np.array([np.inf, 1.0]), np.array([0.0, 1.0])),  # a zero weight hides an infinite term
    (np.array([np.inf, 1.0]), None),
    (np.array([np.nan, 1.0]), None),
    (np.array([2.0, 1.0]), np.array([0.0, 0.0])),
    (np.array([1.0, 1.0, 0.0]), np.array([1.0, -1.0, 1.0])),  # the largest terms cancel
]


@pytest.mark.parametrize("a, b", EXTREMES, ids=range(len(EXTREMES)))
def test_logsumexp_extreme_values(a, b):
    expected = sc.logsumexp(a, b=b)
    np.testing.assert_array_equal(_traced_value(lambda a: csp.logsumexp(a, b=b), (a,)), expected)
    gradient = cr.grad(lambda a: csp.logsumexp(a, b=b))(a)
    if np.isfinite(expected):
        # b exp(a) / sum(b exp(a)), shifted, with zero weights exactly 0
        weights = np.ones_like(a) if b is None else b
        shift = np.max(a[weights != 0])
        terms = np.where(weights != 0, weights * np.exp(np.where(weights != 0, a, 0) - shift), 0)
        np.testing.assert_allclose(gradient, terms / terms.sum(), rtol=1e-14)
    else:
        assert not np.isnan(gradient[np.isneginf(a)]).any()


def test_softmax_and_log_softmax_of_large_logits():
    x = np.array([1000.0, 0.0, -np.inf])
    np.testing.assert_array_equal(_traced_value(csp.log_softmax, (x,)), sc.log_softmax(x))
    np.testing.assert_array_equal(_traced_value(csp.softmax, (x,)), sc.softmax(x))
    np.testing.assert_allclose(cr.grad(lambda x: csp.log_softmax(x)[1])(x), [-1.0, 1.0, 0.0])
    np.testing.assert_array_equal(cr.jacobian(csp.softmax)(x[:2]), np.zeros((2, 2)))


def test_sums_of_exponentials_keep_float32(rng):
    a = rng.normal(size=(2, 3)).astype(np.float32)
    for function in (csp.logsumexp, csp.softmax, csp.log_softmax):
        value = _traced_value(function, (a,))
        assert value.dtype == function(a).dtype == np.float32
        np.testing.assert_allclose(value, function(a), rtol=1e-6)
        assert cr.grad(lambda a, function=function: function(a).sum())(a).dtype == np.float32
    assert np.shape(_traced_value(csp.logsumexp, (np.float64(2.0),))) == ()


@pytest.mark.parametrize("shapes", SHAPE_PAIRS, ids=str)
def test_logsumexp_with_broadcast_weights(shapes, rng):
    a, b = rng.normal(size=shapes[0]), rng.uniform(0.2, 2.0, size=shapes[1])
    negative = -b  # a negative sum: log|sum| with return_sign, sign -1
    axis = -1 if np.broadcast(a, b).ndim else None
    functions = [
        lambda a, b: csp.logsumexp(a, b=b),
        lambda a, b: csp.logsumexp(a, axis=axis, b=b, keepdims=True),
        lambda a, b: csp.logsumexp(a, axis=axis, b=b, return_sign=True)[0],
    ]
    for function in functions:
        check_grads(function, (a, b), order=2)
    check_grads(functions[2], (a, negative), order=2)  # NaN without return_sign
    expected = sc.logsumexp(a, b=b)
    np.testing.assert_allclose(_traced_value(functions[0], (a, b)), expected, rtol=1e-14)
    out, sign = cr.jvp(lambda a: csp.logsumexp(a, b=negative, return_sign=True), (a,), (a,))[0]
    expected_out, expected_sign = sc.logsumexp(a, b=negative, return_sign=True)
    np.testing.assert_allclose(out, expected_out, rtol=1e-14)
    np.testing.assert_array_equal(sign, expected_sign)


def test_logsumexp_at_infinite_entries_conventions():
    # docs/conventions.md: all -inf gives -inf with slope 0 everywhere (JAX: NaN); an
    # infinite entry gives inf with slope 0 everywhere (JAX: NaN for the infinite entries).
    for a, value in [
        (np.array([-np.inf, -np.inf]), -np.inf),
        (np.array([np.inf, np.inf]), np.inf),
        (np.array([np.inf, 1.0]), np.inf),
    ]:
        assert csp.logsumexp(a) == _traced_value(csp.logsumexp, (a,)) == value
        np.testing.assert_array_equal(cr.grad(csp.logsumexp)(a), [0.0, 0.0])
        np.testing.assert_array_equal(cr.jacfwd(csp.logsumexp)(a), [0.0, 0.0])
    # one -inf entry among finite ones: slope exactly 0 for it, the softmax for the others
    np.testing.assert_array_equal(cr.grad(csp.logsumexp)(np.array([-np.inf, 0.0])), [0.0, 1.0])


# ---------------------------------------------------------------------------------------
# Complex arguments: holomorphic, so check_grads compares both modes along complex
# directions; the values are SciPy's, the imaginary part of logsumexp in (-pi, pi].

COMPLEX_SUMS = [
    Case(lambda a: csp.logsumexp(a), dtype=C, name="logsumexp_complex"),
    Case(
        lambda a: csp.logsumexp(a, axis=_last_axis(a), keepdims=True),
        dtype=C,
        name="logsumexp_complex_keepdims",
    ),
    # imaginary parts up to 6: the result is brought back into (-pi, pi]
    Case(lambda a: csp.logsumexp(3.0 * a), dtype=C, name="logsumexp_complex_wrapped"),
    Case(lambda a: csp.logsumexp(a, return_sign=True)[0], dtype=C, name="logsumexp_complex_abs"),
    Case(lambda a: csp.softmax(a, axis=_last_axis(a)), dtype=C, name="softmax_complex"),
    Case(lambda a: csp.softmax(a), dtype=C, name="softmax_complex_all_axes"),
    Case(lambda a: csp.log_softmax(a, axis=_last_axis(a)), dtype=C, name="log_softmax_complex"),
]


@pytest.mark.parametrize("case", COMPLEX_SUMS, ids=str)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_complex_sums_of_exponentials_rules(case, shape, rng):
    check_grads(case.call, case.sample_args(rng, [shape]), order=2)


def _complex_normal(rng, shape, spread=1.0):
    return rng.normal(size=shape) + 1j * spread * rng.normal(size=shape)


def test_complex_logsumexp_values_match_scipy(rng):
    a = _complex_normal(rng, (2, 3, 4), spread=3.0)
    weights = [None, rng.uniform(-1.0, 2.0, size=(3, 1)), _complex_normal(rng, (3, 1))]
    for axis in (None, 0, -1, (0, 2)):
        for b in weights:
            for return_sign in (False, True):
                expected = sc.logsumexp(a, axis=axis, b=b, return_sign=return_sign)
                value = _traced_value(
                    lambda a, axis=axis, b=b, rs=return_sign: csp.logsumexp(
                        a, axis=axis, b=b, return_sign=rs
                    ),
                    (a,),
                )
                pairs = zip(value, expected) if return_sign else [(value, expected)]
                for got, want in pairs:
                    assert np.shape(got) == np.shape(want) and got.dtype == want.dtype
                    np.testing.assert_allclose(got, want, rtol=1e-14, atol=1e-15)
    # a real a with complex weights is summed in complex, as in SciPy
    real, b = rng.normal(size=(3, 4)), weights[2]
    np.testing.assert_allclose(
        _traced_value(lambda a: csp.logsumexp(a, b=b), (real,)), sc.logsumexp(real, b=b), rtol=1e-14
    )
    check_grads(lambda a, b: csp.logsumexp(a, axis=-1, b=b), (a, weights[2]), order=2)


COMPLEX_EXTREMES = [
    np.array([1000 + 3j, 1000 - 2j, 0j]),  # large real parts, phases apart
    np.array([5 + 10j]),  # one term: its imaginary part wrapped to 10 - 4 pi
    np.array([1 + 3.1j, 1 - 3.1j]),  # a sum on the negative real axis: +pi, not -pi
    np.array([-np.inf + 0j, 1 + 1j]),
    np.array([-np.inf + 0j, -np.inf + 0j]),
    np.array([np.inf + 0j, 1j]),  # SciPy's phase is NaN there (z / |z|), NumPy's sign 1
]


@pytest.mark.parametrize("a", COMPLEX_EXTREMES, ids=range(len(COMPLEX_EXTREMES)))
def test_complex_logsumexp_extreme_values(a):
    np.testing.assert_allclose(_traced_value(csp.logsumexp, (a,)), sc.logsumexp(a), rtol=1e-15)
    out, sign = _traced_value(lambda a: csp.logsumexp(a, return_sign=True), (a,))
    expected_out, expected_sign = sc.logsumexp(a, return_sign=True)
    assert out.dtype == np.float64 and sign.dtype == C
    np.testing.assert_allclose(out, expected_out, rtol=1e-15)
    np.testing.assert_allclose(sign, expected_sign, rtol=1e-15, atol=1e-16)


def test_complex_softmax_values_and_holomorphic_derivatives(rng):
    z = _complex_normal(rng, (3, 4), spread=2.0)
    for axis in (None, 0, 1):
        for name in ("softmax", "log_softmax"):
            value = _traced_value(lambda z, name=name, axis=axis: getattr(csp, name)(z, axis), (z,))
            np.testing.assert_array_equal(value, getattr(sc, name)(z, axis=axis))
    # holomorphic: the gradient of the real part of logsumexp is its derivative, the softmax
    np.testing.assert_allclose(
        cr.grad(lambda z: cnp.real(csp.logsumexp(z)))(z), sc.softmax(z), rtol=1e-13
    )
    dz = _complex_normal(rng, (3, 4))
    tangent = cr.jvp(lambda z: csp.logsumexp(z, axis=1), (z,), (dz,))[1]
    np.testing.assert_allclose(tangent, np.sum(sc.softmax(z, axis=1) * dz, axis=1), rtol=1e-13)


def test_complex64_stays_complex64(rng):
    z = _complex_normal(rng, (2, 3)).astype(np.complex64)
    for function in (csp.logsumexp, csp.softmax, csp.log_softmax):
        value = _traced_value(function, (z,))
        assert value.dtype == function(z).dtype == np.complex64
        np.testing.assert_allclose(value, function(z), rtol=1e-5)
    gradient = cr.grad(lambda z: cnp.real(csp.logsumexp(z)))(z)
    assert gradient.dtype == np.complex64


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_softmaxes_of_entries_all_minus_infinity():
    # docs/conventions.md: NaN values as SciPy's; log_softmax's VJP is the identity there.
    x = np.full(3, -np.inf)
    out, pullback = cr.vjp(csp.log_softmax, x)
    assert np.all(np.isnan(out)) and np.all(np.isnan(sc.log_softmax(x)))
    np.testing.assert_array_equal(pullback(np.array([1.0, 0.0, 2.0]))[0], [1.0, 0.0, 2.0])
    out, pullback = cr.vjp(csp.softmax, x)
    assert np.all(np.isnan(out)) and np.all(np.isnan(pullback(np.ones(3))[0]))
