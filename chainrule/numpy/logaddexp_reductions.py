"""Reductions and scans of logaddexp: logsumexp (np.logaddexp.reduce), logcumsumexp
(np.logaddexp.accumulate) and their base-2 twins, stable for huge values and -inf entries.

NumPy has these only as ufunc methods; chainrule.numpy names them as SciPy and PyTorch
do, and ``np.logaddexp.reduce(x)`` / ``np.logaddexp.accumulate(x)`` on a traced ``x``
arrive here (chainrule/numpy/protocols.py). The gradient of logsumexp is the softmax.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from chainrule.core import Tracer
from chainrule.numpy.arguments import as_value, is_traced, normalize_axis, normalize_one_axis
from chainrule.numpy.elementwise import exp, exp2, log, log2, logaddexp, logaddexp2, where
from chainrule.numpy.manipulation import concatenate, ravel, reshape
from chainrule.numpy.reductions import sum

__all__ = ["logcumsumexp", "logcumsumexp2", "logsumexp", "logsumexp2"]


def _plain(value: Any) -> np.ndarray:
    return value.concrete_value() if isinstance(value, Tracer) else np.asarray(value)


def _real_input(a: Any, dtype: Any, name: str) -> Any:
    a = as_value(a) if is_traced(a) else np.asarray(a)
    if dtype is not None:
        a = a.astype(dtype)
    if np.dtype(a.dtype).kind not in "fiub":
        raise TypeError(
            f"chainrule.numpy.{name}: a has dtype {a.dtype}; logaddexp is defined for real "
            f"numbers only (pass the real part, or use log(sum(exp(a))) for complex a)."
        )
    if np.dtype(a.dtype).kind != "f":
        a = a.astype(np.float64)  # as NumPy's logaddexp computes integers
    return a


def _log_sum(exponential: Any, logarithm: Any, name: str, a, axis, keepdims, dtype) -> Any:
    a = _real_input(a, dtype, name)
    axes = normalize_axis(axis, a.ndim, name)
    kept_shape = tuple(1 if i in axes else n for i, n in enumerate(a.shape))
    out_shape = kept_shape if keepdims else tuple(n for i, n in enumerate(a.shape) if i not in axes)
    if math.prod(a.shape[i] for i in axes) == 0:  # the empty sum: logaddexp's identity
        return np.full(out_shape, -np.inf, a.dtype)[()]
    # log sum exp(a) = m + log sum exp(a - m) for any constant m; with m the largest
    # element the largest term is exp(0) = 1, so nothing overflows and the sum is >= 1.
    # Lanes whose maximum is not finite (all -inf, or a +inf or NaN) are not shifted.
    shift = np.max(_plain(a), axis=axes, keepdims=True)
    shift = np.where(np.isfinite(shift), shift, 0).astype(a.dtype)
    with np.errstate(divide="ignore"):  # log(0) = -inf is the answer for all -inf lanes
        total = logarithm(sum(exponential(a - shift), axis=axes, keepdims=True)) + shift
    return reshape(total, out_shape) if is_traced(total) else total.reshape(out_shape)[()]


def logsumexp(a: Any, axis: Any = None, keepdims: bool = False, *, dtype: Any = None) -> Any:
    """log(sum(exp(a))) over ``axis``, computed stably: what np.logaddexp.reduce(a, axis) gives.

    ``axis`` is None (all axes), an int or a tuple. Huge entries do not overflow, -inf
    entries contribute nothing, an all -inf slice gives -inf (with derivative 0) and an
    empty one -inf. The derivative is softmax(a) over ``axis``.

    >>> import chainrule as cr
    >>> cr.grad(logsumexp)(np.array([1000.0, 1000.0, -np.inf]))
    array([0.5, 0.5, 0. ])
    """
    return _log_sum(exp, log, "logsumexp", a, axis, keepdims, dtype)


def logsumexp2(a: Any, axis: Any = None, keepdims: bool = False, *, dtype: Any = None) -> Any:
    """log2(sum(2**a)) over ``axis``, computed stably: what np.logaddexp2.reduce(a, axis) gives."""
    return _log_sum(exp2, log2, "logsumexp2", a, axis, keepdims, dtype)


def _safe_pair(combine: Any, first: Any, second: Any) -> Any:
    """combine(first, second), with pairs of -inf giving -inf and derivative 0 (not NaN).

    logaddexp's partials exp(x - out) are exp(-inf + inf) = NaN there, so such pairs are
    replaced by zeros before combining and their result put back as the constant -inf.
    """
    both_empty = np.logical_and(_plain(first) == -np.inf, _plain(second) == -np.inf)
    if not both_empty.any():
        return combine(first, second)
    zero = np.zeros((), first.dtype)
    combined = combine(where(both_empty, zero, first), where(both_empty, zero, second))
    return where(both_empty, np.asarray(-np.inf, first.dtype), combined)


def _log_scan(combine: Any, numpy_ufunc: Any, name: str, a: Any, axis: Any, dtype: Any) -> Any:
    if not is_traced(a):
        a = np.asarray(a, dtype=dtype)
        if axis is None or a.ndim == 0:
            a, axis = a.reshape(-1), 0
        return numpy_ufunc.accumulate(a, axis=axis)
    a = _real_input(a, dtype, name)
    if axis is None or a.ndim == 0:
        a, axis = ravel(a), 0
    axis = normalize_one_axis(axis, a.ndim, name)
    n = a.shape[axis]
    # A doubling scan: after the step with offset s, position i holds the log-sum of the
    # 2s elements ending at i. ceil(log2 n) steps of one logaddexp each, every one stable.
    result, offset = a, 1
    while offset < n:
        before = (slice(None),) * axis
        head = result[before + (slice(0, offset),)]
        tail = _safe_pair(
            combine, result[before + (slice(offset, n),)], result[before + (slice(0, n - offset),)]
        )
        result = concatenate([head, tail], axis=axis)
        offset *= 2
    return result


def logcumsumexp(a: Any, axis: Any = None, dtype: Any = None) -> Any:
    """log(cumsum(exp(a))) along ``axis``, computed stably: np.logaddexp.accumulate(a, axis).

    ``axis=None`` scans the flattened array, as cumsum does. A leading run of -inf
    entries gives -inf with derivative 0.

    >>> import chainrule as cr
    >>> cr.grad(lambda x: logcumsumexp(x)[-1])(np.array([0.0, 0.0]))
    array([0.5, 0.5])
    """
    return _log_scan(logaddexp, np.logaddexp, "logcumsumexp", a, axis, dtype)


def logcumsumexp2(a: Any, axis: Any = None, dtype: Any = None) -> Any:
    """log2(cumsum(2**a)) along ``axis``, computed stably: np.logaddexp2.accumulate(a, axis)."""
    return _log_scan(logaddexp2, np.logaddexp2, "logcumsumexp2", a, axis, dtype)
