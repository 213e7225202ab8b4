"""chainrule.numpy.linalg: numpy.linalg's functions, differentiable, batched like NumPy.

Without traced arguments each function calls numpy.linalg itself. With them it applies
the primitives of chainrule/primitives/linalg.py, factorizations.py and spectral.py, or
composes them. Functions that read one triangle of a symmetric matrix (cholesky, eigh,
eigvalsh) have the derivative of exactly that: the other triangle gets none. The
rules and their caveats (repeated eigenvalues, SVD signs, QR shapes) are described in
docs/linalg.md. Norms (norms.py) and products (matrix_products.py) are re-exported here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.core import Tracer
from chainrule.numpy.arguments import is_traced
from chainrule.numpy.contraction import matmul
from chainrule.numpy.diagonals import tril, triu
from chainrule.numpy.elementwise import abs as _abs
from chainrule.numpy.elementwise import conj as _conj
from chainrule.numpy.elementwise import imag as _imag
from chainrule.numpy.elementwise import real as _real
from chainrule.numpy.indexing import take_along_axis
from chainrule.numpy.manipulation import concatenate, reshape, swapaxes
from chainrule.numpy.matrix_products import (
    cross,
    diagonal,
    matrix_power,
    matrix_transpose,
    multi_dot,
    outer,
    tensordot,
    trace,
    vecdot,
)
from chainrule.numpy.norms import cond, matrix_norm, norm, vector_norm
from chainrule.numpy.reductions import sum as _sum
from chainrule.primitives import factorizations as fac
from chainrule.primitives import linalg as la
from chainrule.primitives import spectral

__all__ = [
    "LinAlgError", "cholesky", "cond", "cross", "det", "diagonal", "eig", "eigh", "eigvals",
    "eigvalsh", "inv", "lstsq", "matmul", "matrix_norm", "matrix_power", "matrix_rank",
    "matrix_transpose", "multi_dot", "norm", "outer", "pinv", "qr", "slogdet", "solve", "svd",
    "svdvals", "tensordot", "tensorinv", "tensorsolve", "trace", "vecdot", "vector_norm",
]  # fmt: skip

LinAlgError = np.linalg.LinAlgError

# NumPy's named results, so fields read as in NumPy (result.eigenvalues, result.U ...).
_SlogdetResult = type(np.linalg.slogdet(np.eye(1)))
_EighResult = type(np.linalg.eigh(np.eye(1)))
_SVDResult = type(np.linalg.svd(np.eye(1)))
_QRResult = type(np.linalg.qr(np.eye(1)))
_EigResult = type(np.linalg.eig(np.eye(1)))


def _operand(value: Any) -> Any:
    return value if isinstance(value, Tracer) else np.asarray(value)


def _stack_of_matrices(a: Any, function: str, square: bool = True) -> Any:
    """``a`` as an operand, checked to be a (stack of) (square) matrices, as NumPy does."""
    a = _operand(a)
    if a.ndim < 2:
        raise LinAlgError(
            f"chainrule.numpy.linalg.{function}: {a.ndim}-dimensional array given; the "
            "argument must be a matrix or a stack of matrices (at least two dimensions)"
        )
    if square and a.shape[-1] != a.shape[-2]:
        raise LinAlgError(
            f"chainrule.numpy.linalg.{function}: the last 2 dimensions of the array must be "
            f"square, not {a.shape[-2:]}"
        )
    return a


def _real_only(a: Any, function: str) -> None:
    if a.dtype.kind == "c":
        raise NotImplementedError(
            f"chainrule.numpy.linalg.{function}: complex traced inputs are not supported "
            "yet (this rule needs conjugate transposes). Use a real formulation, such as "
            "the real 2n x 2n matrix [[re, -im], [im, re]] in place of a complex one."
        )


def symmetric_from_triangle(a: Any, lower: bool, hermitian: bool = False) -> Any:
    """The symmetric (Hermitian) matrix LAPACK sees when it reads one triangle of a.

    Differentiating through it gives the other triangle no derivative, as LAPACK reads
    none of it (used by cholesky, eigh and SciPy's functions that read one triangle).
    With ``hermitian`` and complex ``a`` the mirrored triangle is conjugated and the
    diagonal's imaginary part dropped, as LAPACK's Hermitian routines do, so that part
    has no derivative either.
    """
    strict = tril(a, -1) if lower else triu(a, 1)
    mirrored = swapaxes(strict, -1, -2)
    if not (hermitian and a.dtype.kind == "c"):
        return (tril(a) if lower else triu(a)) + mirrored
    diagonal_part = tril(triu(a))
    real_diagonal = diagonal_part - 1j * _imag(diagonal_part)
    return strict + real_diagonal + _conj(mirrored)


def solve(a: Any, b: Any) -> Any:
    """Differentiable numpy.linalg.solve(a, b): x with a @ x = b, batched.

    As in NumPy 2, ``b`` is a vector only when it is 1-D; otherwise it is a (stack of)
    matrices whose batch axes broadcast against ``a``'s. Derivatives by solves with
    ``a`` and its transpose: dx = a^-1 (db - da x), b_bar = a^-T x_bar, a_bar = -b_bar x^T.

    >>> import chainrule as cr
    >>> cr.grad(lambda b: solve(np.array([[2.0, 0.0], [0.0, 4.0]]), b).sum())(np.ones(2))
    array([0.5 , 0.25])
    """
    if not is_traced(a, b):
        return np.linalg.solve(a, b)
    a, b = _stack_of_matrices(a, "solve"), _operand(b)
    n = a.shape[-1]
    if b.ndim == 0 or b.shape[-1 if b.ndim == 1 else -2] != n:
        raise ValueError(
            f"chainrule.numpy.linalg.solve: b of shape {b.shape} does not match a of shape "
            f"{a.shape}: b must be ({n},) or (..., {n}, K)"
        )
    if b.ndim == 1:
        return reshape(la.solve_p(a, reshape(b, (n, 1))), a.shape[:-1])
    try:
        np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    except ValueError:
        raise ValueError(
            f"chainrule.numpy.linalg.solve: the batch axes of a {a.shape} and b {b.shape} "
            "do not broadcast together"
        ) from None
    return la.solve_p(a, b)


def inv(a: Any) -> Any:
    """Differentiable numpy.linalg.inv(a); d(a^-1) = -a^-1 da a^-1."""
    if not is_traced(a):
        return np.linalg.inv(a)
    return la.inv_p(_stack_of_matrices(a, "inv"))


def _pinv_cutoff(rcond: Any, rtol: Any, shape: tuple) -> float:
    if rcond is not None and rtol is not np._NoValue:
        raise ValueError("chainrule.numpy.linalg.pinv: give rcond or rtol, not both")
    if rtol is None:  # the array API's default
        rcond = max(shape[-2:]) * np.finfo(np.float64).eps
    elif rtol is not np._NoValue:
        rcond = rtol
    elif rcond is None:
        rcond = 1e-15
    if np.ndim(rcond) != 0 or isinstance(rcond, Tracer):
        raise TypeError(
            "chainrule.numpy.linalg.pinv: on traced values the cutoff (rcond or rtol) must "
            "be one plain number; call pinv on each matrix for different cutoffs"
        )
    return float(rcond)


def pinv(a: Any, rcond: Any = None, hermitian: bool = False, *, rtol: Any = np._NoValue) -> Any:
    """Differentiable numpy.linalg.pinv(a, rcond=None, hermitian=False, *, rtol).

    The derivative is that of the pseudo-inverse at constant rank (Golub and Pereyra);
    where singular values cross the cutoff the pseudo-inverse jumps and has none. Real
    and complex inputs; ``hermitian`` reads the lower triangle, as NumPy does.
    """
    if not is_traced(a):
        kwargs = {} if rtol is np._NoValue else {"rtol": rtol}
        return np.linalg.pinv(a, rcond=rcond, hermitian=hermitian, **kwargs)
    a = _stack_of_matrices(a, "pinv", square=False)
    cutoff = _pinv_cutoff(rcond, rtol, a.shape)
    if hermitian:
        a = symmetric_from_triangle(_stack_of_matrices(a, "pinv"), lower=True, hermitian=True)
    return la.pinv_p(a, rcond=cutoff, hermitian=bool(hermitian))


def det(a: Any) -> Any:
    """Differentiable numpy.linalg.det(a).

    d det(a) = tr(adj(a) da) with the adjugate computed from an SVD, so the gradient is
    exact at singular matrices too (zero when the rank is below n - 1).

    >>> import chainrule as cr
    >>> cr.grad(det)(np.array([[1.0, 2.0], [2.0, 4.0]]))  # singular: the adjugate^T
    array([[ 4., -2.],
           [-2.,  1.]])
    """
    if not is_traced(a):
        return np.linalg.det(a)
    return la.det_p(_stack_of_matrices(a, "det"))


def slogdet(a: Any) -> Any:
    """Differentiable numpy.linalg.slogdet(a): (sign, log|det a|).

    With t = tr(a^-1 da), by a solve: d log|det a| = Re(t); a real sign is piecewise
    constant (no derivative), a complex one moves by i Im(t) sign.
    """
    if not is_traced(a):
        return np.linalg.slogdet(a)
    a = _stack_of_matrices(a, "slogdet")
    return _SlogdetResult(*la.slogdet_p(a))


def cholesky(a: Any, /, *, upper: bool = False) -> Any:
    """Differentiable numpy.linalg.cholesky(a, upper=False), reading one triangle like NumPy.

    Only the lower triangle (the upper one when ``upper``) is read, so only it gets a
    derivative; for complex ``a`` that triangle is the Hermitian matrix's (its
    diagonal's imaginary part is not read), and ``upper`` returns L^H.
    """
    if not is_traced(a):
        return np.linalg.cholesky(a, upper=upper)
    a = _stack_of_matrices(a, "cholesky")
    factor = fac.cholesky_p(symmetric_from_triangle(a, lower=not upper, hermitian=True))
    return _conj(swapaxes(factor, -1, -2)) if upper else factor


def eigh(a: Any, UPLO: str = "L") -> Any:
    """Differentiable numpy.linalg.eigh(a, UPLO='L'): eigenvalues (ascending), eigenvectors.

    Reads the triangle UPLO names, as NumPy does (for complex ``a``, Hermitian: the
    diagonal's imaginary part is not read). Eigenvalue derivatives are always finite;
    eigenvector derivatives divide by eigenvalue gaps, and complex eigenvectors are right
    for functions that do not depend on each column's phase (docs/linalg.md).
    """
    if not is_traced(a):
        return np.linalg.eigh(a, UPLO=UPLO)
    if UPLO not in ("L", "U"):
        raise ValueError("chainrule.numpy.linalg.eigh: UPLO argument must be 'L' or 'U'")
    a = _stack_of_matrices(a, "eigh")
    return _EighResult(
        *spectral.eigh_p(symmetric_from_triangle(a, lower=UPLO == "L", hermitian=True), uplo=UPLO)
    )


def eig(a: Any) -> Any:
    """Differentiable numpy.linalg.eig(a): eigenvalues and unit-norm eigenvectors.

    For real ``a`` the results are complex when some eigenvalue is (as in NumPy). The
    eigenvectors' phase is LAPACK's convention and has no derivative: differentiate
    phase-invariant functions of them (abs, v v^H / v^H v). Eigenvector derivatives
    divide by eigenvalue gaps; eigenvalues alone need a diagonalizable ``a``.
    """
    if not is_traced(a):
        return np.linalg.eig(a)
    return _EigResult(*spectral.eig_p(_stack_of_matrices(a, "eig")))


def eigvals(a: Any) -> Any:
    """Differentiable numpy.linalg.eigvals(a): the gradient is V^-T diag(w_bar) V^T."""
    if not is_traced(a):
        return np.linalg.eigvals(a)
    return eig(a)[0]


def eigvalsh(a: Any, UPLO: str = "L") -> Any:
    """Differentiable numpy.linalg.eigvalsh(a, UPLO='L'); its gradient is V diag(w_bar) V^T."""
    if not is_traced(a):
        return np.linalg.eigvalsh(a, UPLO=UPLO)
    return eigh(a, UPLO)[0]


def svd(a: Any, full_matrices: bool = True, compute_uv: bool = True, hermitian: bool = False):
    """Differentiable numpy.linalg.svd(a, full_matrices=True, compute_uv=True, hermitian=False).

    On traced rectangular matrices with ``compute_uv``, ``full_matrices=True`` is refused:
    the extra columns are not unique, so they have no derivative. Singular values alone
    always have one; singular vectors divide by gaps between singular values, and complex
    ones are right for functions that do not depend on the phase of each pair (u_i, v_i)
    (docs/linalg.md). ``hermitian=True`` follows NumPy (eigh, then |w| sorted descending).
    """
    if not is_traced(a):
        return np.linalg.svd(a, full_matrices, compute_uv, hermitian)
    a = _stack_of_matrices(a, "svd", square=bool(hermitian))
    if hermitian:
        return _hermitian_svd(a, compute_uv)
    if compute_uv and full_matrices and a.shape[-1] != a.shape[-2]:
        raise ValueError(
            f"chainrule.numpy.linalg.svd: full_matrices=True on a traced {a.shape[-2:]} "
            "matrix: the extra singular vectors are not unique and have no derivative. "
            "Use full_matrices=False (or compute_uv=False for the singular values)."
        )
    u, s, vh = spectral.svd_p(a)
    return _SVDResult(u, s, vh) if compute_uv else s


def _hermitian_svd(a: Any, compute_uv: bool) -> Any:
    w, v = spectral.eigh_p(symmetric_from_triangle(a, lower=True, hermitian=True), uplo="L")
    s = _abs(w)
    if not compute_uv:
        return take_along_axis(s, np.argsort(np.asarray(_concrete(s)))[..., ::-1], axis=-1)
    order = np.argsort(np.asarray(_concrete(s)))[..., ::-1]
    # The eigenvalues' signs move into V, +1 for a zero eigenvalue as in NumPy; a sign has
    # no derivative, so it is a plain array.
    signs = np.copysign(1.0, np.asarray(_concrete(w))).astype(w.dtype)
    u = take_along_axis(v, order[..., None, :], axis=-1)
    vh = swapaxes(u * np.take_along_axis(signs, order, axis=-1)[..., None, :], -1, -2)
    if vh.dtype.kind == "c":
        vh = _conj(vh)
    return _SVDResult(u, take_along_axis(s, order, axis=-1), vh)


def _concrete(value: Any) -> Any:
    return value.concrete_value() if isinstance(value, Tracer) else value


def svdvals(x: Any, /) -> Any:
    """Differentiable numpy.linalg.svdvals(x): the singular values, descending."""
    if not is_traced(x):
        return np.linalg.svdvals(x)
    return svd(x, compute_uv=False)


def qr(a: Any, mode: str = "reduced") -> Any:
    """Differentiable numpy.linalg.qr(a, mode='reduced'), modes 'reduced', 'r', 'complete'.

    For m >= n the rule is that of the reduced QR (R invertible); for m < n the first m
    columns are factored and R's remaining columns are Q^H times the rest. 'complete'
    is accepted where it equals 'reduced' (m <= n). Complex ``a``: R's diagonal is real
    (LAPACK's), and the derivative keeps it real with its signs fixed.
    """
    if not is_traced(a):
        return np.linalg.qr(a, mode=mode)
    a = _stack_of_matrices(a, "qr", square=False)
    m, n = a.shape[-2:]
    if mode not in ("reduced", "r", "complete") or (mode == "complete" and m > n):
        raise ValueError(
            f"chainrule.numpy.linalg.qr: mode={mode!r} is not supported on traced values "
            f"(here {m} x {n}); use mode='reduced' or 'r' ('complete' only when m <= n, "
            "where it equals 'reduced': the extra columns of Q are not unique)"
        )
    if m >= n:
        q, r = fac.qr_p(a)
    else:
        q, r_square = fac.qr_p(a[..., :, :m])
        r = concatenate([r_square, matmul(_conj(swapaxes(q, -1, -2)), a[..., :, m:])], axis=-1)
    return r if mode == "r" else _QRResult(q, r)


def lstsq(a: Any, b: Any, rcond: Any = None) -> tuple:
    """Differentiable numpy.linalg.lstsq(a, b, rcond=None): (x, residuals, rank, s).

    x = pinv(a) @ b with NumPy's cutoff (rcond * largest singular value, default
    eps * max(M, N)); x, the residuals and s carry derivatives, at constant rank. Real
    and complex inputs (the residuals are sums of |b - a x|^2, real, as in NumPy).
    """
    if not is_traced(a, b):
        return np.linalg.lstsq(a, b, rcond=rcond)
    a, b = _operand(a), _operand(b)
    if a.ndim != 2 or b.ndim not in (1, 2) or b.shape[0] != a.shape[0]:
        raise LinAlgError(
            f"chainrule.numpy.linalg.lstsq: a must be 2-D (M, N) and b (M,) or (M, K); got "
            f"{a.shape} and {b.shape}"
        )
    m, n = a.shape
    cutoff = np.finfo(np.float64).eps * max(m, n) if rcond is None else rcond
    rank = np.linalg.lstsq(_concrete(a), _concrete(b), rcond=cutoff)[2]
    x = matmul(la.pinv_p(a, rcond=float(cutoff), hermitian=False), b)
    if rank < n or m <= n:
        residuals = np.empty((0,), np.finfo(np.result_type(a, b)).dtype)
    else:
        difference = b - matmul(a, x)
        if difference.dtype.kind == "c":  # |d|^2, smooth (abs(d) ** 2 would kink at 0)
            squares = _real(difference * _conj(difference))
        else:
            squares = difference * difference
        residuals = reshape(_sum(squares, axis=0), (-1,))
    return x, residuals, rank, svd(a, compute_uv=False)


def matrix_rank(A: Any, tol: Any = None, hermitian: bool = False, *, rtol: Any = None) -> Any:
    """numpy.linalg.matrix_rank on the values: an integer carries no derivative."""
    return np.linalg.matrix_rank(_concrete(A), _concrete(tol), hermitian, rtol=rtol)


def tensorsolve(a: Any, b: Any, axes: Any = None) -> Any:
    """Differentiable numpy.linalg.tensorsolve(a, b, axes=None): a reshaped solve."""
    if not is_traced(a, b):
        return np.linalg.tensorsolve(a, b, axes)
    a, b = _operand(a), _operand(b)
    if axes is not None:
        order = [i for i in range(a.ndim) if i not in [k % a.ndim for k in axes]]
        a = a.transpose(order + [k % a.ndim for k in axes])
    unknown_shape = a.shape[b.ndim :]
    size = int(np.prod(unknown_shape, dtype=np.int64))
    if int(np.prod(a.shape[: b.ndim], dtype=np.int64)) != size:
        raise LinAlgError(
            f"chainrule.numpy.linalg.tensorsolve: a of shape {a.shape} is not 'square' for b "
            f"of shape {b.shape}: prod(a.shape[:b.ndim]) must equal prod(a.shape[b.ndim:])"
        )
    return reshape(solve(reshape(a, (size, size)), reshape(b, (size,))), unknown_shape)


def tensorinv(a: Any, ind: int = 2) -> Any:
    """Differentiable numpy.linalg.tensorinv(a, ind=2): a reshaped inverse."""
    if not is_traced(a):
        return np.linalg.tensorinv(a, ind)
    if ind <= 0:
        raise ValueError("chainrule.numpy.linalg.tensorinv: ind must be a positive integer")
    size = int(np.prod(a.shape[:ind], dtype=np.int64))
    if int(np.prod(a.shape[ind:], dtype=np.int64)) != size:
        raise LinAlgError(
            f"chainrule.numpy.linalg.tensorinv: a of shape {a.shape} is not 'square' for "
            f"ind={ind}: prod(a.shape[:ind]) must equal prod(a.shape[ind:])"
        )
    inverse = inv(reshape(a, (size, size)))
    return reshape(inverse, a.shape[ind:] + a.shape[:ind])
