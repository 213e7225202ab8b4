"""chainrule.numpy's choosing between values by condition: select, piecewise and nan_to_num.

The conditions are read as plain boolean arrays (they carry no derivative); every entry of
the result takes the derivative of the value chosen for it, and a constant chosen gives
zero. They are built on ``where`` and functional updates (``x.at[mask].set``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from chainrule.core import Tracer, spec_of
from chainrule.numpy.arguments import as_value, holds_tracer, is_traced
from chainrule.numpy.elementwise import astype, imag, real, where
from chainrule.numpy.indexing import IndexUpdater, getitem
from chainrule.numpy.manipulation import broadcast_to

__all__ = ["nan_to_num", "piecewise", "select"]

_PYTHON_SCALARS = (int, float, complex)


def _plain(value: Any) -> Any:
    """The plain value (tracers inside lists too); Python scalars stay Python scalars."""
    if isinstance(value, Tracer):
        return value.concrete_value()
    if type(value) in _PYTHON_SCALARS:
        return value
    if isinstance(value, (list, tuple)) and holds_tracer(value):
        return np.asarray([_plain(v) for v in value])
    return np.asarray(value)


def select(condlist: Any, choicelist: Any, default: Any = 0) -> Any:
    """Differentiable numpy.select(condlist, choicelist, default=0): each entry from the
    first choice whose condition holds there, else ``default``.

    Differentiable in the choices and the default; the conditions are plain booleans.

    >>> import chainrule as cr
    >>> x = np.array([-1.0, 2.0])
    >>> cr.grad(lambda x: select([x < 0, x > 0], [x**2, 3 * x]).sum())(x)
    array([-2.,  3.])
    """
    if not holds_tracer(list(choicelist) + [default]):
        return np.select([_plain(c) for c in condlist], choicelist, default)
    if len(condlist) != len(choicelist):
        raise ValueError(
            f"chainrule.numpy.select: {len(condlist)} conditions for {len(choicelist)} "
            f"choices; give one condition per choice"
        )
    if len(condlist) == 0:
        raise ValueError("chainrule.numpy.select: condlist and choicelist are empty")
    conditions = [np.asarray(_plain(c)) for c in condlist]
    for i, condition in enumerate(conditions):
        if condition.dtype != np.bool_:
            raise TypeError(
                f"chainrule.numpy.select: entry {i} of condlist has dtype {condition.dtype}; "
                f"conditions must be boolean arrays (compare, e.g. x > 0)"
            )
    values = list(choicelist) + [default]
    dtype = np.result_type(*[_plain(v) for v in values])
    shape = np.broadcast_shapes(
        *[c.shape for c in conditions], *[np.shape(_plain(v)) for v in values]
    )
    values = [astype(as_value(v), dtype) if is_traced(v) or holds_tracer(v) else v for v in values]
    result = values[-1]
    # The first condition that holds wins, so apply them from the last to the first.
    for condition, choice in zip(conditions[::-1], values[-2::-1]):
        result = where(condition, choice, result)
    result = astype(result, dtype) if is_traced(result) else np.asarray(result, dtype)
    return broadcast_to(result, shape)


def piecewise(x: Any, condlist: Any, funclist: Any, *args: Any, **kw: Any) -> Any:
    """Differentiable numpy.piecewise(x, condlist, funclist, *args, **kw): where a
    condition holds, a function of those entries of x (or a constant); zero elsewhere.

    One more function than conditions gives the value where no condition holds. Later
    conditions overwrite earlier ones, as in NumPy; the result has x's dtype.

    >>> import chainrule as cr
    >>> f = lambda x: piecewise(x, [x < 0, x >= 0], [lambda v: -v, lambda v: v**2]).sum()
    >>> cr.grad(f)(np.array([-1.0, 3.0]))
    array([-1.,  6.])
    """
    if not is_traced(x):
        return np.piecewise(x, _plain_conditions(condlist), funclist, *args, **kw)
    x = as_value(x)
    plain_x = x.concrete_value()
    if np.isscalar(condlist) or (
        not isinstance(condlist[0], (list, np.ndarray, Tracer)) and plain_x.ndim != 0
    ):
        condlist = [condlist]
    conditions = np.asarray(_plain_conditions(condlist), dtype=bool)
    if len(conditions) == len(funclist) - 1:
        otherwise = ~np.any(conditions, axis=0, keepdims=True)
        conditions = np.concatenate([conditions, otherwise], axis=0)
    elif len(conditions) != len(funclist):
        raise ValueError(
            f"chainrule.numpy.piecewise: {len(conditions)} conditions for {len(funclist)} "
            f"functions; give one function per condition, or one more for 'otherwise'"
        )
    result = np.zeros_like(plain_x)
    for condition, function in zip(conditions, funclist):
        if not isinstance(function, Callable):
            result = IndexUpdater(result)[condition].set(function)
            continue
        selected = getitem(x, condition)
        if np.size(plain_x[condition]) > 0:
            result = IndexUpdater(result)[condition].set(function(selected, *args, **kw))
    return result


def _plain_conditions(condlist: Any) -> Any:
    if isinstance(condlist, (list, tuple)):
        return [_plain(c) for c in condlist]
    return _plain(condlist)


def _replaced(part: Any, plain: np.ndarray, nan: Any, posinf: Any, neginf: Any) -> Any:
    """``part`` where finite, NumPy's replacement values (constants) elsewhere."""
    replacement = np.nan_to_num(plain, nan=nan, posinf=posinf, neginf=neginf)
    return where(np.isfinite(plain), part, replacement)


def nan_to_num(
    x: Any, copy: bool = True, nan: float = 0.0, posinf: Any = None, neginf: Any = None
) -> Any:
    """Differentiable numpy.nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None):
    NaN and infinities replaced by finite numbers (the largest finite ones by default).

    The derivative is 1 where x is finite and 0 at the replaced entries (constants).
    Complex x: the real and imaginary parts are treated separately, as in NumPy.

    >>> import chainrule as cr
    >>> cr.grad(lambda x: nan_to_num(x * np.array([1.0, np.inf])).sum())(np.ones(2))
    array([1., 0.])
    """
    if not is_traced(x):
        return np.nan_to_num(x, copy=copy, nan=nan, posinf=posinf, neginf=neginf)
    if is_traced(nan, posinf, neginf):
        raise TypeError(
            "chainrule.numpy.nan_to_num: nan, posinf and neginf must be plain numbers "
            "(the replacements carry no derivative)"
        )
    x = as_value(x)
    plain = x.concrete_value()
    if spec_of(x).dtype.kind == "c":
        real_part = _replaced(real(x), plain.real, nan, posinf, neginf)
        imaginary_part = _replaced(imag(x), plain.imag, nan, posinf, neginf)
        return real_part + 1j * imaginary_part
    return _replaced(x, np.asarray(plain), nan, posinf, neginf)
