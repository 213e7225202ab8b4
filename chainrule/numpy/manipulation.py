"""chainrule.numpy's array manipulation: reshape, transpose, stacking, splitting and friends.

Everything here is a composite of the shape primitives except flip, roll and repeat with
per-entry counts, which have primitives of their own (see primitives/shape.py).
"""

from __future__ import annotations

import operator
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
from chainrule.numpy.diagonals import diag, diagonal, trace, tril, triu  # noqa: F401 - re-exported
from chainrule.numpy.padding import pad  # noqa: F401 - re-exported
from chainrule.primitives import shape as sh


def _is_traced_input(*values: Any) -> bool:
    """True when any value, or any entry of a list or tuple among them, is traced."""
    return any(is_traced(v) or (isinstance(v, (list, tuple)) and is_traced(*v)) for v in values)


def _as_array(value: Any) -> Any:
    """A tracer as it is; anything else (lists holding tracers included) as an array."""
    value = as_value(value)
    return value if is_traced(value) else np.asarray(value)


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


def concatenate(
    arrays: Any, axis: Any = 0, out: Any = None, *, dtype: Any = None, casting: str = "same_kind"
) -> Any:
    """Differentiable numpy.concatenate((a1, a2, ...), axis=0, dtype=None) (axis=None flattens)."""
    arrays = list(arrays)
    if not _is_traced_input(*arrays):
        return np.concatenate(arrays, axis=axis, out=out, dtype=dtype, casting=casting)
    if out is not None:
        raise TypeError("chainrule.numpy.concatenate: out= is not supported on traced values")
    values = [_as_array(a) for a in arrays]
    if axis is None:
        values = [ravel(v) for v in values]
        axis = 0
    ndim = ndim_of(values[0])
    if ndim == 0:
        raise ValueError(
            "chainrule.numpy.concatenate: zero-dimensional arrays cannot be concatenated"
        )
    axis = normalize_one_axis(axis, ndim, "chainrule.numpy.concatenate")
    for i, value in enumerate(values):
        if ndim_of(value) != ndim:
            raise ValueError(
                f"chainrule.numpy.concatenate: all the input arrays must have the same number "
                f"of dimensions, but the array at index 0 has {ndim} dimension(s) and the "
                f"array at index {i} has {ndim_of(value)} dimension(s)"
            )
    result_dtype = np.result_type(*[v.dtype for v in values]) if dtype is None else np.dtype(dtype)
    for value in values:
        if not np.can_cast(value.dtype, result_dtype, casting):
            raise TypeError(
                f"chainrule.numpy.concatenate: cannot cast {value.dtype} to {result_dtype} "
                f"according to the rule {casting!r}"
            )
    values = [v.astype(result_dtype) if v.dtype != result_dtype else v for v in values]
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


def swapaxes(a: Any, axis1: int, axis2: int) -> Any:
    """Differentiable numpy.swapaxes(a, axis1, axis2)."""
    if not is_traced(a):
        return np.swapaxes(a, axis1, axis2)
    ndim = ndim_of(a)
    axis1 = normalize_one_axis(axis1, ndim, "chainrule.numpy.swapaxes")
    axis2 = normalize_one_axis(axis2, ndim, "chainrule.numpy.swapaxes")
    axes = list(range(ndim))
    axes[axis1], axes[axis2] = axis2, axis1
    return transpose(a, axes)


def _axis_list(axis: Any, ndim: int, function: str, argument: str) -> list:
    axes = [axis] if isinstance(axis, (int, np.integer)) else list(axis)
    axes = [normalize_one_axis(n, ndim, f"chainrule.numpy.{function}") for n in axes]
    if len(set(axes)) != len(axes):
        raise ValueError(f"chainrule.numpy.{function}: repeated axis in `{argument}` argument")
    return axes


def moveaxis(a: Any, source: Any, destination: Any) -> Any:
    """Differentiable numpy.moveaxis(a, source, destination)."""
    if not is_traced(a):
        return np.moveaxis(a, source, destination)
    ndim = ndim_of(a)
    source = _axis_list(source, ndim, "moveaxis", "source")
    destination = _axis_list(destination, ndim, "moveaxis", "destination")
    if len(source) != len(destination):
        raise ValueError(
            "chainrule.numpy.moveaxis: `source` and `destination` arguments must have the same "
            "number of elements"
        )
    order = [n for n in range(ndim) if n not in source]
    for target, origin in sorted(zip(destination, source, strict=True)):
        order.insert(target, origin)
    return transpose(a, order)


def squeeze(a: Any, axis: Any = None) -> Any:
    """Differentiable numpy.squeeze(a, axis=None)."""
    if not is_traced(a):
        return np.squeeze(a, axis)
    dims = shape_of(a)
    if axis is None:
        return reshape(a, tuple(n for n in dims if n != 1))
    axes = normalize_axis(axis, len(dims), "chainrule.numpy.squeeze")
    if dims and any(dims[i] != 1 for i in axes):
        raise ValueError(
            "chainrule.numpy.squeeze: cannot select an axis to squeeze out which has size not "
            "equal to one"
        )
    return reshape(a, tuple(n for i, n in enumerate(dims) if i not in axes))


def broadcast_arrays(*args: Any, subok: bool = False) -> tuple:
    """Differentiable numpy.broadcast_arrays(*args): a tuple of arrays of the common shape."""
    if not _is_traced_input(*args):
        return np.broadcast_arrays(*args, subok=subok)
    values = [_as_array(a) for a in args]
    common = np.broadcast_shapes(*[shape_of(v) for v in values])  # NumPy's error on a mismatch
    return tuple(broadcast_to(v, common) for v in values)


def _at_least(arrays: tuple, ndim: int, name: str) -> Any:
    if not _is_traced_input(*arrays):
        return getattr(np, name)(*arrays)
    results = []
    for array in arrays:
        value = _as_array(array)
        results.append(reshape(value, _at_least_shape(shape_of(value), ndim)))
    return results[0] if len(results) == 1 else tuple(results)


def _at_least_shape(dims: tuple, ndim: int) -> tuple:
    """A shape padded to ``ndim`` axes as NumPy does: (n,) -> (1, n) or (1, n, 1)."""
    if len(dims) >= ndim:
        return dims
    if ndim == 3 and len(dims) == 1:
        return (1, dims[0], 1)
    if ndim == 3 and len(dims) == 2:
        return dims + (1,)
    return (1,) * (ndim - len(dims)) + dims


def atleast_1d(*arys: Any) -> Any:
    """Differentiable numpy.atleast_1d(*arys): 0-d becomes (1,)."""
    return _at_least(arys, 1, "atleast_1d")


def atleast_2d(*arys: Any) -> Any:
    """Differentiable numpy.atleast_2d(*arys): 0-d becomes (1, 1), (n,) becomes (1, n)."""
    return _at_least(arys, 2, "atleast_2d")


def atleast_3d(*arys: Any) -> Any:
    """Differentiable numpy.atleast_3d(*arys): (n,) becomes (1, n, 1), (m, n) (m, n, 1)."""
    return _at_least(arys, 3, "atleast_3d")


def hstack(tup: Any, *, dtype: Any = None, casting: str = "same_kind") -> Any:
    """Differentiable numpy.hstack(tup): along axis 1, or axis 0 for 1-D arrays."""
    tup = list(tup)
    if not _is_traced_input(*tup):
        return np.hstack(tup, dtype=dtype, casting=casting)
    arrays = [atleast_1d(a) for a in tup]
    axis = 0 if ndim_of(arrays[0]) == 1 else 1
    return concatenate(arrays, axis, dtype=dtype, casting=casting)


def vstack(tup: Any, *, dtype: Any = None, casting: str = "same_kind") -> Any:
    """Differentiable numpy.vstack(tup): along axis 0, after atleast_2d."""
    tup = list(tup)
    if not _is_traced_input(*tup):
        return np.vstack(tup, dtype=dtype, casting=casting)
    return concatenate([atleast_2d(a) for a in tup], 0, dtype=dtype, casting=casting)


def dstack(tup: Any) -> Any:
    """Differentiable numpy.dstack(tup): along axis 2, after atleast_3d."""
    tup = list(tup)
    if not _is_traced_input(*tup):
        return np.dstack(tup)
    return concatenate([atleast_3d(a) for a in tup], 2)


def column_stack(tup: Any) -> Any:
    """Differentiable numpy.column_stack(tup): 1-D arrays become columns."""
    tup = list(tup)
    if not _is_traced_input(*tup):
        return np.column_stack(tup)
    columns = []
    for array in tup:
        value = _as_array(array)
        dims = shape_of(value)
        columns.append(reshape(value, (-1, 1)) if len(dims) < 2 else value)
    return concatenate(columns, 1)


def _cut(ary: Any, start: Any, stop: Any, axis: int) -> Any:
    """``ary[..., start:stop]`` along ``axis``, with Python's slicing rules."""
    length = shape_of(ary)[axis]
    start, stop, _ = slice(start, stop).indices(length)
    stop = max(start, stop)
    if (start, stop) == (0, length):
        return ary
    return sh.slice_p(ary, start=start, stop=stop, axis=axis)


def _split(ary: Any, indices_or_sections: Any, axis: Any, function: str) -> list:
    axis = normalize_one_axis(axis, ndim_of(ary), f"chainrule.numpy.{function}")
    length = shape_of(ary)[axis]
    if np.ndim(indices_or_sections) == 0:
        sections = int(indices_or_sections)  # NumPy truncates a float count
        if sections <= 0:
            raise ValueError(f"chainrule.numpy.{function}: number sections must be larger than 0.")
        if function != "array_split" and length % sections:
            raise ValueError(
                f"chainrule.numpy.{function}: array split does not result in an equal division"
            )
        # array_split: the first (length % sections) pieces are one longer.
        each, extra = divmod(length, sections)
        sizes = [each + 1] * extra + [each] * (sections - extra)
        bounds = np.concatenate([[0], np.cumsum(sizes)]).tolist()
    else:
        bounds = [0, *[operator.index(i) for i in indices_or_sections], length]
    return [
        _cut(ary, start, stop, axis) for start, stop in zip(bounds[:-1], bounds[1:], strict=True)
    ]


def split(ary: Any, indices_or_sections: Any, axis: int = 0) -> list:
    """Differentiable numpy.split(ary, indices_or_sections, axis=0): equal pieces or cuts."""
    if not is_traced(ary):
        return np.split(ary, indices_or_sections, axis)
    return _split(ary, indices_or_sections, axis, "split")


def array_split(ary: Any, indices_or_sections: Any, axis: int = 0) -> list:
    """Differentiable numpy.array_split(ary, indices_or_sections, axis=0): unequal allowed."""
    if not is_traced(ary):
        return np.array_split(ary, indices_or_sections, axis)
    return _split(ary, indices_or_sections, axis, "array_split")


def _split_at_least(ary: Any, indices_or_sections: Any, ndim: int, axis: int, name: str) -> list:
    if not is_traced(ary):
        return getattr(np, name)(ary, indices_or_sections)
    if ndim_of(ary) < ndim:
        raise ValueError(
            f"chainrule.numpy.{name}: {name} only works on arrays of {ndim} or more dimensions"
        )
    return _split(ary, indices_or_sections, axis, name)


def hsplit(ary: Any, indices_or_sections: Any) -> list:
    """Differentiable numpy.hsplit(ary, indices_or_sections): along axis 1 (0 for 1-D)."""
    axis = 1 if ndim_of(ary) > 1 else 0
    return _split_at_least(ary, indices_or_sections, 1, axis, "hsplit")


def vsplit(ary: Any, indices_or_sections: Any) -> list:
    """Differentiable numpy.vsplit(ary, indices_or_sections): along axis 0."""
    return _split_at_least(ary, indices_or_sections, 2, 0, "vsplit")


def dsplit(ary: Any, indices_or_sections: Any) -> list:
    """Differentiable numpy.dsplit(ary, indices_or_sections): along axis 2."""
    return _split_at_least(ary, indices_or_sections, 3, 2, "dsplit")


def tile(A: Any, reps: Any) -> Any:  # noqa: N803 - NumPy's name
    """Differentiable numpy.tile(A, reps), as a broadcast: out[i*n + j] = A[j] per axis."""
    if not is_traced(A):
        return np.tile(A, reps)
    reps = (reps,) if np.ndim(reps) == 0 else tuple(reps)
    reps = tuple(operator.index(r) for r in reps)
    if any(r < 0 for r in reps):
        raise ValueError("chainrule.numpy.tile: negative dimensions are not allowed")
    dims = shape_of(A)
    rank = max(len(reps), len(dims))
    dims = (1,) * (rank - len(dims)) + dims
    reps = (1,) * (rank - len(reps)) + reps
    # Axis pairs (copy, entry): broadcasting along each copy axis repeats the whole block.
    spread = broadcast_to(
        reshape(A, tuple(x for n in dims for x in (1, n))),
        tuple(x for r, n in zip(reps, dims, strict=True) for x in (r, n)),
    )
    return reshape(spread, tuple(r * n for r, n in zip(reps, dims, strict=True)))


def repeat(a: Any, repeats: Any, axis: Any = None) -> Any:
    """Differentiable numpy.repeat(a, repeats, axis=None): a count, or one count per entry."""
    if not is_traced(a):
        return np.repeat(a, repeats, axis)
    counts = np.asarray(repeats)
    if counts.ndim > 1:
        raise ValueError("chainrule.numpy.repeat: repeats must be an int or a 1-D sequence")
    counts = counts.astype(np.intp).reshape(-1)
    if (counts < 0).any():
        raise ValueError("chainrule.numpy.repeat: repeats may not contain negative values.")
    if axis is None or ndim_of(a) == 0:
        # NumPy repeats a 0-d array as if it were 1-D, along axis 0 or -1.
        a = ravel(a) if axis is None else reshape(a, (1,))
        axis = 0 if axis is None else axis
    axis = normalize_one_axis(axis, ndim_of(a), "chainrule.numpy.repeat")
    dims = shape_of(a)
    if counts.size not in (1, dims[axis]):
        raise ValueError(
            f"chainrule.numpy.repeat: operands could not be broadcast together with shape "
            f"({dims[axis]},) ({counts.size},)"
        )
    if counts.size == 0:
        return a
    if counts.size > 1 and (counts != counts[0]).any():
        return sh.repeat_p(a, repeats=tuple(counts.tolist()), axis=axis)
    # One count r for all: (.., n, ..) -> (.., n, 1, ..) -> broadcast (.., n, r, ..) -> merge.
    count = int(counts[0])
    before, after = dims[: axis + 1], dims[axis + 1 :]
    spread = broadcast_to(reshape(a, before + (1,) + after), before + (count,) + after)
    return reshape(spread, dims[:axis] + (dims[axis] * count,) + after)


def flip(m: Any, axis: Any = None) -> Any:
    """Differentiable numpy.flip(m, axis=None): reverse the order along the given axes."""
    if not is_traced(m):
        return np.flip(m, axis)
    ndim = ndim_of(m)
    axes = range(ndim) if axis is None else _axis_list(axis, ndim, "flip", "axis")
    axes = tuple(sorted(n for n in axes if shape_of(m)[n] > 1))  # length 0 or 1: unchanged
    return sh.flip_p(m, axes=axes) if axes else m


def fliplr(m: Any) -> Any:
    """Differentiable numpy.fliplr(m): reverse axis 1."""
    if is_traced(m) and ndim_of(m) < 2:
        raise ValueError("chainrule.numpy.fliplr: Input must be >= 2-d.")
    return flip(m, 1) if is_traced(m) else np.fliplr(m)


def flipud(m: Any) -> Any:
    """Differentiable numpy.flipud(m): reverse axis 0."""
    if is_traced(m) and ndim_of(m) < 1:
        raise ValueError("chainrule.numpy.flipud: Input must be >= 1-d.")
    return flip(m, 0) if is_traced(m) else np.flipud(m)


def roll(a: Any, shift: Any, axis: Any = None) -> Any:
    """Differentiable numpy.roll(a, shift, axis=None): a cyclic shift along the axes."""
    if not is_traced(a):
        return np.roll(a, shift, axis)
    if axis is None:
        return reshape(roll(ravel(a), shift, 0), shape_of(a))
    dims = shape_of(a)
    totals: dict[int, int] = {}
    # Shifts and axes broadcast against each other; shifts on the same axis add up.
    for step, ax in np.broadcast(shift, axis):
        ax = normalize_one_axis(ax, len(dims), "chainrule.numpy.roll")
        totals[ax] = totals.get(ax, 0) + operator.index(step)
    moves = [(ax, step % dims[ax]) for ax, step in sorted(totals.items()) if dims[ax] > 0]
    moves = [(ax, step) for ax, step in moves if step]
    if not moves:
        return a
    return sh.roll_p(a, shift=tuple(s for _, s in moves), axis=tuple(ax for ax, _ in moves))


# NumPy 2's array-API spellings.
concat, permute_dims = concatenate, transpose

__all__ = sorted(
    [
        name
        for name, value in list(globals().items())
        if not name.startswith("_") and getattr(value, "__module__", None) == __name__
    ]
    + ["diag", "diagonal", "trace", "tril", "triu", "pad"]
)
