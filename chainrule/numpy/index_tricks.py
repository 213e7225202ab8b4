"""numpy.r_ and numpy.c_ for traced values: concatenation written as indexing.

``cnp.r_[a, b, 1:4]`` joins its items along the first axis and ``cnp.c_[a, b]`` stacks
1-d items as columns, as NumPy's objects do. Without traced items they are NumPy's own;
with them each item becomes an array of at least the required dimensions (slices
become ranges, scalars 1-d arrays) and the result is a concatenate, so its derivative
reaches every traced item. A leading string 'axis[,ndmin[,trans1d]]' sets the joining
axis, the minimum dimensions and where a short item's axes go, as in NumPy; the
matrix directives 'r' and 'c' (numpy.matrix) are not supported on traced values.
NumPy's own np.r_ cannot see tracers (it converts every item with np.array first),
so code being differentiated uses cnp.r_.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.numpy.arguments import as_value, holds_tracer, ndim_of
from chainrule.numpy.manipulation import concatenate, reshape, transpose

__all__ = ["c_", "r_"]


def _range_of(item: slice) -> np.ndarray:
    """A slice as NumPy's r_ reads it: arange, or linspace for a complex step."""
    start = 0 if item.start is None else item.start
    step = 1 if item.step is None else item.step
    if isinstance(step, complex):
        return np.linspace(start, item.stop, num=int(abs(step)))
    return np.arange(start, item.stop, step)


def _with_dimensions(item: Any, ndmin: int, trans1d: int) -> Any:
    """``item`` with at least ``ndmin`` axes: new leading axes of length 1, then moved.

    As in NumPy: the item's own axes start at position ``trans1d`` (counted among the
    ndmin axes; -1 keeps them last).
    """
    ndim = ndim_of(item)
    if ndim >= ndmin:
        return item
    added = ndmin - ndim
    item = reshape(item, (1,) * added + tuple(np.shape(as_value(item))))
    if trans1d == -1:
        return item
    start = trans1d + added + 1 if trans1d < 0 else trans1d
    axes = list(range(ndmin))
    return transpose(item, axes[:start] + axes[added:] + axes[start:added])


class _Concatenator:
    """The object behind r_ and c_: ``self[items]`` concatenates them."""

    def __init__(self, name: str, numpy_object: Any, axis: int, ndmin: int, trans1d: int):
        self._name = name
        self._numpy = numpy_object
        self._defaults = (axis, ndmin, trans1d)

    def __getitem__(self, key: Any) -> Any:
        items = key if isinstance(key, tuple) else (key,)
        if not any(holds_tracer(item) for item in items if not isinstance(item, slice)):
            return self._numpy[key]
        axis, ndmin, trans1d = self._defaults
        if items and isinstance(items[0], str):
            axis, ndmin, trans1d = self._directive(items[0], ndmin, trans1d)
            items = items[1:]
        pieces = []
        for item in items:
            if isinstance(item, str):
                raise ValueError(
                    f"chainrule.numpy.{self._name}: a string is allowed only as the first "
                    f"item (the directive 'axis,ndmin,trans1d'), not {item!r}"
                )
            if isinstance(item, slice):
                piece = _range_of(item)
            elif ndim_of(item) == 0:
                piece = reshape(as_value(item), (1,))
            else:
                piece = as_value(item)
            pieces.append(_with_dimensions(piece, max(ndmin, 1), trans1d))
        return concatenate(pieces, axis=axis)

    def _directive(self, text: str, ndmin: int, trans1d: int) -> tuple:
        if text in ("r", "c"):
            raise NotImplementedError(
                f"chainrule.numpy.{self._name}: the directive {text!r} builds a numpy.matrix, "
                "which traced values are not; use cnp.atleast_2d or reshape the result"
            )
        try:
            numbers = [int(part) for part in text.split(",")]
        except ValueError:
            raise ValueError(
                f"chainrule.numpy.{self._name}: unknown directive {text!r}; expected "
                "'axis', 'axis,ndmin' or 'axis,ndmin,trans1d' (integers)"
            ) from None
        if not 1 <= len(numbers) <= 3:
            raise ValueError(
                f"chainrule.numpy.{self._name}: the directive {text!r} has {len(numbers)} "
                "numbers; expected 1 to 3 (axis, ndmin, trans1d)"
            )
        numbers += [ndmin, trans1d][len(numbers) - 1 :]
        return tuple(numbers)

    def __len__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return f"chainrule.numpy.{self._name}"


r_ = _Concatenator("r_", np.r_, axis=0, ndmin=1, trans1d=-1)
c_ = _Concatenator("c_", np.c_, axis=-1, ndmin=2, trans1d=0)
