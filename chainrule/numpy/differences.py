"""chainrule.numpy's finite differences and sums over grids: diff, ediff1d, gradient, trapezoid.

All are linear combinations of shifted slices, written with slicing, subtraction and
concatenation, so they are differentiable in the values and, where NumPy accepts
arrays for them, in the spacings, coordinates and padding values too.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.core import Tracer
from chainrule.numpy.arguments import as_value, is_traced, normalize_one_axis
from chainrule.numpy.manipulation import broadcast_to, concatenate, ravel, reshape
from chainrule.numpy.reductions import sum

__all__ = ["diff", "ediff1d", "gradient", "trapezoid"]


def _along(ndim: int, axis: int, index: Any) -> tuple:
    """An index that applies ``index`` (a slice) along ``axis`` only."""
    return (slice(None),) * axis + (index,) + (slice(None),) * (ndim - axis - 1)


def _plain(value: Any) -> np.ndarray:
    return value.concrete_value() if isinstance(value, Tracer) else np.asarray(value)


def _edge_values(values: Any, shape: tuple, axis: int) -> Any:
    """prepend= / append=: a scalar is spread over ``shape`` with length 1 along ``axis``."""
    values = as_value(values)
    if np.ndim(values) == 0:
        edge_shape = tuple(1 if i == axis else n for i, n in enumerate(shape))
        return broadcast_to(values, edge_shape)
    return values


def diff(
    a: Any, n: int = 1, axis: int = -1, prepend: Any = np._NoValue, append: Any = np._NoValue
) -> Any:
    """Differentiable numpy.diff(a, n=1, axis=-1, prepend, append): the n-th forward
    difference along ``axis``, differentiable in ``a``, ``prepend`` and ``append``.

    >>> import chainrule as cr
    >>> cr.grad(lambda x: diff(x)[0])(np.array([1.0, 4.0, 9.0]))
    array([-1.,  1.,  0.])
    """
    padding = [v for v in (prepend, append) if v is not np._NoValue]
    if not is_traced(a, *padding):
        return np.diff(a, n, axis, prepend, append)
    if n == 0:
        return a
    if n < 0:
        raise ValueError(f"chainrule.numpy.diff: the order n must be non-negative, got {n}")
    a = as_value(a)
    if a.ndim == 0:
        raise ValueError(
            "chainrule.numpy.diff: a is 0-d; diff requires input that is at least one dimensional"
        )
    axis = normalize_one_axis(axis, a.ndim, "diff")
    pieces = [a]
    if prepend is not np._NoValue:
        pieces.insert(0, _edge_values(prepend, a.shape, axis))
    if append is not np._NoValue:
        pieces.append(_edge_values(append, a.shape, axis))
    if len(pieces) > 1:
        a = concatenate(pieces, axis=axis)
    for _ in range(n):
        a = a[_along(a.ndim, axis, slice(1, None))] - a[_along(a.ndim, axis, slice(None, -1))]
    return a


def ediff1d(ary: Any, to_end: Any = None, to_begin: Any = None) -> Any:
    """Differentiable numpy.ediff1d(ary, to_end=None, to_begin=None): the differences of the
    flattened ``ary``, with ``to_begin`` and ``to_end`` (cast to ary's dtype) around them.

    >>> ediff1d(np.array([1.0, 2.0, 4.0]), to_end=[0.0])
    array([1., 2., 0.])
    """
    if not is_traced(ary, to_end, to_begin):
        return np.ediff1d(ary, to_end, to_begin)
    ary = ravel(as_value(ary))
    result = ary[1:] - ary[:-1]
    pieces = [result]
    for name, values in (("to_begin", to_begin), ("to_end", to_end)):
        if values is None:
            continue
        values = as_value(values)
        if not np.can_cast(np.result_type(_plain(values)), ary.dtype, casting="same_kind"):
            raise TypeError(
                f"chainrule.numpy.ediff1d: {name} has dtype {_plain(values).dtype}, which "
                f"does not cast to ary's dtype {ary.dtype} under the same_kind rule (as "
                f"NumPy requires); pass {name} as {ary.dtype}."
            )
        values = ravel(values).astype(ary.dtype)
        pieces.insert(0 if name == "to_begin" else len(pieces), values)
    return concatenate(pieces) if len(pieces) > 1 else result


def trapezoid(y: Any, x: Any = None, dx: Any = 1.0, axis: int = -1) -> Any:
    """Differentiable numpy.trapezoid(y, x=None, dx=1.0, axis=-1): the trapezoidal rule,
    differentiable in ``y``, in the sample points ``x`` and in the spacing ``dx``.

    >>> import chainrule as cr
    >>> cr.grad(lambda y: trapezoid(y, dx=0.5))(np.array([1.0, 2.0, 3.0]))
    array([0.25, 0.5 , 0.25])
    """
    if not is_traced(y, x, dx):
        return np.trapezoid(y, x, dx, axis)
    y = as_value(y)
    axis = normalize_one_axis(axis, y.ndim, "trapezoid")
    if x is None:
        spacing = as_value(dx)
    else:
        x = as_value(x)
        if x.ndim == 1:
            spacing = diff(x)
            shape = [1] * y.ndim
            shape[axis] = spacing.shape[0]
            spacing = reshape(spacing, tuple(shape))
        else:
            spacing = diff(x, axis=axis)
    ends = y[_along(y.ndim, axis, slice(1, None))] + y[_along(y.ndim, axis, slice(None, -1))]
    return sum(spacing * ends / 2.0, axis=axis)


def _spacings(f: Any, varargs: tuple, axes: tuple) -> list:
    """gradient's spacing per axis: a scalar step, or the differences of the coordinates."""
    if not varargs:
        return [1.0] * len(axes)
    if len(varargs) == 1 and np.ndim(varargs[0]) == 0:
        return [as_value(varargs[0])] * len(axes)
    if len(varargs) != len(axes):
        raise TypeError(
            f"chainrule.numpy.gradient: {len(varargs)} spacing arguments for {len(axes)} "
            f"axes; give none, one scalar, or one scalar or 1-d coordinate array per axis."
        )
    spacings = []
    for axis, distances in zip(axes, varargs):
        distances = as_value(distances)
        if np.ndim(distances) == 0:
            spacings.append(distances)
            continue
        if np.ndim(distances) != 1:
            raise ValueError("chainrule.numpy.gradient: distances must be either scalars or 1d")
        if len(distances) != f.shape[axis]:
            raise ValueError(
                "chainrule.numpy.gradient: when 1d, distances must match the length of the "
                "corresponding dimension"
            )
        if np.dtype(distances.dtype).kind in "iu":
            distances = np.asarray(distances, dtype=np.float64)
        steps = diff(distances)
        plain_steps = _plain(steps)
        # Evenly spaced plain coordinates become one step, as in NumPy. Traced ones keep
        # every step: each coordinate then gets its own derivative.
        if not is_traced(steps) and plain_steps.size and (plain_steps == plain_steps[0]).all():
            steps = steps[0]
        spacings.append(steps)
    return spacings


def _column(step: Any, ndim: int, axis: int) -> Any:
    """Per-position coefficients along ``axis``, shaped to broadcast against f."""
    shape = [1] * ndim
    shape[axis] = -1
    return reshape(step, tuple(shape))


def _gradient_along(f: Any, axis: int, step: Any, edge_order: int) -> Any:
    """One component of gradient: central differences inside, one-sided at the two ends."""

    def at(index: Any) -> Any:
        return f[_along(f.ndim, axis, index)]

    uniform = np.ndim(step) == 0
    if uniform:
        interior = (at(slice(2, None)) - at(slice(None, -2))) / (2.0 * step)
    else:
        dx1, dx2 = step[0:-1], step[1:]
        a = _column(-(dx2) / (dx1 * (dx1 + dx2)), f.ndim, axis)
        b = _column((dx2 - dx1) / (dx1 * dx2), f.ndim, axis)
        c = _column(dx1 / (dx2 * (dx1 + dx2)), f.ndim, axis)
        interior = a * at(slice(None, -2)) + b * at(slice(1, -1)) + c * at(slice(2, None))
    first, second, third = at(slice(0, 1)), at(slice(1, 2)), at(slice(2, 3))
    last, before_last, third_last = at(slice(-1, None)), at(slice(-2, -1)), at(slice(-3, -2))
    if edge_order == 1:
        start = (second - first) / (step if uniform else step[0])
        end = (last - before_last) / (step if uniform else step[-1])
    else:
        # Second-order one-sided differences through three points (NumPy's coefficients).
        if uniform:
            a, b, c = -1.5 / step, 2.0 / step, -0.5 / step
        else:
            dx1, dx2 = step[0], step[1]
            a = -(2.0 * dx1 + dx2) / (dx1 * (dx1 + dx2))
            b = (dx1 + dx2) / (dx1 * dx2)
            c = -dx1 / (dx2 * (dx1 + dx2))
        start = a * first + b * second + c * third
        if uniform:
            a, b, c = 0.5 / step, -2.0 / step, 1.5 / step
        else:
            dx1, dx2 = step[-2], step[-1]
            a = (dx2) / (dx1 * (dx1 + dx2))
            b = -(dx2 + dx1) / (dx1 * dx2)
            c = (2.0 * dx2 + dx1) / (dx2 * (dx1 + dx2))
        end = a * third_last + b * before_last + c * last
    pieces = [start, interior, end]
    # NumPy writes every piece into an array of f's dtype: cast to it likewise.
    return concatenate([as_value(p).astype(f.dtype) for p in pieces], axis=axis)


def _gradient_axes(axis: Any, ndim: int) -> tuple:
    """The axes in the order given (the outputs follow it), negative ones normalised."""
    if axis is None:
        return tuple(range(ndim))
    axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    axes = tuple(normalize_one_axis(i, ndim, "gradient") for i in axes)
    if len(set(axes)) != len(axes):
        raise ValueError(f"chainrule.numpy.gradient: axis {axis} repeats an axis")
    return axes


def gradient(f: Any, *varargs: Any, axis: Any = None, edge_order: int = 1) -> Any:
    """Differentiable numpy.gradient(f, *varargs, axis=None, edge_order=1).

    Second-order central differences inside and first- or second-order one-sided ones at
    the ends, with NumPy's coefficients; differentiable in ``f`` and in traced spacings or
    coordinates. One axis gives an array, several a tuple, as in NumPy.

    >>> import chainrule as cr
    >>> cr.grad(lambda f: gradient(f)[1])(np.array([1.0, 2.0, 4.0]))
    array([-0.5,  0. ,  0.5])
    """
    if not is_traced(f, *varargs):
        return np.gradient(f, *varargs, axis=axis, edge_order=edge_order)
    f = as_value(f)
    if edge_order not in (1, 2):
        raise ValueError(f"chainrule.numpy.gradient: edge_order must be 1 or 2, not {edge_order!r}")
    if np.dtype(f.dtype).kind not in "fc":
        f = f.astype(np.float64)
    axes = _gradient_axes(axis, f.ndim)
    spacings = _spacings(f, varargs, axes)
    outputs = []
    for axis_number, step in zip(axes, spacings):
        if f.shape[axis_number] < edge_order + 1:
            raise ValueError(
                "chainrule.numpy.gradient: shape of array too small to calculate a numerical "
                f"gradient along axis {axis_number}: at least edge_order + 1 = "
                f"{edge_order + 1} elements are required."
            )
        outputs.append(_gradient_along(f, axis_number, step, edge_order))
    return outputs[0] if len(outputs) == 1 else tuple(outputs)
