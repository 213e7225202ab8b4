"""chainrule.numpy's array manipulation: reshape, transpose, stacking, splitting and friends."""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.numpy.arguments import (
    as_value,
    is_traced,
    ndim_of,
    normalize_axis,
    normalize_one_axis,
    shape_of,
)
from chainrule.primitives import shape as sh


def reshape(a: Any, shape: Any = None, order: str = "C", **kwargs: Any) -> Any:
    """Differentiable numpy.reshape (C order; -1 allowed once)."""
    if shape is None:
        shape = kwargs.pop("newshape")
    if not is_traced(a):
        return np.reshape(a, shape, order=order)
    if order != "C":
        raise NotImplementedError("chainrule.numpy.reshape: only order='C' is supported")
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    size = int(np.prod(shape_of(a), dtype=np.int64))
    if -1 in shape:
        known = int(np.prod([n for n in shape if n != -1], dtype=np.int64))
        shape = tuple(size // known if n == -1 else int(n) for n in shape) if known else shape
    if int(np.prod(shape, dtype=np.int64)) != size:
        raise ValueError(
            f"chainrule.numpy.reshape: cannot reshape an array of size {size} into shape {shape}"
        )
    shape = tuple(int(n) for n in shape)
    return a if shape == shape_of(a) else sh.reshape_p(a, shape=shape)


def ravel(a: Any, order: str = "C") -> Any:
    """Differentiable numpy.ravel."""
    return reshape(a, (-1,), order=order) if is_traced(a) else np.ravel(a, order=order)


def transpose(a: Any, axes: Any = None) -> Any:
    """Differentiable numpy.transpose."""
    if not is_traced(a):
        return np.transpose(a, axes)
    ndim = ndim_of(a)
    axes = tuple(reversed(range(ndim))) if axes is None else tuple(int(i) % ndim for i in axes)
    if sorted(axes) != list(range(ndim)):
        raise ValueError(f"chainrule.numpy.transpose: axes {axes} do not match the array")
    return a if axes == tuple(range(ndim)) else sh.transpose_p(a, axes=axes)


def broadcast_to(array: Any, shape: Any) -> Any:
    """Differentiable numpy.broadcast_to (the result is a new value, not a view)."""
    if not is_traced(array):
        return np.broadcast_to(array, shape)
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(int(n) for n in shape)
    np.broadcast_shapes(shape_of(array), shape)  # raises NumPy's error on a mismatch
    if shape_of(array) == shape:
        return array
    return sh.broadcast_to_p(as_value(array), shape=shape)


def shape(a: Any) -> tuple:
    """numpy.shape, for traced values too."""
    return shape_of(a)


def ndim(a: Any) -> int:
    """numpy.ndim, for traced values too."""
    return ndim_of(a)


def size(a: Any, axis: Any = None) -> int:
    """numpy.size, for traced values too."""
    dims = shape_of(a)
    return int(np.prod(dims, dtype=np.int64)) if axis is None else dims[axis]


def concatenate(arrays: Any, axis: Any = 0, **kwargs: Any) -> Any:
    """Differentiable numpy.concatenate (axis=None flattens first)."""
    arrays = list(arrays)
    if not is_traced(*arrays):
        return np.concatenate(arrays, axis=axis, **kwargs)
    if kwargs.get("out") is not None:
        raise TypeError("chainrule.numpy.concatenate: out= is not supported on traced values")
    values = [as_value(a) for a in arrays]
    if axis is None:
        values = [ravel(v) for v in values]
        axis = 0
    ndim = ndim_of(values[0])
    if ndim == 0:
        raise ValueError("chainrule.numpy.concatenate: zero-dimensional arrays cannot be concatenated")
    axis = normalize_one_axis(axis, ndim, "concatenate")
    dtype = np.result_type(*[v.dtype for v in values])
    values = [v.astype(dtype) if v.dtype != dtype else v for v in values]
    return values[0] if len(values) == 1 else sh.concatenate_p(*values, axis=axis)


def expand_dims(a: Any, axis: Any) -> Any:
    """Differentiable numpy.expand_dims (axis may be a tuple)."""
    if not is_traced(a):
        return np.expand_dims(a, axis)
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    ndim = ndim_of(a) + len(axes)
    axes = normalize_axis(axes, ndim, "expand_dims")
    dims = iter(shape_of(a))
    return reshape(a, tuple(1 if i in axes else next(dims) for i in range(ndim)))


def stack(arrays: Any, axis: int = 0, **kwargs: Any) -> Any:
    """Differentiable numpy.stack."""
    arrays = list(arrays)
    if not is_traced(*arrays):
        return np.stack(arrays, axis=axis, **kwargs)
    shapes = {tuple(shape_of(a)) for a in arrays}
    if len(shapes) != 1:
        raise ValueError("chainrule.numpy.stack: all input arrays must have the same shape")
    axis = normalize_one_axis(axis, ndim_of(arrays[0]) + 1, "stack")
    return concatenate([expand_dims(as_value(a), axis) for a in arrays], axis=axis)
