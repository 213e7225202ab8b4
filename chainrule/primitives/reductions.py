"""Reductions over axes: sums, products, extrema, cumulative sums and products.

Products are differentiated without ever dividing by an input, so inputs with zeros
(one or several) get exact derivatives of every order: the product of "all the other
elements" is built from exclusive cumulative products, and the cumulative product's
rules run a first-order linear recurrence (`linear_recurrence_p`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.core import Primitive, spec_of
from chainrule.primitives.declare import linear, nondifferentiable, safe_multiply_p
from chainrule.primitives.elementwise import (
    astype_p,
    equal_p,
    isnan_p,
    logical_and_p,
    logical_or_p,
)
from chainrule.primitives.shape import (
    broadcast_to_p,
    concatenate_p,
    reshape_p,
    slice_p,
    transpose_p,
)


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


# ---------------------------------------------------------------------------------------
# Shifting along an axis, the building block of "exclusive" cumulative results.


def shift(value, axis: int, toward_end: bool, fill: float):
    """Move ``value`` one place along ``axis``, filling the emptied end with ``fill``.

    ``toward_end``: result[i] = value[i - 1] and result[0] = fill; otherwise
    result[i] = value[i + 1] and result[-1] = fill. Linear in ``value``.
    """
    spec = spec_of(value)
    n = spec.shape[axis]
    if n == 0:
        return value
    if n == 1:
        return np.full(spec.shape, fill, dtype=spec.dtype)
    edge_shape = tuple(1 if i == axis else m for i, m in enumerate(spec.shape))
    edge = np.full(edge_shape, fill, dtype=spec.dtype)
    if toward_end:
        return concatenate_p(edge, slice_p(value, start=0, stop=n - 1, axis=axis), axis=axis)
    return concatenate_p(slice_p(value, start=1, stop=n, axis=axis), edge, axis=axis)


# ---------------------------------------------------------------------------------------
# Cumulative sum: linear; its transpose is the cumulative sum taken the other way.


def _cumsum_impl(x, axis, reverse):
    if not reverse:
        return np.cumsum(x, axis=axis)
    return np.flip(np.cumsum(np.flip(x, axis), axis=axis), axis)


cumsum_p = linear(
    "cumsum",
    _cumsum_impl,
    lambda out_bar, x_spec, axis, reverse: cumsum_p(out_bar, axis=axis, reverse=not reverse),
    family="reductions",
)


# ---------------------------------------------------------------------------------------
# The linear recurrence y[i] = a[i] * y[i-1] + b[i] (y[-1] = 0) along an axis, or with
# reverse=True y[i] = a[i] * y[i+1] + b[i] (y[n] = 0). Unrolled:
#   y[i] = sum_{k <= i} b[k] * prod_{k < j <= i} a[j]      (forward; a[0] is never used)
# It is what the derivatives of a cumulative product are, with no division anywhere.


def _forward_recurrence(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The forward recurrence along axis 0 of same-shaped arrays."""
    scale = a.copy()
    scale[:1] = 1
    partial_products = np.cumprod(scale, axis=0)
    magnitude = np.abs(partial_products)
    bound = np.sqrt(np.finfo(magnitude.dtype).tiny)
    if magnitude.min() > bound and magnitude.max() < 1 / bound:
        # Vectorised: y[i] = P[i] * sum_{k <= i} b[k] / P[k], with P the products of a.
        # Used only when P stays far from 0 and overflow; the terms are then exact to a
        # few ulps of b[k] * prod_{k < j <= i} a[j], as in the loop below.
        with np.errstate(all="ignore"):
            y = partial_products * np.cumsum(b / partial_products, axis=0)
        if np.isfinite(y).all():
            return y
    y = np.empty_like(b)
    y[0] = b[0]
    for i in range(1, a.shape[0]):
        y[i] = a[i] * y[i - 1] + b[i]
    return y


def _recurrence_impl(a, b, axis, reverse):
    a, b = np.broadcast_arrays(np.asarray(a), np.asarray(b))
    dtype = np.result_type(a, b)
    if reverse:
        a, b = np.flip(a, axis), np.flip(b, axis)
    a = np.moveaxis(a, axis, 0).astype(dtype)
    b = np.moveaxis(b, axis, 0).astype(dtype)
    y = np.moveaxis(_forward_recurrence(a, b), 0, axis)
    return np.flip(y, axis) if reverse else y


# With y_prev[i] = y[i-1] (0 at the start; y[i+1] for reverse=True):
#   dy = recurrence(a, b_dot + a_dot * y_prev)
# and its transpose runs the recurrence the other way with the multipliers moved one place
# (w[k] = y_bar[k] + a[k+1] w[k+1] for forward), giving b_bar = w and a_bar = w * y_prev.
def _recurrence_jvp(tangents, primals, out, axis, reverse):
    a_dot, b_dot = tangents
    if a_dot is None and b_dot is None:
        return None
    a = primals[0]
    drive = b_dot
    if a_dot is not None:
        from_a = safe_multiply_p(a_dot, shift(out, axis, toward_end=not reverse, fill=0))
        drive = from_a if b_dot is None else from_a + b_dot
    return linear_recurrence_p(a, drive, axis=axis, reverse=reverse)


def _recurrence_vjp(out_bar, primals, out, wanted, axis, reverse):
    a = primals[0]
    a_moved = shift(a, axis, toward_end=reverse, fill=0)
    w = linear_recurrence_p(a_moved, out_bar, axis=axis, reverse=not reverse)
    a_bar = None
    if wanted[0]:
        a_bar = safe_multiply_p(w, shift(out, axis, toward_end=not reverse, fill=0))
    return (a_bar, w if wanted[1] else None)


linear_recurrence_p = Primitive(
    "linear_recurrence",
    _recurrence_impl,
    jvp=_recurrence_jvp,
    vjp=_recurrence_vjp,
    family="reductions",
)


# ---------------------------------------------------------------------------------------
# Cumulative product out[i] = x[i] * out[i-1] (out[-1] = 1; from the end if reverse):
#   d out = recurrence(x, x_dot * before)   with before[i] = out[i-1] (1 at the start),
# the exact product of the elements preceding i, so zeros in x need no special case.


def _cumprod_impl(x, axis, reverse):
    if not reverse:
        return np.cumprod(x, axis=axis)
    return np.flip(np.cumprod(np.flip(x, axis), axis=axis), axis)


def _cumprod_jvp(tangents, primals, out, axis, reverse):
    (x_dot,) = tangents
    if x_dot is None:
        return None
    before = shift(out, axis, toward_end=not reverse, fill=1)
    return linear_recurrence_p(
        primals[0], safe_multiply_p(x_dot, before), axis=axis, reverse=reverse
    )


def _cumprod_vjp(out_bar, primals, out, wanted, axis, reverse):
    x_moved = shift(primals[0], axis, toward_end=reverse, fill=0)
    w = linear_recurrence_p(x_moved, out_bar, axis=axis, reverse=not reverse)
    return (safe_multiply_p(w, shift(out, axis, toward_end=not reverse, fill=1)),)


cumprod_p = Primitive(
    "cumprod", _cumprod_impl, jvp=_cumprod_jvp, vjp=_cumprod_vjp, family="reductions"
)


# ---------------------------------------------------------------------------------------
# Product: d prod(x) / d x[k] = product of the other elements, computed as
# (exclusive cumulative product from the left) * (exclusive one from the right).


def _others_along(x, axis: int):
    left = shift(cumprod_p(x, axis=axis, reverse=False), axis, toward_end=True, fill=1)
    right = shift(cumprod_p(x, axis=axis, reverse=True), axis, toward_end=False, fill=1)
    return left * right


def product_of_others(x, axis: tuple):
    """For each element, the product of the other elements of its slice over ``axis``."""
    if len(axis) == 1:
        return _others_along(x, axis[0])
    shape = spec_of(x).shape
    kept = tuple(i for i in range(len(shape)) if i not in axis)
    order = kept + tuple(axis)
    moved = x if order == tuple(range(len(shape))) else transpose_p(x, axes=order)
    kept_shape = tuple(shape[i] for i in kept)
    size = int(np.prod([shape[i] for i in axis], dtype=np.int64))
    flat = reshape_p(moved, shape=kept_shape + (size,))
    others = _others_along(flat, len(kept))
    others = reshape_p(others, shape=tuple(shape[i] for i in order))
    if order == tuple(range(len(shape))):
        return others
    return transpose_p(others, axes=tuple(np.argsort(order).tolist()))


def _prod_impl(x, axis, keepdims):
    return np.prod(x, axis=axis, keepdims=keepdims)


def _prod_jvp(tangents, primals, out, axis, keepdims):
    (x_dot,) = tangents
    if x_dot is None:
        return None
    if not axis:
        return x_dot
    others = product_of_others(primals[0], axis)
    return sum_p(safe_multiply_p(x_dot, others), axis=axis, keepdims=keepdims)


def _prod_vjp(out_bar, primals, out, wanted, axis, keepdims):
    if not axis:
        return (out_bar,)
    x = primals[0]
    spread = broadcast_back(out_bar, spec_of(x), axis, keepdims)
    return (safe_multiply_p(spread, product_of_others(x, axis)),)


prod_p = Primitive("prod", _prod_impl, jvp=_prod_jvp, vjp=_prod_vjp, family="reductions")


# ---------------------------------------------------------------------------------------
# Maximum and minimum: the derivative goes to the element(s) equal to the result. Ties
# split it evenly (each of m tied elements gets 1/m), so max(x, x, x) has slope 1 and
# agrees with maximum(). A NaN result (NumPy propagates NaN) sends it to the NaNs.


def _tie_weights(x, out, axis, keepdims):
    """1/m at each of the m elements equal to the result, 0 elsewhere (a constant)."""
    spec = spec_of(x)
    full = broadcast_back(out, spec, axis, keepdims)
    both_nan = logical_and_p(isnan_p(x), isnan_p(full))
    is_chosen = astype_p(logical_or_p(equal_p(x, full), both_nan), dtype=spec.dtype)
    return is_chosen / sum_p(is_chosen, axis=axis, keepdims=True)


def _extremum(name: str, numpy_function) -> Primitive:
    def impl(x, axis, keepdims):
        return numpy_function(x, axis=axis, keepdims=keepdims)

    def jvp(tangents, primals, out, axis, keepdims):
        (x_dot,) = tangents
        if x_dot is None:
            return None
        weights = _tie_weights(primals[0], out, axis, keepdims)
        return sum_p(safe_multiply_p(x_dot, weights), axis=axis, keepdims=keepdims)

    def vjp(out_bar, primals, out, wanted, axis, keepdims):
        x = primals[0]
        spread = broadcast_back(out_bar, spec_of(x), axis, keepdims)
        return (safe_multiply_p(spread, _tie_weights(x, out, axis, keepdims)),)

    return Primitive(name, impl, jvp=jvp, vjp=vjp, family="reductions")


max_p = _extremum("max", np.max)
min_p = _extremum("min", np.min)


# ---------------------------------------------------------------------------------------
# Results with no derivative: positions of extrema, truth tests and counts.


def _axis_query(name: str, numpy_function: Any) -> Any:
    """A non-differentiable reduction taking NumPy's axis= and keepdims=."""
    return nondifferentiable(
        name,
        lambda x, axis, keepdims: numpy_function(x, axis=axis, keepdims=keepdims),
        family="reductions",
    )


argmax_p = _axis_query("argmax", np.argmax)
argmin_p = _axis_query("argmin", np.argmin)
any_p = _axis_query("any", np.any)
all_p = _axis_query("all", np.all)
count_nonzero_p = _axis_query("count_nonzero", np.count_nonzero)
