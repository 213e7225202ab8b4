"""Evenly spaced values with traced end points: linspace, logspace, geomspace.

Without traced arguments each is NumPy's. With them the samples are affine in the end
points (linspace), so the derivative reaches start and stop (and logspace's base), and
the values are computed as NumPy computes them (i * step + start, the last sample set to
stop), so they agree with NumPy's to the last bit where NumPy's do.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.core import Tracer
from chainrule.numpy.arguments import as_value, is_traced, normalize_one_axis
from chainrule.numpy.creation import asarray
from chainrule.numpy.elementwise import exp, log, power, sign
from chainrule.numpy.manipulation import concatenate, moveaxis, reshape

__all__ = ["geomspace", "linspace", "logspace"]


def _count(num: Any, function: str) -> int:
    num = int(num) if not isinstance(num, bool) and float(num) == int(num) else -1
    if num < 0:
        raise ValueError(f"chainrule.numpy.{function}: num must be a non-negative integer")
    return num


def _along_new_axis(samples: Any, ndim: int, axis: int, function: str) -> Any:
    """Samples made along axis 0 moved to ``axis`` of the result, as NumPy places them."""
    axis = normalize_one_axis(axis, ndim + 1, f"chainrule.numpy.{function}")
    return samples if axis == 0 else moveaxis(samples, 0, axis)


def _linear(start: Any, stop: Any, num: int, endpoint: bool, dtype: Any) -> tuple:
    """Samples along a new first axis, and the step (NaN when there is no interval)."""
    start, stop = asarray(start), asarray(stop)
    work = np.result_type(start.dtype, stop.dtype, float)
    start, stop = start.astype(work), stop.astype(work)
    shape = np.broadcast_shapes(start.shape, stop.shape)
    divisions = num - 1 if endpoint else num
    delta = stop - start
    positions = np.arange(num, dtype=work).reshape((num,) + (1,) * len(shape))
    if divisions > 0:
        step = delta / divisions
        samples = positions * step + start
        if endpoint and num > 1:
            head = samples[: num - 1]
            samples = concatenate([head, reshape(stop + 0 * start, (1,) + shape)], axis=0)
    else:
        step = delta * np.nan
        samples = positions * delta + start
    if dtype is not None:
        samples = samples.astype(dtype)
    return samples, step, len(shape)


def linspace(
    start: Any,
    stop: Any,
    num: int = 50,
    endpoint: bool = True,
    retstep: bool = False,
    dtype: Any = None,
    axis: int = 0,
    *,
    device: Any = None,
) -> Any:
    """Differentiable numpy.linspace: ``num`` samples from start to stop, in both."""
    if not is_traced(start, stop):
        return np.linspace(start, stop, num, endpoint, retstep, dtype, axis, device=device)
    num = _count(num, "linspace")
    samples, step, ndim = _linear(start, stop, num, endpoint, dtype)
    samples = _along_new_axis(samples, ndim, axis, "linspace")
    return (samples, step) if retstep else samples


def logspace(
    start: Any,
    stop: Any,
    num: int = 50,
    endpoint: bool = True,
    base: Any = 10.0,
    dtype: Any = None,
    axis: int = 0,
) -> Any:
    """Differentiable numpy.logspace: base ** linspace(start, stop), in start, stop and base."""
    if not is_traced(start, stop, base):
        return np.logspace(start, stop, num, endpoint, base, dtype, axis)
    num = _count(num, "logspace")
    shape = np.broadcast_shapes(np.shape(start), np.shape(stop), np.shape(base))
    zeros = np.zeros(shape)  # start, stop and base broadcast together, as in NumPy
    exponents, _, ndim = _linear(
        as_value(start) + zeros, as_value(stop) + zeros, num, endpoint, None
    )
    samples = power(reshape(as_value(base) + zeros, (1,) + shape), exponents)
    samples = samples if dtype is None else samples.astype(dtype)
    return _along_new_axis(samples, ndim, axis, "logspace")


def geomspace(
    start: Any, stop: Any, num: int = 50, endpoint: bool = True, dtype: Any = None, axis: int = 0
) -> Any:
    """Differentiable numpy.geomspace for real end points of one sign: the samples are
    start * (stop / start) ** t, with the end points exactly start and stop, as in NumPy."""
    if not is_traced(start, stop):
        return np.geomspace(start, stop, num, endpoint, dtype, axis)
    num = _count(num, "geomspace")
    start, stop = as_value(start), as_value(stop)
    plain_start, plain_stop = (
        np.asarray(v.concrete_value() if isinstance(v, Tracer) else v) for v in (start, stop)
    )
    if np.iscomplexobj(plain_start) or np.iscomplexobj(plain_stop):
        raise NotImplementedError(
            "chainrule.numpy.geomspace: complex traced end points are not supported; "
            "use exp(linspace(log(start), log(stop), num)) with a chosen branch"
        )
    if np.any(plain_start == 0) or np.any(plain_stop == 0):
        raise ValueError("chainrule.numpy.geomspace: geometric sequence cannot include zero")
    if np.any(np.sign(plain_start) != np.sign(plain_stop)):
        raise NotImplementedError(
            "chainrule.numpy.geomspace: end points of opposite signs give complex samples; "
            "pass end points of one sign"
        )
    direction = sign(start)
    samples, _, ndim = _linear(log(start * direction), log(stop * direction), num, endpoint, None)
    samples = exp(samples) * direction
    shape = samples.shape[1:]
    if num > 0:  # the end points exactly, as NumPy sets them
        pieces = [reshape(start + 0 * stop, (1,) + shape)]
        inner_stop = num - 1 if endpoint and num > 1 else num
        pieces.append(samples[1:inner_stop])
        if endpoint and num > 1:
            pieces.append(reshape(stop + 0 * start, (1,) + shape))
        samples = concatenate(pieces, axis=0)
    samples = samples if dtype is None else samples.astype(dtype)
    return _along_new_axis(samples, ndim, axis, "geomspace")
