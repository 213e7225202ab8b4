"""chainrule.numpy.pad: padding as concatenation, differentiable in the array.

Each axis in turn gets blocks before and after it, as NumPy does (so in corners the
later axis wins). Constant blocks are constants (or a broadcast traced scalar); the
other modes take their blocks from the array, through one period of its extension.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from chainrule.numpy.arguments import as_value, is_traced, shape_of
from chainrule.primitives import shape as sh

_KEYWORDS = {
    "constant": {"constant_values"},
    "edge": set(),
    "wrap": set(),
    "reflect": {"reflect_type"},
    "symmetric": {"reflect_type"},
}


def pad(array: Any, pad_width: Any, mode: Any = "constant", **kwargs: Any) -> Any:
    """Differentiable numpy.pad(array, pad_width, mode='constant', **kwargs).

    Traced values support modes 'constant' (constant_values, which may be a traced
    scalar), 'edge', 'wrap', 'reflect' and 'symmetric' (reflect_type='even').
    """
    if not is_traced(array, kwargs.get("constant_values")):
        return np.pad(array, pad_width, mode, **kwargs)
    if callable(mode) or mode not in _KEYWORDS:
        raise NotImplementedError(
            f"chainrule.numpy.pad: mode {mode!r} is not supported on traced values; use one of "
            f"{sorted(_KEYWORDS)}"
        )
    unsupported = set(kwargs) - _KEYWORDS[mode]
    if unsupported:
        raise ValueError(
            f"chainrule.numpy.pad: unsupported keyword arguments for mode {mode!r}: {unsupported}"
        )
    if kwargs.get("reflect_type", "even") != "even":
        raise NotImplementedError(
            "chainrule.numpy.pad: only reflect_type='even' is supported on traced values"
        )
    x = array if is_traced(array) else np.asarray(array)
    widths = _widths(pad_width, len(shape_of(x)))
    if mode == "constant":
        values = _constant_values(kwargs.get("constant_values", 0), len(shape_of(x)))
    for axis, (before, after) in enumerate(widths):
        if before == after == 0:
            continue
        if mode == "constant":
            x = _pad_constant(x, axis, before, after, values[axis])
        elif shape_of(x)[axis] == 0:
            raise ValueError(
                f"chainrule.numpy.pad: can't extend empty axis {axis} using modes other than "
                f"'constant' or 'empty'"
            )
        elif mode == "edge":
            x = _pad_edge(x, axis, before, after)
        else:
            x = _pad_periodic(x, axis, before, after, mode)
    return x


def _widths(pad_width: Any, ndim: int) -> list:
    widths = np.asarray(pad_width)
    if widths.dtype.kind not in "iu":
        raise TypeError("chainrule.numpy.pad: `pad_width` must be of integral type.")
    widths = np.broadcast_to(widths, (ndim, 2))
    if (widths < 0).any():
        raise ValueError("chainrule.numpy.pad: index can't contain negative values")
    return widths.tolist()


def _constant_values(constant_values: Any, ndim: int) -> list:
    """(before, after) values per axis; a traced value must be a scalar."""
    value = as_value(constant_values)
    if is_traced(value):
        if value.shape:
            raise NotImplementedError(
                "chainrule.numpy.pad: a traced constant_values must be a scalar; pad with "
                "zeros and add the traced blocks instead"
            )
        return [(value, value)] * ndim
    return np.broadcast_to(np.asarray(value), (ndim, 2)).tolist()


def _block(x: Any, axis: int, width: int) -> tuple:
    dims = list(shape_of(x))
    dims[axis] = width
    return tuple(dims)


def _join(pieces: list, axis: int) -> Any:
    pieces = [p for p in pieces if p is not None]
    return pieces[0] if len(pieces) == 1 else sh.concatenate_p(*pieces, axis=axis)


def _pad_constant(x: Any, axis: int, before: int, after: int, values: tuple) -> Any:
    pieces = [None, x, None]
    for index, width, value in ((0, before, values[0]), (2, after, values[1])):
        if not width:
            continue
        if is_traced(value):
            cast = value if value.dtype == x.dtype else value.astype(x.dtype)
            pieces[index] = sh.broadcast_to_p(cast, shape=_block(x, axis, width))
        else:
            pieces[index] = np.full(_block(x, axis, width), value, dtype=x.dtype)
    return _join(pieces, axis)


def _pad_edge(x: Any, axis: int, before: int, after: int) -> Any:
    length = shape_of(x)[axis]
    first = sh.slice_p(x, start=0, stop=1, axis=axis)
    last = sh.slice_p(x, start=length - 1, stop=length, axis=axis)
    return _join(
        [
            sh.broadcast_to_p(first, shape=_block(x, axis, before)) if before else None,
            x,
            sh.broadcast_to_p(last, shape=_block(x, axis, after)) if after else None,
        ],
        axis,
    )


def _pad_periodic(x: Any, axis: int, before: int, after: int, mode: str) -> Any:
    # Output position j in [-before, n + after) holds period[j mod p], where one period is
    # x (wrap), x then x reversed (symmetric), or x then x reversed without its ends
    # (reflect; a length-1 x reflects onto itself).
    length = shape_of(x)[axis]
    period = x
    if mode == "symmetric":
        period = _join([x, sh.flip_p(x, axes=(axis,))], axis)
    elif mode == "reflect" and length > 2:
        inner = sh.slice_p(sh.flip_p(x, axes=(axis,)), start=1, stop=length - 1, axis=axis)
        period = _join([x, inner], axis)
    p = shape_of(period)[axis]
    first, last = math.floor(-before / p), math.ceil((length + after) / p)
    extended = _join([period] * (last - first), axis)
    start = -before - first * p
    stop = start + before + length + after
    if (start, stop) == (0, shape_of(extended)[axis]):
        return extended
    return sh.slice_p(extended, start=start, stop=stop, axis=axis)
