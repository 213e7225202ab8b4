"""Array creation: constants pass through to NumPy; asarray/array keep traced values traced."""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.numpy.arguments import as_value, holds_tracer, is_traced

# Creation from shapes makes constants, which carry no derivative: NumPy's own functions.
# (linspace, logspace and geomspace, whose end points may be traced, are in ranges.py.)
zeros = np.zeros
ones = np.ones
empty = np.empty
full = np.full
arange = np.arange
eye = np.eye
identity = np.identity
meshgrid = np.meshgrid
indices = np.indices
tri = np.tri


def _like(numpy_function):
    def function(a: Any, *args: Any, **kwargs: Any) -> Any:
        if is_traced(a):
            a = np.zeros(a.shape, a.dtype)
        return numpy_function(a, *args, **kwargs)

    function.__name__ = function.__qualname__ = numpy_function.__name__
    function.__doc__ = f"numpy.{numpy_function.__name__}; a traced argument gives only its shape."
    return function


zeros_like = _like(np.zeros_like)
ones_like = _like(np.ones_like)
empty_like = _like(np.empty_like)
full_like = _like(np.full_like)


def asarray(a: Any, dtype: Any = None, **kwargs: Any) -> Any:
    """numpy.asarray that leaves a traced value traced (cast to ``dtype`` if given)."""
    if holds_tracer(a):
        value = as_value(a)
        return value if dtype is None or np.dtype(dtype) == value.dtype else value.astype(dtype)
    return np.asarray(a, dtype=dtype, **kwargs)


def array(a: Any, dtype: Any = None, copy: bool = True, **kwargs: Any) -> Any:
    """numpy.array that leaves a traced value traced (values are never shared in place)."""
    if holds_tracer(a):
        return asarray(a, dtype=dtype)
    return np.array(a, dtype=dtype, copy=copy, **kwargs)


def copy(a: Any, **kwargs: Any) -> Any:
    """numpy.copy; traced values are immutable, so a copy is the value itself."""
    return a if is_traced(a) else np.copy(a, **kwargs)


__all__ = [
    "arange",
    "array",
    "asarray",
    "copy",
    "empty",
    "empty_like",
    "eye",
    "full",
    "full_like",
    "identity",
    "indices",
    "meshgrid",
    "ones",
    "ones_like",
    "tri",
    "zeros",
    "zeros_like",
]
