"""Shape primitives: reshape, transpose, broadcast, concatenate, flip and friends.

All are linear, so each is declared with `linear` and its transpose.
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
    pieces = [zeros_for(p) if t is None else t for p, t in zip(primals, tangents)]
    return concatenate_p(*pieces, axis=axis)


def _concatenate_vjp(out_bar, primals, out, wanted, axis):
    bars, start = [], 0
    for primal, is_wanted in zip(primals, wanted):
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
    pieces = [p for p in (np.zeros(before, x_spec.dtype), out_bar,
                          np.zeros(after, x_spec.dtype)) if np.shape(p)[axis] or p is out_bar]
    return concatenate_p(*pieces, axis=axis) if len(pieces) > 1 else out_bar


# A contiguous slice along one axis (what concatenate's VJP needs; general indexing is
# in indexing.py).
slice_p = linear("slice", _slice_impl, _pad_axis, family="shape")
