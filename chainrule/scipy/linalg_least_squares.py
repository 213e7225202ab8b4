"""chainrule.scipy.linalg's pseudo-inverses, least squares and norms: pinv, pinvh, lstsq,
norm.

The pseudo-inverses apply the pinv primitive (derivative at constant rank, Golub and
Pereyra) with SciPy's cutoff (atol + rtol * largest singular value), turned into the
primitive's relative cutoff on the values; lstsq and norm compose chainrule.numpy.linalg.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg

from chainrule.numpy import linalg as cnp_linalg
from chainrule.numpy.arguments import is_traced
from chainrule.numpy.linalg import symmetric_from_triangle
from chainrule.numpy.manipulation import reshape
from chainrule.primitives import linalg as la
from chainrule.scipy.linalg_arguments import concrete, operand, scipy_results, square

__all__ = ["lstsq", "norm", "pinv", "pinvh"]


def _relative_cutoff(magnitudes: np.ndarray, atol: Any, rtol: Any, shape: tuple, function: str):
    """(SciPy's cutoff over the largest magnitude, for the primitive; the ranks)."""
    atol = 0.0 if atol is None else atol
    if rtol is None:
        rtol = max(shape[-2:]) * np.finfo(magnitudes.dtype).eps
    if is_traced(atol, rtol) or np.ndim(atol) or np.ndim(rtol) or atol < 0 or rtol < 0:
        raise ValueError(
            f"chainrule.scipy.linalg.{function}: atol and rtol must be plain non-negative "
            "numbers on traced values"
        )
    largest = np.max(magnitudes, axis=-1, initial=0.0)
    cutoff = atol + largest * rtol
    ranks = np.sum(magnitudes > cutoff[..., None], axis=-1)
    if atol == 0:
        return float(rtol), ranks
    if np.ndim(largest):
        raise NotImplementedError(
            f"chainrule.scipy.linalg.{function}: atol > 0 on a traced stack of matrices "
            "gives each matrix its own relative cutoff; call it on each matrix, or use rtol"
        )
    return float(cutoff / largest) if largest > 0 else float(rtol), ranks


def _with_rank(result: Any, ranks: np.ndarray, return_rank: bool, a: Any) -> Any:
    if not return_rank:
        return result
    return scipy_results((result, ranks if np.ndim(ranks) else int(ranks)), a)


def pinv(
    a: Any,
    *,
    atol: Any = None,
    rtol: Any = None,
    return_rank: bool = False,
    check_finite: bool = True,
) -> Any:
    """Differentiable scipy.linalg.pinv(a, atol=None, rtol=None, return_rank=False).

    Singular values at or below atol + rtol * max(s) count as zero (rtol defaults to
    max(M, N) * eps); the derivative is that at constant rank. The rank is a plain int.
    """
    if not is_traced(a):
        return scipy.linalg.pinv(a, atol=atol, rtol=rtol, return_rank=return_rank)
    a = operand(a)
    s = np.linalg.svd(np.asarray(concrete(a)), compute_uv=False)
    rcond, ranks = _relative_cutoff(s, atol, rtol, a.shape, "pinv")
    return _with_rank(la.pinv_p(a, rcond=rcond, hermitian=False), ranks, return_rank, a)


def pinvh(
    a: Any,
    atol: Any = None,
    rtol: Any = None,
    lower: bool = True,
    return_rank: bool = False,
    check_finite: bool = True,
) -> Any:
    """Differentiable scipy.linalg.pinvh(a, atol=None, rtol=None, lower=True): the
    pseudo-inverse of the Hermitian matrix read from one triangle of a (eigenvalues with
    |w| at or below atol + rtol * max|w| count as zero)."""
    if not is_traced(a):
        return scipy.linalg.pinvh(a, atol, rtol, lower, return_rank, check_finite)
    a = symmetric_from_triangle(square(a, "pinvh"), bool(lower), hermitian=True)
    magnitudes = np.abs(np.linalg.eigvalsh(np.asarray(concrete(a))))
    rcond, ranks = _relative_cutoff(magnitudes, atol, rtol, a.shape, "pinvh")
    return _with_rank(la.pinv_p(a, rcond=rcond, hermitian=True), ranks, return_rank, a)


_LSTSQ_DRIVERS = (None, "gelsd", "gelsy", "gelss")


def lstsq(
    a: Any,
    b: Any,
    cond: Any = None,
    overwrite_a: bool = False,
    overwrite_b: bool = False,
    check_finite: bool = True,
    lapack_driver: Any = None,
) -> tuple:
    """Differentiable scipy.linalg.lstsq(a, b, cond=None): (x, residues, rank, s).

    x = pinv(a) b with singular values below cond * max(s) (default eps of the dtype)
    dropped; x, the residues (|b - a x|^2 per column, present when rank = N < M; a
    scalar for a 1-D b, as in SciPy) and s carry derivatives at constant rank. One
    matrix a (M, N) only on traced values; ``lapack_driver`` is SciPy's choice only.
    """
    if not is_traced(a, b):
        return scipy.linalg.lstsq(a, b, cond, overwrite_a, overwrite_b, check_finite, lapack_driver)
    if lapack_driver not in _LSTSQ_DRIVERS:
        raise ValueError(
            f"chainrule.scipy.linalg.lstsq: lapack_driver={lapack_driver!r}; use one of "
            f"{_LSTSQ_DRIVERS}"
        )
    a, b = operand(a), operand(b)
    if a.ndim != 2 or b.ndim not in (1, 2) or b.shape[0] != a.shape[0]:
        raise ValueError(
            f"chainrule.scipy.linalg.lstsq: on traced values a must be one (M, N) matrix "
            f"and b (M,) or (M, K); got {a.shape} and {b.shape} (call it per matrix for a "
            "stack)"
        )
    if cond is None:
        cond = np.finfo(np.result_type(a.dtype, b.dtype, np.float32)).eps
    x, residues, rank, s = cnp_linalg.lstsq(a, b, rcond=cond)
    if b.ndim == 1 and residues.shape == (1,):
        residues = reshape(residues, ())
    return x, residues, int(rank), s


def norm(
    a: Any, ord: Any = None, axis: Any = None, keepdims: bool = False, check_finite=True
) -> Any:
    """Differentiable scipy.linalg.norm(a, ord=None, axis=None, keepdims=False): as
    chainrule.numpy.linalg.norm (vector and matrix norms, with their derivatives)."""
    if not is_traced(a):
        return scipy.linalg.norm(a, ord, axis, keepdims, check_finite)
    return cnp_linalg.norm(a, ord, axis, keepdims)
