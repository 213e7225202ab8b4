"""Triangular factorizations: cholesky, qr and lu, each a multiple-results primitive (lu)
or a single one (cholesky) with both rules.

The rules are for real matrices and are written with primitives (triangular solves,
never inverses), so they differentiate again. cholesky takes a symmetric matrix:
chainrule.numpy.linalg first builds it from the triangle NumPy reads, so its derivative
is that of NumPy's function exactly. Eigen- and singular-value decompositions are in
`spectral.py`; the helpers on stacks of matrices in `matrix_parts.py`.
"""

from __future__ import annotations

import numpy as np

from chainrule.core import Primitive
from chainrule.primitives.contraction import matmul_p, swap_last_axes
from chainrule.primitives.linalg import triangular_solve_p
from chainrule.primitives.matrix_parts import keep_triangle, sum_present, transpose_product

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
    middle = _phi(transpose_product(out, out_bar))
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


def _right_upper_solve(x, r, transpose):
    """x R^-1, or x R^-T when ``transpose``, by a triangular solve on the transposes."""
    solved = triangular_solve_p(
        r, swap_last_axes(x), lower=False, transpose_a=not transpose, unit_diagonal=False
    )
    return swap_last_axes(solved)


# ---------------------------------------------------------------------------------------
# Reduced QR A = Q R of an m x n matrix with m >= n. With C = Q^T dA R^-1 and
# Omega = tril(C, -1) - tril(C, -1)^T (antisymmetric):
#   dR = (C - Omega) R,   dQ = Q Omega + (I - Q Q^T) dA R^-1.
# Transposed: A_bar = [Q_bar + Q (Y - Q^T Q_bar)] R^-T with
#   Y = R_bar R^T + tril(X - X^T, -1),   X = Q^T Q_bar - R_bar R^T.


def _qr_impl(a):
    q, r = np.linalg.qr(a, mode="reduced")
    return q, r


def _qr_jvp(tangents, primals, out):
    (a_dot,) = tangents
    q, r = out
    a_dot_r = _right_upper_solve(a_dot, r, False)  # dA R^-1
    c = transpose_product(q, a_dot_r)
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
    q_t_bar = transpose_product(q, q_bar)
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
