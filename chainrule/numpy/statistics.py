"""chainrule.numpy's order statistics: percentile, quantile, median and their NaN-skipping twins.

Each one sorts the reduced axes and reads, or interpolates between, the positions that
NumPy's ``method`` names; no partition is needed. The derivative in ``a`` follows the
sort convention (docs/conventions.md): every sorted position takes the derivative of
the element NumPy's stable argsort puts there, so at ties one element gets it all.
An interpolated quantile sends ``1 - gamma`` of its derivative to the lower neighbour
and ``gamma`` to the upper one. ``q`` only chooses positions: it carries no derivative,
and a traced ``q`` is refused.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from chainrule.core import Tracer
from chainrule.numpy.arguments import as_value, is_traced, normalize_axis
from chainrule.numpy.elementwise import where
from chainrule.numpy.indexing import sort, take_along_axis
from chainrule.numpy.manipulation import moveaxis, reshape, transpose
from chainrule.numpy.reductions import mean

__all__ = ["median", "nanmedian", "nanpercentile", "nanquantile", "percentile", "quantile"]

# (alpha, beta) of Hyndman and Fan's continuous sample quantiles, as NumPy names them:
# the virtual index is n*q + alpha + q*(1 - alpha - beta) - 1.
_CONTINUOUS = {
    "interpolated_inverted_cdf": (0.0, 1.0),
    "hazen": (0.5, 0.5),
    "weibull": (0.0, 0.0),
    "median_unbiased": (1 / 3.0, 1 / 3.0),
    "normal_unbiased": (3 / 8.0, 3 / 8.0),
}
_METHODS = (
    "linear",
    "lower",
    "higher",
    "nearest",
    "midpoint",
    "inverted_cdf",
    "averaged_inverted_cdf",
    "closest_observation",
    *_CONTINUOUS,
)


def _plain(value: Any) -> np.ndarray:
    return value.concrete_value() if isinstance(value, Tracer) else np.asarray(value)


def _refuse(name: str, q: Any, out: Any, weights: Any, method: str) -> None:
    """The checks of a traced call: what it cannot do says so."""
    if is_traced(q) or (isinstance(q, (list, tuple)) and is_traced(*q)):
        raise TypeError(
            f"chainrule.numpy.{name}: q is traced, but {name} is not differentiable in q "
            f"(q only chooses which sorted elements are read). Pass q as a plain number or "
            f"array, e.g. cr.stop_gradient(q)."
        )
    if out is not None:
        raise TypeError(
            f"chainrule.numpy.{name}: out= is not supported on traced values (it writes in "
            f"place); use the returned array."
        )
    if weights is not None:
        raise NotImplementedError(
            f"chainrule.numpy.{name}: weights= is not supported on traced values; call "
            f"{name} without weights, or on plain arrays."
        )
    if method not in _METHODS:
        raise ValueError(
            f"chainrule.numpy.{name}: method={method!r} is not one of NumPy's methods "
            f"{', '.join(map(repr, _METHODS))}."
        )


def _fractions(name: str, q: Any, scale: float) -> np.ndarray:
    """q as fractions in [0, 1], computed as NumPy computes them (percentiles / 100)."""
    fractions = np.true_divide(q, scale) if scale != 1 else np.asanyarray(q)
    fractions = np.asanyarray(fractions)
    if fractions.ndim > 2:
        raise ValueError(f"chainrule.numpy.{name}: q must be a scalar or 1-d, not {q!r}")
    if fractions.size and not (fractions.min() >= 0 and fractions.max() <= 1):
        upper = 100 if scale == 100 else 1
        raise ValueError(f"chainrule.numpy.{name}: q must be in the range [0, {upper}]")
    return fractions


def _discrete(index: np.ndarray, keeps_previous: Any) -> np.ndarray:
    """NumPy's discrete methods: the previous or the next integer to ``index``, at least 0."""
    previous = np.floor(index)
    chosen = np.where(keeps_previous(index - previous, index), previous, previous + 1)
    return np.maximum(chosen, 0).astype(np.intp)


def _positions(method: str, n: np.ndarray, q: np.ndarray) -> tuple:
    """(lower index, upper index, gamma) per quantile and lane; gamma None: read lower only.

    ``n`` holds the number of values of each lane, ``q`` the fractions; both broadcast.
    Written as NumPy's own quantile code computes them, so the indices agree exactly.
    """
    with np.errstate(invalid="ignore"):  # lanes with no values (all NaN) are masked later
        if method == "lower":
            return np.floor((n - 1) * q).astype(np.intp), None, None
        if method == "higher":
            return np.ceil((n - 1) * q).astype(np.intp), None, None
        if method == "nearest":
            return np.around((n - 1) * q).astype(np.intp), None, None
        if method == "inverted_cdf":
            return _discrete(n * q - 1, lambda gamma, _: gamma == 0), None, None
        if method == "closest_observation":
            even = lambda gamma, index: (gamma == 0) & (np.floor(index) % 2 == 1)
            return _discrete(n * q - 1 - 0.5, even), None, None
        if method in ("linear", "median"):
            virtual = (n - 1) * q
        elif method == "midpoint":
            virtual = 0.5 * (np.floor((n - 1) * q) + np.ceil((n - 1) * q))
        elif method == "averaged_inverted_cdf":
            virtual = n * q - 1
        else:
            alpha, beta = _CONTINUOUS[method]
            virtual = n * q + (alpha + q * (1 - alpha - beta)) - 1
        virtual = np.asarray(virtual)
        lower = np.floor(virtual)
        gamma = virtual - lower
        if method == "midpoint":
            gamma = np.where(virtual % 1 == 0, 0.0, 0.5)
        elif method == "averaged_inverted_cdf":
            gamma = np.where(gamma == 0, 0.5, 1.0)
        upper = lower + 1
        # Past either end, both neighbours are that end (NumPy's _get_indexes).
        above, below = virtual >= n - 1, virtual < 0
        lower = np.where(above, n - 1, np.where(below, 0, lower))
        upper = np.where(above, n - 1, np.where(below, 0, upper))
        return lower.astype(np.intp), upper.astype(np.intp), gamma


def _interpolate(lower: Any, upper: Any, gamma: np.ndarray, method: str) -> Any:
    """NumPy's interpolation between neighbours (its _lerp; the mean of two for a median)."""
    if method == "median":
        return where(gamma == 0, lower, (lower + upper) / 2) if np.any(gamma) else lower
    difference = upper - lower
    from_lower = lower + difference * gamma
    if not np.any(gamma >= 0.5):
        return from_lower
    # For gamma >= 0.5 NumPy measures from the upper neighbour, which is exact at gamma = 1.
    return where(gamma >= 0.5, upper - difference * (1 - gamma), from_lower)


def _order_statistic(
    name: str,
    a: Any,
    fractions: np.ndarray,
    axis: Any,
    keepdims: bool,
    method: str,
    dtype: Any,
    skips_nans: bool,
) -> Any:
    """The quantiles ``fractions`` of ``a`` over ``axis``, shaped q.shape + the kept axes."""
    a = as_value(a)
    if a.dtype.kind == "c":
        raise TypeError(f"chainrule.numpy.{name}: a must be an array of real numbers")
    axes = normalize_axis(axis, a.ndim, name)
    kept = tuple(i for i in range(a.ndim) if i not in axes)
    kept_shape = tuple(a.shape[i] for i in kept)
    n = math.prod(a.shape[i] for i in axes)
    # One lane per kept position: the reduced axes moved last and flattened into one.
    if kept + axes != tuple(range(a.ndim)):
        a = transpose(a, kept + axes)
    lanes = sort(reshape(a, kept_shape + (n,)), axis=-1)
    if dtype is not None and lanes.dtype != dtype:
        lanes = lanes.astype(dtype)
    sorted_values = _plain(lanes)
    if skips_nans:  # NaNs sort last: each lane's values are its first `count` elements
        counts = np.sum(~np.isnan(sorted_values), axis=-1)
    else:
        counts = np.full(kept_shape, n)
    q = fractions.reshape(-1)
    # NumPy counts with a Python int, which takes q's dtype: do the same.
    counts_like_q = counts[..., None].astype(q.dtype) if q.dtype.kind == "f" else counts[..., None]
    lower_index, upper_index, gamma = _positions(method, counts_like_q, q)
    gather_shape = kept_shape + (q.size,)
    lower_index = np.broadcast_to(lower_index, gather_shape)
    result = take_along_axis(lanes, lower_index, axis=-1)
    if gamma is not None:
        upper_index = np.broadcast_to(upper_index, gather_shape)
        gamma = np.broadcast_to(gamma, gather_shape).astype(lanes.dtype)
        result = _interpolate(result, take_along_axis(lanes, upper_index, axis=-1), gamma, method)
    if skips_nans:
        empty = np.broadcast_to((counts == 0)[..., None], gather_shape)
        if empty.any():  # an all-NaN lane: NumPy returns NaN
            result = where(empty, np.asarray(np.nan, lanes.dtype), result)
    elif n and np.isnan(sorted_values[..., -1]).any():  # a lane holding a NaN gives NaN
        has_nan = np.broadcast_to(np.isnan(sorted_values[..., -1:]), gather_shape)
        result = where(has_nan, lanes[..., -1:], result)
    out_shape = _keepdims_shape(kept, axes, kept_shape) if keepdims else kept_shape
    return reshape(moveaxis(result, -1, 0), fractions.shape + out_shape)


def _keepdims_shape(kept: tuple, axes: tuple, kept_shape: tuple) -> tuple:
    sizes = dict(zip(kept, kept_shape))
    return tuple(sizes.get(i, 1) for i in range(len(kept) + len(axes)))


def _result_dtype(numpy_function: Any, dtype: np.dtype, q: Any, method: str) -> np.dtype:
    """The dtype NumPy gives, asked of NumPy itself on one element: NumPy's rule (whether a
    Python-number q keeps a float32 ``a`` in float32) has changed between versions."""
    probe = q if type(q) in (int, float) else np.asarray(q).reshape(-1)[:1]
    with np.errstate(all="ignore"):
        return np.asarray(numpy_function(np.zeros(1, dtype), probe, method=method)).dtype


def _quantiles(
    name: str,
    numpy_function: Any,
    scale: float,
    a: Any,
    q: Any,
    axis: Any,
    out: Any,
    method: str,
    keepdims: bool,
    weights: Any,
    skips_nans: bool,
) -> Any:
    _refuse(name, q, out, weights, method)
    fractions = _fractions(name, q, scale)
    dtype = _result_dtype(numpy_function, np.dtype(as_value(a).dtype), q, method)
    return _order_statistic(name, a, fractions, axis, bool(keepdims), method, dtype, skips_nans)


def _weights(weights: Any) -> dict:
    return {} if weights is None else {"weights": weights}


def quantile(
    a: Any,
    q: Any,
    axis: Any = None,
    out: Any = None,
    overwrite_input: bool = False,
    method: str = "linear",
    keepdims: bool = False,
    *,
    weights: Any = None,
) -> Any:
    """Differentiable numpy.quantile(a, q, axis=None, out=None, overwrite_input=False,
    method='linear', keepdims=False); differentiable in ``a``, not in ``q``.

    Every NumPy method works on traced ``a``; ``weights=`` only on plain arrays.
    Raises TypeError for a traced q, ValueError for q outside [0, 1] or an unknown method.

    >>> import chainrule as cr
    >>> cr.grad(lambda x: quantile(x, 0.25))(np.array([4.0, 1.0, 3.0]))
    array([0. , 0.5, 0.5])
    """
    if not is_traced(a, q, weights):
        return np.quantile(a, q, axis, out, overwrite_input, method, keepdims, **_weights(weights))
    return _quantiles("quantile", np.quantile, 1, a, q, axis, out, method, keepdims, weights, False)


def percentile(
    a: Any,
    q: Any,
    axis: Any = None,
    out: Any = None,
    overwrite_input: bool = False,
    method: str = "linear",
    keepdims: bool = False,
    *,
    weights: Any = None,
) -> Any:
    """Differentiable numpy.percentile(a, q, axis=None, out=None, overwrite_input=False,
    method='linear', keepdims=False): quantile(a, q / 100); q in [0, 100].

    >>> import chainrule as cr
    >>> cr.grad(lambda x: percentile(x, 50))(np.array([4.0, 1.0, 3.0, 2.0]))
    array([0. , 0. , 0.5, 0.5])
    """
    if not is_traced(a, q, weights):
        return np.percentile(
            a, q, axis, out, overwrite_input, method, keepdims, **_weights(weights)
        )
    return _quantiles(
        "percentile", np.percentile, 100, a, q, axis, out, method, keepdims, weights, False
    )


def nanquantile(
    a: Any,
    q: Any,
    axis: Any = None,
    out: Any = None,
    overwrite_input: bool = False,
    method: str = "linear",
    keepdims: bool = False,
    *,
    weights: Any = None,
) -> Any:
    """Differentiable numpy.nanquantile: quantile of the non-NaN elements of each slice.

    NaNs get derivative 0; an all-NaN slice gives NaN (with no derivative).
    """
    if not is_traced(a, q, weights):
        return np.nanquantile(
            a, q, axis, out, overwrite_input, method, keepdims, **_weights(weights)
        )
    return _quantiles(
        "nanquantile", np.nanquantile, 1, a, q, axis, out, method, keepdims, weights, True
    )


def nanpercentile(
    a: Any,
    q: Any,
    axis: Any = None,
    out: Any = None,
    overwrite_input: bool = False,
    method: str = "linear",
    keepdims: bool = False,
    *,
    weights: Any = None,
) -> Any:
    """Differentiable numpy.nanpercentile: percentile of the non-NaN elements of each slice."""
    if not is_traced(a, q, weights):
        return np.nanpercentile(
            a, q, axis, out, overwrite_input, method, keepdims, **_weights(weights)
        )
    return _quantiles(
        "nanpercentile", np.nanpercentile, 100, a, q, axis, out, method, keepdims, weights, True
    )


def _median(name: str, a: Any, axis: Any, out: Any, keepdims: bool, skips_nans: bool) -> Any:
    _refuse(name, None, out, None, "linear")
    a = as_value(a)
    axes = normalize_axis(axis, a.ndim, name)
    if math.prod(a.shape[i] for i in axes) == 0:  # NumPy: the mean of nothing, NaN
        return mean(a, axis=axes, keepdims=keepdims)
    return _order_statistic(
        name, a, np.asarray(0.5), axes, bool(keepdims), "median", None, skips_nans
    )


def median(
    a: Any, axis: Any = None, out: Any = None, overwrite_input: bool = False, keepdims: bool = False
) -> Any:
    """Differentiable numpy.median(a, axis=None, out=None, overwrite_input=False,
    keepdims=False): the middle element, or the mean of the two middle ones.

    >>> import chainrule as cr
    >>> cr.grad(lambda x: median(x))(np.array([4.0, 1.0, 3.0]))
    array([0., 0., 1.])
    """
    if not is_traced(a):
        return np.median(a, axis, out, overwrite_input, keepdims)
    return _median("median", a, axis, out, keepdims, False)


def nanmedian(
    a: Any, axis: Any = None, out: Any = None, overwrite_input: bool = False, keepdims: bool = False
) -> Any:
    """Differentiable numpy.nanmedian: the median of the non-NaN elements of each slice."""
    if not is_traced(a):
        return np.nanmedian(a, axis, out, overwrite_input, keepdims)
    return _median("nanmedian", a, axis, out, keepdims, True)
