"""chainrule.scipy.linalg: values and dtypes against SciPy on traced inputs, derivatives
of every option against central differences, and the error messages. (The primitives'
rules themselves are tabled in tests/primitives/test_linalg.py.)"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg
from assertions import raises_with
from matrices import sample_matrix

import chainrule as cr
import chainrule.numpy as cnp
import chainrule.scipy.linalg as csl
from chainrule.testing import check_grads
from chainrule.tree import tree_flatten


def _cho_solve(module, lower):
    return lambda a, b: module.cho_solve(module.cho_factor(a, lower=lower), b)


def _case(name, function, structures, shapes, outputs=None):
    """name, function of (module, *args), one structure and shape per input, and the
    indices of the outputs that carry derivatives (None: all)."""
    return (name, function, structures, shapes, outputs)


TRIANGULAR = ("general", "plain")
CASES = [
    _case(
        "solve_triangular", lambda m, a, b: m.solve_triangular(a, b), TRIANGULAR, ((3, 3), (3, 2))
    ),
    _case(
        "solve_triangular lower T",
        lambda m, a, b: m.solve_triangular(a, b, trans="T", lower=True),
        TRIANGULAR,
        ((3, 3), (3,)),
    ),
    _case(
        "solve_triangular C unit",
        lambda m, a, b: m.solve_triangular(a, b, trans="C", unit_diagonal=True),
        TRIANGULAR,
        ((3, 3), (3,)),
    ),
    _case(
        "solve_triangular batched",
        lambda m, a, b: m.solve_triangular(a, b, trans=1),
        TRIANGULAR,
        ((2, 3, 3), (2, 3, 2)),
    ),
    _case("cholesky", lambda m, a: m.cholesky(a), ("spd",), ((3, 3),)),
    _case("cholesky lower", lambda m, a: m.cholesky(a, lower=True), ("spd",), ((2, 3, 3),)),
    _case("cho_factor", lambda m, a: m.cho_factor(a), ("spd",), ((3, 3),), outputs=(0,)),
    _case("cho_factor lower", lambda m, a: m.cho_factor(a, True), ("spd",), ((3, 3),), (0,)),
    _case(
        "cho_solve", lambda m, a, b: _cho_solve(m, False)(a, b), ("spd", "plain"), ((3, 3), (3,))
    ),
    _case(
        "cho_solve lower batched",
        lambda m, a, b: _cho_solve(m, True)(a, b),
        ("spd", "plain"),
        ((2, 3, 3), (2, 3, 2)),
    ),
    _case("solve", lambda m, a, b: m.solve(a, b), TRIANGULAR, ((3, 3), (3, 2))),
    _case("solve sym", lambda m, a, b: m.solve(a, b, assume_a="sym"), TRIANGULAR, ((3, 3), (3,))),
    _case(
        "solve pos lower",
        lambda m, a, b: m.solve(a, b, assume_a="pos", lower=True),
        ("spd", "plain"),
        ((3, 3), (3,)),
    ),
    _case(
        "solve transposed",
        lambda m, a, b: m.solve(a, b, transposed=True),
        TRIANGULAR,
        ((3, 3), (3,)),
    ),
    _case("inv", lambda m, a: m.inv(a), ("general",), ((2, 3, 3),)),
    _case("inv pos", lambda m, a: m.inv(a, assume_a="pos"), ("spd",), ((3, 3),)),
    _case("det", lambda m, a: m.det(a), ("general",), ((2, 3, 3),)),
    _case("lu", lambda m, a: m.lu(a), ("plain",), ((3, 3),), outputs=(1, 2)),
    _case("lu batched", lambda m, a: m.lu(a), ("plain",), ((2, 3, 3),), outputs=(1, 2)),
    _case("lu permute_l", lambda m, a: m.lu(a, permute_l=True), ("plain",), ((3, 3),)),
    _case("lu p_indices", lambda m, a: m.lu(a, p_indices=True), ("plain",), ((3, 3),), (1, 2)),
    _case("expm", lambda m, a: m.expm(a), ("small",), ((2, 3, 3),)),
    _case("sqrtm", lambda m, a: m.sqrtm(a), ("spd",), ((3, 3),)),
    _case("sqrtm non-symmetric", lambda m, a: m.sqrtm(a), ("real_spectrum",), ((3, 3),)),
    _case(
        "solve_sylvester",
        lambda m, a, b, q: m.solve_sylvester(a, b, q),
        ("general", "general", "plain"),
        ((3, 3), (2, 2), (3, 2)),
    ),
]

_IDS = [case[0] for case in CASES]


def _sample(rng, structures, shapes, dtype=np.float64):
    return tuple(
        sample_matrix(rng, shape, structure, dtype)
        for shape, structure in zip(shapes, structures, strict=True)
    )


def _traced(function, args):
    out = cr.jvp(function, args, tuple(np.zeros_like(a) for a in args))[0]
    return tree_flatten(out)[0]


@pytest.mark.parametrize("name, function, structures, shapes, outputs", CASES, ids=_IDS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_values_and_dtypes_match_scipy(name, function, structures, shapes, outputs, dtype, rng):
    args = _sample(rng, structures, shapes, dtype)
    expected = tree_flatten(function(scipy.linalg, *args))[0]
    actual = _traced(lambda *a: function(csl, *a), args)
    rtol = 2e-4 if dtype == np.float32 else 1e-9
    assert len(actual) == len(expected)
    for value, wanted in zip(actual, expected, strict=True):
        assert np.shape(value) == np.shape(wanted)
        assert np.result_type(value) == np.result_type(wanted)
        np.testing.assert_allclose(value, wanted, rtol=rtol, atol=rtol)


@pytest.mark.parametrize("name, function, structures, shapes, outputs", CASES, ids=_IDS)
def test_derivatives(name, function, structures, shapes, outputs, rng):
    args = _sample(rng, structures, shapes)

    def differentiable(*args):
        # lu's permutation and indices, cho_factor's flag: results without derivatives.
        leaves = tree_flatten(function(csl, *args))[0]
        return leaves if outputs is None else [leaves[i] for i in outputs]

    check_grads(differentiable, args, order=2, modes=("fwd", "rev"))


def test_cho_factor_keeps_the_other_triangle_of_a(rng):
    a = sample_matrix(rng, (3, 3), "spd")
    jacobian = cr.jacfwd(lambda a: csl.cho_factor(a)[0])(a)  # upper factor, a's lower part
    for i, j in zip(*np.tril_indices(3, -1), strict=True):
        expected = np.zeros((3, 3))
        expected[i, j] = 1.0
        np.testing.assert_array_equal(jacobian[i, j], expected)


def test_lu_permutation_has_no_derivative(rng):
    a = sample_matrix(rng, (3, 3), "plain")
    (p, _, _), (p_dot, l_dot, u_dot) = cr.jvp(csl.lu, (a,), (np.ones((3, 3)),))
    np.testing.assert_array_equal(p, scipy.linalg.lu(a)[0])
    assert not np.any(p_dot) and np.any(l_dot) and np.any(u_dot)


def test_sqrtm_gradient_solves_the_transposed_sylvester_equation(rng):
    a = sample_matrix(rng, (3, 3), "spd")
    weights = rng.standard_normal((3, 3))
    grad = cr.grad(lambda a: cnp.sum(csl.sqrtm(a) * weights))(a)
    root = scipy.linalg.sqrtm(a)
    np.testing.assert_allclose(root.T @ grad + grad @ root.T, weights, atol=1e-10)


def _call(function, *args):
    return lambda: cr.jvp(function, args, tuple(np.ones_like(a) for a in args))


SQUARE = np.eye(3) + 1.0

ERRORS = [
    (
        lambda a: csl.solve_triangular(a, np.ones(3), trans="X"),
        (SQUARE,),
        "solve_triangular",
        "trans",
    ),
    (
        lambda a: csl.solve_triangular(a, np.ones(3)),
        (np.ones((2, 3)),),
        "solve_triangular",
        "square",
    ),
    (
        lambda a: csl.solve_triangular(a, np.ones(4)),
        (SQUARE,),
        "solve_triangular",
        "(3,) or (..., 3, K)",
    ),
    (lambda a: csl.solve(a, np.ones(3), assume_a="banded"), (SQUARE,), "linalg.solve", "assume_a"),
    (lambda a: csl.inv(a, assume_a="diagonal"), (SQUARE,), "linalg.inv", "assume_a"),
    (lambda a: csl.sqrtm(a, blocksize=8), (SQUARE,), "linalg.sqrtm", "blocksize"),
    (
        lambda a: csl.solve_sylvester(a, a, np.ones((2, 3))),
        (SQUARE,),
        "solve_sylvester",
        "q must be",
    ),
    (csl.expm, (np.ones(3),), "linalg.expm", "square"),
]


@pytest.mark.parametrize("error", ERRORS, ids=lambda error: error[2])
def test_errors_name_the_function_and_the_fix(error):
    function, args, *fragments = error
    raises_with(
        (ValueError, TypeError, NotImplementedError),
        _call(function, *args),
        "chainrule.scipy.",
        *fragments,
    )


def test_complex_transposed_solve_is_refused_as_scipy_refuses_it():
    a = np.array([[2.0 + 1.0j, 0.5], [0.5, 3.0]])
    function = lambda a: csl.solve(a, np.ones(2), transposed=True)  # noqa: E731
    raises_with(NotImplementedError, _call(function, a), "chainrule.scipy.linalg.solve")


def test_complex_expm_and_solve_are_holomorphic(rng):
    # The rules are plain transposes, so complex inputs need nothing special.
    a = 0.3 * (rng.standard_normal((2, 2)) + 1j * rng.standard_normal((2, 2)))
    tangent = 0.3 * (rng.standard_normal((2, 2)) + 1j * rng.standard_normal((2, 2)))
    _, derivative = cr.jvp(csl.expm, (a,), (tangent,))
    step = 1e-6
    expected = (scipy.linalg.expm(a + step * tangent) - scipy.linalg.expm(a - step * tangent)) / (
        2 * step
    )
    np.testing.assert_allclose(derivative, expected, rtol=1e-6, atol=1e-8)
