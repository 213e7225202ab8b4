"""chainrule.numpy's diagonals and triangles: diag, diagonal, trace, triu, tril.

diagonal is a primitive (its transpose puts a cotangent back on the diagonal of zeros);
diag of a vector uses that transpose, trace sums a diagonal, and the triangles select
with a constant mask.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from chainrule.numpy.arguments import is_traced, ndim_of, normalize_one_axis, shape_of
from chainrule.numpy.elementwise import where
from chainrule.numpy.reductions import sum as _sum
from chainrule.primitives import shape as sh


def diagonal(a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Any:
    """Differentiable numpy.diagonal(a, offset=0, axis1=0, axis2=1); the diagonal is last."""
    if not is_traced(a):
        return np.diagonal(a, offset, axis1, axis2)
    ndim = ndim_of(a)
    if ndim < 2:
        raise ValueError(
            "chainrule.numpy.diagonal: diag requires an array of at least two dimensions"
        )
    axis1 = normalize_one_axis(axis1, ndim, "chainrule.numpy.diagonal")
    axis2 = normalize_one_axis(axis2, ndim, "chainrule.numpy.diagonal")
    if axis1 == axis2:
        raise ValueError("chainrule.numpy.diagonal: axis1 and axis2 cannot be the same")
    return sh.diagonal_p(a, offset=operator.index(offset), axis1=axis1, axis2=axis2)


def trace(
    a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1, dtype: Any = None, out: Any = None
) -> Any:
    """Differentiable numpy.trace(a, offset=0, axis1=0, axis2=1, dtype=None): diagonal sums."""
    if not is_traced(a):
        return np.trace(a, offset, axis1, axis2, dtype=dtype, out=out)
    if out is not None:
        raise TypeError("chainrule.numpy.trace: out= is not supported on traced values")
    return _sum(diagonal(a, offset, axis1, axis2), axis=-1, dtype=dtype)


def diag(v: Any, k: int = 0) -> Any:
    """Differentiable numpy.diag(v, k=0): a 1-D v gives a matrix, a 2-D v its k-th diagonal."""
    if not is_traced(v):
        return np.diag(v, k)
    k = operator.index(k)
    dims = shape_of(v)
    if len(dims) == 2:
        return diagonal(v, k)
    if len(dims) != 1:
        raise ValueError("chainrule.numpy.diag: Input must be 1- or 2-d.")
    size = dims[0] + abs(k)
    return sh.embed_diagonal_p(v, shape=(size, size), offset=k, axis1=0, axis2=1)


def _triangle(m: Any, k: int, function: str, keep_lower: bool) -> Any:
    dims = shape_of(m)
    if not dims:
        raise ValueError(f"chainrule.numpy.{function}: Input must be >= 1-d.")
    k = operator.index(k)
    # np.tri(rows, cols, j) is True where col - row <= j; a 1-D m broadcasts as every row.
    if keep_lower:
        return where(np.tri(*dims[-2:], k=k, dtype=bool), m, np.zeros((), m.dtype))
    return where(np.tri(*dims[-2:], k=k - 1, dtype=bool), np.zeros((), m.dtype), m)


def tril(m: Any, k: int = 0) -> Any:
    """Differentiable numpy.tril(m, k=0): zero above the k-th diagonal."""
    return _triangle(m, k, "tril", keep_lower=True) if is_traced(m) else np.tril(m, k)


def triu(m: Any, k: int = 0) -> Any:
    """Differentiable numpy.triu(m, k=0): zero below the k-th diagonal."""
    return _triangle(m, k, "triu", keep_lower=False) if is_traced(m) else np.triu(m, k)
