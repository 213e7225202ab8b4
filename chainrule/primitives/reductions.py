"""Reductions over axes: sums, products, extrema, cumulative sums and products."""

from __future__ import annotations

import numpy as np

from chainrule.primitives.declare import linear
from chainrule.primitives.shape import broadcast_to_p, reshape_p


def keepdims_shape(shape: tuple, axis: tuple) -> tuple:
    """``shape`` with the reduced ``axis`` kept as length 1."""
    return tuple(1 if i in axis else n for i, n in enumerate(shape))


def broadcast_back(value, x_spec, axis: tuple, keepdims: bool):
    """Spread a reduction's result (or its cotangent) back over the reduced axes."""
    if not keepdims:
        value = reshape_p(value, shape=keepdims_shape(x_spec.shape, axis))
    return broadcast_to_p(value, shape=x_spec.shape)


def _sum_impl(x, axis, keepdims):
    return np.sum(x, axis=axis, keepdims=keepdims)


# The sum is linear; its transpose copies the cotangent back over the summed axes.
sum_p = linear(
    "sum",
    _sum_impl,
    lambda out_bar, x_spec, axis, keepdims: broadcast_back(out_bar, x_spec, axis, keepdims),
    family="reductions",
)
