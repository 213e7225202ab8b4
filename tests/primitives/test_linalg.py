"""Rules of primitives/linalg.py (solves, inverses, determinants, expm, sqrtm, Sylvester)
and of the linear-algebra composites built on them, checked against central differences
in both modes at second order, at square, batched, 1 x 1 and rectangular shapes."""

from __future__ import annotations

import numpy as np
import pytest
from matrices import SQUARE, matrix_case

import chainrule as cr
import chainrule.numpy as cnp
import chainrule.scipy.linalg as csl
from chainrule.testing import check_grads

linalg = cnp.linalg


def logabsdet(a):
    return linalg.slogdet(a)[1]


def lstsq_solution(a, b):
    return linalg.lstsq(a, b)[0]


def lstsq_residuals(a, b):
    return linalg.lstsq(a, b)[1]


def triangular_solve(a, b, **params):
    return csl.solve_triangular(a, b, **params)


def matrix_power(a, n):
    return linalg.matrix_power(a, n)


SOLVE_SHAPES = (
    ((3, 3), (3,)),
    ((3, 3), (3, 2)),
    ((2, 3, 3), (2, 3, 2)),
    ((2, 3, 3), (3, 2)),  # b's batch axes broadcast
    ((2, 3, 3), (3,)),  # a 1-D b is one vector for every matrix
    ((1, 1), (1,)),
)

SOLVERS = [
    matrix_case(linalg.solve, ("general", "plain"), SOLVE_SHAPES),
    matrix_case(linalg.inv, ("general",), SQUARE),
    matrix_case(linalg.pinv, ("general",), (((4, 3),), ((3, 4),), ((2, 3, 3),), ((1, 1),))),
    matrix_case(linalg.det, ("general",), SQUARE),
    matrix_case(logabsdet, ("general",), SQUARE),
    matrix_case(
        lstsq_solution, ("plain", "plain"), (((4, 3), (4,)), ((4, 3), (4, 2)), ((3, 4), (3,)))
    ),
    matrix_case(lstsq_residuals, ("plain", "plain"), (((4, 3), (4,)), ((5, 2), (5, 3)))),
    matrix_case(linalg.tensorinv, ("plain",), (((2, 3, 6),),), params={"ind": 2}),
    matrix_case(linalg.tensorsolve, ("plain", "plain"), (((6, 2, 3), (6,)),)),
    matrix_case(
        matrix_power,
        ("general",),
        (((3, 3),), ((2, 3, 3),)),
        name="matrix_power 3",
        params={"n": 3},
    ),
    matrix_case(matrix_power, ("general",), (((3, 3),),), name="matrix_power -2", params={"n": -2}),
]

TRIANGULAR_SHAPES = (((3, 3), (3,)), ((3, 3), (3, 2)), ((2, 3, 3), (2, 3, 2)), ((1, 1), (1,)))
TRIANGULAR_SOLVES = [
    matrix_case(
        triangular_solve,
        ("general", "plain"),
        TRIANGULAR_SHAPES,
        name=f"solve_triangular {params}",
        params=params,
    )
    for params in (
        {},
        {"lower": True},
        {"trans": "T"},
        {"trans": 1, "lower": True, "unit_diagonal": True},
        {"unit_diagonal": True},
    )
]

MATRIX_FUNCTIONS = [
    matrix_case(csl.expm, ("small",), SQUARE),
    matrix_case(csl.sqrtm, ("spd",), SQUARE),
    matrix_case(csl.logm, ("spd",), SQUARE),  # matrix_function_p; the others: tests/scipy
    matrix_case(
        csl.solve_sylvester,
        ("general", "general", "plain"),
        (((3, 3), (2, 2), (3, 2)), ((2, 2, 2), (2, 2), (2, 2, 2))),
    ),
]

_CHECKS = [
    check for case in SOLVERS + TRIANGULAR_SOLVES + MATRIX_FUNCTIONS for check in case.checks()
]


@pytest.mark.parametrize("case, shapes", _CHECKS, ids=lambda v: str(v))
def test_linalg_rules(case, shapes, rng):
    tolerance = {} if case.tolerance is None else {"atol": case.tolerance, "rtol": case.tolerance}
    check_grads(
        case.call, case.sample_args(rng, shapes), order=2, modes=("fwd", "rev"), **tolerance
    )


def test_expm_third_order(rng):
    # The Frechet derivative is expm of a block matrix, so every order is expm again.
    a = 0.3 * rng.standard_normal((2, 2))
    check_grads(csl.expm, (a,), order=3, modes=("fwd", "rev"))


def test_det_gradient_at_singular_matrices_is_the_adjugate():
    rank_one = np.array([[1.0, 2.0], [2.0, 4.0]])
    np.testing.assert_allclose(cr.grad(cnp.linalg.det)(rank_one), [[4.0, -2.0], [-2.0, 1.0]])
    rank_two = np.diag([2.0, 3.0, 0.0])  # adj = diag(0, 0, 6)
    np.testing.assert_allclose(
        cr.grad(cnp.linalg.det)(rank_two), np.diag([0.0, 0.0, 6.0]), atol=1e-12
    )
    zero = np.zeros((3, 3))
    for mode in (cr.jacfwd, cr.jacrev):
        assert np.array_equal(mode(cnp.linalg.det)(zero), np.zeros((3, 3)))


def _cofactors(a):
    """C[i, j] = (-1)**(i + j) det(a without row i and column j), from the minors."""
    n = a.shape[-1]
    cofactors = np.empty_like(a)
    for i in range(n):
        for j in range(n):
            minor = np.delete(np.delete(a, i, axis=-2), j, axis=-1)
            cofactors[..., i, j] = (-1) ** (i + j) * np.linalg.det(minor)
    return cofactors


@pytest.mark.parametrize("condition", [1e3, 1e10, 1e15, np.inf])
def test_det_gradient_is_the_cofactor_matrix_at_any_conditioning(condition, rng):
    # Well-conditioned matrices take det(a) a^-1, the others an SVD; a batch mixes both.
    q1, _ = np.linalg.qr(rng.standard_normal((3, 3)))
    q2, _ = np.linalg.qr(rng.standard_normal((3, 3)))
    smallest = 0.0 if condition == np.inf else 2.0 / condition
    a = np.stack([q1 @ np.diag([2.0, 1.0, smallest]) @ q2, rng.standard_normal((3, 3))])
    grad = cr.grad(lambda a: cnp.sum(cnp.linalg.det(a)))(a)
    np.testing.assert_allclose(grad, _cofactors(a), atol=1e-14, rtol=1e-9)


def test_det_gradient_equals_det_times_inverse_transpose(rng):
    a = rng.standard_normal((2, 4, 4)) + 4 * np.eye(4)
    expected = np.linalg.det(a)[:, None, None] * np.linalg.inv(a).transpose(0, 2, 1)
    np.testing.assert_allclose(cr.grad(lambda a: cnp.sum(cnp.linalg.det(a)))(a), expected)


def test_triangular_solve_ignores_the_other_triangle(rng):
    a = rng.standard_normal((3, 3)) + 3 * np.eye(3)
    b = rng.standard_normal(3)
    grad = cr.grad(lambda a: cnp.sum(csl.solve_triangular(a, b, lower=True, unit_diagonal=True)))(a)
    assert np.all(np.triu(grad) == 0)  # neither the upper triangle nor the unit diagonal
    assert np.all(np.tril(grad, -1)[np.tril_indices(3, -1)] != 0)


def test_triangular_solve_without_scipy(rng, monkeypatch):
    # Single matrices go to SciPy's triangular solve when SciPy is there, else to NumPy's
    # LU solve on the triangle: both give the same values and derivatives.
    from chainrule.primitives import linalg as la

    a = rng.standard_normal((3, 3)) + 3 * np.eye(3)
    b = rng.standard_normal((3, 2))
    solve = lambda a, b: csl.solve_triangular(a, b, trans="T", unit_diagonal=True)
    with_scipy = solve(a, b), cr.grad(lambda a: cnp.sum(solve(a, b) ** 2))(a)
    monkeypatch.setattr(la, "_scipy_linalg", lambda: None)
    np.testing.assert_allclose(_traced_value(solve, (a, b)), with_scipy[0], rtol=1e-12)
    np.testing.assert_allclose(cr.grad(lambda a: cnp.sum(solve(a, b) ** 2))(a), with_scipy[1])
    check_grads(solve, (a, b), order=2, modes=("fwd", "rev"))


def _traced_value(function, args):
    return cr.jvp(function, args, tuple(np.zeros_like(a) for a in args))[0]


def test_solve_vjp_skips_constant_matrix(rng):
    a = rng.standard_normal((3, 3)) + 3 * np.eye(3)
    b = rng.standard_normal((3, 2))
    grad = cr.grad(lambda b: cnp.sum(cnp.linalg.solve(a, b)))(b)
    np.testing.assert_allclose(grad, np.linalg.solve(a.T, np.ones((3, 2))))
