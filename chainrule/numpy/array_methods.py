"""Operators, methods and properties of traced values, as NumPy arrays have them.

The engine's Tracer knows no NumPy; `install` gives it the ndarray interface, each
method calling the chainrule.numpy function of the same name.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from chainrule.core import Tracer


def _cnp():
    return sys.modules["chainrule.numpy"]


def _function(name: str, what: str) -> Any:
    """The chainrule.numpy function ``name``, or an error naming the method ``what``."""
    function = getattr(_cnp(), name, None)
    if function is None:
        raise NotImplementedError(
            f"{what} was used on a traced value, and chainrule has no derivative rule for it "
            f"(chainrule.numpy.{name} does not exist). Rewrite that step with supported "
            f"functions (see docs/coverage.md), or give it a rule with cr.custom_jvp."
        )
    return function


# Operand types an operator may hand straight to its primitive; others (lists, say)
# go through the chainrule.numpy function, which converts them first.
_PLAIN_OPERANDS = frozenset({float, int, bool, np.float64, np.float32, np.int64, np.ndarray})
_NO_PARAMS: dict = {}  # shared by calls without parameters; never modified


def _binary(name: str, reflected: bool = False):
    function = getattr(_cnp(), name, None)
    primitive = getattr(function, "primitive", None)
    if primitive is None:  # no fast path: look the function up (or fail) when used

        def method(self: Tracer, other: Any) -> Any:
            function = _function(name, f"the operator for numpy.{name}")
            return function(other, self) if reflected else function(self, other)

    elif reflected:

        def method(self: Tracer, other: Any) -> Any:
            if type(other) in _PLAIN_OPERANDS:  # self's trace is the newest level
                return self._trace.process(primitive, (other, self), _NO_PARAMS)
            if isinstance(other, Tracer):
                return primitive(other, self)
            return function(other, self)

    else:

        def method(self: Tracer, other: Any) -> Any:
            if type(other) in _PLAIN_OPERANDS:  # self's trace is the newest level
                return self._trace.process(primitive, (self, other), _NO_PARAMS)
            if isinstance(other, Tracer):
                return primitive(self, other)
            return function(self, other)

    return method


_OPERATORS = {
    "__add__": "add",
    "__sub__": "subtract",
    "__mul__": "multiply",
    "__truediv__": "divide",
    "__pow__": "power",
    "__matmul__": "matmul",
    "__mod__": "remainder",
    "__floordiv__": "floor_divide",
    "__lt__": "less",
    "__le__": "less_equal",
    "__gt__": "greater",
    "__ge__": "greater_equal",
    "__eq__": "equal",
    "__ne__": "not_equal",
}


def _method(name: str):
    def method(self: Tracer, *args: Any, **kwargs: Any) -> Any:
        return _function(name, f"ndarray.{name}()")(self, *args, **kwargs)

    method.__name__ = name
    return method


_METHODS = [
    "sum",
    "mean",
    "prod",
    "max",
    "min",
    "var",
    "std",
    "cumsum",
    "cumprod",
    "ravel",
    "squeeze",
    "swapaxes",
    "dot",
    "clip",
    "diagonal",
    "trace",
    "conj",
    "conjugate",
    "argmax",
    "argmin",
    "argsort",
    "any",
    "all",
    "nonzero",
    "repeat",
    "take",
    "round",
]

# ndarray methods that modify the array in place, and the functional form to use instead.
_IN_PLACE_METHODS = {
    "sort": "x = cnp.sort(x, axis)",
    "partition": "x = cnp.partition(x, kth)",
    "fill": "x = cnp.full_like(x, value)",
    "put": "x = x.at[indices].set(values)",
    "resize": "x = cnp.resize(x, shape) or x.reshape(shape)",
    "itemset": "x = x.at[i].set(v)",
}


def _in_place(name: str):
    def method(self: Tracer, *args: Any, **kwargs: Any) -> None:
        raise TypeError(
            f"x.{name}(...) modifies an array in place, which traced arrays cannot do. "
            f"Use the functional form: {_IN_PLACE_METHODS[name]}."
        )

    method.__name__ = name
    return method


def _reshape(self: Tracer, *shape: Any, **kwargs: Any) -> Any:
    if len(shape) == 1 and not isinstance(shape[0], int):
        shape = shape[0]
    return _cnp().reshape(self, shape, **kwargs)


def _transpose(self: Tracer, *axes: Any) -> Any:
    if len(axes) == 1 and not isinstance(axes[0], int):
        axes = axes[0]
    return _cnp().transpose(self, axes or None)


def _astype(self: Tracer, dtype: Any, copy: bool = True, **kwargs: Any) -> Any:
    import numpy as np

    from chainrule.primitives.elementwise import astype_p

    dtype = np.dtype(dtype)
    return self if dtype == self.dtype else astype_p(self, dtype=dtype)


def _item(self: Tracer, *args: Any) -> Any:
    raise TypeError(
        "x.item() was called on a traced value; a Python number carries no derivative. "
        "Index the array instead (x[i]), or use cr.stop_gradient(x).item() for a constant."
    )


def install() -> None:
    """Give Tracer the operators, methods and properties of numpy.ndarray."""
    for dunder, name in _OPERATORS.items():
        setattr(Tracer, dunder, _binary(name))
        if dunder not in ("__lt__", "__le__", "__gt__", "__ge__", "__eq__", "__ne__"):
            setattr(Tracer, "__r" + dunder[2:], _binary(name, reflected=True))
    Tracer.__neg__ = lambda self: _cnp().negative(self)
    Tracer.__pos__ = lambda self: self
    Tracer.__abs__ = lambda self: _cnp().abs(self)
    Tracer.__getitem__ = lambda self, index: _function("getitem", "x[index]")(self, index)
    for name in _METHODS:
        setattr(Tracer, name, _method(name))
    for name in _IN_PLACE_METHODS:
        setattr(Tracer, name, _in_place(name))
    Tracer.reshape = _reshape
    Tracer.transpose = _transpose
    Tracer.astype = _astype
    Tracer.item = _item
    Tracer.tolist = _item
    Tracer.flatten = lambda self: _cnp().ravel(self)
    Tracer.copy = lambda self: self
    Tracer.T = property(lambda self: _cnp().transpose(self))
    Tracer.mT = property(lambda self: _cnp().swapaxes(self, -1, -2))
    Tracer.real = property(lambda self: _cnp().real(self))
    Tracer.imag = property(lambda self: _cnp().imag(self))
    Tracer.at = property(lambda self: _function("IndexUpdater", "x.at[index]")(self))
