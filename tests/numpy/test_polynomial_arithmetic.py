"""Polynomial arithmetic (chainrule/numpy/polynomial_arithmetic.py): polyadd, polysub,
polymul, polydiv, polyfit, poly and roots.

Derivatives in every argument by check_grads, values and dtypes against NumPy, dispatch of
the np.poly* functions on tracers, the derivative of a simple root, errors.
"""

import numpy as np
import pytest
from assertions import raises_with
from cases import Case

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.testing import check_grads

POINTS = np.linspace(-1.0, 2.0, 7)

# Binary functions of two coefficient vectors, at several pairs of lengths.
BINARY = [
    Case(cnp.polyadd, arity=2),
    Case(cnp.polysub, arity=2),
    Case(cnp.polymul, arity=2),
    Case(lambda u, v: cnp.polydiv(u, v)[0], arity=2, name="polydiv_quotient"),
    Case(lambda u, v: cnp.polydiv(u, v)[1], arity=2, name="polydiv_remainder"),
]
LENGTHS = [((5,), (3,)), ((3,), (3,)), ((4,), (1,)), ((1,), (4,)), ((), (2,))]
# Functions of one vector (data points, roots, coefficients).
UNARY = [
    Case(lambda y: cnp.polyfit(POINTS, y, 2), name="polyfit_y", example_shapes=((7,),)),
    Case(lambda x: cnp.polyfit(x, np.cos(POINTS), 3), name="polyfit_x", example_shapes=((7,),)),
    Case(
        lambda w: cnp.polyfit(POINTS, np.cos(POINTS), 2, w=w),
        name="polyfit_w",
        domain=(0.5, 2.0),
        example_shapes=((7,),),
    ),
    Case(
        lambda y: cnp.polyfit(POINTS, y, 1, full=True)[1],
        name="polyfit_residuals",
        example_shapes=((7,),),
    ),
    Case(lambda y: cnp.polyfit(POINTS, y, 2), name="polyfit_columns", example_shapes=((7, 2),)),
    Case(lambda y: cnp.polyfit(POINTS, y, 0), name="polyfit_deg0", example_shapes=((7,),)),
    Case(cnp.poly, name="poly_of_roots", example_shapes=((4,),)),
    Case(
        lambda a: cnp.poly(a + np.diag([0.0, 3.0, 6.0])),
        name="poly_of_matrix",
        example_shapes=((3, 3),),
    ),
    Case(
        lambda p: cnp.roots(p + np.array([1.0, -6.0, 11.0, -6.0])),
        name="roots_real",
        domain=(-0.1, 0.1),
        example_shapes=((4,),),
    ),
    Case(
        lambda p: cnp.roots(cnp.concatenate([p + np.array([1.0, 0.0, 1.0]), np.zeros(1)])),
        name="roots_complex_zero",
        domain=(-0.1, 0.1),
        example_shapes=((3,),),
    ),
]


@pytest.mark.parametrize("case", BINARY, ids=str)
@pytest.mark.parametrize("shapes", LENGTHS, ids=str)
def test_binary_rules(case, shapes, rng):
    u, v = case.sample_args(rng, shapes)
    if str(case).startswith("polydiv"):
        v = v + 3.0  # keep the divisor's leading coefficient away from 0
        if str(case).endswith("remainder") and np.size(v) == 1:
            # Dividing by a constant leaves the remainder 0 whatever u and v are.
            out, tangent = cr.jvp(case.fn, (u, v), (np.ones_like(u), np.ones_like(v)))
            np.testing.assert_array_equal(out, np.polydiv(u, v)[1])
            np.testing.assert_array_equal(tangent, np.zeros_like(out))
            return
    check_grads(case.fn, (u, v), order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("case", UNARY, ids=str)
def test_unary_rules(case, rng):
    order = 1 if "matrix" in str(case) else 2
    check_grads(
        case.fn, case.sample_args(rng, case.example_shapes), order=order, modes=("fwd", "rev")
    )


def test_derivative_of_a_simple_root():
    # p(r) = 0 gives dr = -(dp evaluated at r) / p'(r): for (x - 1)(x - 2), at r = 2,
    # p'(2) = 1 and d/dp_k = -2**(2 - k).
    p = np.array([1.0, -3.0, 2.0])
    jacobian = cr.jacrev(cnp.roots)(p)
    np.testing.assert_allclose(jacobian[0], [-4.0, -2.0, -1.0], atol=1e-12)
    np.testing.assert_allclose(jacobian[1], [1.0, 1.0, 1.0], atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex128], ids=str)
def test_values_and_dtypes_match_numpy(dtype, rng):
    def sample(*shape):
        value = rng.normal(size=shape)
        if dtype == np.complex128:
            value = value + 1j * rng.normal(size=shape)
        return value.astype(dtype)

    a, b, r = sample(5), sample(3), sample(3)
    exact = [
        ("polyadd", lambda a: np.polyadd(a, b)),
        ("polyadd_reversed", lambda a: np.polyadd(b, a)),
        ("polysub", lambda a: np.polysub(a, b)),
        ("polysub_reversed", lambda a: np.polysub(b[:1], a)),
        ("polymul", lambda a: np.polymul(a, b)),
        ("polydiv_q", lambda a: np.polydiv(a, b)[0]),
        ("polydiv_r", lambda a: np.polydiv(a, b)[1]),
        ("polydiv_short", lambda a: np.polydiv(b, a)[0]),
        ("polydiv_short_r", lambda a: np.polydiv(b, a)[1]),
        ("poly", lambda a: np.poly(a)),
        ("poly_conjugates", lambda a: np.poly(np.concatenate([a, np.conj(a)]))),
        ("roots_trailing", lambda a: np.roots(np.concatenate([a, np.zeros(2, dtype)]))),
    ]
    close = [
        ("polyfit", lambda a: np.polyfit(POINTS[:5], a, 2)),
        ("polyfit_w", lambda a: np.polyfit(POINTS[:5], a, 2, w=np.abs(a.real) + 1)),
        ("roots", lambda a: np.roots(a)),
        ("poly_matrix", lambda a: np.poly(np.outer(a, a[::-1]) + np.eye(5))),
    ]
    if dtype == np.complex128:
        close = close[2:]  # NumPy's polyfit of complex data is not supported here
    for name, f in exact + close:
        actual, _ = cr.vjp(f, a if name != "poly" else r)
        expected = f(a if name != "poly" else r)
        if name == "roots":
            actual, expected = np.sort_complex(actual), np.sort_complex(expected)
        assert actual.dtype == expected.dtype and actual.shape == expected.shape, name
        tolerance = 1e-5 if dtype == np.float32 else (1e-15 if (name, f) in exact else 1e-10)
        np.testing.assert_allclose(actual, expected, rtol=tolerance, atol=tolerance, err_msg=name)


def test_polyfit_full_matches_numpy(rng):
    y = rng.normal(size=7)
    actual = cnp.polyfit(POINTS, cr.stop_gradient(y), 2, full=True)
    expected = np.polyfit(POINTS, y, 2, full=True)
    jvp_out, _ = cr.jvp(lambda y: cnp.polyfit(POINTS, y, 2, full=True)[0], (y,), (y,))
    np.testing.assert_allclose(jvp_out, expected[0], rtol=1e-12)
    for a, e in zip(actual, expected):
        np.testing.assert_allclose(a, e, rtol=1e-12)


def test_numpy_functions_on_tracers_dispatch_here(rng):
    a, b = rng.normal(size=4), rng.normal(size=3)
    calls = [
        (lambda a, b: np.polyadd(a, b), lambda a, b: cnp.polyadd(a, b)),
        (lambda a, b: np.polysub(a, b), lambda a, b: cnp.polysub(a, b)),
        (lambda a, b: np.polymul(a, b), lambda a, b: cnp.polymul(a, b)),
        (lambda a, b: np.polydiv(a, b)[0], lambda a, b: cnp.polydiv(a, b)[0]),
        (
            lambda a, b: np.polyfit(POINTS[:4], a, 2, w=b[0] + POINTS[:4]),
            lambda a, b: cnp.polyfit(POINTS[:4], a, 2, w=b[0] + POINTS[:4]),
        ),
        (lambda a, b: np.poly(b), lambda a, b: cnp.poly(b)),
        (lambda a, b: np.abs(np.roots(a)), lambda a, b: cnp.abs(cnp.roots(a))),
    ]
    for numpy_call, cnp_call in calls:
        expected = cr.grad(lambda a, b, f=cnp_call: cnp.sum(f(a, b) ** 2), argnums=(0, 1))(a, b)
        actual = cr.grad(lambda a, b, f=numpy_call: np.sum(f(a, b) ** 2), argnums=(0, 1))(a, b)
        for x, e in zip(actual, expected):
            np.testing.assert_array_equal(x, e)
        assert any(np.any(e != 0) for e in expected)


def test_errors_name_the_function_and_the_fix(rng):
    p = rng.normal(size=4)

    def grad_of(f, value=p):
        return lambda: cr.grad(lambda v: cnp.sum(cnp.abs(f(v))))(value)

    raises_with(
        ZeroDivisionError,
        grad_of(lambda v: cnp.polydiv(v, np.array([0.0, 1.0]))[0]),
        "polydiv",
        "trim_zeros",
    )
    raises_with(
        NotImplementedError,
        grad_of(lambda v: cnp.polyfit(POINTS[:4], v, 1, cov=True)),
        "polyfit",
        "cov=True",
    )
    raises_with(ValueError, grad_of(lambda v: cnp.polyfit(POINTS[:4], v, -1)), "polyfit", "deg")
    raises_with(
        TypeError, grad_of(lambda v: cnp.polyfit(POINTS[:3], v, 1)), "polyfit", "as many rows"
    )
    raises_with(
        TypeError,
        grad_of(lambda v: cnp.polyfit(POINTS[:4], v, 1, w=np.ones(3))),
        "polyfit",
        "one weight per point",
    )
    raises_with(ValueError, grad_of(lambda v: cnp.poly(v.reshape(2, 2)[:, :1])), "poly", "square")
    raises_with(ValueError, grad_of(lambda v: cnp.roots(v.reshape(2, 2))), "roots", "1-d")
    raises_with(TypeError, grad_of(lambda v: cnp.polyadd(np.poly1d([1.0]), v)), "polyadd", "coeffs")
