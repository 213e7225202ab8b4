"""Linear-algebra primitives: solves, inverses, determinants and matrix functions.

Every rule is written with primitives (solves rather than inverse products), so it is
stable and differentiates again. Matrices are the last two axes; leading axes are a
batch that broadcasts as in NumPy, and the sweeps un-broadcast. Right-hand sides are
always stacks of matrices here (chainrule.numpy.linalg turns vectors into columns).
Complex inputs: the rules below are holomorphic (plain transposes, never conjugates),
except slogdet's (real and imaginary parts of a trace) and `pinv_p`'s (conjugate
transposes, whose transposes conjugate). Decompositions are in `factorizations.py`
(cholesky, qr, lu) and `spectral.py` (eigh, svd, eig); shared helpers in `matrix_parts.py`.
"""

from __future__ import annotations

import functools

import numpy as np

from chainrule.core import Primitive, spec_of
from chainrule.primitives.contraction import matmul_p, swap_last_axes
from chainrule.primitives.declare import zeros_for
from chainrule.primitives.elementwise import conj_p, imag_p, multiply_p, real_p
from chainrule.primitives.matrix_parts import (
    as_matrix_scalars,
    keep_triangle,
    matrix_trace,
    pair_sum,
)
from chainrule.primitives.shape import concatenate_p, slice_p

# ---------------------------------------------------------------------------------------
# Triangular solve: op(A) X = B with A triangular, op(A) = A or A^T. Only the triangle
# named by `lower` is read (and not the diagonal when `unit_diagonal`), so the derivative
# with respect to A lives on that triangle too.


def _read_triangle(a, lower, unit_diagonal):
    triangle = np.tril(a) if lower else np.triu(a)
    if unit_diagonal:
        triangle = triangle - np.tril(np.triu(triangle)) + np.eye(a.shape[-1], dtype=a.dtype)
    return triangle


@functools.cache
def _scipy_linalg():
    """scipy.linalg if it is installed (imported on first use: SciPy is optional), else None."""
    try:
        import scipy.linalg
    except ImportError:
        return None
    return scipy.linalg


def _triangular_solve_impl(a, b, lower, transpose_a, unit_diagonal):
    scipy_linalg = _scipy_linalg()
    if scipy_linalg is not None and np.ndim(a) == 2 and np.ndim(b) == 2:
        # O(n^2) per right-hand side, where an LU solve costs O(n^3) for the factorization.
        return scipy_linalg.solve_triangular(
            a, b, int(transpose_a), lower, unit_diagonal, check_finite=False
        )
    # NumPy has no triangular solve; its (batched) LU solve on the triangle is backward
    # stable too.
    a = _read_triangle(np.asarray(a), lower, unit_diagonal)
    return np.linalg.solve(np.swapaxes(a, -1, -2) if transpose_a else a, b)


def _read_tangent(a_dot, lower, unit_diagonal):
    """The part of A's tangent the solve reads: its triangle (without a unit diagonal)."""
    return keep_triangle(a_dot, lower=lower, diagonal=0.0 if unit_diagonal else 1.0)


# X = op(A)^-1 B, so dX = op(A)^-1 (dB - op(dA) X).
def _triangular_solve_jvp(tangents, primals, out, **params):
    a_dot, b_dot = tangents
    rhs = b_dot
    if a_dot is not None:
        a_dot = _read_tangent(a_dot, params["lower"], params["unit_diagonal"])
        term = matmul_p(swap_last_axes(a_dot) if params["transpose_a"] else a_dot, out)
        rhs = -term if rhs is None else rhs - term
    return triangular_solve_p(primals[0], rhs, **params)


# B_bar = op(A)^-T X_bar; op(dA) receives -B_bar X^T, so dA receives its transpose when
# op is the transpose; then only the triangle read.
def _triangular_solve_vjp(out_bar, primals, out, wanted, **params):
    a = primals[0]
    flipped = {**params, "transpose_a": not params["transpose_a"]}
    b_bar = triangular_solve_p(a, out_bar, **flipped)
    a_bar = None
    if wanted[0]:
        if params["transpose_a"]:
            a_bar = -matmul_p(out, swap_last_axes(b_bar))
        else:
            a_bar = -matmul_p(b_bar, swap_last_axes(out))
        a_bar = _read_tangent(a_bar, params["lower"], params["unit_diagonal"])
    return a_bar, b_bar if wanted[1] else None


triangular_solve_p = Primitive(
    "triangular_solve",
    _triangular_solve_impl,
    jvp=_triangular_solve_jvp,
    vjp=_triangular_solve_vjp,
    family="linalg",
)


# ---------------------------------------------------------------------------------------
# General solve, inverse, pseudo-inverse.


# X = A^-1 B: dX = A^-1 (dB - dA X).
def _solve_jvp(tangents, primals, out):
    a_dot, b_dot = tangents
    rhs = b_dot
    if a_dot is not None:
        term = matmul_p(a_dot, out)
        rhs = -term if rhs is None else rhs - term
    return solve_p(primals[0], rhs)


# B_bar = A^-T X_bar (one more solve), A_bar = -B_bar X^T.
def _solve_vjp(out_bar, primals, out, wanted):
    b_bar = solve_p(swap_last_axes(primals[0]), out_bar)
    a_bar = -matmul_p(b_bar, swap_last_axes(out)) if wanted[0] else None
    return a_bar, b_bar if wanted[1] else None


solve_p = Primitive("solve", np.linalg.solve, jvp=_solve_jvp, vjp=_solve_vjp, family="linalg")


# d(A^-1) = -A^-1 dA A^-1, hence A_bar = -A^-T out_bar A^-T.
def _inv_jvp(tangents, primals, out):
    (a_dot,) = tangents
    return -matmul_p(matmul_p(out, a_dot), out)


def _inv_vjp(out_bar, primals, out, wanted):
    out_t = swap_last_axes(out)
    return (-matmul_p(matmul_p(out_t, out_bar), out_t),)


inv_p = Primitive("inv", np.linalg.inv, jvp=_inv_jvp, vjp=_inv_vjp, family="linalg", saves=("out",))


def _pinv_impl(a, rcond, hermitian):
    return np.linalg.pinv(a, rcond=rcond, hermitian=hermitian)


def _conjugate(x):
    """conj(x) for complex x, x itself for real x (so real inputs do no extra work)."""
    return conj_p(x) if spec_of(x).dtype.kind == "c" else x


def _adjoint(x):
    """x^H for stacks of matrices: x^T for real ones."""
    return _conjugate(swap_last_axes(x))


# P = A^+ at constant rank (Golub and Pereyra):
# dP = -P dA P + P P^H dA^H (I - A P) + (I - P A) dA^H P^H P.
def _pinv_jvp(tangents, primals, out, rcond, hermitian):
    (a_dot,) = tangents
    a, p = primals[0], out
    p_h, a_dot_h = _adjoint(p), _adjoint(a_dot)
    first = -matmul_p(matmul_p(p, a_dot), p)
    left = a_dot_h - matmul_p(matmul_p(a_dot_h, a), p)  # dA^H (I - A P)
    second = matmul_p(matmul_p(p, p_h), left)
    right = matmul_p(a_dot_h, matmul_p(p_h, p))  # dA^H P^H P
    third = right - matmul_p(p, matmul_p(a, right))
    return first + second + third


# The transpose of the map above under the pairing Re(sum(c * dz)) (the first term is
# holomorphic, the other two go through dA^H, which transposes to a conjugate):
# A_bar = -P^T G P^T + (I - conj(A P)) G^H conj(P P^H) + conj(P^H P) G^H (I - conj(P A)),
# for real A: -P^T G P^T + (I - A P) G^T P P^T + P^T P G^T (I - P A).
def _pinv_vjp(out_bar, primals, out, wanted, rcond, hermitian):
    a, p = primals[0], out
    p_t, bar_h = swap_last_axes(p), _adjoint(out_bar)
    a_conj, p_conj = _conjugate(a), _conjugate(p)
    first = -matmul_p(matmul_p(p_t, out_bar), p_t)
    middle = matmul_p(bar_h, matmul_p(p_conj, p_t))
    second = middle - matmul_p(a_conj, matmul_p(p_conj, middle))
    outer = matmul_p(matmul_p(p_t, p_conj), bar_h)
    third = outer - matmul_p(matmul_p(outer, p_conj), a_conj)
    return (first + second + third,)


pinv_p = Primitive("pinv", _pinv_impl, jvp=_pinv_jvp, vjp=_pinv_vjp, family="linalg")


# ---------------------------------------------------------------------------------------
# Determinants. d det(A) = tr(adj(A) dA), with the adjugate (transposed cofactor matrix)
# det(A) A^-1 for well-conditioned A and from an SVD otherwise, so it is exact at singular
# matrices too, where A^-1 does not exist.


def _adjugate_from_svd(a):
    u, s, vh = np.linalg.svd(a)
    # prod over j != i of s_j, from exclusive products taken from both ends (no division,
    # so exact when some s_j are zero).
    ones = np.ones(s.shape[:-1] + (1,), s.dtype)
    before = np.cumprod(np.concatenate([ones, s[..., :-1]], axis=-1), axis=-1)
    after = np.cumprod(np.concatenate([ones, s[..., :0:-1]], axis=-1), axis=-1)[..., ::-1]
    others = (before * after).astype(a.dtype)
    # adj(U S Vh) = adj(Vh) adj(S) adj(U), and adj(Q) = det(Q) Q^H for unitary Q.
    phase = np.linalg.det(u) * np.linalg.det(vh)
    v = np.conj(np.swapaxes(vh, -1, -2))
    adjugate = np.matmul(v * others[..., None, :], np.conj(np.swapaxes(u, -1, -2)))
    return adjugate * phase[..., None, None]


def _adjugate_impl(a):
    a = np.asarray(a)
    # det(A) A^-1 from one LU where that is accurate: its relative error grows like the
    # condition number times eps, so above 1/sqrt(eps) (and at singular A) use the SVD.
    try:
        inverse = np.linalg.inv(a)
    except np.linalg.LinAlgError:
        return _adjugate_from_svd(a)
    condition = np.linalg.norm(a, 1, axis=(-2, -1)) * np.linalg.norm(inverse, 1, axis=(-2, -1))
    if np.all(condition < np.finfo(inverse.dtype).eps ** -0.5):
        return np.linalg.det(a)[..., None, None] * inverse
    return _adjugate_from_svd(a)


# adj(A) = det(A) A^-1 where A is invertible, so
# d adj = (tr(adj dA) adj - adj dA adj) / det(A). (At a singular A this second derivative
# of det is inf or NaN; the first, above, stays exact.)
def _adjugate_jvp(tangents, primals, out):
    (a_dot,) = tangents
    a = primals[0]
    trace_term = multiply_p(as_matrix_scalars(matrix_trace(matmul_p(out, a_dot))), out)
    difference = trace_term - matmul_p(matmul_p(out, a_dot), out)
    return difference / as_matrix_scalars(det_p(a))


# A_bar = (<G, adj> adj^T - adj^T G adj^T) / det(A).
def _adjugate_vjp(out_bar, primals, out, wanted):
    out_t = swap_last_axes(out)
    first = multiply_p(as_matrix_scalars(pair_sum(out_bar, out)), out_t)
    difference = first - matmul_p(matmul_p(out_t, out_bar), out_t)
    return (difference / as_matrix_scalars(det_p(primals[0])),)


adjugate_p = Primitive(
    "adjugate", _adjugate_impl, jvp=_adjugate_jvp, vjp=_adjugate_vjp, family="linalg"
)


def _det_jvp(tangents, primals, out):
    (a_dot,) = tangents
    return pair_sum(swap_last_axes(adjugate_p(primals[0])), a_dot)


def _det_vjp(out_bar, primals, out, wanted):
    return (multiply_p(as_matrix_scalars(out_bar), swap_last_axes(adjugate_p(primals[0]))),)


det_p = Primitive(
    "det", np.linalg.det, jvp=_det_jvp, vjp=_det_vjp, family="linalg", saves=("inputs",)
)


def _slogdet_impl(a):
    sign, logabsdet = np.linalg.slogdet(a)
    return sign, logabsdet


# With t = tr(A^-1 dA) (by a solve): d log|det A| = Re(t) and d sign = i Im(t) sign; for a
# real A the sign is piecewise constant. Transposed: A_bar = (l_bar + i Im(s_bar sign)) A^-T.
def _slogdet_jvp(tangents, primals, out):
    (a_dot,) = tangents
    sign = out[0]
    trace = matrix_trace(solve_p(primals[0], a_dot))
    if spec_of(sign).dtype.kind != "c":
        return None, trace
    return multiply_p(sign, 1j * imag_p(trace)), real_p(trace)


def _slogdet_vjp(out_bar, primals, out, wanted):
    sign_bar, logabsdet_bar = out_bar
    sign = out[0]
    if spec_of(sign).dtype.kind != "c":
        sign_bar = None
    if sign_bar is not None:
        rotation = 1j * imag_p(multiply_p(sign_bar, sign))
        logabsdet_bar = rotation if logabsdet_bar is None else logabsdet_bar + rotation
    if logabsdet_bar is None:
        return (None,)
    inverse_t = swap_last_axes(inv_p(primals[0]))
    return (multiply_p(as_matrix_scalars(logabsdet_bar), inverse_t),)


slogdet_p = Primitive(
    "slogdet",
    _slogdet_impl,
    jvp=_slogdet_jvp,
    vjp=_slogdet_vjp,
    family="linalg",
    multiple_results=True,
)


# ---------------------------------------------------------------------------------------
# Matrix functions from SciPy (imported when first used: SciPy is optional, and only
# chainrule.scipy.linalg reaches these).


def _block_upper(a, e):
    """The block matrix [[a, e], [0, a]] along the last two axes."""
    ndim = len(spec_of(a).shape)
    top = concatenate_p(a, e, axis=ndim - 1)
    bottom = concatenate_p(zeros_for(a), a, axis=ndim - 1)
    return concatenate_p(top, bottom, axis=ndim - 2)


def _top_right(block, n):
    ndim = len(spec_of(block).shape)
    rows = slice_p(block, start=0, stop=n, axis=ndim - 2)
    return slice_p(rows, start=n, stop=2 * n, axis=ndim - 1)


def _expm_impl(a):
    from scipy.linalg import expm

    return expm(a)


# The Frechet derivative L(A, E) is the top-right block of expm([[A, E], [0, A]]), so the
# rule is expm itself and differentiates again. Its transpose is L(A^T, .).
def _expm_jvp(tangents, primals, out):
    (a_dot,) = tangents
    a = primals[0]
    return _top_right(expm_p(_block_upper(a, a_dot)), spec_of(a).shape[-1])


def _expm_vjp(out_bar, primals, out, wanted):
    a_t = swap_last_axes(primals[0])
    return (_top_right(expm_p(_block_upper(a_t, out_bar)), spec_of(a_t).shape[-1]),)


expm_p = Primitive(
    "expm", _expm_impl, jvp=_expm_jvp, vjp=_expm_vjp, family="linalg", saves=("inputs",)
)


def _sylvester_impl(a, b, c):
    from scipy.linalg import solve_sylvester

    batch = np.broadcast_shapes(np.shape(a)[:-2], np.shape(b)[:-2], np.shape(c)[:-2])
    a = np.broadcast_to(a, batch + np.shape(a)[-2:])
    b = np.broadcast_to(b, batch + np.shape(b)[-2:])
    c = np.broadcast_to(c, batch + np.shape(c)[-2:])
    dtype = np.result_type(a, b, c)
    out = np.empty(c.shape, dtype)
    for index in np.ndindex(*batch):
        out[index] = solve_sylvester(a[index], b[index], c[index])
    return out


# Y solves A Y + Y B = C. Then A dY + dY B = dC - dA Y - Y dB, one more Sylvester
# equation; its transpose is the equation with A^T and B^T.
def _sylvester_jvp(tangents, primals, out):
    a_dot, b_dot, c_dot = tangents
    a, b = primals[0], primals[1]
    terms = [] if c_dot is None else [c_dot]
    if a_dot is not None:
        terms.append(-matmul_p(a_dot, out))
    if b_dot is not None:
        terms.append(-matmul_p(out, b_dot))
    rhs = terms[0]
    for term in terms[1:]:
        rhs = rhs + term
    return sylvester_p(a, b, rhs)


def _sylvester_vjp(out_bar, primals, out, wanted):
    a, b = primals[0], primals[1]
    c_bar = sylvester_p(swap_last_axes(a), swap_last_axes(b), out_bar)
    return (
        -matmul_p(c_bar, swap_last_axes(out)) if wanted[0] else None,
        -matmul_p(swap_last_axes(out), c_bar) if wanted[1] else None,
        c_bar if wanted[2] else None,
    )


sylvester_p = Primitive(
    "sylvester", _sylvester_impl, jvp=_sylvester_jvp, vjp=_sylvester_vjp, family="linalg"
)


def _sqrtm_impl(a):
    from scipy.linalg import sqrtm

    return sqrtm(a)


# X = sqrtm(A): X dX + dX X = dA, a Sylvester equation; A_bar solves X^T G + G X^T = X_bar.
def _sqrtm_jvp(tangents, primals, out):
    return sylvester_p(out, out, tangents[0])


def _sqrtm_vjp(out_bar, primals, out, wanted):
    out_t = swap_last_axes(out)
    return (sylvester_p(out_t, out_t, out_bar),)


sqrtm_p = Primitive(
    "sqrtm", _sqrtm_impl, jvp=_sqrtm_jvp, vjp=_sqrtm_vjp, family="linalg", saves=("out",)
)
