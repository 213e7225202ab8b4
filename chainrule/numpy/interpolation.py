"""chainrule.numpy's interp: piecewise-linear interpolation, differentiable in x, xp and fp.

Between two sample points the result is ``fp[j] + slope * (x - xp[j])`` with
``slope = (fp[j+1] - fp[j]) / (xp[j+1] - xp[j])``, a smooth function of all of its
inputs while x stays inside the segment; the segment is chosen from the plain values.
At a sample point x == xp[j] the derivative is taken from the segment to the right
(right-sided), and at x == xp[-1] from the constant ``right`` beyond it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.core import Tracer
from chainrule.numpy.arguments import as_value, is_traced
from chainrule.numpy.elementwise import where
from chainrule.numpy.manipulation import concatenate

__all__ = ["interp"]


def _plain(value: Any) -> np.ndarray:
    return value.concrete_value() if isinstance(value, Tracer) else np.asarray(value)


def _as(value: Any, dtype: Any) -> Any:
    value = as_value(value)
    if is_traced(value):
        return value if value.dtype == dtype else value.astype(dtype)
    return np.asarray(value, dtype=dtype)


def _periodic(x: Any, xp: Any, fp: Any, period: Any) -> tuple:
    """NumPy's periodic form: everything taken modulo period, one period-shifted point each side."""
    if period == 0:
        raise ValueError("chainrule.numpy.interp: period must be a non-zero value")
    period = abs(period)
    x, xp = x % period, xp % period
    order = np.argsort(_plain(xp))
    xp, fp = xp[order], fp[order]
    xp = concatenate([xp[-1:] - period, xp, xp[0:1] + period])
    fp = concatenate([fp[-1:], fp, fp[0:1]])
    return x, xp, fp


def interp(
    x: Any, xp: Any, fp: Any, left: Any = None, right: Any = None, period: Any = None
) -> Any:
    """Differentiable numpy.interp(x, xp, fp, left=None, right=None, period=None).

    Differentiable in ``x``, ``xp``, ``fp``, ``left`` and ``right``; the result is float64
    (complex128 for complex fp), as in NumPy. ``xp`` must increase (NumPy does not check
    it either). Raises TypeError for a traced period.

    >>> import chainrule as cr
    >>> cr.grad(lambda x: interp(x, [0.0, 1.0, 3.0], [0.0, 2.0, 3.0]))(2.0)
    np.float64(0.5)
    """
    if not is_traced(x, xp, fp, left, right, period):
        return np.interp(x, xp, fp, left, right, period)
    if is_traced(period):
        raise TypeError(
            "chainrule.numpy.interp: period is traced; interp is not differentiable in the "
            "period. Pass it as a plain number."
        )
    is_complex = np.iscomplexobj(_plain(fp))
    dtype = np.complex128 if is_complex else np.float64
    x, xp, fp = _as(x, np.float64), _as(xp, np.float64), _as(fp, dtype)
    if np.ndim(xp) != 1 or np.ndim(fp) != 1:
        raise ValueError("chainrule.numpy.interp: xp and fp must be 1-D sequences")
    if len(xp) != len(fp):
        raise ValueError("chainrule.numpy.interp: fp and xp are not of the same length")
    if len(xp) == 0:
        raise ValueError("chainrule.numpy.interp: array of sample points is empty")
    if period is not None:
        x, xp, fp = _periodic(x, xp, fp, period)
        left = right = None
    left = fp[0] if left is None else _as(left, dtype)
    right = fp[-1] if right is None else _as(right, dtype)
    plain_x, plain_xp = _plain(x), _plain(xp)
    n = len(plain_xp)
    below, above = plain_x < plain_xp[0], plain_x > plain_xp[-1]
    if n == 1:
        return where(below, left, where(above, right, fp[0] + 0 * x))
    # The segment [xp[j], xp[j+1]) holding x: j is the last sample point <= x.
    segment = np.clip(np.searchsorted(plain_xp, plain_x, side="right") - 1, 0, n - 2)
    start, end = xp[segment], xp[segment + 1]
    slope = (fp[segment + 1] - fp[segment]) / (end - start)
    inside = slope * (x - start) + fp[segment]
    at_last = plain_x == plain_xp[-1]
    if at_last.any():  # NumPy returns fp[-1] itself there (the segment formula rounds)
        inside = where(at_last, fp[-1], inside)
    if below.any() or above.any():
        inside = where(below, left, where(above, right, inside))
    return inside
