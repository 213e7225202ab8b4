"""chainrule.numpy's reductions: sums, products, extrema, statistics and cumulative ops.

The NaN-ignoring variants (nansum, nanmean, ...) are in nan_reductions.py.

Without traced arguments each function calls NumPy; with them it applies the reduction
primitives or composes them (``out=`` is refused: it writes in place). Ties in max, min
and their relatives split the derivative evenly; std of a constant slice has slope 0.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from chainrule.core import Tracer
from chainrule.numpy.arguments import (
    as_value,
    is_traced,
    normalize_axis,
    normalize_one_axis,
    shape_of,
)
from chainrule.numpy.elementwise import conj, real
from chainrule.primitives import elementwise as ew
from chainrule.primitives import reductions as red
from chainrule.primitives import shape as sh

__all__ = (
    "all amax amin any argmax argmin average count_nonzero cumprod cumsum max mean min "
    "prod ptp std sum var"
).split()


def _refuse_out(out: Any, name: str) -> None:
    if out is not None:
        raise TypeError(
            f"chainrule.numpy.{name}: out= is not supported on traced values (it writes in "
            f"place); use the returned array."
        )


def _refuse_keywords(kwargs: dict, name: str) -> None:
    if kwargs:
        raise TypeError(
            f"chainrule.numpy.{name}: the keyword argument(s) {sorted(kwargs)} are not "
            f"supported on traced values; call {name}(...) without them."
        )


def _traced(*values: Any) -> bool:
    """True when a value, or an entry of a list or tuple among them, is traced."""
    return builtins.any(
        is_traced(v) or (isinstance(v, (list, tuple)) and is_traced(*v)) for v in values
    )


def _numpy(function: Any, a: Any, initial: Any, **kwargs: Any) -> Any:
    """NumPy's reduction, given initial= only when set (NumPy has no None for it)."""
    return function(a, **kwargs) if initial is None else function(a, initial=initial, **kwargs)


def _concrete(value: Any) -> Any:
    """A mask as a plain array (masks carry no derivative)."""
    return value.concrete_value() if isinstance(value, Tracer) else np.asarray(value)


def _prepare(a: Any, name: str, out: Any, dtype: Any = None) -> Any:
    """Check out=, lift ``a`` and apply dtype=: the common start of a traced reduction."""
    _refuse_out(out, name)
    a = as_value(a)
    return a if dtype is None else a.astype(dtype)


def _masked(a: Any, where: Any, fill: float) -> Any:
    """``a`` with the elements where= leaves out replaced by ``fill`` (NumPy's where=)."""
    if where is True:
        return a
    mask = np.broadcast_to(_concrete(where), shape_of(a))
    return ew.where_p(mask, a, np.asarray(fill, dtype=a.dtype))


def _with_initial(result: Any, initial: Any, combine: Any) -> Any:
    return result if initial is None else combine(result, np.asarray(initial, result.dtype))


def _reduced_count(a: Any, axes: tuple) -> int:
    shape = shape_of(a)
    return int(np.prod([shape[i] for i in axes], dtype=np.int64))


def sum(
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    keepdims: bool = False,
    initial: Any = None,
    where: Any = True,
) -> Any:
    """Differentiable numpy.sum(a, axis=None, dtype=None, out=None, keepdims=False, initial,
    where).

    >>> import chainrule as cr
    >>> cr.grad(lambda x: sum(x * x))(np.array([1.0, 2.0]))
    array([2., 4.])
    """
    if not _traced(a):
        return _numpy(
            np.sum, a, initial, axis=axis, dtype=dtype, out=out, keepdims=keepdims, where=where
        )
    a = _masked(_prepare(a, "sum", out, dtype), where, 0)
    result = red.sum_p(a, axis=normalize_axis(axis, a.ndim, "sum"), keepdims=bool(keepdims))
    return _with_initial(result, initial, ew.add_p)


def prod(
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    keepdims: bool = False,
    initial: Any = None,
    where: Any = True,
) -> Any:
    """Differentiable numpy.prod(a, axis=None, dtype=None, out=None, keepdims=False, initial,
    where); exact with zeros in ``a`` (no division).

    >>> import chainrule as cr
    >>> cr.grad(lambda x: prod(x))(np.array([2.0, 0.0, 3.0]))
    array([0., 6., 0.])
    """
    if not _traced(a):
        return _numpy(
            np.prod, a, initial, axis=axis, dtype=dtype, out=out, keepdims=keepdims, where=where
        )
    a = _masked(_prepare(a, "prod", out, dtype), where, 1)
    result = red.prod_p(a, axis=normalize_axis(axis, a.ndim, "prod"), keepdims=bool(keepdims))
    return _with_initial(result, initial, ew.multiply_p)


def mean(
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    keepdims: bool = False,
    *,
    where: Any = True,
) -> Any:
    """Differentiable numpy.mean(a, axis=None, dtype=None, out=None, keepdims=False, *, where)."""
    if not _traced(a):
        return np.mean(a, axis=axis, dtype=dtype, out=out, keepdims=keepdims, where=where)
    a = _prepare(a, "mean", out, dtype)
    axes = normalize_axis(axis, a.ndim, "mean")
    if where is True:
        count = _reduced_count(a, axes)
    else:
        mask = np.broadcast_to(_concrete(where), a.shape)
        count = np.sum(mask, axis=axes, keepdims=keepdims).astype(a.dtype)
    return sum(a, axis=axes, keepdims=keepdims, where=where) / count


def _extremum(
    primitive: Any,
    combine: Any,
    name: str,
    a: Any,
    axis: Any,
    out: Any,
    keepdims: bool,
    initial: Any,
    where: Any,
) -> Any:
    a = _prepare(a, name, out)
    if where is not True:
        if initial is None:
            raise ValueError(
                f"chainrule.numpy.{name}: where= needs initial= (as in NumPy), the value "
                f"that an empty selection reduces to."
            )
        a = _masked(a, where, initial)
    result = primitive(a, axis=normalize_axis(axis, a.ndim, name), keepdims=bool(keepdims))
    return _with_initial(result, initial, combine)


def max(
    a: Any,
    axis: Any = None,
    out: Any = None,
    keepdims: bool = False,
    initial: Any = None,
    where: Any = True,
) -> Any:
    """Differentiable numpy.max(a, axis=None, out=None, keepdims=False, initial, where).

    At ties the derivative is split evenly: each of m elements equal to the maximum gets
    1/m of it (a NaN maximum sends it to the NaNs).

    >>> import chainrule as cr
    >>> cr.grad(lambda x: max(x))(np.array([1.0, 3.0, 3.0]))
    array([0. , 0.5, 0.5])
    """
    if not _traced(a):
        return _numpy(np.max, a, initial, axis=axis, out=out, keepdims=keepdims, where=where)
    return _extremum(red.max_p, ew.maximum_p, "max", a, axis, out, keepdims, initial, where)


def min(
    a: Any,
    axis: Any = None,
    out: Any = None,
    keepdims: bool = False,
    initial: Any = None,
    where: Any = True,
) -> Any:
    """Differentiable numpy.min(a, axis=None, out=None, keepdims=False, initial, where).

    At ties the derivative is split evenly among the elements equal to the minimum.
    """
    if not _traced(a):
        return _numpy(np.min, a, initial, axis=axis, out=out, keepdims=keepdims, where=where)
    return _extremum(red.min_p, ew.minimum_p, "min", a, axis, out, keepdims, initial, where)


amax = max
amin = min


def ptp(a: Any, axis: Any = None, out: Any = None, keepdims: bool = False) -> Any:
    """Differentiable numpy.ptp(a, axis=None, out=None, keepdims=False): max - min.

    Ties split evenly, so a constant slice has derivative 0.
    """
    if not _traced(a):
        return np.ptp(a, axis=axis, out=out, keepdims=keepdims)
    a = _prepare(a, "ptp", out)
    return max(a, axis=axis, keepdims=keepdims) - min(a, axis=axis, keepdims=keepdims)


def _abs_squared(d: Any) -> Any:
    return real(d * conj(d)) if d.dtype.kind == "c" else d * d


def var(
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    ddof: float = 0,
    keepdims: bool = False,
    **kwargs: Any,
) -> Any:
    """Differentiable numpy.var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False).

    sum(|a - mean(a)|**2) / (N - ddof) over the reduced axes.
    """
    if not _traced(a):
        return np.var(a, axis=axis, dtype=dtype, out=out, ddof=ddof, keepdims=keepdims, **kwargs)
    _refuse_keywords(kwargs, "var")
    a = _prepare(a, "var", out, dtype)
    axes = normalize_axis(axis, a.ndim, "var")
    deviation = a - mean(a, axis=axes, keepdims=True)
    squares = sum(_abs_squared(deviation), axis=axes, keepdims=keepdims)
    with np.errstate(divide="ignore", invalid="ignore"):
        return squares / builtins.max(_reduced_count(a, axes) - ddof, 0)


def std(
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    ddof: float = 0,
    keepdims: bool = False,
    **kwargs: Any,
) -> Any:
    """Differentiable numpy.std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False).

    sqrt(var); where the variance is exactly 0 (a constant slice) the derivative is 0.
    """
    if not _traced(a):
        return np.std(a, axis=axis, dtype=dtype, out=out, ddof=ddof, keepdims=keepdims, **kwargs)
    _refuse_keywords(kwargs, "std")
    _refuse_out(out, "std")
    return ew.sqrt_p(var(a, axis=axis, dtype=dtype, out=out, ddof=ddof, keepdims=keepdims))


def _cumulative(primitive: Any, name: str, a: Any, axis: Any, dtype: Any, out: Any) -> Any:
    a = _prepare(a, name, out, dtype)
    if axis is None or a.ndim == 0:
        # NumPy scans the flattened array when no axis is given (and treats 0-d as 1-d).
        if axis is not None:
            normalize_one_axis(axis, 1, name)
        a = a if a.ndim == 1 else sh.reshape_p(a, shape=(builtins.max(a.size, 1),))
        axis = 0
    axis = normalize_one_axis(axis, a.ndim, name)
    return primitive(a, axis=axis, reverse=False)


def cumsum(a: Any, axis: Any = None, dtype: Any = None, out: Any = None) -> Any:
    """Differentiable numpy.cumsum(a, axis=None, dtype=None, out=None); flattens for axis=None.

    >>> import chainrule as cr
    >>> cr.grad(lambda x: cumsum(x)[-1] + cumsum(x)[0])(np.array([1.0, 2.0, 3.0]))
    array([2., 1., 1.])
    """
    if not _traced(a):
        return np.cumsum(a, axis=axis, dtype=dtype, out=out)
    return _cumulative(red.cumsum_p, "cumsum", a, axis, dtype, out)


def cumprod(a: Any, axis: Any = None, dtype: Any = None, out: Any = None) -> Any:
    """Differentiable numpy.cumprod(a, axis=None, dtype=None, out=None); exact with zeros."""
    if not _traced(a):
        return np.cumprod(a, axis=axis, dtype=dtype, out=out)
    return _cumulative(red.cumprod_p, "cumprod", a, axis, dtype, out)


def _positional(primitive: Any, name: str, a: Any, axis: Any, out: Any, keepdims: bool) -> Any:
    a = _prepare(a, name, out)
    if axis is not None:
        # NumPy accepts axis 0 (or -1) on a 0-d array, where it means the whole array.
        axis = normalize_one_axis(axis, builtins.max(a.ndim, 1), name)
        axis = axis if a.ndim else None
    return primitive(a, axis=axis, keepdims=bool(keepdims))


def argmax(a: Any, axis: Any = None, out: Any = None, *, keepdims: bool = False) -> Any:
    """numpy.argmax(a, axis=None, out=None, *, keepdims=False); an integer result, no
    derivative."""
    if not _traced(a):
        return np.argmax(a, axis=axis, out=out, keepdims=keepdims)
    return _positional(red.argmax_p, "argmax", a, axis, out, keepdims)


def argmin(a: Any, axis: Any = None, out: Any = None, *, keepdims: bool = False) -> Any:
    """numpy.argmin(a, axis=None, out=None, *, keepdims=False); an integer result, no
    derivative."""
    if not _traced(a):
        return np.argmin(a, axis=axis, out=out, keepdims=keepdims)
    return _positional(red.argmin_p, "argmin", a, axis, out, keepdims)


def _truth(
    primitive: Any, name: str, a: Any, axis: Any, out: Any, keepdims: bool, where: Any
) -> Any:
    a = _prepare(a, name, out)
    if where is not True:
        a = ew.logical_and_p(a, np.broadcast_to(_concrete(where), shape_of(a)))
        if name == "all":
            a = ew.logical_or_p(a, np.logical_not(_concrete(where)))
    return primitive(a, axis=normalize_axis(axis, a.ndim, name), keepdims=bool(keepdims))


def any(
    a: Any, axis: Any = None, out: Any = None, keepdims: bool = False, *, where: Any = True
) -> Any:
    """numpy.any(a, axis=None, out=None, keepdims=False, *, where=True); a boolean result."""
    if not _traced(a):
        return np.any(a, axis=axis, out=out, keepdims=keepdims, where=where)
    return _truth(red.any_p, "any", a, axis, out, keepdims, where)


def all(
    a: Any, axis: Any = None, out: Any = None, keepdims: bool = False, *, where: Any = True
) -> Any:
    """numpy.all(a, axis=None, out=None, keepdims=False, *, where=True); a boolean result."""
    if not _traced(a):
        return np.all(a, axis=axis, out=out, keepdims=keepdims, where=where)
    return _truth(red.all_p, "all", a, axis, out, keepdims, where)


def count_nonzero(a: Any, axis: Any = None, *, keepdims: bool = False) -> Any:
    """numpy.count_nonzero(a, axis=None, *, keepdims=False); an integer result."""
    if not _traced(a):
        return np.count_nonzero(a, axis=axis, keepdims=keepdims)
    a = as_value(a)
    axes = None if axis is None else normalize_axis(axis, a.ndim, "count_nonzero")
    return red.count_nonzero_p(a, axis=axes, keepdims=bool(keepdims))


def _weights_for(a: Any, weights: Any, axis: Any) -> Any:
    """Weights shaped to broadcast against ``a``, as numpy.average accepts them."""
    a_shape, w_shape = shape_of(a), shape_of(weights)
    if a_shape == w_shape:
        return weights
    if axis is None:
        raise TypeError(
            "chainrule.numpy.average: axis must be given when a and weights differ in shape."
        )
    user_axes = (axis,) if not isinstance(axis, (tuple, list)) else tuple(axis)
    user_axes = tuple(normalize_one_axis(i, len(a_shape), "average") for i in user_axes)
    if w_shape != tuple(a_shape[i] for i in user_axes):
        raise ValueError(
            "chainrule.numpy.average: the shape of weights must be a's shape, or a's shape "
            f"along axis {axis} ({tuple(a_shape[i] for i in user_axes)}); got {w_shape}."
        )
    from chainrule.numpy.manipulation import reshape, transpose

    order = tuple(np.argsort(user_axes).tolist())
    weights = transpose(weights, order) if len(order) > 1 else weights
    return reshape(weights, tuple(n if i in user_axes else 1 for i, n in enumerate(a_shape)))


def average(
    a: Any, axis: Any = None, weights: Any = None, returned: bool = False, *, keepdims: bool = False
) -> Any:
    """Differentiable numpy.average(a, axis=None, weights=None, returned=False, *,
    keepdims=False); differentiable in ``a`` and in ``weights``.

    >>> import chainrule as cr
    >>> cr.grad(lambda w: average(np.array([1.0, 3.0]), weights=w))(np.array([1.0, 1.0]))
    array([-0.5,  0.5])
    """
    if not _traced(a, weights):
        return np.average(a, axis=axis, weights=weights, returned=returned, keepdims=keepdims)
    a = as_value(a)
    if weights is None:
        result = mean(a, axis=axis, keepdims=keepdims)
        scale = np.asarray(a.size / builtins.max(result.size, 1), dtype=result.dtype)
    else:
        weights = _weights_for(a, as_value(weights), axis)
        axes = normalize_axis(axis, len(shape_of(a)), "average")
        scale = sum(weights, axis=axes, keepdims=keepdims)
        if np.any(_concrete(scale) == 0):
            raise ZeroDivisionError(
                "chainrule.numpy.average: the weights sum to zero, so they cannot be normalized."
            )
        result = sum(a * weights, axis=axes, keepdims=keepdims) / scale
    if not returned or shape_of(scale) == shape_of(result):
        return (result, scale) if returned else result
    from chainrule.numpy.manipulation import broadcast_to

    return result, broadcast_to(scale, shape_of(result))
