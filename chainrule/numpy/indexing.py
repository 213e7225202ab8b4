"""chainrule.numpy's indexing: x[index], functional updates (x.at[index] and
put_along_axis), take, sort.

Indices are constants: integer and boolean index arrays carry no derivative and must
be concrete (a traced value used as an index is a TypeError). Functions that only
compute positions (argsort, nonzero) return plain integer arrays.
"""

from __future__ import annotations

import operator
from typing import Any

import numpy as np

from chainrule.core import Tracer, is_inexact, spec_of
from chainrule.numpy.arguments import as_value, is_traced, normalize_one_axis
from chainrule.numpy.elementwise import multiply
from chainrule.numpy.manipulation import ravel
from chainrule.primitives import indexing as ix

__all__ = [
    "IndexUpdater",
    "argsort",
    "argwhere",
    "compress",
    "extract",
    "flatnonzero",
    "getitem",
    "nonzero",
    "partition",
    "put_along_axis",
    "sort",
    "take",
    "take_along_axis",
]


def _refuse_traced_index(index: Any, function: str) -> None:
    """Raise TypeError when a traced value appears anywhere in ``index``."""
    if isinstance(index, Tracer):
        raise TypeError(
            f"chainrule.numpy.{function}: a traced value was used as an index; indices carry "
            f"no derivative. Index with integers, slices or a plain integer/boolean array "
            f"(comparisons such as x > 0 and cnp.argsort(x) already give one), or with "
            f"cr.stop_gradient(i).astype(int)."
        )
    if isinstance(index, (tuple, list)):
        for entry in index:
            _refuse_traced_index(entry, function)
    elif isinstance(index, slice):
        for bound in (index.start, index.stop, index.step):
            _refuse_traced_index(bound, function)


def _static_entry(entry: Any) -> Any:
    if entry is None or entry is Ellipsis:
        return entry
    if isinstance(entry, slice):
        bounds = [
            None if b is None else operator.index(b) for b in (entry.start, entry.stop, entry.step)
        ]
        return slice(*bounds)
    if isinstance(entry, (int, np.integer)) and not isinstance(entry, (bool, np.bool_)):
        return int(entry)
    array = np.array(entry, copy=True)  # a copy: the caller may change theirs later
    if array.size == 0 and isinstance(entry, (list, tuple)):
        array = array.astype(np.intp)  # NumPy reads an empty list as an empty integer index
    array.flags.writeable = False
    return array


def static_index(index: Any, function: str = "getitem") -> ix.StaticIndex:
    """``index`` as the hashable static parameter of the indexing primitives."""
    _refuse_traced_index(index, function)
    entries = index if isinstance(index, tuple) else (index,)
    return ix.StaticIndex(tuple(_static_entry(e) for e in entries))


def getitem(a: Any, index: Any) -> Any:
    """``a[index]`` with NumPy's semantics (basic and advanced indexing), differentiable.

    Ints, slices, Ellipsis, None, integer arrays (repeats allowed: their gradients
    add up) and boolean masks, in any mix NumPy accepts.

    >>> import chainrule as cr
    >>> cr.grad(lambda x: (x[[0, 0, 2]] ** 2).sum())(np.array([1.0, 2.0, 3.0]))
    array([4., 0., 6.])
    """
    if not is_traced(a):
        _refuse_traced_index(index, "getitem")
        return np.asarray(a)[index]
    return ix.getitem_p(a, index=static_index(index))


def _check_update(x: Any, values: Any, method: str) -> None:
    """A traced ``values`` needs an inexact ``x`` of matching kind to keep its derivative."""
    if not is_traced(values):
        return
    x_dtype, values_dtype = spec_of(x).dtype, spec_of(values).dtype
    if not is_inexact(x_dtype):
        raise TypeError(
            f"x.at[index].{method}(values): x has dtype {x_dtype}, so the result would be "
            f"{x_dtype} and drop the derivative of the traced values. Cast x first: "
            f"x.astype(float).at[index].{method}(values)."
        )
    if values_dtype.kind == "c" and x_dtype.kind != "c":
        raise TypeError(
            f"x.at[index].{method}(values): complex values cannot be written into real x "
            f"(dtype {x_dtype}) without dropping their imaginary part. Cast x to a complex "
            f"dtype first, or pass values.real."
        )


class IndexUpdater:
    """``x.at``: functional updates of ``x[index]`` that return a new array, as JAX has them.

    ``x.at[index].set(v)``, ``.add(v)``, ``.multiply(v)`` and ``.get()`` never modify
    ``x``; they are differentiable in ``x`` and in ``v``, and ``v`` broadcasts to
    ``x[index].shape`` as in NumPy assignment. The result keeps ``x``'s dtype. For a
    plain NumPy array write ``cnp.IndexUpdater(x)[index].set(v)`` (ndarrays have no
    ``.at``); the result is then a plain array.

    Repeated indices: ``set`` keeps the last write, as NumPy's ``x[index] = v`` does,
    and only that write receives a derivative; ``add`` and ``multiply`` apply every
    update, as ``np.add.at`` and ``np.multiply.at`` do (not as ``x[index] += v``).

    >>> x = np.zeros(3)
    >>> IndexUpdater(x)[[0, 0, 2]].add(1.0)
    array([2., 0., 1.])
    """

    __slots__ = ("array",)

    def __init__(self, array: Any) -> None:
        self.array = array

    def __getitem__(self, index: Any) -> IndexedUpdate:
        return IndexedUpdate(self.array, index)


class IndexedUpdate:
    """``x.at[index]``: what to do at ``index`` (see IndexUpdater)."""

    __slots__ = ("array", "index")

    def __init__(self, array: Any, index: Any) -> None:
        self.array = array
        self.index = index

    def get(self) -> Any:
        """``x[index]``."""
        return getitem(self.array, self.index)

    def set(self, values: Any) -> Any:
        """A copy of ``x`` with ``x[index] = values`` (repeated index: last write wins)."""
        x = as_value(self.array)
        if not is_traced(x, values):
            _refuse_traced_index(self.index, "IndexUpdater")
            out = np.array(x, copy=True)
            out[self.index] = values
            return out
        _check_update(x, values, "set")
        index = static_index(self.index, "IndexUpdater")
        return ix.scatter_set_p(x, as_value(values), index=index)

    def _plain_update(self, ufunc: Any, x: Any, values: Any) -> Any:
        """The untraced update: ``ufunc.at`` on a copy of ``x``."""
        _refuse_traced_index(self.index, "IndexUpdater")
        out = np.array(x, copy=True)
        ufunc.at(out, self.index, values)
        return out

    def add(self, values: Any) -> Any:
        """A copy of ``x`` with ``values`` added at ``index`` (repeats add up, as np.add.at)."""
        x = as_value(self.array)
        if not is_traced(x, values):
            return self._plain_update(np.add, x, values)
        _check_update(x, values, "add")
        index = static_index(self.index, "IndexUpdater")
        return ix.scatter_add_p(x, as_value(values), index=index)

    def multiply(self, values: Any) -> Any:
        """A copy of ``x`` multiplied by ``values`` at ``index`` (as np.multiply.at).

        Raises NotImplementedError when ``index`` repeats a position and ``values`` is
        traced (the derivative of such products is not implemented).
        """
        x = as_value(self.array)
        if not is_traced(x, values):
            return self._plain_update(np.multiply, x, values)
        _check_update(x, values, "multiply")
        index = static_index(self.index, "IndexUpdater")
        spec = spec_of(x)
        factor = np.ones(spec.shape, spec.dtype)
        if not is_traced(values):
            np.multiply.at(factor, index.entries, values)
            return multiply(x, factor)
        if ix.winning_writes(index, spec.shape) is not None:
            raise NotImplementedError(
                "x.at[index].multiply(values): the index repeats a position and values is "
                "traced; this derivative is not implemented. Multiply once per position "
                "(combine the repeated factors first), or use x * cnp.IndexUpdater(ones)"
                "[index].set(values) when each position appears once."
            )
        # x times a factor that is `values` at index and 1 elsewhere: x * 1 is exact.
        return multiply(x, ix.scatter_set_p(factor, as_value(values), index=index))


def _positions(a: Any) -> np.ndarray:
    """The plain value of ``a``: positions and orderings carry no derivative."""
    return a.concrete_value() if isinstance(a, Tracer) else np.asarray(a)


def _integer_indices(indices: Any, function: str) -> np.ndarray:
    _refuse_traced_index(indices, function)
    indices = np.asarray(indices)
    if indices.dtype.kind not in "iu" and not (indices.size == 0 and indices.dtype.kind == "f"):
        raise IndexError(
            f"chainrule.numpy.{function}: indices must be integers, got dtype {indices.dtype}"
        )
    return indices.astype(np.intp, copy=False)


def take(a: Any, indices: Any, axis: Any = None, out: Any = None, mode: str = "raise") -> Any:
    """Differentiable numpy.take(a, indices, axis=None, mode='raise'|'wrap'|'clip')."""
    if not is_traced(a):
        _refuse_traced_index(indices, "take")
        return np.take(a, indices, axis=axis, out=out, mode=mode)
    if out is not None:
        raise TypeError("chainrule.numpy.take: out= is not supported on traced values")
    indices = _integer_indices(indices, "take")
    a = as_value(a)
    if axis is None:
        a, axis = ravel(a), 0
    axis = normalize_one_axis(axis, a.ndim, "take")
    length = a.shape[axis]
    if mode == "wrap":
        indices = np.mod(indices, length)
    elif mode == "clip":
        indices = np.clip(indices, 0, length - 1)
    elif mode != "raise":
        raise ValueError(
            f"chainrule.numpy.take: mode must be 'raise', 'wrap' or 'clip', not {mode!r}"
        )
    return getitem(a, (slice(None),) * axis + (indices,))


def take_along_axis(arr: Any, indices: Any, axis: Any = -1) -> Any:
    """Differentiable numpy.take_along_axis(arr, indices, axis=-1)."""
    if not is_traced(arr):
        _refuse_traced_index(indices, "take_along_axis")
        return np.take_along_axis(arr, indices, axis=axis)
    indices = _integer_indices(indices, "take_along_axis")
    arr = as_value(arr)
    if axis is None:
        arr, axis = ravel(arr), 0
    if indices.ndim != arr.ndim:
        raise ValueError(
            f"chainrule.numpy.take_along_axis: indices have {indices.ndim} dimensions and arr "
            f"{arr.ndim}; they must have the same number"
        )
    axis = normalize_one_axis(axis, arr.ndim, "take_along_axis")
    return getitem(arr, _along_axis(arr.shape, indices, axis))


def _along_axis(shape: tuple, indices: np.ndarray, axis: int) -> tuple:
    """The index of ``indices`` along ``axis``: one array per axis, aranges on the others."""
    index = []
    for dim, length in enumerate(shape):
        if dim == axis:
            index.append(indices)
        else:
            arange_shape = [1] * len(shape)
            arange_shape[dim] = length
            index.append(np.arange(length).reshape(arange_shape))
    return tuple(index)


def put_along_axis(arr: Any, indices: Any, values: Any, axis: Any, inplace: bool = True) -> Any:
    """numpy.put_along_axis(arr, indices, values, axis), and its functional form.

    NumPy's (``inplace=True``) writes into a plain ``arr`` and returns None; traced
    arrays cannot be written to, so there it raises TypeError. With ``inplace=False``
    (JAX's spelling) it returns the updated copy, differentiable in ``arr`` and
    ``values``. Repeated indices: the last write wins, as in NumPy, and only that write
    receives a derivative.

    >>> import chainrule as cr
    >>> f = lambda v: put_along_axis(np.zeros(3), np.array([0, 0]), v, 0, inplace=False)
    >>> cr.jacrev(f)(np.array([1.0, 2.0]))
    array([[0., 1.],
           [0., 0.],
           [0., 0.]])
    """
    _refuse_traced_index(indices, "put_along_axis")
    if inplace:
        if is_traced(arr, values):
            which = "arr" if is_traced(arr) else "values"
            raise TypeError(
                f"chainrule.numpy.put_along_axis: {which} is traced, and NumPy's "
                f"put_along_axis writes into arr in place, which would drop the derivative. "
                f"Use the functional form cnp.put_along_axis(arr, indices, values, axis, "
                f"inplace=False), which returns the updated copy."
            )
        return np.put_along_axis(arr, indices, values, axis)
    if not is_traced(arr, values):
        out = np.array(arr, copy=True)
        np.put_along_axis(out, indices, values, axis)
        return out
    indices = _integer_indices(indices, "put_along_axis")
    arr = as_value(arr)
    shape = spec_of(arr).shape
    if axis is None:
        if indices.ndim != 1:
            raise ValueError(
                "chainrule.numpy.put_along_axis: with axis=None, indices must be 1-d (they "
                f"index the flattened arr); got {indices.ndim} dimensions."
            )
        flat = IndexUpdater(ravel(arr))[indices].set(values)
        return flat.reshape(shape)
    if indices.ndim != len(shape):
        raise ValueError(
            f"chainrule.numpy.put_along_axis: indices have {indices.ndim} dimensions and arr "
            f"{len(shape)}; they must have the same number"
        )
    axis = normalize_one_axis(axis, len(shape), "put_along_axis")
    return IndexUpdater(arr)[_along_axis(shape, indices, axis)].set(values)


def sort(a: Any, axis: Any = -1, kind: Any = None, order: Any = None, **kwargs: Any) -> Any:
    """Differentiable numpy.sort: ``a`` gathered in the order of a stable argsort.

    Each output element's derivative is that of the input element put there; among
    equal values NumPy's stable argsort decides which one that is (ties keep their
    original order), so the derivative at a tie is one-sided, not split. ``kind`` does
    not change the values; traced input is always sorted stably.
    """
    if not is_traced(a):
        return np.sort(a, axis=axis, kind=kind, order=order, **kwargs)
    if order is not None:
        raise TypeError("chainrule.numpy.sort: order= (structured arrays) is not supported")
    a = as_value(a)
    if axis is None:
        a, axis = ravel(a), 0
    positions = np.argsort(_positions(a), axis=axis, kind="stable")
    return take_along_axis(a, positions, axis=axis)


def argsort(a: Any, axis: Any = -1, kind: Any = None, order: Any = None, **kwargs: Any) -> Any:
    """numpy.argsort; a plain integer array (orderings carry no derivative)."""
    return np.argsort(_positions(a), axis=axis, kind=kind, order=order, **kwargs)


def partition(a: Any, kth: Any, axis: Any = -1, kind: str = "introselect", order: Any = None):
    """Differentiable numpy.partition: ``a`` gathered in the order of NumPy's argpartition.

    The elements at ``kth`` are where a full sort puts them, smaller ones before and
    larger ones after (in no particular order, NumPy's). Each output element's derivative
    is that of the input element put there, as for sort.
    """
    if not is_traced(a):
        return np.partition(a, kth, axis=axis, kind=kind, order=order)
    if order is not None:
        raise TypeError("chainrule.numpy.partition: order= (structured arrays) is not supported")
    a = as_value(a)
    if axis is None:
        a, axis = ravel(a), 0
    positions = np.argpartition(_positions(a), kth, axis=axis, kind=kind)
    return take_along_axis(a, positions, axis=axis)


def nonzero(a: Any) -> tuple:
    """numpy.nonzero; plain integer arrays."""
    return np.nonzero(_positions(a))


def flatnonzero(a: Any) -> np.ndarray:
    """numpy.flatnonzero; a plain integer array."""
    return np.flatnonzero(_positions(a))


def argwhere(a: Any) -> np.ndarray:
    """numpy.argwhere; a plain integer array."""
    return np.argwhere(_positions(a))


def compress(condition: Any, a: Any, axis: Any = None, out: Any = None) -> Any:
    """Differentiable numpy.compress(condition, a, axis=None): the slices where condition holds."""
    if not is_traced(a):
        return np.compress(_positions(condition), a, axis=axis, out=out)
    if out is not None:
        raise TypeError("chainrule.numpy.compress: out= is not supported on traced values")
    return take(a, np.flatnonzero(_positions(condition)), axis=axis)


def extract(condition: Any, arr: Any) -> Any:
    """Differentiable numpy.extract(condition, arr): arr's elements where condition holds."""
    if not is_traced(arr):
        return np.extract(_positions(condition), arr)
    return take(ravel(as_value(arr)), np.flatnonzero(_positions(condition)))
