"""chainrule.scipy.linalg's structured matrices and their solvers: block_diag, toeplitz,
circulant, hankel, companion; solve_banded, solveh_banded, solve_toeplitz,
solve_circulant and the Lyapunov equations.

The builders gather the entries of traced vectors with plain index arrays, so each entry
of the result carries the derivative of the entry it copies. The structured solvers build
the dense matrix (O(n^2) memory; SciPy's banded and Toeplitz solvers need O(n) or less)
and solve it with the solve primitive, whose rule holds for any matrix; the Lyapunov
equations are Sylvester equations or, for the discrete one, SciPy's own reductions.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg

from chainrule.numpy.arguments import is_traced
from chainrule.numpy.contraction import matmul
from chainrule.numpy.creation import zeros
from chainrule.numpy.elementwise import conj
from chainrule.numpy.indexing import take
from chainrule.numpy.linalg import symmetric_from_triangle
from chainrule.numpy.manipulation import broadcast_to, concatenate, flip, reshape
from chainrule.primitives import linalg as la
from chainrule.scipy.linalg_arguments import (
    concrete,
    conjugate_transpose,
    operand,
    solve_columns,
    square,
)

__all__ = [
    "block_diag",
    "circulant",
    "companion",
    "hankel",
    "solve_banded",
    "solve_circulant",
    "solve_continuous_lyapunov",
    "solve_discrete_lyapunov",
    "solve_lyapunov",
    "solve_toeplitz",
    "solveh_banded",
    "toeplitz",
]


def _vector(value: Any, function: str, argument: str, batched: bool = True) -> Any:
    value = operand(value)
    if value.ndim == 0 or (value.ndim > 1 and not batched):
        raise ValueError(
            f"chainrule.scipy.linalg.{function}: {argument} of shape {value.shape} must be "
            f"{'a vector (or a stack of them)' if batched else '1-D'} on traced values"
        )
    return value


def toeplitz(c: Any, r: Any = None) -> Any:
    """Differentiable scipy.linalg.toeplitz(c, r=None): T[i, j] = c[i - j] (i >= j), else
    r[j - i]; r defaults to conj(c) and r[0] is ignored. Leading axes are a batch."""
    if not is_traced(c, r):
        return scipy.linalg.toeplitz(c, r)
    c = _vector(c, "toeplitz", "c")
    r = conj(c) if r is None else _vector(r, "toeplitz", "r")
    batch = np.broadcast_shapes(c.shape[:-1], r.shape[:-1])
    c = broadcast_to(c, batch + c.shape[-1:])
    r = broadcast_to(r, batch + r.shape[-1:])
    m, n = c.shape[-1], r.shape[-1]
    # values = c reversed, then r[1:]: T[i, j] = values[m - 1 - i + j].
    values = concatenate([flip(c, axis=-1), r[..., 1:]], axis=-1)
    return take(values, m - 1 - np.arange(m)[:, None] + np.arange(n), axis=-1)


def hankel(c: Any, r: Any = None) -> Any:
    """Differentiable scipy.linalg.hankel(c, r=None): H[i, j] = c[i + j] while i + j < m,
    else r[i + j - m + 1]; r defaults to zeros and r[0] is ignored. 1-D inputs only (SciPy
    ravels others until 1.19)."""
    if not is_traced(c, r):
        return scipy.linalg.hankel(c, r)
    c = _vector(c, "hankel", "c", batched=False)
    r = zeros(c.shape, c.dtype) if r is None else _vector(r, "hankel", "r", batched=False)
    m, n = c.shape[-1], r.shape[-1]
    values = concatenate([c, r[1:]], axis=-1)
    return take(values, np.arange(m)[:, None] + np.arange(n), axis=-1)


def circulant(c: Any) -> Any:
    """Differentiable scipy.linalg.circulant(c): C[i, j] = c[(i - j) mod n], batched."""
    if not is_traced(c):
        return scipy.linalg.circulant(c)
    c = _vector(c, "circulant", "c")
    n = c.shape[-1]
    return take(c, (np.arange(n)[:, None] - np.arange(n)) % n, axis=-1)


def companion(a: Any) -> Any:
    """Differentiable scipy.linalg.companion(a): first row -a[1:] / a[0], ones below the
    diagonal, for polynomial coefficients a of length n >= 2 (leading axes a batch)."""
    if not is_traced(a):
        return scipy.linalg.companion(a)
    a = _vector(a, "companion", "a")
    n = a.shape[-1]
    if n < 2:
        raise ValueError("chainrule.scipy.linalg.companion: the length of a must be at least 2")
    if np.any(np.asarray(concrete(a))[..., 0] == 0):
        raise ValueError(
            "chainrule.scipy.linalg.companion: the first coefficient in a must not be zero"
        )
    first_row = -a[..., 1:] / a[..., :1]
    shift = np.eye(n - 2, n - 1, dtype=first_row.dtype)
    below = broadcast_to(shift, a.shape[:-1] + shift.shape)
    return concatenate([reshape(first_row, a.shape[:-1] + (1, n - 1)), below], axis=-2)


def block_diag(*arrs: Any) -> Any:
    """Differentiable scipy.linalg.block_diag(*arrs): the blocks (0-d and 1-D ones as
    rows, as in SciPy) on the diagonal of a zero matrix."""
    if not is_traced(*arrs):
        return scipy.linalg.block_diag(*arrs)
    blocks = []
    for index, block in enumerate(arrs):
        block = operand(block)
        if block.ndim > 2:
            raise ValueError(
                f"chainrule.scipy.linalg.block_diag: argument {index} has shape "
                f"{block.shape}; the blocks must be at most 2-D"
            )
        blocks.append(reshape(block, (1, -1)) if block.ndim < 2 else block)
    dtype = np.result_type(*[block.dtype for block in blocks])
    total = sum(block.shape[1] for block in blocks)
    rows, before = [], 0
    for block in blocks:
        height, width = block.shape
        parts = [
            zeros((height, before), dtype),
            block,
            zeros((height, total - before - width), dtype),
        ]
        rows.append(concatenate(parts, axis=1))
        before += width
    return concatenate(rows, axis=0)


def _promoted(*arrays: Any) -> Any:
    """SciPy's result type for its Toeplitz and discrete Lyapunov solvers: at least
    float64 (complex128)."""
    return np.result_type(*[operand(a).dtype for a in arrays], np.float64)


def _banded_to_dense(ab: Any, upper: int, n: int, keep: Any) -> Any:
    """The n x n matrix with a[i, j] = ab[upper + i - j, j] where ``keep(i - j)`` (and the
    row exists), zero elsewhere: a gather from the flattened bands, then a plain mask."""
    rows = ab.shape[-2]
    offsets = np.arange(n)[:, None] - np.arange(n)  # i - j
    band_row = upper + offsets
    inside = (band_row >= 0) & (band_row < rows) & keep(offsets)
    flat_index = np.where(inside, band_row * n + np.arange(n), 0)
    return take(reshape(ab, (rows * n,)), flat_index, axis=-1) * inside.astype(ab.dtype)


def _bands(ab: Any, function: str) -> Any:
    ab = operand(ab)
    if ab.ndim != 2:
        raise ValueError(
            f"chainrule.scipy.linalg.{function}: ab of shape {ab.shape} must be 2-D (bands, "
            "n) on traced values; call it on each matrix for a stack"
        )
    return ab


def solve_banded(
    l_and_u: tuple,
    ab: Any,
    b: Any,
    overwrite_ab: bool = False,
    overwrite_b: bool = False,
    check_finite: bool = True,
) -> Any:
    """Differentiable scipy.linalg.solve_banded((l, u), ab, b): a x = b with
    a[i, j] = ab[u + i - j, j] for -u <= i - j <= l. Builds the dense a (O(n^2) memory)."""
    if not is_traced(ab, b):
        return scipy.linalg.solve_banded(l_and_u, ab, b, overwrite_ab, overwrite_b, check_finite)
    lower, upper = (int(k) for k in l_and_u)
    ab = _bands(ab, "solve_banded")
    if ab.shape[0] != lower + upper + 1:
        raise ValueError(
            f"chainrule.scipy.linalg.solve_banded: ab has {ab.shape[0]} rows; (l, u) = "
            f"{(lower, upper)} needs l + u + 1 = {lower + upper + 1}"
        )
    n = ab.shape[1]
    a = _banded_to_dense(ab, upper, n, lambda offsets: (offsets <= lower) & (offsets >= -upper))
    return solve_columns(lambda columns: la.solve_p(a, columns), a, b, "solve_banded")


def solveh_banded(
    ab: Any,
    b: Any,
    overwrite_ab: bool = False,
    overwrite_b: bool = False,
    lower: bool = False,
    check_finite: bool = True,
) -> Any:
    """Differentiable scipy.linalg.solveh_banded(ab, b, lower=False): a x = b for the
    Hermitian positive definite a stored by its upper bands (ab[u + i - j, j] = a[i, j],
    i <= j) or lower ones (ab[i - j, j] = a[i, j], i >= j). Dense, O(n^2) memory."""
    if not is_traced(ab, b):
        return scipy.linalg.solveh_banded(ab, b, overwrite_ab, overwrite_b, lower, check_finite)
    ab = _bands(ab, "solveh_banded")
    n = ab.shape[1]
    if lower:
        triangle = _banded_to_dense(ab, 0, n, lambda offsets: offsets >= 0)
    else:
        triangle = _banded_to_dense(ab, ab.shape[0] - 1, n, lambda offsets: offsets <= 0)
    a = symmetric_from_triangle(triangle, bool(lower), hermitian=True)
    return solve_columns(lambda columns: la.solve_p(a, columns), a, b, "solveh_banded")


def solve_toeplitz(c_or_cr: Any, b: Any, check_finite: bool = True) -> Any:
    """Differentiable scipy.linalg.solve_toeplitz(c_or_cr, b): T x = b with T =
    toeplitz(c, r) (r = conj(c) when only c is given). Dense, O(n^2) memory."""
    c, r = c_or_cr if isinstance(c_or_cr, tuple) else (c_or_cr, None)
    if not is_traced(c, r, b):
        return scipy.linalg.solve_toeplitz(c_or_cr, b, check_finite)
    c = _vector(c, "solve_toeplitz", "c", batched=False)
    a = toeplitz(c, r)
    a = a.astype(_promoted(a, b))
    return solve_columns(lambda columns: la.solve_p(a, columns), a, b, "solve_toeplitz")


def solve_circulant(
    c: Any, b: Any, singular: str = "raise", tol: Any = None, caxis=-1, baxis=0, outaxis=0
) -> Any:
    """Differentiable scipy.linalg.solve_circulant(c, b): C x = b with C = circulant(c),
    by a dense solve (O(n^2) memory). Traced values take a 1-D c, the default axes and
    singular='raise' (a near-singular C raises LinAlgError, as in SciPy)."""
    if not is_traced(c, b):
        return scipy.linalg.solve_circulant(c, b, singular, tol, caxis, baxis, outaxis)
    if singular != "raise" or (caxis, baxis, outaxis) != (-1, 0, 0):
        raise NotImplementedError(
            "chainrule.scipy.linalg.solve_circulant: on traced values only singular='raise' "
            "and the default caxis=-1, baxis=0, outaxis=0 are supported; move the axes with "
            "moveaxis first (for a singular C use pinv(circulant(c)) @ b)"
        )
    c = _vector(c, "solve_circulant", "c", batched=False)
    eigenvalues = np.abs(np.fft.fft(np.asarray(concrete(c))))
    if tol is None:
        tol = eigenvalues.max() * c.shape[0] * np.finfo(np.float64).eps
    if np.any(eigenvalues <= tol):
        raise np.linalg.LinAlgError(
            "chainrule.scipy.linalg.solve_circulant: near singular circulant matrix"
        )
    a = circulant(c)
    return solve_columns(lambda columns: la.solve_p(a, columns), a, b, "solve_circulant")


def solve_continuous_lyapunov(a: Any, q: Any) -> Any:
    """Differentiable scipy.linalg.solve_continuous_lyapunov(a, q): a x + x a^H = q, the
    Sylvester equation with b = a^H (batched)."""
    if not is_traced(a, q):
        return scipy.linalg.solve_continuous_lyapunov(a, q)
    a, q = square(a, "solve_continuous_lyapunov"), square(q, "solve_continuous_lyapunov")
    if q.shape[-1] != a.shape[-1]:
        raise ValueError(
            f"chainrule.scipy.linalg.solve_continuous_lyapunov: q of shape {q.shape} does "
            f"not match a of shape {a.shape}"
        )
    return la.sylvester_p(a, conjugate_transpose(a), q)


def solve_lyapunov(a: Any, q: Any) -> Any:
    """Differentiable scipy.linalg.solve_lyapunov: solve_continuous_lyapunov's other name."""
    if not is_traced(a, q):
        return scipy.linalg.solve_lyapunov(a, q)
    return solve_continuous_lyapunov(a, q)


def _discrete_direct(a: Any, q: Any) -> Any:
    """(I - kron(a, conj a)) vec(x) = vec(q), row-major vec: an n^2 x n^2 dense solve."""
    n = a.shape[-1]
    batch = a.shape[:-2]
    outer = a[..., :, None, :, None] * conj(a)[..., None, :, None, :]
    system = np.eye(n * n) - reshape(outer, batch + (n * n, n * n))
    solution = la.solve_p(system, reshape(q, q.shape[:-2] + (n * n, 1)))
    return reshape(solution, solution.shape[:-2] + (n, n))


def _discrete_bilinear(a: Any, q: Any) -> Any:
    """SciPy's bilinear map to a continuous equation (needs a + I invertible):
    b = (a^H - I)(a^H + I)^-1, c = 2 (a + I)^-1 q (a^H + I)^-1, then b^H x + x b = -c."""
    identity = np.eye(a.shape[-1])
    a_h = conjugate_transpose(a)
    inverse_h = la.inv_p(a_h + identity)
    b = matmul(a_h - identity, inverse_h)
    c = 2 * matmul(matmul(la.inv_p(a + identity), q), inverse_h)
    return la.sylvester_p(conjugate_transpose(b), b, -c)


def solve_discrete_lyapunov(a: Any, q: Any, method: Any = None) -> Any:
    """Differentiable scipy.linalg.solve_discrete_lyapunov(a, q, method=None):
    a x a^H - x + q = 0. 'direct' solves the n^2 x n^2 Kronecker system (O(n^4) memory),
    'bilinear' maps it to a continuous equation; None picks 'direct' below n = 10, as
    SciPy does. Both are compositions of differentiable primitives."""
    if not is_traced(a, q):
        return scipy.linalg.solve_discrete_lyapunov(a, q, method)
    a, q = square(a, "solve_discrete_lyapunov"), square(q, "solve_discrete_lyapunov")
    if q.shape[-1] != a.shape[-1]:
        raise ValueError(
            f"chainrule.scipy.linalg.solve_discrete_lyapunov: q of shape {q.shape} does not "
            f"match a of shape {a.shape}"
        )
    if method is None:
        method = "direct" if a.shape[-1] < 10 else "bilinear"
    if method not in ("direct", "bilinear"):
        raise ValueError(
            f"chainrule.scipy.linalg.solve_discrete_lyapunov: method={method!r}; use None, "
            "'direct' or 'bilinear'"
        )
    dtype = _promoted(a, q)
    a, q = a.astype(dtype), q.astype(dtype)
    return _discrete_direct(a, q) if method == "direct" else _discrete_bilinear(a, q)
