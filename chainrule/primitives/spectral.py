"""Spectral decompositions: eigh, svd and eig, multiple-results primitives with both rules.

The rules are written with primitives, so they differentiate again; eigh and svd are for
real matrices, eig's for complex ones too. eigh takes a symmetric matrix:
chainrule.numpy.linalg first builds it from the triangle NumPy reads. Eigenvector and
singular-vector rules divide by eigenvalue (singular value) gaps: they are inf or NaN at
repeated values, even for functions that do not depend on the choice of vectors (a plain
product, not the zero-safe one: inf * 0 is NaN here, a visible error rather than a
silently wrong finite value; docs/linalg.md). Eigenvalues and singular values alone
never divide.
"""

from __future__ import annotations

import numpy as np

from chainrule.core import Primitive, spec_of
from chainrule.primitives.contraction import matmul_p, swap_last_axes
from chainrule.primitives.elementwise import conj_p, divide_p, multiply_p, real_p
from chainrule.primitives.linalg import solve_p
from chainrule.primitives.matrix_parts import (
    as_column,
    as_row,
    diagonal_matrix,
    matrix_diagonal,
    sum_present,
    transpose_product,
)
from chainrule.primitives.reductions import sum_p


def inverse_gaps(values):
    """F[i, j] = 1 / (values[j] - values[i]) off the diagonal, 0 on it.

    The diagonal of the difference is exactly zero; adding the identity there keeps the
    division finite, and the off-diagonal mask then zeroes it.
    """
    spec = spec_of(values)
    n = spec.shape[-1]
    identity = np.eye(n, dtype=spec.dtype)
    gaps = as_row(values) - as_column(values) + identity
    return divide_p(np.ones((n, n), spec.dtype) - identity, gaps)


def _skew(x):
    return 0.5 * (x - swap_last_axes(x))


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
    projected = matmul_p(transpose_product(v, a_dot), v)
    w_dot = matrix_diagonal(projected)
    v_dot = matmul_p(v, multiply_p(inverse_gaps(w), projected))
    return w_dot, v_dot


def _eigh_vjp(out_bar, primals, out, wanted, uplo):
    w_bar, v_bar = out_bar
    w, v = out
    if v_bar is None:
        return (matmul_p(multiply_p(v, as_row(w_bar)), swap_last_axes(v)),)
    core = multiply_p(inverse_gaps(w), _skew(transpose_product(v, v_bar)))
    if w_bar is not None:
        core = core + diagonal_matrix(w_bar)
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
    dp = matmul_p(transpose_product(u, a_dot), v)
    s_row, s_column = as_row(s), as_column(s)
    gaps = inverse_gaps(s * s)
    dp_t = swap_last_axes(dp)
    u_dot = matmul_p(u, multiply_p(gaps, dp * s_row + s_column * dp_t))
    v_dot = matmul_p(v, multiply_p(gaps, s_column * dp + dp_t * s_row))
    if m > k:
        u_dot = u_dot + (matmul_p(a_dot, v) - matmul_p(u, dp)) / s_row
    if n > k:
        v_dot = v_dot + (transpose_product(a_dot, u) - matmul_p(v, dp_t)) / s_row
    return u_dot, matrix_diagonal(dp), swap_last_axes(v_dot)


def _svd_vjp(out_bar, primals, out, wanted):
    u_bar, s_bar, vh_bar = out_bar
    u, s, vh = out
    m, n = spec_of(u).shape[-2], spec_of(vh).shape[-1]
    k = spec_of(s).shape[-1]
    s_row, s_column = as_row(s), as_column(s)
    v_bar = None if vh_bar is None else swap_last_axes(vh_bar)
    terms = [] if s_bar is None else [diagonal_matrix(s_bar)]
    extra = []
    if u_bar is not None or v_bar is not None:
        gaps = inverse_gaps(s * s)
    if u_bar is not None:
        j = transpose_product(u, u_bar)
        terms.append(multiply_p(gaps, j - swap_last_axes(j)) * s_row)
        if m > k:
            extra.append(matmul_p((u_bar - matmul_p(u, j)) / s_row, vh))
    if v_bar is not None:
        v = swap_last_axes(vh)
        kk = transpose_product(v, v_bar)
        terms.append(s_column * multiply_p(gaps, kk - swap_last_axes(kk)))
        if n > k:
            extra.append(matmul_p(u / s_row, swap_last_axes(v_bar - matmul_p(v, kk))))
    a_bar = matmul_p(matmul_p(u, sum_present(terms)), vh)
    return (sum_present([a_bar] + extra),)


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
    v_dot = v_dot - multiply_p(v, as_row(_columnwise_real_dot(v_conj, v_dot)))
    return matrix_diagonal(m), v_dot


def _eig_vjp(out_bar, primals, out, wanted):
    w_bar, v_bar = out_bar
    w, v = out
    v_t = swap_last_axes(v)
    core = None
    if v_bar is not None:
        v_conj = conj_p(v) if _is_complex(v) else v
        v_bar = v_bar - multiply_p(v_conj, as_row(_columnwise_real_dot(v, v_bar)))
        core = multiply_p(inverse_gaps(w), matmul_p(v_t, v_bar))
    if w_bar is not None:
        diagonal = diagonal_matrix(w_bar)
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
