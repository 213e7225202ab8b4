"""chainrule.scipy.linalg's spectral decompositions: eigh (standard and generalized),
eigvalsh, eig, eigvals, svd, svdvals and polar.

They compose chainrule.numpy.linalg's eigh, eig and svd (chainrule/primitives/spectral.py),
so eigenvalue and singular value derivatives are always finite, vector derivatives divide
by gaps, and complex vectors are right for phase-invariant functions (docs/linalg.md).
The generalized symmetric problem is reduced to a standard one with the Cholesky factor
of b, which is differentiable in a and b.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg

from chainrule.numpy import linalg as cnp_linalg
from chainrule.numpy.arguments import is_traced
from chainrule.numpy.contraction import matmul
from chainrule.numpy.creation import ones_like
from chainrule.numpy.elementwise import conj, sqrt
from chainrule.numpy.elementwise import real as real_part
from chainrule.numpy.linalg import symmetric_from_triangle
from chainrule.numpy.manipulation import stack
from chainrule.numpy.reductions import sum as sum_
from chainrule.primitives import factorizations as fac
from chainrule.primitives import linalg as la
from chainrule.scipy.linalg_arguments import (
    concrete,
    conjugate_transpose,
    operand,
    scipy_results,
    square,
)

__all__ = ["eig", "eigh", "eigvals", "eigvalsh", "polar", "svd", "svdvals"]


def _lower_solve(factor: Any, x: Any, adjoint: bool) -> Any:
    """L^-1 x, or L^-H x (a transposed solve with conj(L); L itself when real)."""
    if adjoint and factor.dtype.kind == "c":
        factor = conj(factor)
    return la.triangular_solve_p(factor, x, lower=True, transpose_a=adjoint, unit_diagonal=False)


def _generalized(a: Any, b: Any, lower: bool, type: Any) -> tuple:
    """(c, back): the standard Hermitian matrix c and the map from its eigenvectors to
    the generalized ones, for b = L L^H (LAPACK's reduction, eigenvalues unchanged).

    type 1, a v = w b v:   c = L^-1 a L^-H, v = L^-H y;
    type 2, a b v = w v:   c = L^H a L,     v = L^-H y;
    type 3, b a v = w v:   c = L^H a L,     v = L y.
    """
    factor = fac.cholesky_p(symmetric_from_triangle(square(b, "eigh"), lower, hermitian=True))
    if type == 1:
        half = _lower_solve(factor, a, adjoint=False)  # L^-1 a
        c = _lower_solve(factor, conjugate_transpose(half), adjoint=False)
    else:
        c = matmul(conjugate_transpose(factor), matmul(a, factor))
    if type == 3:
        return c, lambda y: matmul(factor, y)
    return c, lambda y: _lower_solve(factor, y, adjoint=True)


def _subset(w: Any, v: Any, subset_by_index: Any, subset_by_value: Any) -> tuple:
    """The eigenpairs SciPy's subset_by_index ([lo, hi], inclusive) or subset_by_value
    ((lo, hi], read on the values: the choice carries no derivative) keeps."""
    n = w.shape[-1]
    if subset_by_index is not None and subset_by_value is not None:
        raise ValueError(
            "chainrule.scipy.linalg.eigh: give subset_by_index or subset_by_value, not both"
        )
    if subset_by_index is not None:
        low, high = (int(i) for i in subset_by_index)
        if not 0 <= low <= high < n:
            raise ValueError(
                f"chainrule.scipy.linalg.eigh: subset_by_index={subset_by_index!r} must be "
                f"[lo, hi] with 0 <= lo <= hi <= {n - 1}"
            )
        keep = slice(low, high + 1)
    else:
        low, high = (float(x) for x in subset_by_value)
        if w.ndim != 1:
            raise NotImplementedError(
                "chainrule.scipy.linalg.eigh: subset_by_value on a traced stack of matrices "
                "(the count may differ per matrix); call eigh on each matrix"
            )
        values = np.asarray(concrete(w))
        chosen = np.flatnonzero((values > low) & (values <= high))
        keep = slice(int(chosen[0]), int(chosen[-1]) + 1) if chosen.size else slice(0, 0)
    return w[..., keep], None if v is None else v[..., keep]


def eigh(
    a: Any,
    b: Any = None,
    *,
    lower: bool = True,
    eigvals_only: bool = False,
    overwrite_a: bool = False,
    overwrite_b: bool = False,
    type: int = 1,
    check_finite: bool = True,
    subset_by_index: Any = None,
    subset_by_value: Any = None,
    driver: Any = None,
) -> Any:
    """Differentiable scipy.linalg.eigh: eigenvalues (ascending) and eigenvectors of a
    Hermitian a, or of the generalized problem with a Hermitian positive definite b.

    Reads the triangle ``lower`` names of a (and b), as SciPy does. With b the problem is
    reduced with b's Cholesky factor L (``type`` 1: c = L^-1 a L^-H; 2 and 3: L^H a L)
    and the eigenvectors mapped back, b-orthonormal as SciPy's; derivatives flow to a and
    b. ``subset_by_index`` and ``subset_by_value`` select after a full decomposition;
    ``driver`` only picks SciPy's LAPACK routine and is not used on traced values.
    """
    if not is_traced(a, b):
        return scipy.linalg.eigh(
            a, b, lower=lower, eigvals_only=eigvals_only, overwrite_a=overwrite_a,
            overwrite_b=overwrite_b, type=type, check_finite=check_finite,
            subset_by_index=subset_by_index, subset_by_value=subset_by_value, driver=driver,
        )  # fmt: skip
    if type not in (1, 2, 3):
        raise ValueError(f"chainrule.scipy.linalg.eigh: type={type!r}; use 1, 2 or 3")
    given = (a, b)
    a = symmetric_from_triangle(square(a, "eigh"), bool(lower), hermitian=True)
    back = None
    if b is not None:
        a, back = _generalized(a, operand(b), bool(lower), type)
    w, v = cnp_linalg.eigh(a)
    if back is not None:
        v = back(v)
    if subset_by_index is not None or subset_by_value is not None:
        w, v = _subset(w, v, subset_by_index, subset_by_value)
    return w if eigvals_only else scipy_results((w, v), *given)


def eigvalsh(
    a: Any,
    b: Any = None,
    *,
    lower: bool = True,
    overwrite_a: bool = False,
    overwrite_b: bool = False,
    type: int = 1,
    check_finite: bool = True,
    subset_by_index: Any = None,
    subset_by_value: Any = None,
    driver: Any = None,
) -> Any:
    """Differentiable scipy.linalg.eigvalsh: eigh(..., eigvals_only=True)."""
    return eigh(
        a, b, lower=lower, eigvals_only=True, overwrite_a=overwrite_a, overwrite_b=overwrite_b,
        type=type, check_finite=check_finite, subset_by_index=subset_by_index,
        subset_by_value=subset_by_value, driver=driver,
    )  # fmt: skip


def _left_vectors(right: Any) -> Any:
    """Unit left eigenvectors: the columns of (V^-1)^H (so vl^H a = w vl^H), each scaled
    to norm 1. Their phases follow the right vectors' (LAPACK's differ by a phase)."""
    left = conjugate_transpose(la.inv_p(right))
    norms = sqrt(sum_(real_part(left * conj(left)), axis=-2, keepdims=True))
    return left / norms


def eig(
    a: Any,
    b: Any = None,
    left: bool = False,
    right: bool = True,
    overwrite_a: bool = False,
    overwrite_b: bool = False,
    check_finite: bool = True,
    homogeneous_eigvals: bool = False,
) -> Any:
    """Differentiable scipy.linalg.eig(a, left=False, right=True) of the standard problem.

    Returns w, (w, vr), (w, vl) or (w, vl, vr) as SciPy does. vr is LAPACK's; vl is
    computed as the unit columns of (vr^-1)^H, equal to SciPy's up to one phase per
    column. Differentiate phase-invariant functions of the vectors (docs/linalg.md).
    The generalized problem (b=) is not supported on traced values.
    """
    if not is_traced(a, b):
        return scipy.linalg.eig(
            a, b, left, right, overwrite_a, overwrite_b, check_finite, homogeneous_eigvals
        )
    if b is not None:
        raise NotImplementedError(
            "chainrule.scipy.linalg.eig: the generalized problem (b=) is not supported on "
            "traced values; for Hermitian a and positive definite b use eigh(a, b), else "
            "eig(solve(b, a))"
        )
    a = square(a, "eig")
    w, vr = cnp_linalg.eig(a)
    if w.dtype.kind != "c":  # SciPy's eigenvalues are always complex (vectors may be real)
        w = w.astype(np.result_type(w.dtype, np.complex64))
    if homogeneous_eigvals:  # SciPy's (alpha, beta) pairs, beta = 1
        w = stack([w, ones_like(w)], axis=-2)
    results = (w,) + ((_left_vectors(vr),) if left else ()) + ((vr,) if right else ())
    return results[0] if len(results) == 1 else scipy_results(results, a)


def eigvals(
    a: Any,
    b: Any = None,
    overwrite_a: bool = False,
    check_finite: bool = True,
    homogeneous_eigvals: bool = False,
) -> Any:
    """Differentiable scipy.linalg.eigvals(a): eig(a, right=False)."""
    if not is_traced(a, b):
        return scipy.linalg.eigvals(a, b, overwrite_a, check_finite, homogeneous_eigvals)
    return eig(a, b, right=False, homogeneous_eigvals=homogeneous_eigvals)


_SVD_DRIVERS = ("gesdd", "gesvd")


def svd(
    a: Any,
    full_matrices: bool = True,
    compute_uv: bool = True,
    overwrite_a: bool = False,
    check_finite: bool = True,
    lapack_driver: str = "gesdd",
) -> Any:
    """Differentiable scipy.linalg.svd(a, full_matrices=True, compute_uv=True): u, s, vh.

    As chainrule.numpy.linalg.svd: on a traced rectangular matrix full_matrices=True is
    refused (the extra vectors are not unique); singular values alone always have a
    derivative. ``lapack_driver`` picks SciPy's routine only.
    """
    if not is_traced(a):
        return scipy.linalg.svd(
            a, full_matrices, compute_uv, overwrite_a, check_finite, lapack_driver
        )
    if lapack_driver not in _SVD_DRIVERS:
        raise ValueError(
            f"chainrule.scipy.linalg.svd: lapack_driver={lapack_driver!r}; use one of "
            f"{_SVD_DRIVERS}"
        )
    a = operand(a)
    if compute_uv and full_matrices and a.ndim >= 2 and a.shape[-1] != a.shape[-2]:
        raise ValueError(
            f"chainrule.scipy.linalg.svd: full_matrices=True on a traced {a.shape[-2:]} "
            "matrix: the extra singular vectors are not unique and have no derivative. "
            "Use full_matrices=False (or compute_uv=False for the singular values)."
        )
    result = cnp_linalg.svd(a, full_matrices=full_matrices, compute_uv=compute_uv)
    return scipy_results(tuple(result), a) if compute_uv else result


def svdvals(a: Any, overwrite_a: bool = False, check_finite: bool = True) -> Any:
    """Differentiable scipy.linalg.svdvals(a): the singular values, descending."""
    if not is_traced(a):
        return scipy.linalg.svdvals(a, overwrite_a, check_finite)
    return svd(a, compute_uv=False)


def polar(a: Any, side: str = "right") -> tuple:
    """Differentiable scipy.linalg.polar(a, side='right'): (u, p), a = u p (or p u).

    From the thin SVD a = W S V^H: u = W V^H, p = V S V^H (right) or W S W^H (left);
    both are invariant under the SVD's phases. Derivatives need distinct nonzero
    singular values (the SVD rule divides by their gaps).
    """
    if not is_traced(a):
        return scipy.linalg.polar(a, side)
    if side not in ("right", "left"):
        raise ValueError(f"chainrule.scipy.linalg.polar: side={side!r}; use 'right' or 'left'")
    w, s, vh = svd(a, full_matrices=False)
    u = matmul(w, vh)
    if side == "right":
        p = matmul(conjugate_transpose(vh) * s[..., None, :], vh)
    else:
        p = matmul(w * s[..., None, :], conjugate_transpose(w))
    return scipy_results((u, p), a)
