"""Spectral decompositions: eigh, svd and eig, multiple-results primitives with both rules.

The rules are written with primitives, so they differentiate again, and hold for real and
complex matrices (pairing Re(sum(c * dz)); on real ones nothing conjugates). eigh takes a
symmetric (Hermitian) matrix: chainrule.numpy.linalg first builds it from the triangle
NumPy reads. Complex eigen- and singular vectors have a free phase per column; the rules
fix it by a gauge, exact for phase-invariant functions (docs/linalg.md). Eigenvector and
singular-vector rules divide by eigenvalue (singular value) gaps: they are inf or NaN at
repeated values, even for functions that do not depend on the choice of vectors (a plain
product, not the zero-safe one: inf * 0 is NaN here, a visible error rather than a
silently wrong finite value; docs/linalg.md). Eigenvalues and singular values alone
never divide.
"""

from __future__ import annotations

import numpy as np

from chainrule.core import Primitive, Tracer, spec_of
from chainrule.primitives.contraction import matmul_p, swap_last_axes
from chainrule.primitives.elementwise import (
    conj_p,
    divide_p,
    equal_p,
    imag_p,
    multiply_p,
    real_p,
)
from chainrule.primitives.linalg import solve_p
from chainrule.primitives.matrix_parts import (
    adjoint,
    as_column,
    as_row,
    conjugate,
    diagonal_matrix,
    is_complex,
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


def _plain(value):
    """The plain array under a value that may be traced (for a check, not for a rule)."""
    return np.asarray(value.concrete_value() if isinstance(value, Tracer) else value)


# A complex eigenvector (or singular pair) is one only up to a phase e^{i phi} per column,
# and NumPy returns LAPACK's choice, which no rule can follow. A loss that does not see
# the phase has a cotangent with Im(sum over rows of v * v_bar) = 0 for every column
# (the change of the loss along the phase), up to round-off; one that sees it has no
# derivative NumPy's values agree with, so reverse mode refuses it (PyTorch does too).
# Round-off makes the sum about eps * n * sum|v||v_bar|; the relative bound is far above
# that. A cotangent that is itself round-off (a loss whose true cotangent is 0, seen at
# second order) is below the absolute floor: a loss must move by more than 1e-8 per
# radian of phase to be refused, so phase dependence smaller than that is not caught.
_PHASE_TOLERANCE = 1e-7
_PHASE_FLOOR = 1e-8


def refuse_phase_dependence(function, pairs):
    """Raise if the cotangents see the free phases: ``pairs`` of (vectors, cotangent,
    sign), summed per column as sign * Im(sum over rows of vectors * cotangent)."""
    total, scale = 0.0, 0.0
    for vectors, cotangent, sign in pairs:
        vectors, cotangent = _plain(vectors), _plain(cotangent)
        product = vectors * np.broadcast_to(cotangent, vectors.shape)
        total = total + sign * np.imag(product).sum(axis=-2)
        scale = scale + np.abs(product).sum(axis=-2)
    if np.any(np.abs(total) > _PHASE_TOLERANCE * scale + _PHASE_FLOOR):
        raise ValueError(
            f"chainrule.numpy.linalg.{function}: the loss depends on the phases of complex "
            "eigenvectors or singular vectors, which are arbitrary (each column may be "
            "multiplied by e^(i phi)), so its gradient is not defined. Use phase-invariant "
            "functions of them (|v|, v v^H, U diag(s) V^H, eigenvalues, singular values), "
            "and take U and Vh from one svd call; see docs/linalg.md, 'Complex matrices'."
        )


def _skew_hermitian_part(x):
    return 0.5 * (x - adjoint(x))


# ---------------------------------------------------------------------------------------
# Hermitian eigendecomposition A = V diag(w) V^H (w real). With P = V^H dA V (Hermitian)
# and F the inverse gaps of w: dw = Re diag(P), dV = V (F o P). F o P has a zero diagonal:
# the gauge Im diag(V^H dV) = 0 fixes each column's free phase (docs/linalg.md).
# Transposed under the pairing Re(sum(c * dz)):
#   A_bar = conj(V) (diag(w_bar) + F o skew(V^T V_bar)) V^T, skew(J) = (J - J^H) / 2,
# Hermitian-symmetrised (only its pairing with Hermitian dA matters); for real A, V is
# real and this is V (diag(w_bar) + F o skew(V^T V_bar)) V^T. The w_bar part alone,
# conj(V) diag(w_bar) V^T, never divides.


# ``uplo`` names the triangle LAPACK reads (the input is Hermitian; the choice only fixes
# the eigenvectors' signs or phases the way NumPy's does).
def _eigh_impl(a, uplo):
    w, v = np.linalg.eigh(a, UPLO=uplo)
    return w, v


def _eigh_jvp(tangents, primals, out, uplo):
    (a_dot,) = tangents
    w, v = out
    projected = matmul_p(matmul_p(adjoint(v), a_dot), v)
    w_dot = matrix_diagonal(projected)
    if is_complex(w_dot):  # real up to round-off: P is Hermitian
        w_dot = real_p(w_dot)
    v_dot = matmul_p(v, multiply_p(inverse_gaps(w), projected))
    return w_dot, v_dot


def _eigh_vjp(out_bar, primals, out, wanted, uplo):
    w_bar, v_bar = out_bar
    w, v = out
    v_conj = conjugate(v)
    if v_bar is None:
        return (matmul_p(multiply_p(v_conj, as_row(w_bar)), swap_last_axes(v)),)
    if is_complex(v):
        refuse_phase_dependence("eigh", [(v, v_bar, 1.0)])
    core = multiply_p(inverse_gaps(w), _skew_hermitian_part(transpose_product(v, v_bar)))
    if w_bar is not None:
        core = core + diagonal_matrix(w_bar)
    return (matmul_p(matmul_p(v_conj, core), swap_last_axes(v)),)


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
# Reduced SVD A = U diag(s) V^H of an m x n matrix, k = min(m, n). With P = U^H dA V and
# F the inverse gaps of s**2:
#   ds = Re diag(P)
#   dU = U (F o (P S + S P^H) + i diag(Im diag(P) / s)) + (I - U U^H) dA V S^-1
#   dV = V (F o (S P + P^H S)) + (I - V V^H) dA^H U S^-1
# (the last terms only when m > k, n > k). Each pair (u_i, v_i) has a free joint phase;
# the gauge Im diag(V^H dV) = 0 fixes it, and Im diag(U^H dU) = Im diag(P) / s carries the
# relative phase that dA asks for (0 at a zero singular value, where that phase is free;
# real matrices have no such term). The transpose is easiest in the conjugate pairing
# Re tr(G^H dY): with G_U = conj(U_bar), G_V = conj(V_bar) = Vh_bar^T, J = U^H G_U and
# K = V^H G_V,
#   G_A = U [diag(s_bar) + (F o (J - J^H)) S + S (F o (K - K^H)) + i diag(Im diag(J) / s)] V^H
#         + (I - U U^H) G_U S^-1 V^H + U S^-1 G_V^H (I - V V^H)
# and under the pairing Re(sum(c * dz)), A_bar = conj(G_A). For real A nothing conjugates.


def _svd_impl(a):
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    return u, s, vh


def _phase_scale(s):
    """1 / s, and 0 where s is exactly 0: the scale of the relative-phase term."""
    is_zero = equal_p(s, 0.0)
    return 1 / (s + is_zero) - is_zero


def _relative_phase(projection, s):
    """i Im(diag(projection)) / s, a row that scales the columns of U."""
    return as_row(1j * multiply_p(imag_p(matrix_diagonal(projection)), _phase_scale(s)))


def _svd_jvp(tangents, primals, out):
    (a_dot,) = tangents
    u, s, vh = out
    m, n = spec_of(u).shape[-2], spec_of(vh).shape[-1]
    k = spec_of(s).shape[-1]
    v = adjoint(vh)
    dp = matmul_p(matmul_p(adjoint(u), a_dot), v)
    s_row, s_column = as_row(s), as_column(s)
    gaps = inverse_gaps(s * s)
    dp_h = adjoint(dp)
    u_dot = matmul_p(u, multiply_p(gaps, dp * s_row + s_column * dp_h))
    v_dot = matmul_p(v, multiply_p(gaps, s_column * dp + dp_h * s_row))
    s_dot = matrix_diagonal(dp)
    if is_complex(dp):
        u_dot = u_dot + multiply_p(u, _relative_phase(dp, s))
        s_dot = real_p(s_dot)
    if m > k:
        u_dot = u_dot + (matmul_p(a_dot, v) - matmul_p(u, dp)) / s_row
    if n > k:
        v_dot = v_dot + (matmul_p(adjoint(a_dot), u) - matmul_p(v, dp_h)) / s_row
    return u_dot, s_dot, adjoint(v_dot)


def _svd_vjp(out_bar, primals, out, wanted):
    u_bar, s_bar, vh_bar = out_bar
    u, s, vh = out
    m, n = spec_of(u).shape[-2], spec_of(vh).shape[-1]
    k = spec_of(s).shape[-1]
    s_row, s_column = as_row(s), as_column(s)
    terms = [] if s_bar is None else [diagonal_matrix(s_bar)]
    extra = []
    if is_complex(u) and (u_bar is not None or vh_bar is not None):
        # u_i and the row vh_i turn by e^{i phi} and e^{-i phi} together.
        pairs = [] if u_bar is None else [(u, u_bar, 1.0)]
        if vh_bar is not None:
            pairs.append((swap_last_axes(vh), swap_last_axes(vh_bar), -1.0))
        refuse_phase_dependence("svd", pairs)
    if u_bar is not None or vh_bar is not None:
        gaps = inverse_gaps(s * s)
    if u_bar is not None:
        u_grad = conjugate(u_bar)
        j = matmul_p(adjoint(u), u_grad)
        terms.append(multiply_p(gaps, j - adjoint(j)) * s_row)
        if is_complex(j):
            terms.append(diagonal_matrix(1j * imag_p(matrix_diagonal(j)) * _phase_scale(s)))
        if m > k:
            extra.append(matmul_p((u_grad - matmul_p(u, j)) / s_row, vh))
    if vh_bar is not None:
        v_grad = swap_last_axes(vh_bar)
        kk = matmul_p(vh, v_grad)  # V^H G_V
        terms.append(s_column * multiply_p(gaps, kk - adjoint(kk)))
        if n > k:
            v_part = v_grad - matmul_p(adjoint(vh), kk)
            extra.append(matmul_p(u / s_row, adjoint(v_part)))
    a_grad = sum_present([matmul_p(matmul_p(u, sum_present(terms)), vh)] + extra)
    return (conjugate(a_grad),)


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
# (|V|, v_i v_i^H / |v_i|^2...) are differentiated correctly, and reverse mode refuses
# a loss that sees the phase (refuse_phase_dependence).
# Transposed (pairing Re(sum(c * dz))): V_bar' = V_bar - conj(V) Re(diag(V^T V_bar)), and
# A_bar = V^-T (diag(w_bar) + F o (V^T V_bar')) V^T.


def _eig_impl(a):
    w, v = np.linalg.eig(a)
    return w, v


def _columnwise_real_dot(x, y):
    """Re(sum over rows of x * y): one number per column (per matrix of a stack)."""
    product = multiply_p(x, y)
    ndim = len(spec_of(product).shape)
    total = sum_p(product, axis=(ndim - 2,), keepdims=False)
    return real_p(total) if is_complex(total) else total


def _eig_jvp(tangents, primals, out):
    (a_dot,) = tangents
    w, v = out
    m = solve_p(v, matmul_p(a_dot, v))
    v_dot = matmul_p(v, multiply_p(inverse_gaps(w), m))
    v_conj = conj_p(v) if is_complex(v) else v
    v_dot = v_dot - multiply_p(v, as_row(_columnwise_real_dot(v_conj, v_dot)))
    return matrix_diagonal(m), v_dot


def _eig_vjp(out_bar, primals, out, wanted):
    w_bar, v_bar = out_bar
    w, v = out
    v_t = swap_last_axes(v)
    core = None
    if v_bar is not None:
        v_conj = conj_p(v) if is_complex(v) else v
        if is_complex(v):
            refuse_phase_dependence("eig", [(v, v_bar, 1.0)])
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
