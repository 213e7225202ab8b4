"""Small helpers on stacks of matrices (the last two axes), shared by the linear-algebra
primitives' rules: traces, diagonals, triangles, rows and columns, transposed products.

Each is written with primitives, so the rules that use them differentiate again.
"""

from __future__ import annotations

import numpy as np

from chainrule.core import spec_of
from chainrule.primitives.contraction import matmul_p, swap_last_axes
from chainrule.primitives.declare import sum_terms
from chainrule.primitives.elementwise import conj_p, multiply_p
from chainrule.primitives.reductions import sum_p
from chainrule.primitives.shape import diagonal_p, embed_diagonal_p, reshape_p


def matrix_trace(x):
    """The trace of each matrix of a stack: sum of the diagonal of the last two axes."""
    ndim = len(spec_of(x).shape)
    return sum_p(
        diagonal_p(x, offset=0, axis1=ndim - 2, axis2=ndim - 1), axis=(ndim - 2,), keepdims=False
    )


def as_matrix_scalars(x):
    """A stack of scalars (shape ``batch``) reshaped to ``batch + (1, 1)``, to scale matrices."""
    return reshape_p(x, shape=spec_of(x).shape + (1, 1))


def pair_sum(x, y):
    """sum(x * y) over the last two axes: the pairing <x, y> of two stacks of matrices."""
    ndim = max(len(spec_of(x).shape), len(spec_of(y).shape))
    return sum_p(multiply_p(x, y), axis=(ndim - 2, ndim - 1), keepdims=False)


def triangle_mask(spec, *, lower: bool, diagonal: float = 1.0) -> np.ndarray:
    """The 0/1 mask of a triangle of ``spec``'s matrices, ``diagonal`` on the diagonal."""
    rows, cols = spec.shape[-2:]
    strict = np.tri(rows, cols, -1, dtype=spec.dtype)
    if not lower:
        strict = np.ones((rows, cols), spec.dtype) - np.tri(rows, cols, 0, dtype=spec.dtype)
    return strict + diagonal * np.eye(rows, cols, dtype=spec.dtype)


def keep_triangle(x, *, lower: bool, diagonal: float = 1.0):
    """``x`` with the other triangle zeroed (a constant mask, so linear and differentiable)."""
    return multiply_p(x, triangle_mask(spec_of(x), lower=lower, diagonal=diagonal))


def matrix_diagonal(x):
    ndim = len(spec_of(x).shape)
    return diagonal_p(x, offset=0, axis1=ndim - 2, axis2=ndim - 1)


def diagonal_matrix(v):
    shape = spec_of(v).shape
    return embed_diagonal_p(
        v, shape=shape + shape[-1:], offset=0, axis1=len(shape) - 1, axis2=len(shape)
    )


def as_row(v):
    """A stack of vectors (..., n) as (..., 1, n): multiplying scales a matrix's columns."""
    shape = spec_of(v).shape
    return reshape_p(v, shape=shape[:-1] + (1, shape[-1]))


def as_column(v):
    shape = spec_of(v).shape
    return reshape_p(v, shape=shape + (1,))


def transpose_product(x, y):
    """x^T y for stacks of matrices."""
    return matmul_p(swap_last_axes(x), y)


def sum_present(terms):
    """The sum of the terms that are not None (None when none is)."""
    return sum_terms([t for t in terms if t is not None])


def is_complex(x):
    return spec_of(x).dtype.kind == "c"


def conjugate(x):
    """conj(x) for complex x, x itself for real x (so real inputs do no extra work)."""
    return conj_p(x) if is_complex(x) else x


def adjoint(x):
    """x^H for stacks of matrices: x^T for real ones."""
    return conjugate(swap_last_axes(x))
