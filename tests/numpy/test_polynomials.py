"""Polynomials (chainrule/numpy/polynomials.py): polyval, polyder, polyint, vander.

Derivatives in coefficients, points and integration constants by check_grads, exact
derivatives at zero for vander, values and dtypes against NumPy, errors, dispatch.
"""

import numpy as np
import pytest
from assertions import raises_with
from cases import SHAPES, Case

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.testing import check_grads

COEFFICIENTS = np.array([0.5, -1.0, 2.0, 0.25])

# Functions of the points x; crossed with SHAPES (vander with its 1-d rows).
OF_POINTS = [
    Case(lambda x: cnp.polyval(COEFFICIENTS, x), name="polyval_x"),
    Case(lambda x: cnp.polyval([], x) + x, name="polyval_no_coefficients"),
    Case(lambda x: cnp.vander(cnp.ravel(x)), name="vander"),
    Case(lambda x: cnp.vander(cnp.ravel(x), 4, increasing=True), name="vander_increasing"),
]
# Functions of the coefficients p (and integration constants k).
OF_COEFFICIENTS = [
    Case(lambda p: cnp.polyval(p, np.array([-1.0, 0.5, 2.0])), name="polyval_p"),
    Case(lambda p: cnp.polyval(p[:, None], np.array([0.5, 2.0])), name="polyval_p_columns"),
    Case(lambda p: cnp.polyder(p, 2), name="polyder"),
    Case(lambda p: cnp.polyint(p, 3), name="polyint"),
    Case(lambda p, k: cnp.polyint(p, 2, k), arity=2, example_shapes=((4,), (2,)), name="polyint_k"),
    Case(
        lambda p, k: cnp.polyint(p, 3, k),
        arity=2,
        example_shapes=((4,), ()),
        name="polyint_k_scalar",
    ),
    Case(
        lambda p, x: cnp.polyval(p, x), arity=2, example_shapes=((4,), (2, 3)), name="polyval_p_x"
    ),
]


@pytest.mark.parametrize("case", OF_POINTS, ids=str)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_rules_in_the_points(case, shape, rng):
    check_grads(case.fn, (case.sample(rng, shape),), order=3, modes=("fwd", "rev"))


@pytest.mark.parametrize("case", OF_COEFFICIENTS, ids=str)
def test_rules_in_the_coefficients(case, rng):
    shapes = case.example_shapes if case.arity > 1 else ((4,),)
    check_grads(case.fn, case.sample_args(rng, shapes), order=2, modes=("fwd", "rev"))


def test_vander_is_exact_at_zero():
    # d x**k / dx at 0: 1 for k = 1, else 0, at every order, with no 0 * inf anywhere.
    jacobian = cr.jacfwd(lambda x: cnp.vander(x, 4, increasing=True))(np.array([0.0]))
    np.testing.assert_array_equal(jacobian[0, :, 0], [0.0, 1.0, 0.0, 0.0])
    third = cr.jacfwd(cr.jacfwd(cr.jacrev(lambda x: cnp.vander(x, 4)[0, 0])))(np.array([0.0]))
    np.testing.assert_array_equal(third.reshape(-1), [6.0])


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=str)
def test_values_and_dtypes_match_numpy(dtype, rng):
    p, x = COEFFICIENTS.astype(dtype), rng.normal(size=(2, 3)).astype(dtype)
    checks = [
        ("polyval", lambda p, x: cnp.polyval(p, x), (p, x), np.polyval(p, x)),
        ("polyval_scalar", lambda p: cnp.polyval(p, 1.5), (p,), np.polyval(p, 1.5)),
        (
            "polyval_int_x",
            lambda p: cnp.polyval(p, np.arange(3)),
            (p,),
            np.polyval(p, np.arange(3)),
        ),
        ("vander", lambda x: cnp.vander(x[0]), (x,), np.vander(x[0])),
        ("vander_0_columns", lambda x: cnp.vander(x[0], 0), (x,), np.vander(x[0], 0)),
        ("vander_1_column", lambda x: cnp.vander(x[0], 1), (x,), np.vander(x[0], 1)),
    ]
    for m in range(5):
        checks.append((f"polyder_{m}", lambda p, m=m: cnp.polyder(p, m), (p,), np.polyder(p, m)))
        checks.append((f"polyint_{m}", lambda p, m=m: cnp.polyint(p, m), (p,), np.polyint(p, m)))
        k = [1.0, -2.0, 3.0, 0.5][: max(m, 1)]
        checks.append(
            (f"polyint_k_{m}", lambda p, m=m, k=k: cnp.polyint(p, m, k), (p,), np.polyint(p, m, k))
        )
    for name, f, args, expected in checks:
        actual, _ = cr.vjp(f, *args)
        assert actual.dtype == expected.dtype and actual.shape == expected.shape, name
        np.testing.assert_allclose(actual, expected, rtol=1e-6 if dtype == np.float32 else 1e-14)


def test_numpy_functions_on_tracers_dispatch_here(rng):
    p, x = COEFFICIENTS, rng.normal(size=3)
    for numpy_call, cnp_call in [
        (lambda p, x: np.polyval(p, x), lambda p, x: cnp.polyval(p, x)),
        (lambda p, x: np.polyval(np.polyder(p), x), lambda p, x: cnp.polyval(cnp.polyder(p), x)),
        (lambda p, x: np.polyint(p, 2, k=x[:2]), lambda p, x: cnp.polyint(p, 2, k=x[:2])),
        (lambda p, x: np.vander(x, 3) @ p[:3], lambda p, x: cnp.vander(x, 3) @ p[:3]),
    ]:
        expected = cr.grad(lambda p, x, f=cnp_call: cnp.sum(f(p, x) ** 2), argnums=(0, 1))(p, x)
        actual = cr.grad(lambda p, x, f=numpy_call: np.sum(f(p, x) ** 2), argnums=(0, 1))(p, x)
        for a, e in zip(actual, expected):
            np.testing.assert_array_equal(a, e)
        assert np.any(expected[1] != 0)


def test_errors_name_the_function_and_the_fix(rng):
    p = COEFFICIENTS

    def grad_of(f, value=p):
        return lambda: cr.grad(lambda v: cnp.sum(f(v)))(value)

    raises_with(ValueError, grad_of(lambda v: cnp.polyder(v, -1)), "polyder", "polyint")
    raises_with(ValueError, grad_of(lambda v: cnp.polyint(v, -1)), "polyint", "polyder")
    raises_with(
        ValueError, grad_of(lambda v: cnp.polyint(v, 3, k=[1.0, 2.0])), "polyint", "k must be"
    )
    raises_with(
        ValueError, grad_of(lambda v: cnp.vander(v.reshape(2, 2))), "vander", "one-dimensional"
    )
