"""chainrule.scipy.linalg's structured builders (toeplitz, hankel, circulant, companion,
block_diag) and solvers (banded, Toeplitz, circulant, Lyapunov): values and dtypes against
SciPy, derivatives to second order in both modes, and the error messages."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg
from assertions import raises_with

import chainrule as cr
import chainrule.scipy.linalg as csl
from chainrule.testing import check_grads


def _bands(rng, rows, n, diagonal_row):
    """Random bands with a dominant diagonal (so the matrix is well conditioned)."""
    ab = rng.standard_normal((rows, n))
    ab[diagonal_row] = np.abs(ab[diagonal_row]) + rows + 2
    return ab


def _hermitian_bands(rng, rows, n, lower):
    ab = _bands(rng, rows, n, 0 if lower else rows - 1)
    return ab


def _diagonally_dominant(rng, n):
    c = 0.3 * rng.standard_normal(n)
    c[0] = 3.0
    return c


# name: (function of (module, *args), function of rng giving the args)
CASES = {
    "toeplitz c r": (
        lambda m, c, r: m.toeplitz(c, r),
        lambda g: (g.normal(size=3), g.normal(size=4)),
    ),
    "toeplitz c": (lambda m, c: m.toeplitz(c), lambda g: (g.normal(size=3),)),
    "toeplitz batched": (lambda m, c: m.toeplitz(c), lambda g: (g.normal(size=(2, 3)),)),
    "hankel c r": (lambda m, c, r: m.hankel(c, r), lambda g: (g.normal(size=3), g.normal(size=2))),
    "hankel c": (lambda m, c: m.hankel(c), lambda g: (g.normal(size=4),)),
    "circulant": (lambda m, c: m.circulant(c), lambda g: (g.normal(size=4),)),
    "circulant batched": (lambda m, c: m.circulant(c), lambda g: (g.normal(size=(2, 3)),)),
    "companion": (lambda m, a: m.companion(a), lambda g: (g.normal(size=4) + 3,)),
    "companion batched": (lambda m, a: m.companion(a), lambda g: (g.normal(size=(2, 3)) + 3,)),
    "block_diag": (
        lambda m, a, b, c: m.block_diag(a, b, c),
        lambda g: (g.normal(size=(2, 3)), g.normal(size=2), g.normal(size=())),
    ),
    "solve_banded": (
        lambda m, ab, b: m.solve_banded((1, 2), ab, b),
        lambda g: (_bands(g, 4, 5, 2), g.normal(size=5)),
    ),
    "solve_banded columns": (
        lambda m, ab, b: m.solve_banded((2, 0), ab, b),
        lambda g: (_bands(g, 3, 4, 0), g.normal(size=(4, 2))),
    ),
    "solveh_banded": (
        lambda m, ab, b: m.solveh_banded(ab, b),
        lambda g: (_hermitian_bands(g, 2, 5, False), g.normal(size=5)),
    ),
    "solveh_banded lower": (
        lambda m, ab, b: m.solveh_banded(ab, b, lower=True),
        lambda g: (_hermitian_bands(g, 3, 4, True), g.normal(size=(4, 2))),
    ),
    "solve_toeplitz": (
        lambda m, c, b: m.solve_toeplitz(c, b),
        lambda g: (_diagonally_dominant(g, 4), g.normal(size=4)),
    ),
    "solve_toeplitz c r": (
        lambda m, c, r, b: m.solve_toeplitz((c, r), b),
        lambda g: (_diagonally_dominant(g, 3), _diagonally_dominant(g, 3), g.normal(size=(3, 2))),
    ),
    "solve_circulant": (
        lambda m, c, b: m.solve_circulant(c, b),
        lambda g: (_diagonally_dominant(g, 4), g.normal(size=4)),
    ),
    "solve_continuous_lyapunov": (
        lambda m, a, q: m.solve_continuous_lyapunov(a, q),
        lambda g: (g.normal(size=(3, 3)) + 3 * np.eye(3), g.normal(size=(3, 3))),
    ),
    "solve_lyapunov batched": (
        lambda m, a, q: m.solve_lyapunov(a, q),
        lambda g: (g.normal(size=(2, 2, 2)) + 3 * np.eye(2), g.normal(size=(2, 2, 2))),
    ),
    "solve_discrete_lyapunov": (
        lambda m, a, q: m.solve_discrete_lyapunov(a, q),
        lambda g: (0.3 * g.normal(size=(3, 3)), g.normal(size=(3, 3))),
    ),
    "solve_discrete_lyapunov bilinear": (
        lambda m, a, q: m.solve_discrete_lyapunov(a, q, method="bilinear"),
        lambda g: (0.3 * g.normal(size=(3, 3)), g.normal(size=(3, 3))),
    ),
    "solve_discrete_lyapunov batched": (
        lambda m, a, q: m.solve_discrete_lyapunov(a, q),
        lambda g: (0.3 * g.normal(size=(2, 2, 2)), g.normal(size=(2, 2, 2))),
    ),
}
_PARAMS = [pytest.param(*case, id=name) for name, case in CASES.items()]


def _traced(function, args):
    return cr.jvp(function, args, tuple(np.zeros_like(a) for a in args))[0]


@pytest.mark.parametrize("function, sample", _PARAMS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex128])
def test_values_and_dtypes_match_scipy(function, sample, dtype, rng):
    args = tuple(np.asarray(a, dtype) for a in sample(rng))
    if np.dtype(dtype).kind == "c":
        args = tuple(a + 0.1j * rng.standard_normal(a.shape) for a in args)
    expected = function(scipy.linalg, *args)
    actual = _traced(lambda *a: function(csl, *a), args)
    assert actual.shape == expected.shape and actual.dtype == expected.dtype
    rtol = 2e-4 if dtype == np.float32 else 1e-9
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=rtol)


@pytest.mark.parametrize("function, sample", _PARAMS)
def test_derivatives(function, sample, rng):
    check_grads(lambda *a: function(csl, *a), sample(rng), order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("name", ["toeplitz c", "solve_continuous_lyapunov",
                                  "solve_discrete_lyapunov", "solve_banded"])  # fmt: skip
def test_complex_derivatives(name, rng):
    function, sample = CASES[name]
    args = tuple(a + 0.1j * rng.standard_normal(np.shape(a)) for a in sample(rng))
    check_grads(lambda *a: function(csl, *a), args, order=2, modes=("fwd", "rev"))


def test_banded_solvers_read_only_the_bands(rng):
    # Entries of ab outside the matrix (the unused corners) get no derivative.
    ab = _bands(rng, 3, 4, 1)
    grad = cr.grad(lambda ab: csl.solve_banded((1, 1), ab, np.ones(4)).sum())(ab)
    assert grad[0, 0] == 0 and grad[2, -1] == 0 and np.all(grad[1] != 0)


def _call(function, *args):
    return lambda: cr.jvp(function, args, tuple(np.ones_like(a) for a in args))


VECTOR = np.array([3.0, 1.0, 0.5])
SQUARE = np.eye(3) + 1.0

ERRORS = [
    (csl.toeplitz, (np.float64(1.0),), "linalg.toeplitz", "vector"),
    (csl.hankel, (SQUARE,), "linalg.hankel", "1-D"),
    (csl.companion, (np.ones(1),), "linalg.companion", "at least 2"),
    (csl.companion, (np.array([0.0, 1.0]),), "linalg.companion", "must not be zero"),
    (csl.block_diag, (np.ones((2, 2, 2)),), "linalg.block_diag", "at most 2-D"),
    (lambda ab: csl.solve_banded((1, 0), ab, np.ones(3)), (SQUARE,), "solve_banded", "l + u + 1"),
    (lambda ab: csl.solve_banded((1, 1), ab, np.ones(3)), (np.ones((2, 3, 3)),), "solve_banded",
     "2-D"),
    (lambda ab: csl.solveh_banded(ab, np.ones(4)), (SQUARE,), "solveh_banded", "(3,) or"),
    (lambda c: csl.solve_circulant(c, np.ones(3), singular="lstsq"), (VECTOR,),
     "solve_circulant", "singular='raise'"),
    (lambda c: csl.solve_circulant(c, np.ones(3)), (np.ones(3),), "solve_circulant",
     "near singular"),
    (lambda a: csl.solve_continuous_lyapunov(a, np.eye(2)), (SQUARE,),
     "solve_continuous_lyapunov", "does not match"),
    (lambda a: csl.solve_discrete_lyapunov(a, np.eye(3), method="schur"), (SQUARE,),
     "solve_discrete_lyapunov", "method"),
]  # fmt: skip


@pytest.mark.parametrize("error", ERRORS, ids=lambda error: f"{error[2]} {error[3]}")
def test_errors_name_the_function_and_the_fix(error):
    function, args, *fragments = error
    raises_with(
        (ValueError, TypeError, NotImplementedError, np.linalg.LinAlgError),
        _call(function, *args),
        "chainrule.scipy.",
        *fragments,
    )
