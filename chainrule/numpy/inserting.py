"""chainrule.numpy's functions that change an array's length: insert, delete, resize and
trim_zeros.

Each result is a gather of the input's elements (and, for insert, of the inserted values):
NumPy itself is run on arrays of element numbers to find which element lands where, so
every NumPy rule for ``obj``, ``axis`` and broadcasting holds, and the derivative of each
output element is that of the element it came from. Positions and counts are plain.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from chainrule.core import Tracer, spec_of
from chainrule.numpy.arguments import as_value, holds_tracer, is_traced
from chainrule.numpy.elementwise import astype
from chainrule.numpy.indexing import getitem, take
from chainrule.numpy.manipulation import concatenate, ravel

__all__ = ["delete", "insert", "resize", "trim_zeros"]


def _refuse_traced(name: str, argument: str, value: Any) -> None:
    if holds_tracer(value):
        raise TypeError(
            f"chainrule.numpy.{name}: {argument} is traced, but positions carry no "
            f"derivative. Pass {argument} as plain integers (or a plain boolean mask)."
        )


def _element_numbers(shape: tuple, first: int = 0) -> np.ndarray:
    """first, first + 1, ... laid out in ``shape``: which element of the source is which."""
    return first + np.arange(int(np.prod(shape, dtype=np.intp)), dtype=np.intp).reshape(shape)


def delete(arr: Any, obj: Any, axis: Any = None) -> Any:
    """Differentiable numpy.delete(arr, obj, axis=None): arr without the sub-arrays at
    ``obj`` (an int, slice, integer array or boolean mask; plain). Flattens without axis.

    >>> import chainrule as cr
    >>> cr.grad(lambda x: delete(x, 1).sum())(np.array([1.0, 2.0, 3.0]))
    array([1., 0., 1.])
    """
    _refuse_traced("delete", "obj", obj)
    if not is_traced(arr):
        return np.delete(arr, obj, axis)
    arr = as_value(arr)
    kept = np.delete(_element_numbers(arr.shape), obj, axis)
    return take(ravel(arr), kept)


def insert(arr: Any, obj: Any, values: Any, axis: Any = None) -> Any:
    """Differentiable numpy.insert(arr, obj, values, axis=None), in ``arr`` and ``values``.

    ``obj`` (an int, slice or integer sequence) is plain. The values are cast to arr's
    dtype and broadcast as NumPy does; a value broadcast to several places receives the
    sum of their derivatives. Flattens without axis.

    >>> import chainrule as cr
    >>> cr.grad(lambda v: insert(np.zeros(3), [0, 2], v).sum())(2.0)
    np.float64(2.0)
    """
    _refuse_traced("insert", "obj", obj)
    if not is_traced(arr, values) and not holds_tracer(values):
        return np.insert(arr, obj, values, axis)
    arr, values = (
        as_value(arr),
        np.asarray(values) if not holds_tracer(values) else as_value(values),
    )
    arr_spec = spec_of(arr)
    arr_numbers = _element_numbers(arr_spec.shape)
    value_numbers = _element_numbers(np.shape(values), first=arr_numbers.size)
    placed = np.insert(arr_numbers, obj, value_numbers, axis)
    source = concatenate((ravel(arr), ravel(astype(values, arr_spec.dtype))))
    return take(source, placed)


def resize(a: Any, new_shape: Any) -> Any:
    """Differentiable numpy.resize(a, new_shape): the flattened ``a`` repeated cyclically
    to fill ``new_shape``; an element used several times receives the sum of their
    derivatives.

    >>> import chainrule as cr
    >>> cr.grad(lambda x: resize(x, 5).sum())(np.array([1.0, 2.0]))
    array([3., 2.])
    """
    if not is_traced(a):
        return np.resize(a, new_shape)
    a = as_value(a)
    if a.size == 0:
        return np.zeros(new_shape, spec_of(a).dtype)  # NumPy fills with zeros
    return take(ravel(a), np.resize(_element_numbers(a.shape), new_shape))


def _trimmed_index(plain: np.ndarray, trim: str, axes: tuple) -> tuple:
    """The slices numpy.trim_zeros keeps: the bounding box of the nonzero entries."""
    nonzero = np.argwhere(plain)
    if nonzero.size == 0:  # all zeros: an empty slice along the trimmed axes
        start = stop = [0] * plain.ndim
    else:
        start = nonzero.min(axis=0) if "f" in trim else [None] * plain.ndim
        stop = nonzero.max(axis=0) + 1 if "b" in trim else [None] * plain.ndim
    return tuple(
        slice(
            None if start[axis] is None else int(start[axis]),
            None if stop[axis] is None else int(stop[axis]),
        )
        if axis in axes
        else slice(None)
        for axis in range(plain.ndim)
    )


def trim_zeros(filt: Any, trim: str = "fb", axis: Any = None) -> Any:
    """Differentiable numpy.trim_zeros(filt, trim='fb', axis=None): the smallest box that
    holds every nonzero entry ('f' trims the front, 'b' the back). Which entries are zero
    is read from the plain values; the kept entries keep their derivatives.

    >>> trim_zeros(np.array([0.0, 1.0, 0.0, 2.0, 0.0]))
    array([1., 0., 2.])
    """
    if not is_traced(filt) and not holds_tracer(filt):
        return np.trim_zeros(filt, trim, axis)
    filt = as_value(filt)
    trim = trim.lower()
    if trim not in {"fb", "bf", "f", "b"}:
        raise ValueError(f"chainrule.numpy.trim_zeros: trim must be 'f', 'b' or 'fb', not {trim!r}")
    ndim = filt.ndim
    if axis is None:
        axes = tuple(range(ndim))
    else:
        axes = tuple(
            operator.index(a) % ndim if -ndim <= operator.index(a) < ndim else _bad_axis(a, ndim)
            for a in (axis if isinstance(axis, (tuple, list)) else (axis,))
        )
    if not axes:
        return filt
    plain = filt.concrete_value() if isinstance(filt, Tracer) else np.asarray(filt)
    return getitem(filt, _trimmed_index(plain, trim, axes))


def _bad_axis(axis: Any, ndim: int) -> int:
    raise np.exceptions.AxisError(
        f"chainrule.numpy.trim_zeros: axis {axis} is out of bounds for an array of dimension {ndim}"
    )
