"""Matrix decompositions: cholesky, eigh, svd, qr, lu and eig, each with both rules.

Each returns several results (a multiple-results primitive) because the rules need
them together. The rules are for real matrices (eig's for complex ones too) and are
written with primitives (triangular solves, never inverses), so they differentiate
again. cholesky and eigh take a symmetric matrix: chainrule.numpy.linalg first builds
it from the triangle NumPy reads, so their derivatives are those of NumPy's functions
exactly. Eigenvector and singular-vector rules divide by eigenvalue (singular value)
gaps: they are inf or NaN at repeated values, even for functions that do not depend on
the choice of vectors (a plain product, not the zero-safe one: inf * 0 is NaN here, a
visible error rather than a silently wrong finite value; docs/linalg.md). Eigenvalues
and singular values alone never divide.
"""

from __future__ import annotations

import numpy as np

from chainrule.core import Primitive, spec_of
from chainrule.primitives.contraction import matmul_p, swap_last_axes
from chainrule.primitives.elementwise import conj_p, divide_p, multiply_p, real_p
from chainrule.primitives.linalg import keep_triangle, solve_p, triangular_solve_p
from chainrule.primitives.reductions import sum_p
from chainrule.primitives.shape import diagonal_p, embed_diagonal_p, reshape_p


def _diagonal(x):
    ndim = len(spec_of(x).shape)
    return diagonal_p(x, offset=0, axis1=ndim - 2, axis2=ndim - 1)


def _diagonal_matrix(v):
    shape = spec_of(v).shape
    return embed_diagonal_p(
        v, shape=shape + shape[-1:], offset=0, axis1=len(shape) - 1, axis2=len(shape)
    )


def _as_row(v):
    """A stack of vectors (..., n) as (..., 1, n): multiplying scales a matrix's columns."""
    shape = spec_of(v).shape
    return reshape_p(v, shape=shape[:-1] + (1, shape[-1]))


def _as_column(v):
    shape = spec_of(v).shape
    return reshape_p(v, shape=shape + (1,))


def inverse_gaps(values):
    """F[i, j] = 1 / (values[j] - values[i]) off the diagonal, 0 on it.

    The diagonal of the difference is exactly zero; adding the identity there keeps the
    division finite, and the off-diagonal mask then zeroes it.
    """
    spec = spec_of(values)
    n = spec.shape[-1]
    identity = np.eye(n, dtype=spec.dtype)
    gaps = _as_row(values) - _as_column(values) + identity
    return divide_p(np.ones((n, n), spec.dtype) - identity, gaps)


def _skew(x):
    return 0.5 * (x - swap_last_axes(x))


def _transpose_product(x, y):
    """x^T y for stacks of matrices."""
    return matmul_p(swap_last_axes(x), y)


def _sum_present(terms):
    terms = [t for t in terms if t is not None]
    if not terms:
        return None
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


# ---------------------------------------------------------------------------------------
# Cholesky: A = L L^T, L lower triangular. With Phi(X) = tril(X) with its diagonal
# halved, dL = L Phi(L^-1 dA L^-T), and A_bar = L^-T Phi(L^T L_bar) L^-1 (symmetrised).


def _phi(x):
    return keep_triangle(x, lower=True, diagonal=0.5)


def _lower_solve(l_factor, x, transpose):
    """L^-1 x, or L^-T x when ``transpose``."""
    return triangular_solve_p(l_factor, x, lower=True, transpose_a=transpose, unit_diagonal=False)


def _cholesky_jvp(tangents, primals, out):
    (a_dot,) = tangents
    left = _lower_solve(out, a_dot, False)  # L^-1 dA
    both = swap_last_axes(_lower_solve(out, swap_last_axes(left), False))  # L^-1 dA L^-T
    return matmul_p(out, _phi(both))


def _cholesky_vjp(out_bar, primals, out, wanted):
    middle = _phi(_transpose_product(out, out_bar))
    left = _lower_solve(out, middle, True)  # L^-T Phi(...)
    a_bar = swap_last_axes(_lower_solve(out, swap_last_axes(left), True))  # ... L^-1
    return (0.5 * (a_bar + swap_last_axes(a_bar)),)


cholesky_p = Primitive(
    "cholesky",
    np.linalg.cholesky,
    jvp=_cholesky_jvp,
    vjp=_cholesky_vjp,
    family="linalg",
    saves=("out",),
)


# ---------------------------------------------------------------------------------------
# Symmetric eigendecomposition A = V diag(w) V^T. With P = V^T dA V and F the inverse
# gaps of w: dw = diag(P), dV = V (F o P). Transposed:
# A_bar = V (diag(w_bar) + F o skew(V^T V_bar)) V^T, symmetric; the w_bar part alone,
# V diag(w_bar) V^T, never divides.


# ``uplo`` names the triangle LAPACK reads (the input is symmetric; the choice only fixes
# the eigenvectors' signs the way NumPy's does).
def _eigh_impl(a, uplo):
    w, v = np.linalg.eigh(a, UPLO=uplo)
    return w, v


def _eigh_jvp(tangents, primals, out, uplo):
    (a_dot,) = tangents
    w, v = out
    projected = matmul_p(_transpose_product(v, a_dot), v)
    w_dot = _diagonal(projected)
    v_dot = matmul_p(v, multiply_p(inverse_gaps(w), projected))
    return w_dot, v_dot


def _eigh_vjp(out_bar, primals, out, wanted, uplo):
    w_bar, v_bar = out_bar
    w, v = out
    if v_bar is None:
        return (matmul_p(multiply_p(v, _as_row(w_bar)), swap_last_axes(v)),)
    core = multiply_p(inverse_gaps(w), _skew(_transpose_product(v, v_bar)))
    if w_bar is not None:
        core = core + _diagonal_matrix(w_bar)
    return (matmul_p(matmul_p(v, core), swap_last_axes(v)),)


eigh_p = Primitive(
    "eigh",
    _eigh_impl,
    jvp=_eigh_jvp,
    vjp=_eigh_vjp,
    family="linalg",
    multiple_results=True,
    saves=("out",),
)


# ---------------------------------------------------------------------------------------
# Reduced SVD A = U diag(s) V^T of an m x n matrix, k = min(m, n). With P = U^T dA V and
# F the inverse gaps of s**2:
#   ds = diag(P)
#   dU = U (F o (P S + S P^T)) + (I - U U^T) dA V S^-1   (second term only when m > k)
#   dV = V (F o (S P + P^T S)) + (I - V V^T) dA^T U S^-1 (second term only when n > k)
# and the transpose
#   A_bar = U [diag(s_bar) + (F o (J - J^T)) S + S (F o (K - K^T))] V^T
#           + (I - U U^T) U_bar S^-1 V^T + U S^-1 V_bar^T (I - V V^T)
# with J = U^T U_bar, K = V^T V_bar.


def _svd_impl(a):
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    return u, s, vh


def _svd_jvp(tangents, primals, out):
    (a_dot,) = tangents
    u, s, vh = out
    m, n = spec_of(u).shape[-2], spec_of(vh).shape[-1]
    k = spec_of(s).shape[-1]
    v = swap_last_axes(vh)
    dp = matmul_p(_transpose_product(u, a_dot), v)
    s_row, s_column = _as_row(s), _as_column(s)
    gaps = inverse_gaps(s * s)
    dp_t = swap_last_axes(dp)
    u_dot = matmul_p(u, multiply_p(gaps, dp * s_row + s_column * dp_t))
    v_dot = matmul_p(v, multiply_p(gaps, s_column * dp + dp_t * s_row))
    if m > k:
        u_dot = u_dot + (matmul_p(a_dot, v) - matmul_p(u, dp)) / s_row
    if n > k:
        v_dot = v_dot + (_transpose_product(a_dot, u) - matmul_p(v, dp_t)) / s_row
    return u_dot, _diagonal(dp), swap_last_axes(v_dot)


def _svd_vjp(out_bar, primals, out, wanted):
    u_bar, s_bar, vh_bar = out_bar
    u, s, vh = out
    m, n = spec_of(u).shape[-2], spec_of(vh).shape[-1]
    k = spec_of(s).shape[-1]
    s_row, s_column = _as_row(s), _as_column(s)
    v_bar = None if vh_bar is None else swap_last_axes(vh_bar)
    terms = [] if s_bar is None else [_diagonal_matrix(s_bar)]
    extra = []
    if u_bar is not None or v_bar is not None:
        gaps = inverse_gaps(s * s)
    if u_bar is not None:
        j = _transpose_product(u, u_bar)
        terms.append(multiply_p(gaps, j - swap_last_axes(j)) * s_row)
        if m > k:
            extra.append(matmul_p((u_bar - matmul_p(u, j)) / s_row, vh))
    if v_bar is not None:
        v = swap_last_axes(vh)
        kk = _transpose_product(v, v_bar)
        terms.append(s_column * multiply_p(gaps, kk - swap_last_axes(kk)))
        if n > k:
            extra.append(matmul_p(u / s_row, swap_last_axes(v_bar - matmul_p(v, kk))))
    a_bar = matmul_p(matmul_p(u, _sum_present(terms)), vh)
    return (_sum_present([a_bar] + extra),)


svd_p = Primitive(
    "svd",
    _svd_impl,
    jvp=_svd_jvp,
    vjp=_svd_vjp,
    family="linalg",
    multiple_results=True,
    saves=("out",),
)


# ---------------------------------------------------------------------------------------
# Reduced QR A = Q R of an m x n matrix with m >= n. With C = Q^T dA R^-1 and
# Omega = tril(C, -1) - tril(C, -1)^T (antisymmetric):
#   dR = (C - Omega) R,   dQ = Q Omega + (I - Q Q^T) dA R^-1.
# Transposed: A_bar = [Q_bar + Q (Y - Q^T Q_bar)] R^-T with
#   Y = R_bar R^T + tril(X - X^T, -1),   X = Q^T Q_bar - R_bar R^T.


def _qr_impl(a):
    q, r = np.linalg.qr(a, mode="reduced")
    return q, r


def _right_upper_solve(x, r, transpose):
    """x R^-1, or x R^-T when ``transpose``, by a triangular solve on the transposes."""
    solved = triangular_solve_p(
        r, swap_last_axes(x), lower=False, transpose_a=not transpose, unit_diagonal=False
    )
    return swap_last_axes(solved)


def _qr_jvp(tangents, primals, out):
    (a_dot,) = tangents
    q, r = out
    a_dot_r = _right_upper_solve(a_dot, r, False)  # dA R^-1
    c = _transpose_product(q, a_dot_r)
    lower = keep_triangle(c, lower=True, diagonal=0.0)
    omega = lower - swap_last_axes(lower)
    r_dot = matmul_p(c - omega, r)
    q_dot = matmul_p(q, omega) + a_dot_r - matmul_p(q, c)
    return q_dot, r_dot


def _qr_vjp(out_bar, primals, out, wanted):
    q_bar, r_bar = out_bar
    q, r = out
    if r_bar is None:
        y = None
    else:
        y = matmul_p(r_bar, swap_last_axes(r))
    if q_bar is None:
        x = -y
        total = y + keep_triangle(x - swap_last_axes(x), lower=True, diagonal=0.0)
        return (_right_upper_solve(matmul_p(q, total), r, True),)
    q_t_bar = _transpose_product(q, q_bar)
    x = q_t_bar if y is None else q_t_bar - y
    total = keep_triangle(x - swap_last_axes(x), lower=True, diagonal=0.0) - q_t_bar
    if y is not None:
        total = total + y
    return (_right_upper_solve(q_bar + matmul_p(q, total), r, True),)


qr_p = Primitive(
    "qr",
    _qr_impl,
    jvp=_qr_jvp,
    vjp=_qr_vjp,
    family="linalg",
    multiple_results=True,
    saves=("out",),
)


# ---------------------------------------------------------------------------------------
# LU with partial pivoting of a square matrix, A = P L U (L unit lower triangular).
# With M = L^-1 P^T dA U^-1: dL = L tril(M, -1), dU = triu(M) U, and
# A_bar = P L^-T [tril(L^T L_bar, -1) + triu(U_bar U^T)] U^-T. P carries no derivative.


def _lu_impl(a):
    from scipy.linalg import lu

    return lu(a)


def _unit_lower_solve(l_factor, x, transpose):
    return triangular_solve_p(l_factor, x, lower=True, transpose_a=transpose, unit_diagonal=True)


def _lu_jvp(tangents, primals, out):
    (a_dot,) = tangents
    p, l_factor, u = out
    left = _unit_lower_solve(l_factor, _transpose_product(p, a_dot), False)
    m = _right_upper_solve(left, u, False)
    l_dot = matmul_p(l_factor, keep_triangle(m, lower=True, diagonal=0.0))
    u_dot = matmul_p(keep_triangle(m, lower=False), u)
    return None, l_dot, u_dot


def _lu_vjp(out_bar, primals, out, wanted):
    _, l_bar, u_bar = out_bar
    p, l_factor, u = out
    terms = []
    if l_bar is not None:
        terms.append(keep_triangle(_transpose_product(l_factor, l_bar), lower=True, diagonal=0.0))
    if u_bar is not None:
        terms.append(keep_triangle(matmul_p(u_bar, swap_last_axes(u)), lower=False))
    if not terms:
        return (None,)
    middle = _unit_lower_solve(l_factor, _sum_present(terms), True)
    return (matmul_p(p, _right_upper_solve(middle, u, True)),)


lu_p = Primitive(
    "lu",
    _lu_impl,
    jvp=_lu_jvp,
    vjp=_lu_vjp,
    family="linalg",
    multiple_results=True,
    saves=("out",),
)


# ---------------------------------------------------------------------------------------
# General eigendecomposition A V = V diag(w); for a real A with complex eigenvalues, w and
# V are complex. With M = V^-1 dA V and F the inverse gaps of w: dw = diag(M) and
# dV0 = V (F o M). NumPy's eigenvectors have unit 2-norm, which removes the real part of
# the free multiple of each v_i: dV = dV0 - V Re(diag(V^H dV0)). Their phase (LAPACK makes
# the largest entry real) has no derivative here: only phase-invariant functions of V
# (|V|, v_i v_i^H / |v_i|^2...) are differentiated correctly.
# Transposed (pairing Re(sum(c * dz))): V_bar' = V_bar - conj(V) Re(diag(V^T V_bar)), and
# A_bar = V^-T (diag(w_bar) + F o (V^T V_bar')) V^T.


def _eig_impl(a):
    w, v = np.linalg.eig(a)
    return w, v


def _is_complex(x):
    return spec_of(x).dtype.kind == "c"


def _columnwise_real_dot(x, y):
    """Re(sum over rows of x * y): one number per column (per matrix of a stack)."""
    product = multiply_p(x, y)
    ndim = len(spec_of(product).shape)
    total = sum_p(product, axis=(ndim - 2,), keepdims=False)
    return real_p(total) if _is_complex(total) else total


def _eig_jvp(tangents, primals, out):
    (a_dot,) = tangents
    w, v = out
    m = solve_p(v, matmul_p(a_dot, v))
    v_dot = matmul_p(v, multiply_p(inverse_gaps(w), m))
    v_conj = conj_p(v) if _is_complex(v) else v
    v_dot = v_dot - multiply_p(v, _as_row(_columnwise_real_dot(v_conj, v_dot)))
    return _diagonal(m), v_dot


def _eig_vjp(out_bar, primals, out, wanted):
    w_bar, v_bar = out_bar
    w, v = out
    v_t = swap_last_axes(v)
    core = None
    if v_bar is not None:
        v_conj = conj_p(v) if _is_complex(v) else v
        v_bar = v_bar - multiply_p(v_conj, _as_row(_columnwise_real_dot(v, v_bar)))
        core = multiply_p(inverse_gaps(w), matmul_p(v_t, v_bar))
    if w_bar is not None:
        diagonal = _diagonal_matrix(w_bar)
        core = diagonal if core is None else core + diagonal
    return (solve_p(v_t, matmul_p(core, v_t)),)


eig_p = Primitive(
    "eig",
    _eig_impl,
    jvp=_eig_jvp,
    vjp=_eig_vjp,
    family="linalg",
    multiple_results=True,
    saves=("out",),
)
