"""chainrule.scipy.linalg: scipy.linalg's solvers, factorizations and matrix functions.

Without traced arguments each function calls SciPy itself. With them it applies the
primitives of chainrule/primitives/linalg.py and factorizations.py (triangular
solve, Cholesky, LU, expm, sqrtm, Sylvester) or composes them. Like SciPy, functions that read
one triangle of a matrix differentiate only that triangle. Keywords that only tune
SciPy's memory use (overwrite_*, check_finite) are accepted and have no effect on
traced values. The rest of the namespace lives in sub-modules re-exported here:
linalg_spectral (eigh, eig, svd, polar), linalg_factorizations (qr, rq, lu_factor,
lu_solve), linalg_least_squares (pinv, pinvh, lstsq, norm), linalg_matrix_functions
(logm, sinm, ..., expm_frechet) and linalg_structured (toeplitz, banded and Lyapunov
solvers). docs/linalg.md has the rules.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg

from chainrule.numpy import linalg as cnp_linalg
from chainrule.numpy.arguments import is_traced
from chainrule.numpy.diagonals import tril, triu
from chainrule.numpy.elementwise import conj
from chainrule.numpy.linalg import symmetric_from_triangle
from chainrule.numpy.manipulation import swapaxes
from chainrule.primitives import factorizations as fac
from chainrule.primitives import linalg as la
from chainrule.scipy.linalg_arguments import concrete as _concrete
from chainrule.scipy.linalg_arguments import conjugate_transpose as _conjugate_transpose
from chainrule.scipy.linalg_arguments import operand as _operand
from chainrule.scipy.linalg_arguments import solve_columns as _solve_columns
from chainrule.scipy.linalg_arguments import square as _square
from chainrule.scipy.linalg_factorizations import lu_factor, lu_solve, qr, rq
from chainrule.scipy.linalg_least_squares import lstsq, norm, pinv, pinvh
from chainrule.scipy.linalg_matrix_functions import (
    coshm,
    cosm,
    expm_frechet,
    fractional_matrix_power,
    logm,
    sinhm,
    sinm,
    tanhm,
    tanm,
)
from chainrule.scipy.linalg_spectral import eig, eigh, eigvals, eigvalsh, polar, svd, svdvals
from chainrule.scipy.linalg_structured import (
    block_diag,
    circulant,
    companion,
    hankel,
    solve_banded,
    solve_circulant,
    solve_continuous_lyapunov,
    solve_discrete_lyapunov,
    solve_lyapunov,
    solve_toeplitz,
    solveh_banded,
    toeplitz,
)

__all__ = [
    "block_diag",
    "circulant",
    "companion",
    "cosm",
    "coshm",
    "eig",
    "eigh",
    "eigvals",
    "eigvalsh",
    "expm_frechet",
    "fractional_matrix_power",
    "hankel",
    "logm",
    "lstsq",
    "lu_factor",
    "lu_solve",
    "norm",
    "pinv",
    "pinvh",
    "polar",
    "qr",
    "rq",
    "sinhm",
    "sinm",
    "solve_banded",
    "solve_circulant",
    "solve_continuous_lyapunov",
    "solve_discrete_lyapunov",
    "solve_lyapunov",
    "solve_toeplitz",
    "solveh_banded",
    "svd",
    "svdvals",
    "tanhm",
    "tanm",
    "toeplitz",
    "cho_factor",
    "cho_solve",
    "cholesky",
    "det",
    "expm",
    "inv",
    "lu",
    "solve",
    "solve_sylvester",
    "solve_triangular",
    "sqrtm",
]

_TRANSPOSES = {0: False, "N": False, 1: True, "T": True, 2: True, "C": True}


def solve_triangular(
    a: Any,
    b: Any,
    trans: Any = 0,
    lower: bool = False,
    unit_diagonal: bool = False,
    overwrite_b: bool = False,
    check_finite: bool = True,
) -> Any:
    """Differentiable scipy.linalg.solve_triangular: x with op(a) x = b, a triangular.

    ``trans`` 0/'N' (a), 1/'T' (a^T), 2/'C' (a^H, a^T for real a). Only the triangle
    named by ``lower`` is read and differentiated (not the diagonal when
    ``unit_diagonal``). dx = -op(a)^-1 op(da) x, b_bar = op(a)^-T x_bar.
    """
    if not is_traced(a, b):
        return scipy.linalg.solve_triangular(
            a, b, trans, lower, unit_diagonal, overwrite_b, check_finite
        )
    if trans not in _TRANSPOSES:
        raise ValueError(
            f"chainrule.scipy.linalg.solve_triangular: trans={trans!r}; use 0, 1, 2 or "
            "'N', 'T', 'C'"
        )
    a = _square(a, "solve_triangular")
    if trans in (2, "C") and a.dtype.kind == "c":
        a = conj(a)  # a^H x = b is conj(a)^T x = b
    params = dict(
        lower=bool(lower), transpose_a=_TRANSPOSES[trans], unit_diagonal=bool(unit_diagonal)
    )
    return _solve_columns(
        lambda columns: la.triangular_solve_p(a, columns, **params), a, b, "solve_triangular"
    )


def cholesky(
    a: Any, lower: bool = False, overwrite_a: bool = False, check_finite: bool = True
) -> Any:
    """Differentiable scipy.linalg.cholesky(a, lower=False): U with a = U^H U (or L).

    Reads, and differentiates, only the triangle it returns, as SciPy does (for complex
    ``a``, of the Hermitian matrix: the diagonal's imaginary part is not read).
    """
    if not is_traced(a):
        return scipy.linalg.cholesky(a, lower, overwrite_a, check_finite)
    a = _square(a, "cholesky")
    factor = fac.cholesky_p(symmetric_from_triangle(a, bool(lower), hermitian=True))
    return factor if lower else _conjugate_transpose(factor)


def cho_factor(
    a: Any, lower: bool = False, overwrite_a: bool = False, check_finite: bool = True
) -> tuple:
    """Differentiable scipy.linalg.cho_factor(a, lower=False): (c, lower) for cho_solve.

    c holds the factor in one triangle and, as in SciPy, a's own entries in the other
    (where the derivative is the identity; cho_solve never reads them).
    """
    if not is_traced(a):
        return scipy.linalg.cho_factor(a, lower, overwrite_a, check_finite)
    factor = cholesky(a, lower=lower)
    c = factor + (triu(a, 1) if lower else tril(a, -1))
    return c, bool(lower)


def cho_solve(
    c_and_lower: tuple, b: Any, overwrite_b: bool = False, check_finite: bool = True
) -> Any:
    """Differentiable scipy.linalg.cho_solve((c, lower), b): two triangular solves."""
    c, lower = c_and_lower
    if not is_traced(c, b):
        return scipy.linalg.cho_solve((c, lower), b, overwrite_b, check_finite)
    c = _square(c, "cho_solve")
    lower = bool(lower)
    # a = L L^H (lower) or U^H U. A solve with L^H (U^H) is a transposed solve with
    # conj(c), which is c itself for real c.
    c_conj = conj(c) if c.dtype.kind == "c" else c

    def triangular(factor: Any, columns: Any, transpose: bool) -> Any:
        return la.triangular_solve_p(
            factor, columns, lower=lower, transpose_a=transpose, unit_diagonal=False
        )

    def solve_both(columns: Any) -> Any:
        if lower:
            return triangular(c_conj, triangular(c, columns, False), True)
        return triangular(c, triangular(c_conj, columns, True), False)

    return _solve_columns(solve_both, c, b, "cho_solve")


_GENERAL = (None, "gen", "general")
_SYMMETRIC = ("sym", "symmetric", "her", "hermitian", "pos", "positive definite")


def _structured(a: Any, assume_a: Any, lower: bool, function: str) -> Any:
    """a as SciPy's solver for ``assume_a`` reads it: whole, or from one triangle."""
    if assume_a in _GENERAL:
        return a
    if assume_a in _SYMMETRIC:
        # 'sym' is complex symmetric (plain transpose), 'her' and 'pos' Hermitian.
        return symmetric_from_triangle(a, lower, hermitian=assume_a not in _SYMMETRIC[:2])
    raise NotImplementedError(
        f"chainrule.scipy.linalg.{function}: assume_a={assume_a!r} is not supported on "
        f"traced values; use one of {_GENERAL + _SYMMETRIC} (for triangular matrices, "
        "solve_triangular)"
    )


def solve(
    a: Any,
    b: Any,
    lower: bool = False,
    overwrite_a: bool = False,
    overwrite_b: bool = False,
    check_finite: bool = True,
    assume_a: Any = None,
    transposed: bool = False,
) -> Any:
    """Differentiable scipy.linalg.solve(a, b, lower=False, assume_a=None, transposed=False).

    assume_a 'sym', 'her', 'pos' read one triangle (``lower``), as SciPy does (complex
    'sym': a symmetric matrix; 'her', 'pos': a Hermitian one); the general solver's rule
    (a solve with a^T) applies to the matrix read. ``transposed=True`` takes real ``a``
    only, as in SciPy.
    """
    if not is_traced(a, b):
        return scipy.linalg.solve(
            a, b, lower, overwrite_a, overwrite_b, check_finite, assume_a, transposed
        )
    a = _structured(_square(a, "solve"), assume_a, bool(lower), "solve")
    if transposed:
        if a.dtype.kind == "c":
            raise NotImplementedError(
                "chainrule.scipy.linalg.solve: transposed=True with a complex matrix a is not "
                "supported, as in SciPy itself; solve with swapaxes(a, -1, -2) (or its "
                "conjugate for a^H) and transposed=False"
            )
        a = swapaxes(a, -1, -2)
    return _solve_columns(lambda columns: la.solve_p(a, columns), a, b, "solve")


def inv(
    a: Any,
    overwrite_a: bool = False,
    check_finite: bool = True,
    *,
    assume_a: Any = None,
    lower: bool = False,
) -> Any:
    """Differentiable scipy.linalg.inv(a, assume_a=None, lower=False)."""
    if not is_traced(a):
        return scipy.linalg.inv(a, overwrite_a, check_finite, assume_a=assume_a, lower=lower)
    return la.inv_p(_structured(_square(a, "inv"), assume_a, bool(lower), "inv"))


def det(a: Any, overwrite_a: bool = False, check_finite: bool = True) -> Any:
    """Differentiable scipy.linalg.det(a): chainrule.numpy.linalg.det (adjugate rule)."""
    if not is_traced(a):
        return scipy.linalg.det(a, overwrite_a, check_finite)
    a = _square(a, "det")
    # SciPy's result type for this input type (float64 for float32 in recent versions).
    result_type = scipy.linalg.det(np.eye(1, dtype=a.dtype)).dtype
    return cnp_linalg.det(a).astype(result_type)


def lu(
    a: Any,
    permute_l: bool = False,
    overwrite_a: bool = False,
    check_finite: bool = True,
    p_indices: bool = False,
) -> tuple:
    """Differentiable scipy.linalg.lu(a) of square matrices: (p, l, u), or (p @ l, u).

    The permutation carries no derivative (it is piecewise constant). With
    M = l^-1 p^T da u^-1: dl = l tril(M, -1), du = triu(M) u; holomorphic, so complex
    ``a`` needs no conjugates.
    """
    if not is_traced(a):
        return scipy.linalg.lu(a, permute_l, overwrite_a, check_finite, p_indices)
    a = _square(a, "lu")
    p, l_factor, u = fac.lu_p(a)
    p = _concrete(p)  # piecewise constant: a plain array
    if permute_l:
        return p @ l_factor, u
    if p_indices:  # SciPy's own pivots for the same matrix, in its integer type
        return scipy.linalg.lu(_concrete(a), p_indices=True)[0], l_factor, u
    return p, l_factor, u


def expm(A: Any) -> Any:
    """Differentiable scipy.linalg.expm(A), batched.

    Its derivative, the Frechet derivative L(A, E), is the top-right block of
    expm([[A, E], [0, A]]); the gradient is L(A^T, G). Both are expm again, so every
    order is available.

    >>> import chainrule as cr
    >>> cr.grad(lambda a: expm(a).sum())(np.zeros((2, 2)))
    array([[1., 1.],
           [1., 1.]])
    """
    if not is_traced(A):
        return scipy.linalg.expm(A)
    return la.expm_p(_square(A, "expm"))


_UNSET = object()


def sqrtm(A: Any, disp: Any = _UNSET, blocksize: Any = _UNSET) -> Any:
    """Differentiable scipy.linalg.sqrtm(A): the principal square root X, X @ X = A.

    dX solves the Sylvester equation X dX + dX X = dA (and A_bar the transposed one), so
    it exists where X has no eigenvalues summing to zero: A nonsingular, or at least
    with no two eigenvalues whose square roots cancel.
    """
    if not is_traced(A):
        kwargs = {k: v for k, v in (("disp", disp), ("blocksize", blocksize)) if v is not _UNSET}
        return scipy.linalg.sqrtm(A, **kwargs)
    if disp is not _UNSET or blocksize is not _UNSET:
        raise TypeError(
            "chainrule.scipy.linalg.sqrtm: disp= and blocksize= are not supported on traced "
            "values; call sqrtm(A) without them"
        )
    return la.sqrtm_p(_square(A, "sqrtm"))


def solve_sylvester(a: Any, b: Any, q: Any) -> Any:
    """Differentiable scipy.linalg.solve_sylvester(a, b, q): x with a x + x b = q.

    The derivative solves one more Sylvester equation: a dx + dx b = dq - da x - x db.
    """
    if not is_traced(a, b, q):
        return scipy.linalg.solve_sylvester(a, b, q)
    a, b, q = _square(a, "solve_sylvester"), _square(b, "solve_sylvester"), _operand(q)
    if q.ndim < 2 or q.shape[-2:] != (a.shape[-1], b.shape[-1]):
        raise ValueError(
            f"chainrule.scipy.linalg.solve_sylvester: q of shape {q.shape} does not match a "
            f"{a.shape} and b {b.shape}: q must be (..., {a.shape[-1]}, {b.shape[-1]})"
        )
    return la.sylvester_p(a, b, q)
