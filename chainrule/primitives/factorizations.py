"""Triangular factorizations: cholesky (one result), qr and lu (multiple results), each a
primitive with both rules.

The rules are written with primitives (triangular solves, never inverses), so they
differentiate again. They hold for complex matrices under the pairing Re(sum(c * dz))
of docs/complex.md: cholesky and qr conjugate where the factorization does (L^H, Q^H),
branching on the dtype when traced so that real matrices never meet a conj; lu is
holomorphic. cholesky takes a Hermitian (real: symmetric) matrix: chainrule.numpy.linalg
first builds it from the triangle NumPy reads, so its derivative is that of NumPy's
function exactly. Eigen- and singular-value decompositions are in `spectral.py`; the
helpers on stacks of matrices in `matrix_parts.py`.
"""

from __future__ import annotations

import numpy as np

from chainrule.core import Primitive
from chainrule.primitives.contraction import matmul_p, swap_last_axes
from chainrule.primitives.linalg import triangular_solve_p
from chainrule.primitives.matrix_parts import (
    conjugate,
    keep_triangle,
    sum_present,
    transpose_product,
)


def _phi(x):
    """The lower triangle of x with its diagonal halved."""
    return keep_triangle(x, lower=True, diagonal=0.5)


# ---------------------------------------------------------------------------------------
# Cholesky: A = L L^H, L lower triangular with a real positive diagonal. From
# dA = dL L^H + L dL^H, L^-1 dL is lower triangular with a real diagonal and
# L^-1 dL + (L^-1 dL)^H = L^-1 dA L^-H, a Hermitian matrix (real diagonal), so
#   dL = L Phi(L^-1 dA L^-H).
# Transposed under Re(sum(c * dz)): A_bar = L^-T Phi(L^T L_bar) conj(L)^-1, then its
# Hermitian part (a_bar + conj(a_bar)^T) / 2, the transpose of dA -> (dA + dA^H) / 2
# (which leaves every Hermitian dA as it is). Real L: the textbook rule with ^T.


def _lower_solve(l_factor, x, transpose):
    """L^-1 x, or L^-T x when ``transpose``."""
    return triangular_solve_p(l_factor, x, lower=True, transpose_a=transpose, unit_diagonal=False)


def _cholesky_jvp(tangents, primals, out):
    (a_dot,) = tangents
    left = _lower_solve(out, a_dot, False)  # L^-1 dA
    # (L^-1 dA) L^-H = (conj(L)^-1 (L^-1 dA)^T)^T
    both = swap_last_axes(_lower_solve(conjugate(out), swap_last_axes(left), False))
    return matmul_p(out, _phi(both))


def _cholesky_vjp(out_bar, primals, out, wanted):
    middle = _phi(transpose_product(out, out_bar))
    left = _lower_solve(out, middle, True)  # L^-T Phi(...)
    # (L^-T Phi(...)) conj(L)^-1 = (conj(L)^-T (L^-T Phi(...))^T)^T
    a_bar = swap_last_axes(_lower_solve(conjugate(out), swap_last_axes(left), True))
    return (0.5 * (a_bar + conjugate(swap_last_axes(a_bar))),)


cholesky_p = Primitive(
    "cholesky",
    np.linalg.cholesky,
    jvp=_cholesky_jvp,
    vjp=_cholesky_vjp,
    family="linalg",
    saves=("out",),
)


def _right_upper_solve(x, r, transpose):
    """x R^-1, or x R^-T when ``transpose``, by a triangular solve on the transposes."""
    solved = triangular_solve_p(
        r, swap_last_axes(x), lower=False, transpose_a=not transpose, unit_diagonal=False
    )
    return swap_last_axes(solved)


# ---------------------------------------------------------------------------------------
# Reduced QR A = Q R of an m x n matrix with m >= n, Q^H Q = I, R upper triangular with a
# real diagonal (LAPACK's Householder steps make it real; its signs stay fixed under
# small changes, which is the gauge differentiated here). With C = Q^H dA R^-1:
#   C = Omega + dR R^-1, Omega = Q^H dQ skew-Hermitian, dR R^-1 upper triangular with a
#   real diagonal (dR_ii / R_ii). So Omega's strict lower triangle is C's, its strict
#   upper one minus the conjugate transpose of that, its diagonal i Im(diag(C)):
#   Omega = Phi(C) - Phi(C)^H (Phi: lower triangle, diagonal halved; for real C the
#   diagonal is exactly 0), and
#   dR = (C - Omega) R,   dQ = Q Omega + (I - Q Q^H) dA R^-1.
# Transposed under Re(sum(c * dz)), with M = R_bar R^T - Q^T Q_bar (plain transposes):
#   A_bar = [Q_bar + conj(Q) (M - Phi(M - M^H))] R^-T,
# Phi(M - M^H) being the transpose of C -> Omega. Real Q, R: the textbook rule.


def _qr_impl(a):
    q, r = np.linalg.qr(a, mode="reduced")
    return q, r


def _qr_jvp(tangents, primals, out):
    (a_dot,) = tangents
    q, r = out
    a_dot_r = _right_upper_solve(a_dot, r, False)  # dA R^-1
    c = transpose_product(conjugate(q), a_dot_r)  # Q^H dA R^-1
    lower = _phi(c)
    omega = lower - conjugate(swap_last_axes(lower))
    r_dot = matmul_p(c - omega, r)
    q_dot = matmul_p(q, omega) + a_dot_r - matmul_p(q, c)
    return q_dot, r_dot


def _qr_vjp(out_bar, primals, out, wanted):
    q_bar, r_bar = out_bar
    q, r = out
    r_part = None if r_bar is None else matmul_p(r_bar, swap_last_axes(r))
    q_part = None if q_bar is None else transpose_product(q, q_bar)
    if q_part is None:
        m = r_part
    else:
        m = -q_part if r_part is None else r_part - q_part
    core = m - _phi(m - conjugate(swap_last_axes(m)))
    a_bar_r = matmul_p(conjugate(q), core)  # A_bar R^T
    if q_bar is not None:
        a_bar_r = q_bar + a_bar_r
    return (_right_upper_solve(a_bar_r, r, True),)


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
# LU with partial pivoting of a square matrix, A = P L U (L unit lower triangular). The
# rule is holomorphic (no conjugates), so it holds for complex matrices as it is.
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
    left = _unit_lower_solve(l_factor, transpose_product(p, a_dot), False)
    m = _right_upper_solve(left, u, False)
    l_dot = matmul_p(l_factor, keep_triangle(m, lower=True, diagonal=0.0))
    u_dot = matmul_p(keep_triangle(m, lower=False), u)
    return None, l_dot, u_dot


def _lu_vjp(out_bar, primals, out, wanted):
    _, l_bar, u_bar = out_bar
    p, l_factor, u = out
    terms = []
    if l_bar is not None:
        terms.append(keep_triangle(transpose_product(l_factor, l_bar), lower=True, diagonal=0.0))
    if u_bar is not None:
        terms.append(keep_triangle(matmul_p(u_bar, swap_last_axes(u)), lower=False))
    if not terms:
        return (None,)
    middle = _unit_lower_solve(l_factor, sum_present(terms), True)
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
