"""chainrule.numpy's newer cumulative functions: cumulative_sum, cumulative_prod (NumPy 2.1's
names, with include_initial), nancumsum and nancumprod.

All are written with cumsum and cumprod (chainrule/numpy/reductions.py), so their
derivatives are those of the scans: exact with zeros in a product, NaNs (skipped by the
nan versions) getting derivative 0.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.core import Tracer
from chainrule.numpy.arguments import as_value, is_traced, normalize_one_axis
from chainrule.numpy.elementwise import where
from chainrule.numpy.manipulation import concatenate
from chainrule.numpy.reductions import cumprod, cumsum

__all__ = ["nancumprod", "nancumsum"]


def _refuse_out(out: Any, name: str) -> None:
    if out is not None:
        raise TypeError(
            f"chainrule.numpy.{name}: out= is not supported on traced values (it writes in "
            f"place); use the returned array."
        )


def _nan_replaced(a: Any, fill: float) -> Any:
    """``a`` with its NaNs replaced by ``fill``, a constant (NaNs get derivative 0)."""
    plain = a.concrete_value() if isinstance(a, Tracer) else np.asarray(a)
    is_nan = np.isnan(plain)
    return where(is_nan, np.asarray(fill, a.dtype), a) if is_nan.any() else a


def nancumsum(a: Any, axis: Any = None, dtype: Any = None, out: Any = None) -> Any:
    """Differentiable numpy.nancumsum: cumsum with NaNs counted as 0 (derivative 0 there).

    >>> import chainrule as cr
    >>> cr.grad(lambda x: nancumsum(x)[-1])(np.array([1.0, np.nan, 2.0]))
    array([1., 0., 1.])
    """
    if not is_traced(a):
        return np.nancumsum(a, axis=axis, dtype=dtype, out=out)
    _refuse_out(out, "nancumsum")
    a = as_value(a)
    return cumsum(_nan_replaced(a, 0), axis=axis, dtype=dtype)


def nancumprod(a: Any, axis: Any = None, dtype: Any = None, out: Any = None) -> Any:
    """Differentiable numpy.nancumprod: cumprod with NaNs counted as 1 (derivative 0 there)."""
    if not is_traced(a):
        return np.nancumprod(a, axis=axis, dtype=dtype, out=out)
    _refuse_out(out, "nancumprod")
    a = as_value(a)
    return cumprod(_nan_replaced(a, 1), axis=axis, dtype=dtype)


def _cumulative(
    scan: Any,
    numpy_function: Any,
    initial: float,
    x: Any,
    axis: Any,
    dtype: Any,
    out: Any,
    include_initial: bool,
) -> Any:
    name = numpy_function.__name__
    if not is_traced(x):
        return numpy_function(x, axis=axis, dtype=dtype, out=out, include_initial=include_initial)
    _refuse_out(out, name)
    x = as_value(x)
    if axis is None:
        if x.ndim > 1:
            raise ValueError(
                f"chainrule.numpy.{name}: x has {x.ndim} dimensions, so axis= is required "
                f"(as in NumPy); give the axis to scan along."
            )
        axis = 0
    result = scan(x, axis=axis, dtype=dtype)  # a 0-d x is scanned as 1-d, as NumPy does
    if not include_initial:
        return result
    axis = normalize_one_axis(axis, result.ndim, name)
    edge_shape = tuple(1 if i == axis else n for i, n in enumerate(result.shape))
    return concatenate([np.full(edge_shape, initial, result.dtype), result], axis=axis)


if hasattr(np, "cumulative_sum"):  # NumPy >= 2.1

    def cumulative_sum(
        x: Any,
        /,
        *,
        axis: Any = None,
        dtype: Any = None,
        out: Any = None,
        include_initial: bool = False,
    ) -> Any:
        """Differentiable numpy.cumulative_sum(x, /, *, axis=None, dtype=None, out=None,
        include_initial=False): cumsum, with a leading 0 when include_initial is set.

        >>> import chainrule as cr
        >>> cr.grad(lambda x: cumulative_sum(x, include_initial=True)[1])(np.array([1.0, 2.0]))
        array([1., 0.])
        """
        return _cumulative(cumsum, np.cumulative_sum, 0, x, axis, dtype, out, include_initial)

    def cumulative_prod(
        x: Any,
        /,
        *,
        axis: Any = None,
        dtype: Any = None,
        out: Any = None,
        include_initial: bool = False,
    ) -> Any:
        """Differentiable numpy.cumulative_prod(x, /, *, axis=None, dtype=None, out=None,
        include_initial=False): cumprod, with a leading 1 when include_initial is set."""
        return _cumulative(cumprod, np.cumulative_prod, 1, x, axis, dtype, out, include_initial)

    __all__ += ["cumulative_prod", "cumulative_sum"]
