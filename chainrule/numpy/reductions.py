"""chainrule.numpy's reductions: sum, mean, prod, max, min, var, std, cumulative ops."""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.numpy.arguments import as_value, is_traced, normalize_axis, shape_of
from chainrule.primitives import reductions as red


def sum(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: bool = False,
        **kwargs: Any) -> Any:  # noqa: A001 - NumPy's name
    """Differentiable numpy.sum."""
    if not is_traced(a):
        return np.sum(a, axis=axis, dtype=dtype, out=out, keepdims=keepdims, **kwargs)
    _refuse_out(out, "sum")
    a = as_value(a) if dtype is None else as_value(a).astype(dtype)
    return red.sum_p(a, axis=normalize_axis(axis, a.ndim, "sum"), keepdims=bool(keepdims))


def mean(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: bool = False,
         **kwargs: Any) -> Any:
    """Differentiable numpy.mean."""
    if not is_traced(a):
        return np.mean(a, axis=axis, dtype=dtype, out=out, keepdims=keepdims, **kwargs)
    _refuse_out(out, "mean")
    axes = normalize_axis(axis, len(shape_of(a)), "mean")
    count = int(np.prod([shape_of(a)[i] for i in axes], dtype=np.int64))
    return sum(a, axis=axes, dtype=dtype, keepdims=keepdims) / count


def _refuse_out(out: Any, name: str) -> None:
    if out is not None:
        raise TypeError(
            f"chainrule.numpy.{name}: out= is not supported on traced values (it writes in "
            f"place); use the returned array."
        )
