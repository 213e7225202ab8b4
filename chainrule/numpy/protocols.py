"""NumPy's dispatch protocols for traced values, so plain `import numpy as np` code works.

`np.sin(x)` on a tracer arrives at `__array_ufunc__`, `np.sum(x)` at
`__array_function__`; both route to the chainrule.numpy function of the same name.
A NumPy function chainrule has no rule for raises an error naming it, never a result
with a silently dropped derivative.
"""

from __future__ import annotations

import sys
import threading
from typing import Any

import numpy as np

from chainrule.core import Tracer

# Reductions and scans of a ufunc, as the chainrule.numpy function that computes them.
_REDUCE_METHODS = {
    "add": "sum",
    "multiply": "prod",
    "maximum": "max",
    "minimum": "min",
    "logical_and": "all",
    "logical_or": "any",
    "logaddexp": "logsumexp",
    "logaddexp2": "logsumexp2",
}
_ACCUMULATE_METHODS = {
    "add": "cumsum",
    "multiply": "cumprod",
    "logaddexp": "logcumsumexp",
    "logaddexp2": "logcumsumexp2",
}

# NumPy functions whose chainrule.numpy name differs.
_FUNCTION_ALIASES = {"amax": "max", "amin": "min", "absolute": "abs", "around": "round"}

# Functions whose results are dtypes, booleans or integer positions: they carry no
# derivative, so NumPy may compute them from the plain values under the tracers.
_NO_DERIVATIVE = frozenset(
    {
        "result_type",
        "can_cast",
        "min_scalar_type",
        "iscomplexobj",
        "isrealobj",
        "iscomplex",
        "isreal",
        "isneginf",
        "isposinf",
        "isclose",
        "allclose",
        "array_equal",
        "array_equiv",
        "count_nonzero",
        "argmax",
        "argmin",
        "argsort",
        "argpartition",
        "nonzero",
        "flatnonzero",
        "argwhere",
        "searchsorted",
        "digitize",
    }
)

# The NumPy functions being dispatched in this thread: a chainrule.numpy function that
# hands a traced value back to its own NumPy namesake would otherwise recurse forever.
_dispatching = threading.local()


def _cnp():
    return sys.modules["chainrule.numpy"]


def _unsupported(qualified_name: str) -> NotImplementedError:
    return NotImplementedError(
        f"{qualified_name} was called on a traced value, and chainrule has no derivative rule "
        f"for it. Rewrite that step with supported functions (see docs/coverage.md), or give "
        f"it a rule with cr.custom_jvp / cr.custom_vjp."
    )


def _refuse_keywords(qualified_name: str, kwargs: dict) -> None:
    """Refuse out= and where= (writes in place / masks NumPy would apply but we could not)."""
    if kwargs.pop("out", None) not in (None, (None,)):
        raise TypeError(
            f"{qualified_name}: out= is not supported on traced values (it writes in place). "
            f"Call it without out= and use the returned array."
        )
    if kwargs.pop("where", True) is not True:
        raise TypeError(
            f"{qualified_name}: where= is not supported on traced values. Apply the mask "
            f"with np.where(mask, result, fill) on the result instead."
        )


def _target(name: str, qualified_name: str) -> Any:
    function = getattr(_cnp(), name, None)
    if function is None:
        raise _unsupported(qualified_name)
    return function


def _reduce(ufunc_name: str, array: Any, kwargs: dict) -> Any:
    qualified_name = f"numpy.{ufunc_name}.reduce"
    _refuse_keywords(qualified_name, kwargs)
    target = _target(_REDUCE_METHODS.get(ufunc_name, ""), qualified_name)
    initial = kwargs.pop("initial", np._NoValue)
    kwargs.setdefault("axis", 0)  # ufunc.reduce reduces the first axis by default
    if kwargs.get("dtype") is None:
        kwargs.pop("dtype", None)
    result = target(array, **kwargs)
    if initial is not np._NoValue and initial is not None:
        # Folding the initial value in last gives the same result for these ufuncs.
        result = getattr(_cnp(), ufunc_name)(result, initial)
    return result


def _accumulate(ufunc_name: str, array: Any, kwargs: dict) -> Any:
    qualified_name = f"numpy.{ufunc_name}.accumulate"
    _refuse_keywords(qualified_name, kwargs)
    target = _target(_ACCUMULATE_METHODS.get(ufunc_name, ""), qualified_name)
    kwargs.setdefault("axis", 0)  # ufunc.accumulate scans the first axis by default
    if kwargs.get("dtype") is None:
        kwargs.pop("dtype", None)
    return target(array, **kwargs)


def _outer(ufunc_name: str, a: Any, b: Any, kwargs: dict) -> Any:
    # ufunc.outer(a, b)[i..., j...] = ufunc(a[i...], b[j...]): broadcast a against b
    # after giving a as many trailing length-1 axes as b has axes.
    cnp = _cnp()
    function = _target(ufunc_name, f"numpy.{ufunc_name}.outer")
    a = cnp.reshape(a, tuple(cnp.shape(a)) + (1,) * cnp.ndim(b))
    return function(a, b, **kwargs)


# ufunc -> its chainrule.numpy function, filled as ufuncs are first met.
_ufunc_targets: dict = {}


def register_ufunc(ufunc: Any, function: Any) -> None:
    """Make calling ``ufunc`` on traced values call ``function`` with the same arguments.

    NumPy's own ufuncs are found by name in chainrule.numpy; ufuncs of other libraries
    (SciPy's special functions) register their differentiable versions here.
    """
    if not isinstance(ufunc, np.ufunc):
        raise TypeError(f"chainrule.numpy.protocols.register_ufunc: {ufunc!r} is not a ufunc")
    _ufunc_targets[ufunc] = function


def _array_ufunc(self: Tracer, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
    if method == "__call__":
        target = _ufunc_targets.get(ufunc)
        if target is None:
            name = ufunc.__name__
            if getattr(np, name, None) is not ufunc:
                # Another library's ufunc (SciPy's) that registered no function: finding
                # a chainrule.numpy function by its name could compute something else.
                scipy_special = sys.modules.get("scipy.special")
                owner = "scipy.special" if getattr(scipy_special, name, None) is ufunc else ""
                raise _unsupported(f"{owner}.{name}" if owner else f"the ufunc {name}")
            target = _ufunc_targets[ufunc] = _target(name, f"numpy.{name}")
        return target(*inputs, **kwargs)
    name = ufunc.__name__
    if method == "reduce":
        return _reduce(name, inputs[0], kwargs)
    if method == "accumulate":
        return _accumulate(name, inputs[0], kwargs)
    if method == "outer":
        return _outer(name, inputs[0], inputs[1], kwargs)
    raise _unsupported(f"numpy.{name}.{method}")


def _concrete(value: Any) -> Any:
    """``value`` with every tracer in it (lists and tuples too) replaced by its plain value."""
    if isinstance(value, Tracer):
        return value.concrete_value()
    if isinstance(value, (list, tuple)):
        return type(value)(_concrete(v) for v in value)
    return value


def _array_function(self: Tracer, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
    module = getattr(func, "__module__", "numpy") or "numpy"
    public_module = ".".join(p for p in module.split(".") if not p.startswith("_"))
    qualified_name = f"{public_module}.{func.__name__}"
    name = _FUNCTION_ALIASES.get(func.__name__, func.__name__)
    namespace = _cnp()
    for part in module.split(".")[1:]:
        if part.startswith("_"):
            break  # numpy._core.fromnumeric etc.: the public name lives on numpy itself
        namespace = getattr(namespace, part, None)
        if namespace is None:
            break
    function = getattr(namespace, name, None) if namespace is not None else None
    if function is None or function is func:
        if public_module == "numpy" and name in _NO_DERIVATIVE:
            return func(*_concrete(tuple(args)), **{k: _concrete(v) for k, v in kwargs.items()})
        raise _unsupported(qualified_name)
    active = getattr(_dispatching, "functions", None)
    if active is None:
        active = _dispatching.functions = set()
    if func in active:
        # chainrule.numpy handed the traced value back to NumPy: there is no rule for it.
        raise _unsupported(qualified_name)
    active.add(func)
    try:
        return function(*args, **kwargs)
    finally:
        active.discard(func)


def install() -> None:
    """Make Tracer take part in NumPy's ufunc and function dispatch."""
    Tracer.__array_ufunc__ = _array_ufunc
    Tracer.__array_function__ = _array_function
