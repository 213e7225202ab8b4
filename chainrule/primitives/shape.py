"""Shape primitives: reshape, transpose, broadcast, concatenate, slice, flip, roll, diagonals,
repeat.

All are linear: each is declared with its transpose, which is again one of these.
"""

from __future__ import annotations

import numpy as np

from chainrule.core import Primitive
from chainrule.primitives.declare import linear, zeros_for

reshape_p = linear(
    "reshape",
    lambda x, shape: np.reshape(x, shape),
    lambda out_bar, x_spec, shape: reshape_p(out_bar, shape=x_spec.shape),
    family="shape",
)

# Broadcasting copies values; its transpose sums them back, which the sweep already does
# for every cotangent, so the transpose here is the identity.
broadcast_to_p = linear(
    "broadcast_to",
    lambda x, shape: np.broadcast_to(x, shape),
    lambda out_bar, x_spec, shape: out_bar,
    family="shape",
)

transpose_p = linear(
    "transpose",
    lambda x, axes: np.transpose(x, axes),
    lambda out_bar, x_spec, axes: transpose_p(out_bar, axes=tuple(np.argsort(axes).tolist())),
    family="shape",
)


def _concatenate_impl(*xs, axis):
    return np.concatenate(xs, axis=axis)


# Concatenation is linear: tangents concatenate (zeros for constant pieces), and the
# cotangent is cut back into the pieces.
def _concatenate_jvp(tangents, primals, out, axis):
    if all(t is None for t in tangents):
        return None
    pieces = [zeros_for(p) if t is None else t for p, t in zip(primals, tangents, strict=True)]
    return concatenate_p(*pieces, axis=axis)


def _concatenate_vjp(out_bar, primals, out, wanted, axis):
    bars, start = [], 0
    for primal, is_wanted in zip(primals, wanted, strict=True):
        length = np.shape(primal)[axis] if not hasattr(primal, "shape") else primal.shape[axis]
        if is_wanted:
            bars.append(slice_p(out_bar, start=start, stop=start + length, axis=axis))
        else:
            bars.append(None)
        start += length
    return tuple(bars)


concatenate_p = Primitive(
    "concatenate", _concatenate_impl, jvp=_concatenate_jvp, vjp=_concatenate_vjp, family="shape"
)


def _slice_impl(x, start, stop, axis):
    index = (slice(None),) * axis + (slice(start, stop),)
    return x[index]


def _pad_axis(out_bar, x_spec, start, stop, axis):
    """The transpose of cutting [start:stop] along ``axis``: zeros around the cotangent."""
    before = list(x_spec.shape)
    before[axis] = start
    after = list(x_spec.shape)
    after[axis] = x_spec.shape[axis] - stop
    pieces = [
        p
        for p in (np.zeros(before, x_spec.dtype), out_bar, np.zeros(after, x_spec.dtype))
        if np.shape(p)[axis] or p is out_bar
    ]
    return concatenate_p(*pieces, axis=axis) if len(pieces) > 1 else out_bar


# A contiguous slice along one axis (what concatenate's VJP needs; general indexing is
# in indexing.py).
slice_p = linear("slice", _slice_impl, _pad_axis, family="shape")


# Reversing an axis is its own inverse and its own transpose.
flip_p = linear(
    "flip",
    lambda x, axes: np.flip(x, axes),
    lambda out_bar, x_spec, axes: flip_p(out_bar, axes=axes),
    family="shape",
)

# A cyclic shift; its transpose shifts back by the same amounts.
roll_p = linear(
    "roll",
    lambda x, shift, axis: np.roll(x, shift, axis),
    lambda out_bar, x_spec, shift, axis: roll_p(out_bar, shift=tuple(-s for s in shift), axis=axis),
    family="shape",
)


def _diagonal_impl(x, offset, axis1, axis2):
    return np.diagonal(x, offset, axis1, axis2).copy()


def _embed_diagonal_impl(x, shape, offset, axis1, axis2):
    out = np.zeros(shape, np.result_type(x))
    # A view with the two axes last, so the diagonal is out_view[..., rows, cols].
    out_view = np.moveaxis(out, (axis1, axis2), (-2, -1))
    steps = np.arange(np.shape(x)[-1])
    out_view[..., steps + max(-offset, 0), steps + max(offset, 0)] = x
    return out


# Taking a diagonal picks entries; its transpose puts the cotangent back on that diagonal
# of an array of zeros (embed_diagonal), and the transpose of that picks it out again.
diagonal_p = linear(
    "diagonal",
    _diagonal_impl,
    lambda out_bar, x_spec, offset, axis1, axis2: embed_diagonal_p(
        out_bar, shape=x_spec.shape, offset=offset, axis1=axis1, axis2=axis2
    ),
    family="shape",
)

embed_diagonal_p = linear(
    "embed_diagonal",
    _embed_diagonal_impl,
    lambda out_bar, x_spec, shape, offset, axis1, axis2: diagonal_p(
        out_bar, offset=offset, axis1=axis1, axis2=axis2
    ),
    family="shape",
)


def _sum_repeats_impl(x, repeats, axis):
    counts = np.asarray(repeats, dtype=np.intp)
    shape = list(np.shape(x))
    shape[axis] = len(counts)
    out = np.zeros(shape, np.result_type(x))
    is_nonempty = counts > 0
    if is_nonempty.any():
        starts = np.cumsum(counts) - counts
        # reduceat sums from each start to the next; empty runs are skipped, and stay zero.
        sums = np.add.reduceat(x, starts[is_nonempty], axis=axis)
        out[(slice(None),) * axis + (np.flatnonzero(is_nonempty),)] = sums
    return out


# repeat with one count per entry along an axis (uniform counts are a broadcast in
# chainrule.numpy). Its transpose sums each run of copies back into one entry
# (sum_repeats), whose transpose is the repeat again.
repeat_p = linear(
    "repeat",
    lambda x, repeats, axis: np.repeat(x, repeats, axis),
    lambda out_bar, x_spec, repeats, axis: sum_repeats_p(out_bar, repeats=repeats, axis=axis),
    family="shape",
)

sum_repeats_p = linear(
    "sum_repeats",
    _sum_repeats_impl,
    lambda out_bar, x_spec, repeats, axis: repeat_p(out_bar, repeats=repeats, axis=axis),
    family="shape",
)
