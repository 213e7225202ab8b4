"""NumPy's dispatch protocols for traced values, so plain `import numpy as np` code works.

`np.sin(x)` on a tracer arrives at `__array_ufunc__`, `np.sum(x)` at
`__array_function__`; both route to the chainrule.numpy function of the same name.
A NumPy function chainrule has no rule for raises an error naming it, never a result
with a silently dropped derivative.
"""

from __future__ import annotations

import sys
from typing import Any

from chainrule.core import Tracer

# ufunc methods that are reductions or scans of a differentiable ufunc.
_UFUNC_METHODS = {
    ("add", "reduce"): "sum",
    ("multiply", "reduce"): "prod",
    ("maximum", "reduce"): "max",
    ("minimum", "reduce"): "min",
    ("add", "accumulate"): "cumsum",
    ("multiply", "accumulate"): "cumprod",
    ("multiply", "outer"): "outer",
}

# NumPy functions whose chainrule.numpy name differs (or that live in a submodule).
_FUNCTION_ALIASES = {"amax": "max", "amin": "min", "absolute": "abs", "around": "round"}


def _cnp():
    return sys.modules["chainrule.numpy"]


def _unsupported(qualified_name: str) -> NotImplementedError:
    return NotImplementedError(
        f"{qualified_name} was called on a traced value, and chainrule has no derivative rule "
        f"for it. Rewrite that step with supported functions (see docs/coverage.md), or give "
        f"it a rule with cr.custom_jvp / cr.custom_vjp."
    )


def _array_ufunc(self: Tracer, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
    name = ufunc.__name__
    if method == "__call__":
        function = getattr(_cnp(), name, None)
        if function is None:
            raise _unsupported(f"numpy.{name}")
        return function(*inputs, **kwargs)
    target = _UFUNC_METHODS.get((name, method))
    if target is None:
        raise _unsupported(f"numpy.{name}.{method}")
    if kwargs.get("out") is not None:
        raise TypeError(f"numpy.{name}.{method}: out= is not supported on traced values")
    kwargs.pop("out", None)
    return getattr(_cnp(), target)(*inputs, **kwargs)


def _array_function(self: Tracer, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
    module = getattr(func, "__module__", "numpy") or "numpy"
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
        public_module = ".".join(p for p in module.split(".") if not p.startswith("_"))
        raise _unsupported(f"{public_module}.{func.__name__}")
    return function(*args, **kwargs)


def install() -> None:
    """Make Tracer take part in NumPy's ufunc and function dispatch."""
    Tracer.__array_ufunc__ = _array_ufunc
    Tracer.__array_function__ = _array_function
