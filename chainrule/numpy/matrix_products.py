"""chainrule.numpy.linalg's products and array-API helpers: multi_dot, matrix_power, cross,
outer, tensordot, vecdot, trace, diagonal, matrix_transpose.

All are composed from matmul, inv and the shape functions, so their derivatives come
from those; chainrule.numpy.linalg re-exports them.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from chainrule.core import Tracer
from chainrule.numpy.arguments import is_traced, normalize_one_axis
from chainrule.numpy.contraction import matmul
from chainrule.numpy.contraction import outer as _outer
from chainrule.numpy.contraction import tensordot as _tensordot
from chainrule.numpy.contraction import vecdot as _vecdot
from chainrule.numpy.diagonals import diagonal as _diagonal
from chainrule.numpy.diagonals import trace as _trace
from chainrule.numpy.manipulation import moveaxis, reshape, stack, swapaxes
from chainrule.primitives import linalg as la

__all__ = [
    "cross", "diagonal", "matrix_power", "matrix_transpose", "multi_dot", "outer", "tensordot",
    "trace", "vecdot",
]  # fmt: skip


def _operand(value: Any) -> Any:
    return value if isinstance(value, Tracer) else np.asarray(value)


def _matrices(x: Any, function: str, square: bool = False) -> Any:
    x = _operand(x)
    if x.ndim < 2 or (square and x.shape[-1] != x.shape[-2]):
        kind = "square matrices" if square else "matrices"
        raise np.linalg.LinAlgError(
            f"chainrule.numpy.linalg.{function}: an array of shape {x.shape} was given; the "
            f"argument must be a stack of {kind} (the last two axes)"
        )
    return x


def matrix_transpose(x: Any, /) -> Any:
    """Differentiable numpy.linalg.matrix_transpose(x): swap the last two axes."""
    if not is_traced(x):
        return np.linalg.matrix_transpose(x)
    if x.ndim < 2:
        raise ValueError(
            "chainrule.numpy.linalg.matrix_transpose: input array must be at least "
            f"2-dimensional, but it is {x.ndim}"
        )
    return swapaxes(x, -1, -2)


def matrix_power(a: Any, n: int) -> Any:
    """Differentiable numpy.linalg.matrix_power(a, n): products by squaring; n < 0 via inv."""
    if not is_traced(a):
        return np.linalg.matrix_power(a, n)
    a = _matrices(a, "matrix_power", square=True)
    try:
        n = operator.index(n)
    except TypeError:
        raise TypeError(
            "chainrule.numpy.linalg.matrix_power: exponent must be an integer"
        ) from None
    if n == 0:
        return np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape).copy()
    if n < 0:
        a, n = la.inv_p(a), -n
    result, power = None, a
    while True:  # binary powering: a**n = product of a**(2**k) over the bits of n
        if n & 1:
            result = power if result is None else matmul(result, power)
        n >>= 1
        if not n:
            return result
        power = matmul(power, power)


def multi_dot(arrays: Any, *, out: Any = None) -> Any:
    """Differentiable numpy.linalg.multi_dot(arrays): products in the cheapest order.

    The first array may be 1-D (a row), the last 1-D (a column), as in NumPy.
    """
    arrays = list(arrays)
    if not is_traced(*arrays):
        return np.linalg.multi_dot(arrays, out=out)
    if out is not None:
        raise TypeError("chainrule.numpy.linalg.multi_dot: out= is not supported on traced values")
    if len(arrays) < 2:
        raise ValueError("chainrule.numpy.linalg.multi_dot: expecting at least two arrays")
    arrays = [_operand(x) for x in arrays]
    first_is_vector, last_is_vector = arrays[0].ndim == 1, arrays[-1].ndim == 1
    if first_is_vector:
        arrays[0] = reshape(arrays[0], (1, -1))
    if last_is_vector:
        arrays[-1] = reshape(arrays[-1], (-1, 1))
    for position, x in enumerate(arrays):
        if x.ndim != 2:
            raise ValueError(
                f"chainrule.numpy.linalg.multi_dot: array {position} has {x.ndim} dimensions; "
                "only the first and last may be 1-D, the others must be 2-D"
            )
    dims = [x.shape[0] for x in arrays] + [arrays[-1].shape[1]]
    result = _chain_product(arrays, _chain_order(dims), 0, len(arrays) - 1)
    if first_is_vector and last_is_vector:
        return reshape(result, ())
    if first_is_vector or last_is_vector:
        return reshape(result, (-1,))
    return result


def _chain_order(dims: list) -> list:
    """split[i][j]: where the cheapest product of arrays i..j splits (matrix-chain DP)."""
    count = len(dims) - 1
    cost = [[0] * count for _ in range(count)]
    split = [[0] * count for _ in range(count)]
    for length in range(1, count):
        for i in range(count - length):
            j = i + length
            cost[i][j] = float("inf")
            for k in range(i, j):
                total = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                if total < cost[i][j]:
                    cost[i][j], split[i][j] = total, k
    return split


def _chain_product(arrays: list, split: list, i: int, j: int) -> Any:
    if i == j:
        return arrays[i]
    k = split[i][j]
    return matmul(_chain_product(arrays, split, i, k), _chain_product(arrays, split, k + 1, j))


def trace(x: Any, /, *, offset: int = 0, dtype: Any = None) -> Any:
    """Differentiable numpy.linalg.trace(x, offset=0, dtype=None): over the last two axes."""
    if not is_traced(x):
        return np.linalg.trace(x, offset=offset, dtype=dtype)
    return _trace(_matrices(x, "trace"), offset, -2, -1, dtype=dtype)


def diagonal(x: Any, /, *, offset: int = 0) -> Any:
    """Differentiable numpy.linalg.diagonal(x, offset=0): of the last two axes."""
    if not is_traced(x):
        return np.linalg.diagonal(x, offset=offset)
    return _diagonal(_matrices(x, "diagonal"), offset, -2, -1)


def outer(x1: Any, x2: Any, /) -> Any:
    """Differentiable numpy.linalg.outer(x1, x2) of two 1-D arrays."""
    if not is_traced(x1, x2):
        return np.linalg.outer(x1, x2)
    x1, x2 = _operand(x1), _operand(x2)
    if x1.ndim != 1 or x2.ndim != 1:
        raise ValueError(
            "chainrule.numpy.linalg.outer: input arrays must be one-dimensional, but they "
            f"are x1.ndim={x1.ndim} and x2.ndim={x2.ndim}"
        )
    return _outer(x1, x2)


def tensordot(x1: Any, x2: Any, /, *, axes: Any = 2) -> Any:
    """Differentiable numpy.linalg.tensordot(x1, x2, axes=2)."""
    return _tensordot(x1, x2, axes)


def vecdot(x1: Any, x2: Any, /, *, axis: int = -1) -> Any:
    """Differentiable numpy.linalg.vecdot(x1, x2, axis=-1)."""
    return _vecdot(x1, x2, axis=axis)


def cross(x1: Any, x2: Any, /, *, axis: int = -1) -> Any:
    """Differentiable numpy.linalg.cross(x1, x2, axis=-1) of (stacks of) 3-vectors."""
    if not is_traced(x1, x2):
        return np.linalg.cross(x1, x2, axis=axis)
    x1, x2 = _operand(x1), _operand(x2)
    if x1.ndim == 0 or x2.ndim == 0 or x1.shape[axis] != 3 or x2.shape[axis] != 3:
        raise ValueError(
            "chainrule.numpy.linalg.cross: both input arrays must be (arrays of) 3-dimensional "
            f"vectors along axis {axis}; got shapes {x1.shape} and {x2.shape}"
        )
    u, v = moveaxis(x1, axis, -1), moveaxis(x2, axis, -1)
    parts = [
        u[..., 1] * v[..., 2] - u[..., 2] * v[..., 1],
        u[..., 2] * v[..., 0] - u[..., 0] * v[..., 2],
        u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0],
    ]
    result = stack(parts, axis=-1)
    return moveaxis(result, -1, normalize_one_axis(axis, result.ndim, "cross"))
