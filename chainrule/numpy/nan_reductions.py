"""The NaN-ignoring reductions: nansum, nanprod, nanmean, nanvar, nanstd, nanmax, nanmin
and nanargmax/nanargmin.

Each replaces NaNs by the reduction's neutral value (0 for sums, 1 for products, -inf or
inf for extrema) with a `where`, so the NaN elements get derivative 0, and counts only the
other elements where a mean needs the count. Without traced arguments each is NumPy's.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.numpy.arguments import normalize_axis
from chainrule.numpy.reductions import (
    _abs_squared,
    _concrete,
    _prepare,
    _refuse_keywords,
    _refuse_out,
    _traced,
    max,
    min,
    prod,
    sum,
)
from chainrule.primitives import elementwise as ew

__all__ = [
    "nanargmax",
    "nanargmin",
    "nanmax",
    "nanmean",
    "nanmin",
    "nanprod",
    "nanstd",
    "nansum",
    "nanvar",
]


def _nan_replaced(a: Any, fill: float) -> Any:
    return ew.where_p(ew.isnan_p(a), np.asarray(fill, dtype=a.dtype), a)


def nansum(
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    keepdims: bool = False,
    **kwargs: Any,
) -> Any:
    """Differentiable numpy.nansum: NaNs count as 0 and get derivative 0."""
    if not _traced(a):
        return np.nansum(a, axis=axis, dtype=dtype, out=out, keepdims=keepdims, **kwargs)
    _refuse_keywords(kwargs, "nansum")
    a = _prepare(a, "nansum", out, dtype)
    return sum(_nan_replaced(a, 0), axis=axis, keepdims=keepdims)


def nanmean(
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    keepdims: bool = False,
    **kwargs: Any,
) -> Any:
    """Differentiable numpy.nanmean: the mean of the non-NaN elements."""
    if not _traced(a):
        return np.nanmean(a, axis=axis, dtype=dtype, out=out, keepdims=keepdims, **kwargs)
    _refuse_keywords(kwargs, "nanmean")
    a = _prepare(a, "nanmean", out, dtype)
    axes = normalize_axis(axis, a.ndim, "nanmean")
    count = _count(a, axes, keepdims).astype(a.dtype)
    with np.errstate(divide="ignore", invalid="ignore"):
        return sum(_nan_replaced(a, 0), axis=axes, keepdims=keepdims) / count


def nanprod(
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    keepdims: bool = False,
    **kwargs: Any,
) -> Any:
    """Differentiable numpy.nanprod: NaNs count as 1 and get derivative 0."""
    if not _traced(a):
        return np.nanprod(a, axis=axis, dtype=dtype, out=out, keepdims=keepdims, **kwargs)
    _refuse_keywords(kwargs, "nanprod")
    a = _prepare(a, "nanprod", out, dtype)
    return prod(_nan_replaced(a, 1), axis=axis, keepdims=keepdims)


def _count(a: Any, axes: tuple, keepdims: bool) -> np.ndarray:
    """How many non-NaN elements each reduced slice has (a constant)."""
    return np.sum(~np.isnan(_concrete(a)), axis=axes, keepdims=keepdims)


def nanvar(
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    ddof: float = 0,
    keepdims: bool = False,
    **kwargs: Any,
) -> Any:
    """Differentiable numpy.nanvar(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False).

    sum(|a - nanmean(a)|**2) over the non-NaN elements, divided by their count - ddof.
    """
    if not _traced(a):
        return np.nanvar(a, axis=axis, dtype=dtype, out=out, ddof=ddof, keepdims=keepdims, **kwargs)
    _refuse_keywords(kwargs, "nanvar")
    a = _prepare(a, "nanvar", out, dtype)
    axes = normalize_axis(axis, a.ndim, "nanvar")
    deviation = _nan_replaced(a - nanmean(a, axis=axes, keepdims=True), 0)
    squares = sum(_abs_squared(deviation), axis=axes, keepdims=keepdims)
    divisor = np.maximum(_count(a, axes, keepdims) - ddof, 0).astype(squares.dtype)
    with np.errstate(divide="ignore", invalid="ignore"):
        return squares / divisor


def nanstd(
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    ddof: float = 0,
    keepdims: bool = False,
    **kwargs: Any,
) -> Any:
    """Differentiable numpy.nanstd: sqrt(nanvar), with std's slope 0 at a zero variance."""
    if not _traced(a):
        return np.nanstd(a, axis=axis, dtype=dtype, out=out, ddof=ddof, keepdims=keepdims, **kwargs)
    _refuse_keywords(kwargs, "nanstd")
    _refuse_out(out, "nanstd")
    return ew.sqrt_p(nanvar(a, axis=axis, dtype=dtype, ddof=ddof, keepdims=keepdims))


def _nan_extremum(
    function: Any, name: str, a: Any, axis: Any, out: Any, keepdims: bool, kwargs: dict
) -> Any:
    _refuse_keywords(kwargs, name)
    a = _prepare(a, name, out)
    axes = normalize_axis(axis, a.ndim, name)
    fill = -np.inf if name == "nanmax" else np.inf
    result = function(_nan_replaced(a, fill), axis=axes, keepdims=keepdims)
    all_nan = np.all(np.isnan(_concrete(a)), axis=axes, keepdims=keepdims)
    return ew.where_p(all_nan, np.asarray(np.nan, dtype=a.dtype), result)


def nanmax(a: Any, axis: Any = None, out: Any = None, keepdims: bool = False, **kwargs: Any) -> Any:
    """Differentiable numpy.nanmax: NaNs are ignored (derivative 0); ties split evenly."""
    if not _traced(a):
        return np.nanmax(a, axis=axis, out=out, keepdims=keepdims, **kwargs)
    return _nan_extremum(max, "nanmax", a, axis, out, keepdims, kwargs)


def nanmin(a: Any, axis: Any = None, out: Any = None, keepdims: bool = False, **kwargs: Any) -> Any:
    """Differentiable numpy.nanmin: NaNs are ignored (derivative 0); ties split evenly."""
    if not _traced(a):
        return np.nanmin(a, axis=axis, out=out, keepdims=keepdims, **kwargs)
    return _nan_extremum(min, "nanmin", a, axis, out, keepdims, kwargs)


def nanargmax(a: Any, axis: Any = None, out: Any = None, *, keepdims: bool = False) -> Any:
    """numpy.nanargmax; a plain integer array (positions carry no derivative)."""
    return np.nanargmax(_concrete(a), axis=axis, out=out, keepdims=keepdims)


def nanargmin(a: Any, axis: Any = None, out: Any = None, *, keepdims: bool = False) -> Any:
    """numpy.nanargmin; a plain integer array (positions carry no derivative)."""
    return np.nanargmin(_concrete(a), axis=axis, out=out, keepdims=keepdims)
