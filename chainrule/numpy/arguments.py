"""Argument handling shared by chainrule.numpy: lifting inputs and normalising axes."""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from chainrule.core import Tracer


def is_traced(*values: Any) -> bool:
    """True when any argument is a tracer (then chainrule must handle the call)."""
    return any(isinstance(v, Tracer) for v in values)


def holds_tracer(value: Any) -> bool:
    """True for a tracer, or a (nested) list or tuple with a tracer somewhere in it."""
    if isinstance(value, Tracer):
        return True
    return isinstance(value, (list, tuple)) and any(holds_tracer(v) for v in value)


def as_value(value: Any) -> Any:
    """Tracers and arrays as they are; lists, tuples and other array-likes as NumPy arrays.

    A nested list holding tracers (``[[x, 0.0], [0.0, x]]``) is stacked, as np.array would.
    """
    if isinstance(value, (Tracer, np.ndarray, np.generic, float, int, complex, bool)):
        return value
    if isinstance(value, (list, tuple)) and holds_tracer(value):
        from chainrule.numpy.manipulation import stack

        return stack([as_value(v) for v in value])
    return np.asarray(value)


def shape_of(value: Any) -> tuple:
    return value.shape if isinstance(value, (Tracer, np.ndarray, np.generic)) else np.shape(value)


def ndim_of(value: Any) -> int:
    return len(shape_of(value))


def normalize_axis(axis: Any, ndim: int, function: str) -> tuple[int, ...]:
    """``axis`` (None, an int or a tuple of ints, negative allowed) as a sorted tuple."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if not isinstance(axis, (tuple, list)) else tuple(axis)
    normalized = []
    for a in axes:
        a = operator.index(a)
        if not -ndim <= a < ndim:
            raise np.exceptions.AxisError(
                f"{function}: axis {a} is out of bounds for an array of dimension {ndim}"
            )
        normalized.append(a % ndim)
    if len(set(normalized)) != len(normalized):
        raise ValueError(f"{function}: axis {axis} repeats an axis")
    return tuple(sorted(normalized))


def normalize_one_axis(axis: int, ndim: int, function: str) -> int:
    """A single axis index, negative allowed, checked against ``ndim``."""
    axis = operator.index(axis)
    if not -ndim <= axis < ndim:
        raise np.exceptions.AxisError(
            f"{function}: axis {axis} is out of bounds for an array of dimension {ndim}"
        )
    return axis % ndim
