"""How chainrule.scipy.special wraps SciPy's functions: a SciPy ufunc on plain values and a
primitive on traced ones, keyword checks, and orders that carry no derivative (static)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

import chainrule.numpy as cnp
from chainrule.core import JVPTracer, ReverseTracer, Tracer
from chainrule.numpy.arguments import as_value, is_traced
from chainrule.primitives.elementwise import where_p

_TRACERS = frozenset({JVPTracer, ReverseTracer})


def concrete(value: Any) -> np.ndarray:
    """The plain value under a (possibly traced) argument, for masks and shifts."""
    return np.asarray(value.concrete_value() if isinstance(value, Tracer) else value)


def check_keywords(name: str, kwargs: dict) -> None:
    """Refuse ufunc keywords (out=, where=, casting=...) on traced values; dtype= is applied."""
    unsupported = sorted(k for k, v in kwargs.items() if k != "dtype" and v is not None)
    if unsupported:
        raise TypeError(
            f"chainrule.scipy.special.{name}: the keyword argument(s) {unsupported} are not "
            f"supported on traced values (out= writes in place, where= leaves entries unset). "
            f"Call {name}(...) without them and use the returned array."
        )


def with_dtype(out: Any, kwargs: dict) -> Any:
    dtype = kwargs.get("dtype")
    return out if dtype is None else out.astype(dtype)


def ufunc(primitive: Any, scipy_function: np.ufunc, name: str = "") -> Callable[..., Any]:
    """SciPy's ufunc ``scipy_function`` on plain values, ``primitive`` on traced ones.

    ``primitive`` may be a composite too: any function of the traced arguments.
    """
    name = name or scipy_function.__name__
    is_unary = scipy_function.nin == 1

    def function(*args: Any, **kwargs: Any) -> Any:
        if is_unary and len(args) == 1 and type(args[0]) in _TRACERS and not kwargs:
            return primitive(args[0])
        if not is_traced(*args):
            return scipy_function(*args, **kwargs)
        check_keywords(name, kwargs)
        return with_dtype(primitive(*[as_value(a) for a in args]), kwargs)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"Differentiable scipy.special.{name}; see SciPy's documentation."
    return function


def static_number(value: Any) -> int | float:
    """A plain order as a hashable Python number (an int when it is integral)."""
    number = float(value)
    return int(number) if number.is_integer() else number


def refuse_traced_order(name: str, argument: str, order: Any) -> None:
    if is_traced(order):
        raise TypeError(
            f"chainrule.scipy.special.{name}: {argument} is traced, but {name} has no "
            f"derivative with respect to its order {argument}. Pass {argument} as a plain "
            f"number or array (differentiate with respect to x only)."
        )


def of_static_order(
    name: str,
    scipy_function: Any,
    primitive: Any,
    argument: str,
    order: Any,
    x: Any,
    *,
    parameter: str = "order",
    integer: bool = False,
) -> Any:
    """SciPy's ``name(order, x)`` on plain values; on traced ones ``primitive`` at each
    plain order (refusing a traced order). ``integer``: SciPy truncates the order to an
    integer, with a warning; so does this, so the value and its derivative agree."""
    if not is_traced(order, x):
        return scipy_function(order, x)
    refuse_traced_order(name, argument, order)
    orders = np.asarray(order)
    if integer:
        if np.any(np.trunc(orders) != orders):
            warnings.warn("floating point number truncated to an integer", RuntimeWarning, 3)
        orders = np.trunc(orders)
    return at_static_orders(primitive, parameter, orders, x)


def at_static_orders(function: Any, parameter: str, order: Any, x: Any) -> Any:
    """``function(x, parameter=order)``; an array of orders takes one call per distinct order."""
    orders = np.asarray(order)
    x = as_value(x)
    if orders.ndim == 0:
        return function(x, **{parameter: static_number(orders)})
    shape = np.broadcast_shapes(orders.shape, cnp.shape(x))
    result = None
    for value in np.unique(orders):
        term = function(x, **{parameter: static_number(value)})
        result = term if result is None else where_p(orders == value, term, result)
    return cnp.broadcast_to(result, shape)
