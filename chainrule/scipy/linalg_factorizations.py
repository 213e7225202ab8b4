"""chainrule.scipy.linalg's QR, RQ and LU-factor functions: qr, rq, lu_factor, lu_solve.

qr composes chainrule.numpy.linalg.qr (pivots, when asked for, are read from SciPy on
the values and carry no derivative); rq is a QR of the row-reversed conjugate transpose;
lu_factor packs the factors of the lu primitive with LAPACK's pivot indices, and
lu_solve undoes the row swaps and solves with the two triangles.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg

from chainrule.numpy import linalg as cnp_linalg
from chainrule.numpy.arguments import is_traced
from chainrule.numpy.creation import zeros
from chainrule.numpy.diagonals import tril
from chainrule.numpy.elementwise import conj
from chainrule.numpy.indexing import take_along_axis
from chainrule.numpy.manipulation import concatenate, flip
from chainrule.primitives import factorizations as fac
from chainrule.primitives import linalg as la
from chainrule.scipy.linalg_arguments import (
    concrete,
    conjugate_transpose,
    operand,
    scipy_results,
    solve_columns,
    square,
)

__all__ = ["lu_factor", "lu_solve", "qr", "rq"]

_QR_MODES = ("full", "economic", "r")


def _matrices(a: Any, function: str) -> Any:
    a = operand(a)
    if a.ndim < 2:
        raise ValueError(
            f"chainrule.scipy.linalg.{function}: expected a matrix (or a stack of them) as "
            f"the last two axes, got shape {a.shape}"
        )
    return a


def _check_mode(mode: Any, m: int, n: int, function: str, wide_q: bool) -> None:
    """Refuse 'raw', unknown modes, and a 'full' Q with columns that are not unique."""
    if mode not in _QR_MODES:
        raise ValueError(
            f"chainrule.scipy.linalg.{function}: mode={mode!r} is not supported on traced "
            f"values; use one of {_QR_MODES}"
        )
    if mode == "full" and wide_q:
        size = max(m, n)
        raise ValueError(
            f"chainrule.scipy.linalg.{function}: mode='full' on a traced {(m, n)} matrix "
            f"asks for a {size} x {size} Q whose extra vectors are not unique and have no "
            "derivative; use mode='economic' (or 'r')"
        )


def _pad_rows(r: Any, rows: int) -> Any:
    """r with zero rows appended up to ``rows`` (SciPy's full R of a tall matrix)."""
    missing = rows - r.shape[-2]
    if missing == 0:
        return r
    return concatenate([r, zeros(r.shape[:-2] + (missing, r.shape[-1]), r.dtype)], axis=-2)


def _phases(ours: Any, theirs: np.ndarray, axis: int) -> np.ndarray:
    """The unit factors d with theirs = ours * d along ``axis`` (columns -2: per column;
    -1: per row), read on the values: the gauge SciPy's routine chose, no derivative."""
    overlap = np.sum(np.conj(np.asarray(concrete(ours))) * theirs, axis=axis)
    magnitude = np.abs(overlap)
    return np.where(magnitude > 0, overlap / np.where(magnitude > 0, magnitude, 1), 1)


def qr(
    a: Any,
    overwrite_a: bool = False,
    lwork: Any = None,
    mode: str = "full",
    pivoting: bool = False,
    check_finite: bool = True,
) -> tuple:
    """Differentiable scipy.linalg.qr(a, mode='full', pivoting=False): (Q, R[, P]).

    'full' on a tall traced matrix is refused (Q's extra columns are not unique);
    'economic' and 'r' (R as SciPy returns it, zero rows included, in a 1-tuple) are
    supported; 'raw' is not. With ``pivoting`` the column order P is SciPy's, read on the
    values (no derivative), and a[:, P] = Q R is factored differentiably; R's signs may
    then differ from SciPy's (its pivoted routine is another algorithm).
    """
    if not is_traced(a):
        return scipy.linalg.qr(a, overwrite_a, lwork, mode, pivoting, check_finite)
    a = _matrices(a, "qr")
    m, n = a.shape[-2:]
    _check_mode(mode, m, n, "qr", wide_q=m > n)
    if not pivoting:
        if mode == "r":  # a 1-tuple for one matrix, the bare stack for a batch
            r = _pad_rows(cnp_linalg.qr(a, mode="r"), m)
            return r if a.ndim > 2 else (r,)
        return scipy_results(tuple(cnp_linalg.qr(a)), a)
    theirs, _, order = scipy.linalg.qr(np.asarray(concrete(a)), mode="economic", pivoting=True)
    a = take_along_axis(a, np.broadcast_to(order[..., None, :], a.shape), axis=-1)
    q, r = cnp_linalg.qr(a)
    # a P = (Q D)(D^H R) for a unit diagonal D: take SciPy's signs (phases).
    phases = _phases(q, theirs, axis=-2).astype(q.dtype)
    q, r = q * phases[..., None, :], r * np.conj(phases)[..., :, None]
    return scipy_results((_pad_rows(r, m), order) if mode == "r" else (q, r, order), a)


def rq(
    a: Any, overwrite_a: bool = False, lwork: Any = None, mode: str = "full", check_finite=True
) -> Any:
    """Differentiable scipy.linalg.rq(a, mode='full'): (R, Q) with a = R Q, or R.

    With J the row reversal: J a = (a^H J)^H, and the QR a^H J = Q1 R1 gives
    a = (J R1^H J')(J' Q1^H) (J' reverses the other size), an upper trapezoidal R
    and a Q with orthonormal rows; the signs (phases) shared by R's columns and Q's rows
    are set to SciPy's, read on the values. 'full' on a wide traced matrix is refused
    (Q's extra rows are not unique).
    """
    if not is_traced(a):
        return scipy.linalg.rq(a, overwrite_a, lwork, mode, check_finite)
    a = _matrices(a, "rq")
    m, n = a.shape[-2:]
    _check_mode(mode, m, n, "rq", wide_q=m < n)
    q1, r1 = cnp_linalg.qr(conjugate_transpose(flip(a, axis=-2)))
    r = flip(flip(conjugate_transpose(r1), axis=-2), axis=-1)
    q = flip(conjugate_transpose(q1), axis=-2)
    # a = (R D^H)(D Q) for a unit diagonal D: take SciPy's signs (phases).
    theirs = scipy.linalg.rq(np.asarray(concrete(a)), mode="economic")[1]
    phases = _phases(q, theirs, axis=-1).astype(q.dtype)
    q, r = q * phases[..., :, None], r * np.conj(phases)[..., None, :]
    if mode == "r":
        if m < n:  # SciPy's full R: zero columns first
            r = concatenate([zeros(r.shape[:-1] + (n - m,), r.dtype), r], axis=-1)
        return r
    return scipy_results((r, q), a)


def lu_factor(a: Any, overwrite_a: bool = False, check_finite: bool = True) -> tuple:
    """Differentiable scipy.linalg.lu_factor(a): (lu, piv) of square matrices.

    lu holds L's strict lower triangle (unit diagonal implied) and U, from the lu
    primitive; piv, LAPACK's row interchanges (row i was swapped with row piv[i]), is
    read from SciPy on the values and carries no derivative.
    """
    if not is_traced(a):
        return scipy.linalg.lu_factor(a, overwrite_a, check_finite)
    a = square(a, "lu_factor")
    _, l_factor, u = fac.lu_p(a)
    pivots = scipy.linalg.lu_factor(np.asarray(concrete(a)))[1]
    return scipy_results((tril(l_factor, -1) + u, pivots), a)


def _row_order(pivots: np.ndarray) -> np.ndarray:
    """The permutation whose rows b[order] = P^T b apply LAPACK's swaps in sequence."""
    order = np.broadcast_to(np.arange(pivots.shape[-1]), pivots.shape).copy()
    for index in np.ndindex(*pivots.shape[:-1]):
        row = order[index]
        for i, j in enumerate(pivots[index]):
            row[i], row[j] = row[j], row[i]
    return order


_TRANSPOSES = {0: 0, "N": 0, 1: 1, "T": 1, 2: 2, "C": 2}


def lu_solve(
    lu_and_piv: tuple, b: Any, trans: Any = 0, overwrite_b: bool = False, check_finite=True
) -> Any:
    """Differentiable scipy.linalg.lu_solve((lu, piv), b, trans=0): x with op(a) x = b.

    a = P L U, so for trans 0: x = U^-1 L^-1 P^T b; for 1 (a^T): x = P L^-T U^-T b; for
    2 (a^H) the same with conj(lu). Differentiable in lu (its two triangles) and b.
    """
    lu, pivots = lu_and_piv
    if not is_traced(lu, b):
        return scipy.linalg.lu_solve((lu, pivots), b, trans, overwrite_b, check_finite)
    if trans not in _TRANSPOSES:
        raise ValueError(
            f"chainrule.scipy.linalg.lu_solve: trans={trans!r}; use 0, 1, 2 or 'N', 'T', 'C'"
        )
    lu = square(lu, "lu_solve")
    order = _row_order(np.asarray(concrete(pivots), dtype=np.intp))
    transpose = _TRANSPOSES[trans] != 0
    factors = conj(lu) if _TRANSPOSES[trans] == 2 and lu.dtype.kind == "c" else lu

    def solve_matrix(columns: Any) -> Any:
        rows = np.broadcast_to(order[..., :, None], columns.shape[:-2] + order.shape[-1:] + (1,))

        def triangular(x: Any, lower: bool) -> Any:
            return la.triangular_solve_p(
                factors, x, lower=lower, transpose_a=transpose, unit_diagonal=lower
            )

        if not transpose:
            permuted = take_along_axis(columns, np.broadcast_to(rows, columns.shape), axis=-2)
            return triangular(triangular(permuted, lower=True), lower=False)
        solved = triangular(triangular(columns, lower=False), lower=True)
        inverse = np.argsort(np.broadcast_to(rows, solved.shape), axis=-2)
        return take_along_axis(solved, inverse, axis=-2)

    return solve_columns(solve_matrix, lu, b, "lu_solve")
