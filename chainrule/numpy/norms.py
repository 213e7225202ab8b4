"""chainrule.numpy.linalg's norms: norm, vector_norm, matrix_norm and cond.

Each is composed, as NumPy computes it, from sums, absolute values, extrema and
singular values, so the derivatives follow from those: 0 at the origin for the
2-norm (the zero-safe product), ties in max/min split evenly, and singular values
(ord 2, -2, 'nuc') differentiate without ever dividing by gaps, for real and complex
matrices alike.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from chainrule.core import Tracer
from chainrule.numpy.arguments import holds_tracer, normalize_axis, normalize_one_axis
from chainrule.numpy.creation import asarray
from chainrule.numpy.elementwise import abs as _abs
from chainrule.numpy.elementwise import conj, not_equal, power, real, sqrt
from chainrule.numpy.manipulation import moveaxis, reshape
from chainrule.numpy.reductions import max as _max
from chainrule.numpy.reductions import min as _min
from chainrule.numpy.reductions import sum as _sum
from chainrule.primitives import linalg as la
from chainrule.primitives import spectral

__all__ = ["cond", "matrix_norm", "norm", "vector_norm"]


def _operand(value: Any) -> Any:
    """``value`` as an array; lists and tuples holding traced values are stacked."""
    return value if isinstance(value, Tracer) else asarray(value)


def _abs_squared(x: Any) -> Any:
    return real(x * conj(x)) if x.dtype.kind == "c" else x * x


def _vector_norm(x: Any, ord: Any, axis: tuple, keepdims: bool) -> Any:
    if ord is None or ord == 2:
        return sqrt(_sum(_abs_squared(x), axis=axis, keepdims=keepdims))
    if isinstance(ord, str):
        raise ValueError(f"chainrule.numpy.linalg.norm: invalid norm order '{ord}' for vectors")
    if ord == np.inf:
        return _max(_abs(x), axis=axis, keepdims=keepdims)
    if ord == -np.inf:
        return _min(_abs(x), axis=axis, keepdims=keepdims)
    if ord == 0:  # a count: no derivative
        return _sum(not_equal(x, 0), axis=axis, keepdims=keepdims).astype(np.finfo(x.dtype).dtype)
    if ord == 1:
        return _sum(_abs(x), axis=axis, keepdims=keepdims)
    total = _sum(power(_abs(x), ord), axis=axis, keepdims=keepdims)
    return power(total, 1.0 / ord)


def _singular_values(x: Any, row_axis: int, col_axis: int) -> Any:
    """The singular values of real or complex x (real, descending): no gauge is involved."""
    return spectral.svd_p(moveaxis(x, (row_axis, col_axis), (-2, -1)))[1]


def _matrix_norm(x: Any, ord: Any, row_axis: int, col_axis: int) -> Any:
    if ord in (None, "fro", "f"):
        return sqrt(_sum(_abs_squared(x), axis=(row_axis, col_axis)))
    if ord == "nuc":
        return _sum(_singular_values(x, row_axis, col_axis), axis=-1)
    if ord in (2, -2):
        extremum = _max if ord == 2 else _min
        return extremum(_singular_values(x, row_axis, col_axis), axis=-1)
    if ord in (1, -1):  # the largest (smallest) column sum of |x|
        extremum = _max if ord == 1 else _min
        col_axis -= col_axis > row_axis
        return extremum(_sum(_abs(x), axis=row_axis), axis=col_axis)
    if ord in (np.inf, -np.inf):  # the largest (smallest) row sum of |x|
        extremum = _max if ord == np.inf else _min
        row_axis -= row_axis > col_axis
        return extremum(_sum(_abs(x), axis=col_axis), axis=row_axis)
    raise ValueError(
        f"chainrule.numpy.linalg.norm: invalid norm order {ord!r} for matrices; use None, "
        "'fro', 'nuc', 1, -1, 2, -2, inf or -inf"
    )


def norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Any:
    """Differentiable numpy.linalg.norm(x, ord=None, axis=None, keepdims=False).

    Vector norms (ord None/2, 1, inf, -inf, 0, any other p) over one axis, matrix norms
    (None/'fro', 'nuc', 1, -1, 2, -2, inf, -inf) over two; with ``axis=None`` a 1-D x
    has a vector norm, a 2-D x a matrix norm, and ord=None flattens any x.

    >>> import chainrule as cr
    >>> cr.grad(norm)(np.array([3.0, 4.0]))
    array([0.6, 0.8])
    """
    if not holds_tracer(x):
        return np.linalg.norm(x, ord, axis, keepdims)
    x = _operand(x)
    ndim = x.ndim
    if axis is None:
        if ord is None or (ord in ("f", "fro") and ndim == 2) or (ord == 2 and ndim == 1):
            result = sqrt(_sum(_abs_squared(x)))
            return reshape(result, (1,) * ndim) if keepdims else result
        axis = tuple(range(ndim))
    elif not isinstance(axis, tuple):
        try:
            axis = (operator.index(axis),)
        except TypeError:
            raise TypeError(
                "chainrule.numpy.linalg.norm: 'axis' must be None, an integer or a tuple of "
                "integers"
            ) from None
    if len(axis) == 1:
        return _vector_norm(x, ord, normalize_axis(axis, ndim, "norm"), keepdims)
    if len(axis) != 2:
        raise ValueError("chainrule.numpy.linalg.norm: improper number of dimensions to norm")
    row_axis = normalize_one_axis(axis[0], ndim, "chainrule.numpy.linalg.norm")
    col_axis = normalize_one_axis(axis[1], ndim, "chainrule.numpy.linalg.norm")
    if row_axis == col_axis:
        raise ValueError("chainrule.numpy.linalg.norm: duplicate axes given")
    result = _matrix_norm(x, ord, row_axis, col_axis)
    if keepdims:
        shape = list(x.shape)
        shape[row_axis] = shape[col_axis] = 1
        result = reshape(result, tuple(shape))
    return result


def vector_norm(x: Any, /, *, axis: Any = None, keepdims: bool = False, ord: Any = 2) -> Any:
    """Differentiable numpy.linalg.vector_norm(x, axis=None, keepdims=False, ord=2).

    ``axis`` None takes every axis, a tuple several at once.
    """
    if not holds_tracer(x):
        return np.linalg.vector_norm(x, axis=axis, keepdims=keepdims, ord=ord)
    x = _operand(x)
    axes = normalize_axis(axis, x.ndim, "chainrule.numpy.linalg.vector_norm")
    if not axes:  # a 0-d x: the norm of one number
        return _vector_norm(reshape(x, (1,)), ord, (0,), False)
    return _vector_norm(x, ord, axes, keepdims)


def matrix_norm(x: Any, /, *, keepdims: bool = False, ord: Any = "fro") -> Any:
    """Differentiable numpy.linalg.matrix_norm(x, keepdims=False, ord='fro'): last two axes."""
    if not holds_tracer(x):
        return np.linalg.matrix_norm(x, keepdims=keepdims, ord=ord)
    return norm(x, ord=ord, axis=(-2, -1), keepdims=keepdims)


def cond(x: Any, p: Any = None) -> Any:
    """Differentiable numpy.linalg.cond(x, p=None): a ratio of singular values for p in
    (None, 2, -2), else norm(x, p) * norm(inv(x), p)."""
    if not holds_tracer(x):
        return np.linalg.cond(x, p)
    x = _operand(x)
    if x.ndim < 2:
        raise np.linalg.LinAlgError(
            f"chainrule.numpy.linalg.cond: {x.ndim}-dimensional array given; the argument "
            "must be a matrix or a stack of matrices"
        )
    if p is None or p == 2 or p == -2:
        s = _singular_values(x, x.ndim - 2, x.ndim - 1)
        return s[..., -1] / s[..., 0] if p == -2 else s[..., 0] / s[..., -1]
    if x.shape[-1] != x.shape[-2]:
        raise np.linalg.LinAlgError(
            f"chainrule.numpy.linalg.cond: p={p!r} needs square matrices, not {x.shape[-2:]}"
        )
    return norm(x, p, axis=(-2, -1)) * norm(la.inv_p(x), p, axis=(-2, -1))
