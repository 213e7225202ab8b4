"""More shape functions, composed from those in manipulation.py: rot90, rollaxis, append.

Each calls NumPy when nothing is traced; with traced values it is a composite, so its
derivatives come from the primitives it applies.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.numpy.arguments import as_value, holds_tracer, ndim_of, normalize_one_axis
from chainrule.numpy.manipulation import concatenate, flip, moveaxis, ravel, swapaxes

__all__ = ["append", "rollaxis", "rot90"]


def rot90(m: Any, k: int = 1, axes: tuple = (0, 1)) -> Any:
    """Differentiable numpy.rot90: rotate by 90 degrees ``k`` times in the plane ``axes``."""
    if not holds_tracer(m):
        return np.rot90(m, k, axes)
    m = as_value(m)
    ndim = ndim_of(m)
    if len(axes) != 2:
        raise ValueError("chainrule.numpy.rot90: axes must name exactly two axes")
    first, second = (normalize_one_axis(a, ndim, "chainrule.numpy.rot90") for a in axes)
    if first == second:
        raise ValueError("chainrule.numpy.rot90: the two axes must differ")
    k %= 4
    if k == 0:
        return m
    if k == 2:
        return flip(flip(m, first), second)
    if k == 1:  # flip along the second axis, then swap the two
        return swapaxes(flip(m, second), first, second)
    return flip(swapaxes(m, first, second), second)  # k == 3


def rollaxis(a: Any, axis: int, start: int = 0) -> Any:
    """Differentiable numpy.rollaxis (moveaxis is the modern spelling)."""
    if not holds_tracer(a):
        return np.rollaxis(a, axis, start)
    a = as_value(a)
    ndim = ndim_of(a)
    axis = normalize_one_axis(axis, ndim, "chainrule.numpy.rollaxis")
    if not -ndim <= start <= ndim:
        raise np.exceptions.AxisError(
            f"chainrule.numpy.rollaxis: start {start} is out of bounds for {ndim} dimensions"
        )
    if start < 0:
        start += ndim
    if axis < start:
        start -= 1
    return a if axis == start else moveaxis(a, axis, start)


def append(arr: Any, values: Any, axis: Any = None) -> Any:
    """Differentiable numpy.append: ``values`` joined after ``arr`` (flattened without axis)."""
    if not holds_tracer(arr) and not holds_tracer(values):
        return np.append(arr, values, axis)
    arr, values = as_value(arr), as_value(values)
    if axis is None:
        return concatenate([ravel(arr), ravel(values)])
    return concatenate([arr, values], axis=axis)
