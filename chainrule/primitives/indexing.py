"""Indexing primitives: reading x[index], and the functional updates add-at and set-at.

All three are linear (jointly in their array inputs), and each one's transpose is
written with the other two, so every rule differentiates again. The index is a static
parameter: a `StaticIndex`, NumPy's own index made hashable.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.core import Primitive, spec_of
from chainrule.primitives.declare import safe_multiply_p, zeros_for


class StaticIndex:
    """A NumPy index (after normalisation) that can be hashed and compared, as params must be.

    ``entries`` is a tuple of ints, None, slices and integer or boolean arrays, ready to
    use as ``x[entries]``. Two indices are equal when they select the same elements.
    """

    __slots__ = ("entries", "is_basic", "_key", "_hash")

    def __init__(self, entries: tuple) -> None:
        self.entries = entries
        self.is_basic = not any(isinstance(e, np.ndarray) for e in entries)
        self._key = tuple(_entry_key(e) for e in entries)
        self._hash = None

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(self._key)
        return self._hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StaticIndex) and self._key == other._key

    def __repr__(self) -> str:
        return f"StaticIndex({self.entries!r})"


def _entry_key(entry: Any) -> Any:
    if isinstance(entry, slice):
        return ("slice", entry.start, entry.stop, entry.step)
    if isinstance(entry, np.ndarray):
        return ("array", entry.dtype.str, entry.shape, entry.tobytes())
    return entry


def _plain(value: Any) -> np.ndarray:
    return np.array(value, copy=True)


def _result(out: np.ndarray) -> Any:
    return out[()] if out.ndim == 0 else out


def _getitem_impl(x, index):
    return np.asarray(x)[index.entries]


# out = x[index] is linear: its tangent is x_dot[index]; its transpose adds the
# cotangent into zeros at the selected places (repeated indices accumulate).
def _getitem_jvp(tangents, primals, out, index):
    (x_dot,) = tangents
    return None if x_dot is None else getitem_p(x_dot, index=index)


def _getitem_vjp(out_bar, primals, out, wanted, index):
    return (scatter_add_p(zeros_for(primals[0]), out_bar, index=index),)


getitem_p = Primitive(
    "getitem", _getitem_impl, jvp=_getitem_jvp, vjp=_getitem_vjp, family="indexing"
)


def _scatter_add_impl(x, updates, index):
    out = _plain(x)
    if index.is_basic:
        out[index.entries] += updates  # a basic index never selects an element twice
    else:
        np.add.at(out, index.entries, updates)
    return _result(out)


# out = x + S(updates), S adding each update at its place: linear in (x, updates).
# Transpose: x_bar = out_bar, updates_bar = out_bar[index].
def _scatter_add_jvp(tangents, primals, out, index):
    x_dot, updates_dot = tangents
    if updates_dot is None:
        return x_dot
    base = zeros_for(out) if x_dot is None else x_dot
    return scatter_add_p(base, updates_dot, index=index)


def _scatter_add_vjp(out_bar, primals, out, wanted, index):
    return (out_bar, getitem_p(out_bar, index=index) if wanted[1] else None)


scatter_add_p = Primitive(
    "scatter_add",
    _scatter_add_impl,
    jvp=_scatter_add_jvp,
    vjp=_scatter_add_vjp,
    family="indexing",
)


def _scatter_set_impl(x, values, index):
    out = _plain(x)
    out[index.entries] = values
    return _result(out)


def winning_writes(index: StaticIndex, shape: tuple) -> np.ndarray | None:
    """Which elements of values, broadcast to x[index]'s shape, survive ``x[index] = values``.

    Where an index repeats, NumPy keeps one write (the last one): replaying the same
    assignment with element numbers tells which. None when every write survives.
    """
    if index.is_basic:
        return None
    selected_shape = np.empty(shape, np.bool_)[index.entries].shape
    numbers = np.arange(int(np.prod(selected_shape, dtype=np.int64))).reshape(selected_shape)
    owner = np.full(shape, -1, dtype=numbers.dtype)
    owner[index.entries] = numbers
    survives = owner[index.entries] == numbers
    return None if survives.all() else survives


# out = P x + W values: P zeroes the selected places of x, W writes the surviving
# values there. Linear in (x, values), so the tangent is the same assignment applied to
# the tangents; transpose: x_bar = out_bar with the selected places zeroed,
# values_bar = out_bar[index] where the write survived, 0 where it was overwritten.
def _scatter_set_jvp(tangents, primals, out, index):
    x_dot, values_dot = tangents
    if x_dot is None and values_dot is None:
        return None
    base = zeros_for(out) if x_dot is None else x_dot
    if values_dot is None:
        values_dot = np.zeros((), spec_of(out).dtype)
    return scatter_set_p(base, values_dot, index=index)


def _scatter_set_vjp(out_bar, primals, out, wanted, index):
    out_spec = spec_of(out)
    x_bar = values_bar = None
    if wanted[0]:
        x_bar = scatter_set_p(out_bar, np.zeros((), out_spec.dtype), index=index)
    if wanted[1]:
        # values_bar has x[index]'s shape; the sweep sums it back to the values' shape.
        values_bar = getitem_p(out_bar, index=index)
        survives = winning_writes(index, out_spec.shape)
        if survives is not None:
            values_bar = safe_multiply_p(values_bar, survives.astype(out_spec.dtype))
    return (x_bar, values_bar)


scatter_set_p = Primitive(
    "scatter_set",
    _scatter_set_impl,
    jvp=_scatter_set_jvp,
    vjp=_scatter_set_vjp,
    family="indexing",
)
