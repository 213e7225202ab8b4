"""Derivatives at non-smooth and singular points, and NaN safety: docs/conventions.md, tested.

Every value asserted here is a row of the table in docs/conventions.md. Each is checked
in both modes, reverse through `cr.grad` / `cr.vjp`, forward through `cr.jvp`.
"""

import warnings

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp

# Rules evaluated at singular points divide by zero (sqrt'(0) = 0.5 / 0) and multiply
# 0 * inf before the zero-safe product discards the result; NumPy reports both as
# RuntimeWarnings, which reach the user (see docs/conventions.md). They are expected here.
pytestmark = pytest.mark.filterwarnings(
    "ignore:divide by zero:RuntimeWarning",
    "ignore:invalid value:RuntimeWarning",
    "ignore:overflow:RuntimeWarning",
)


def _grad_both_modes(f, *args, argnums=0):
    """The gradient of scalar ``f`` by reverse mode and, entry by entry, by forward mode."""
    reverse = cr.grad(f, argnums=argnums)(*args)
    numbers = (argnums,) if isinstance(argnums, int) else argnums
    forward = []
    for number in numbers:
        x = np.asarray(args[number], dtype=float)
        column = np.zeros(x.shape)
        for index in np.ndindex(x.shape):
            tangents = [np.zeros_like(np.asarray(a, dtype=float)) for a in args]
            tangents[number] = np.zeros(x.shape)
            tangents[number][index] = 1.0
            tangents = [t[()] if t.ndim == 0 else t for t in tangents]
            column[index] = cr.jvp(f, args, tangents)[1]
        forward.append(column[()] if column.ndim == 0 else column)
    return reverse, forward[0] if isinstance(argnums, int) else tuple(forward)


def _assert_both_modes(f, args, expected, argnums=0):
    reverse, forward = _grad_both_modes(f, *args, argnums=argnums)
    np.testing.assert_array_equal(reverse, expected)
    np.testing.assert_array_equal(forward, expected)


# (name, function, point, derivative there), the rows of docs/conventions.md.
CONVENTIONS = [
    ("abs'(0)", cnp.abs, 0.0, 0.0),
    ("fabs'(0)", cnp.fabs, 0.0, 0.0),
    ("sign'", cnp.sign, 0.0, 0.0),
    ("sign' away from 0", cnp.sign, -1.5, 0.0),
    ("floor'", cnp.floor, 2.0, 0.0),
    ("ceil'", cnp.ceil, 1.5, 0.0),
    ("round'", cnp.round, 0.5, 0.0),
    ("rint'", cnp.rint, 2.5, 0.0),
    ("trunc'", cnp.trunc, -1.0, 0.0),
    ("sqrt'(0)", cnp.sqrt, 0.0, np.inf),
    ("cbrt'(0)", cnp.cbrt, 0.0, np.inf),
    ("x**0.5 at 0", lambda x: x**0.5, 0.0, np.inf),
    ("log'(0)", cnp.log, 0.0, np.inf),
    ("arctanh'(1)", cnp.arctanh, 1.0, np.inf),
    ("arctanh'(-1)", cnp.arctanh, -1.0, np.inf),
    ("arcsin'(-1)", cnp.arcsin, -1.0, np.inf),
    ("arccos'(1)", cnp.arccos, 1.0, -np.inf),
    ("abs(x) at 0", lambda x: abs(x), 0.0, 0.0),
    ("sqrt(x*x) at 0", lambda x: cnp.sqrt(x * x), 0.0, 0.0),
    ("maximum(x, -x) at 0", lambda x: cnp.maximum(x, -x), 0.0, 0.0),
    ("relu as maximum(x, 0) at 0", lambda x: cnp.maximum(x, 0.0), 0.0, 0.5),
    ("relu as where(x > 0, x, 0) at 0", lambda x: cnp.where(x > 0, x, 0.0), 0.0, 0.0),
    ("relu as x * (x > 0) at 0", lambda x: x * (x > 0), 0.0, 0.0),
    ("maximum(x, x)", lambda x: cnp.maximum(x, x), 1.0, 1.0),
    ("minimum(x, x)", lambda x: cnp.minimum(x, x), 1.0, 1.0),
    ("clip at the lower bound", lambda x: cnp.clip(x, 0.0, 1.0), 0.0, 0.5),
    ("clip at the upper bound", lambda x: cnp.clip(x, 0.0, 1.0), 1.0, 0.5),
    ("np.clip at the lower bound", lambda x: np.clip(x, 0.0, 1.0), 0.0, 0.5),
    ("hypot(x, 0) at 0", lambda x: cnp.hypot(x, 0.0), 0.0, 0.0),
    ("sqrt(x)**2 at 0 (zero-safe product)", lambda x: cnp.sqrt(x) ** 2, 0.0, 0.0),
    ("sqrt(x) * sqrt(x) at 0", lambda x: cnp.sqrt(x) * cnp.sqrt(x), 0.0, 0.0),
    ("x**0 at 0", lambda x: x**0, 0.0, 0.0),
    ("d/dy 0**y at y = 0", lambda y: cnp.power(0.0, y), 0.0, 0.0),
    ("where(x > 0, sqrt(x), 0) at 0", lambda x: cnp.where(x > 0, cnp.sqrt(x), 0.0), 0.0, 0.0),
    ("where(x > 0, log(x), 0) at 0", lambda x: cnp.where(x > 0, cnp.log(x), 0.0), 0.0, 0.0),
    ("where(x > 0, log(x), 0) at -1", lambda x: cnp.where(x > 0, cnp.log(x), 0.0), -1.0, 0.0),
    ("where(x > 0, x, log(x)) at 2", lambda x: cnp.where(x > 0, x, cnp.log(x)), 2.0, 1.0),
    (
        "where(x < 500, x e^x, 0) at 1000",
        lambda x: cnp.where(x < 500, x * cnp.exp(x), 0.0),
        1000.0,
        0.0,
    ),
    ("np.where(x > 0, np.sqrt(x), 0) at 0", lambda x: np.where(x > 0, np.sqrt(x), 0.0), 0.0, 0.0),
]


@pytest.mark.parametrize("name, f, x, expected", CONVENTIONS, ids=[c[0] for c in CONVENTIONS])
def test_first_derivative_conventions(name, f, x, expected):
    _assert_both_modes(f, (x,), expected)


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=str)
@pytest.mark.parametrize("name, f, x, expected", CONVENTIONS, ids=[c[0] for c in CONVENTIONS])
def test_conventions_hold_in_both_float_types(name, f, x, expected, dtype):
    x = dtype(x)
    reverse = cr.grad(f)(x)
    _, forward = cr.jvp(f, (x,), (dtype(1.0),))
    assert reverse.dtype == forward.dtype == dtype
    assert reverse == forward == dtype(expected)


# Second derivatives at the same kind of points: exact zeros, never NaN. sqrt(x*x) is the
# exception: its rule gives sqrt'(x*x) * 2 = inf * 2 there (the zero-safe product cannot
# help, no factor is zero), where abs and maximum(x, -x) give 0.
SECOND_ORDER = [
    ("abs''(0)", cnp.abs, 0.0, 0.0),
    ("maximum(x, -x)'' at 0", lambda x: cnp.maximum(x, -x), 0.0, 0.0),
    ("sqrt(x*x)'' at 0", lambda x: cnp.sqrt(x * x), 0.0, np.inf),
    ("relu''(0) (maximum)", lambda x: cnp.maximum(x, 0.0), 0.0, 0.0),
    ("relu''(0) (where)", lambda x: cnp.where(x > 0, x, 0.0), 0.0, 0.0),
    ("relu''(0) (mask)", lambda x: x * (x > 0), 0.0, 0.0),
    ("hypot(x, 0)'' at 0", lambda x: cnp.hypot(x, 0.0), 0.0, 0.0),
    ("where(x > 0, sqrt(x), 0)'' at 0", lambda x: cnp.where(x > 0, cnp.sqrt(x), 0.0), 0.0, 0.0),
    ("where(x > 0, sqrt(x), 0)'' at -1", lambda x: cnp.where(x > 0, cnp.sqrt(x), 0.0), -1.0, 0.0),
    ("where(x > 0, log(x), 0)'' at 0", lambda x: cnp.where(x > 0, cnp.log(x), 0.0), 0.0, 0.0),
    (
        "where(x < 500, x e^x, 0)'' at 1000",
        lambda x: cnp.where(x < 500, x * cnp.exp(x), 0.0),
        1000.0,
        0.0,
    ),
]


@pytest.mark.parametrize("name, f, x, expected", SECOND_ORDER, ids=[c[0] for c in SECOND_ORDER])
def test_second_derivative_conventions(name, f, x, expected):
    reverse_over_reverse = cr.grad(cr.grad(f))(x)
    forward_over_reverse = cr.jvp(cr.grad(f), (x,), (1.0,))[1]
    reverse_over_forward = cr.grad(lambda x: cr.jvp(f, (x,), (1.0,))[1])(x)
    forward_over_forward = cr.jvp(lambda x: cr.jvp(f, (x,), (1.0,))[1], (x,), (1.0,))[1]
    for value in (
        reverse_over_reverse,
        forward_over_reverse,
        reverse_over_forward,
        forward_over_forward,
    ):
        assert value == expected


def test_where_with_mixed_branches_in_a_vector():
    x = np.array([-1.0, 0.0, 4.0, 0.25])
    f = lambda x: cnp.sum(cnp.where(x > 0, cnp.sqrt(x), 0.0))
    expected = np.array([0.0, 0.0, 0.25, 1.0])
    _assert_both_modes(f, (x,), expected)
    # The Jacobian of the elementwise where is diagonal, with the same entries.
    g = lambda x: cnp.where(x > 0, cnp.sqrt(x), 0.0)
    np.testing.assert_array_equal(cr.jacfwd(g)(x), np.diag(expected))
    np.testing.assert_array_equal(cr.jacrev(g)(x), np.diag(expected))
    # The Hessian is diagonal too: -1/4 x^(-3/2) where x > 0, exactly 0 elsewhere.
    np.testing.assert_array_equal(cr.hessian(f)(x), np.diag([0.0, 0.0, -1 / 32, -2.0]))


def test_where_with_overflow_and_nan_in_the_branch_not_taken():
    x = np.array([1000.0, -3.0, 1.0])
    overflow = lambda x: cnp.sum(cnp.where(x < 500, x * cnp.exp(x), 0.0))
    for gradient in _grad_both_modes(overflow, x):
        np.testing.assert_allclose(gradient, [0.0, -2.0 * np.exp(-3.0), 2.0 * np.e], rtol=1e-15)
        assert gradient[0] == 0.0
    nan = lambda x: cnp.sum(cnp.where(x > 0, cnp.log(x), x))
    _assert_both_modes(nan, (x,), [0.001, 1.0, 1.0])


def test_where_with_a_traced_second_input_at_its_singular_point():
    # d/dy of where(c, x, sqrt(y)) where c is True and y = 0: the untaken branch's inf
    # derivative is dropped.
    f = lambda x, y: cnp.where(x > 0, x * y, cnp.sqrt(y))
    _assert_both_modes(f, (2.0, 0.0), (0.0, 2.0), argnums=(0, 1))
    _assert_both_modes(f, (-2.0, 0.0), (0.0, np.inf), argnums=(0, 1))


@pytest.mark.parametrize(
    "pair", [cnp.maximum, cnp.minimum, cnp.fmax, cnp.fmin], ids=lambda f: f.__name__
)
def test_binary_ties_split_evenly(pair):
    _assert_both_modes(pair, (1.5, 1.5), (0.5, 0.5), argnums=(0, 1))
    x = np.array([1.0, 2.0, 3.0])
    y = np.array([1.0, 0.0, 5.0])
    larger = pair.__name__ in ("maximum", "fmax")
    expected_x = np.array([0.5, 1.0, 0.0]) if larger else np.array([0.5, 0.0, 1.0])
    _assert_both_modes(
        lambda x, y: cnp.sum(pair(x, y)), (x, y), (expected_x, 1 - expected_x), argnums=(0, 1)
    )


@pytest.mark.parametrize(
    "pair, nan_first",
    [
        (cnp.fmax, (0.0, 1.0)),
        (cnp.fmin, (0.0, 1.0)),
        (cnp.maximum, (0.0, 0.0)),
        (cnp.minimum, (0.0, 0.0)),
    ],
    ids=["fmax", "fmin", "maximum", "minimum"],
)
def test_nan_inputs_of_maximum_and_fmax(pair, nan_first):
    # fmax/fmin ignore the NaN: the other input gets the derivative. maximum/minimum return
    # the NaN, and no comparison holds there, so neither input gets one.
    _assert_both_modes(pair, (np.nan, 2.0), nan_first, argnums=(0, 1))
    _assert_both_modes(pair, (2.0, np.nan), nan_first[::-1], argnums=(0, 1))
    _assert_both_modes(pair, (np.nan, np.nan), (0.0, 0.0), argnums=(0, 1))


def test_clip_at_its_bounds_agrees_with_its_maximum_minimum_form():
    x = np.array([-1.0, 0.0, 0.5, 1.0, 2.0])
    low, high = np.array(0.0), np.array(1.0)
    clipped = lambda x, low, high: cnp.sum(cnp.clip(x, low, high) * np.arange(1.0, 6.0))
    composed = lambda x, low, high: cnp.sum(
        cnp.minimum(cnp.maximum(x, low), high) * np.arange(1.0, 6.0)
    )
    for f in (clipped, composed):
        reverse, forward = _grad_both_modes(f, x, low, high, argnums=(0, 1, 2))
        for gradient in (reverse, forward):
            np.testing.assert_array_equal(gradient[0], [0.0, 1.0, 3.0, 2.0, 0.0])
            assert gradient[1:] == (1.0 + 1.0, 2.0 + 5.0)


def test_max_and_min_reductions_split_ties_evenly():
    x = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]])
    _assert_both_modes(lambda x: cnp.max(x), (x,), [[0, 0.5, 0.5], [0, 0, 0]])
    _assert_both_modes(lambda x: cnp.min(x), (x,), [[1, 0, 0], [0, 0, 0]])
    third = 1 / 3
    _assert_both_modes(
        lambda x: cnp.sum(cnp.min(x, axis=1)), (x,), [[1, 0, 0], [third, third, third]]
    )
    _assert_both_modes(lambda x: np.max(x), (x,), [[0, 0.5, 0.5], [0, 0, 0]])
    _assert_both_modes(lambda x: cnp.amax(x), (x,), [[0, 0.5, 0.5], [0, 0, 0]])
    _assert_both_modes(lambda x: x.max(axis=0).sum(), (x,), [[0, 1, 1], [1, 0, 0]])


def test_norm_at_the_origin_has_gradient_zero():
    norm = lambda x: cnp.sqrt(cnp.sum(x * x))
    _assert_both_modes(norm, (np.zeros(3),), np.zeros(3))
    for gradient in _grad_both_modes(norm, np.array([3.0, 0.0, 4.0])):
        np.testing.assert_allclose(gradient, [0.6, 0.0, 0.8], rtol=1e-15)
    _assert_both_modes(cnp.hypot, (0.0, 0.0), (0.0, 0.0), argnums=(0, 1))
    # No second derivative exists at 0. hypot's rule gives 0 there; the composed norm gives
    # sqrt'(0) = inf on the diagonal (the Hessian (I - u u^T) / |x| blows up), never NaN.
    assert cr.grad(cr.grad(lambda x: cnp.hypot(x, 0.0)))(0.0) == 0.0
    np.testing.assert_array_equal(cr.hessian(norm)(np.zeros(2)), np.diag([np.inf, np.inf]))


def test_contractions_are_not_zero_safe():
    # matmul/einsum sum ordinary products: an infinite cotangent meeting a zero matrix entry
    # gives NaN, where the same computation written elementwise gives the true 0.5.
    x = np.array([0.0, 1.0])
    elementwise = lambda x: cnp.sum(cnp.sqrt(x * np.ones(2)))
    through_matmul = lambda x: cnp.sum(cnp.sqrt(np.eye(2) @ x))
    through_einsum = lambda x: cnp.sum(cnp.sqrt(cnp.einsum("ij,j->i", np.eye(2), x)))
    np.testing.assert_array_equal(cr.grad(elementwise)(x), [np.inf, 0.5])
    for f in (through_matmul, through_einsum):
        gradient = cr.grad(f)(x)
        assert gradient[0] == np.inf and np.isnan(gradient[1])


@pytest.mark.parametrize(
    "function",
    [
        cnp.greater,
        cnp.less,
        cnp.equal,
        cnp.not_equal,
        cnp.greater_equal,
        cnp.less_equal,
        cnp.logical_and,
        cnp.logical_or,
        cnp.logical_xor,
    ],
    ids=lambda f: f.__name__,
)
def test_comparisons_return_plain_bool_arrays(function):
    seen = []

    def f(x):
        for result in (function(x, 0.5), function(0.5, x), function(x, x)):
            seen.append(result)
        return cnp.sum(x)

    x = np.array([0.0, 0.5, 1.0])
    cr.grad(f)(x)
    cr.jvp(f, (x,), (np.ones(3),))
    assert len(seen) == 6
    for result in seen:
        assert type(result) is np.ndarray and result.dtype == np.bool_


def test_operators_comparisons_and_tests_return_plain_bools():
    seen = []

    def f(x):
        seen.extend(
            [
                x > 0,
                x <= 0,
                x == 1.0,
                x != 1.0,
                cnp.isnan(x),
                cnp.isinf(x),
                cnp.isfinite(x),
                cnp.signbit(x),
                cnp.logical_not(x > 0),
                np.greater(x, 0),
            ]
        )
        return x * 2

    cr.grad(f)(1.0)
    cr.jvp(f, (np.array([1.0, -1.0]),), (np.ones(2),))
    for result in seen:
        assert isinstance(result, (np.ndarray, np.bool_)) and result.dtype == np.bool_


def test_rounding_and_sign_results_are_plain_arrays_with_zero_derivative(rng):
    x = rng.uniform(-3, 3, size=(2, 3))
    for function in (cnp.floor, cnp.ceil, cnp.round, cnp.rint, cnp.trunc, cnp.sign):
        f = lambda x, function=function: cnp.sum(function(x) * x)
        # d/dx [g(x) x] = g(x) where g' = 0.
        _assert_both_modes(f, (x,), function(x))
    np.testing.assert_array_equal(cr.grad(lambda x: cnp.sum(cnp.round(x, 1)))(x), np.zeros((2, 3)))


def test_errstate_silences_the_warnings_of_singular_points():
    # The RuntimeWarnings at singular points come from NumPy inside the rules, so
    # np.errstate, the usual NumPy switch, silences them (docs/conventions.md).
    f = lambda x: cnp.where(x > 0, cnp.sqrt(x), 0.0)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("error", RuntimeWarning)
        assert cr.grad(f)(0.0) == 0.0
