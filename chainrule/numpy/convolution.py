"""chainrule.numpy's convolve and correlate: 1-D discrete convolution and cross-correlation.

Both read a window of the full convolution (the primitive `convolve_p`), so they are
differentiable in both arguments; correlate(a, v) is the convolution of a with conj(v)
reversed. The windows of modes 'same' and 'valid' are NumPy's own, for either order of
lengths.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.numpy.arguments import as_value, is_traced
from chainrule.numpy.elementwise import conj
from chainrule.numpy.manipulation import flip, reshape
from chainrule.primitives.contraction import convolve_p

__all__ = ["convolve", "correlate"]

_MODES = ("full", "same", "valid")


def _vectors(name: str, a: Any, v: Any, mode: Any) -> tuple:
    """a and v as checked 1-d arrays (convolve reads a 0-d one as length 1, as NumPy does)."""
    if mode not in _MODES:
        raise ValueError(
            f"chainrule.numpy.{name}: mode must be 'full', 'same' or 'valid', not {mode!r}"
        )
    vectors = []
    for argument, value in (("a", a), ("v", v)):
        value = as_value(value)
        if np.ndim(value) == 0 and name == "convolve":  # NumPy's correlate refuses 0-d
            value = reshape(value, (1,))
        if np.ndim(value) != 1:
            raise ValueError(
                f"chainrule.numpy.{name}: {argument} must be 1-d, got shape {np.shape(value)}"
            )
        if len(value) == 0:
            raise ValueError(f"chainrule.numpy.{name}: {argument} cannot be empty")
        vectors.append(value)
    return tuple(vectors)


def _window(full: Any, n: int, m: int, mode: str, same_start: int) -> Any:
    """The part of the full result that ``mode`` keeps (lengths n of a and m of v)."""
    longest, shortest = max(n, m), min(n, m)
    if mode == "full":
        return full
    if mode == "same":
        return full[same_start : same_start + longest]
    return full[shortest - 1 : longest]


def convolve(a: Any, v: Any, mode: str = "full") -> Any:
    """Differentiable numpy.convolve(a, v, mode='full'): (a * v)[k] = sum_i a[i] v[k - i].

    Modes 'full' (length N + M - 1), 'same' (max(N, M)) and 'valid' (max - min + 1).

    >>> import chainrule as cr
    >>> cr.grad(lambda v: convolve(np.array([1.0, 2.0, 3.0]), v, "valid")[0])(np.ones(2))
    array([2., 1.])
    """
    if not is_traced(a, v):
        return np.convolve(a, v, mode)
    a, v = _vectors("convolve", a, v, mode)
    n, m = len(a), len(v)
    return _window(convolve_p(a, v), n, m, mode, (min(n, m) - 1) // 2)


def correlate(a: Any, v: Any, mode: str = "valid") -> Any:
    """Differentiable numpy.correlate(a, v, mode='valid'): c[k] = sum_n a[n + k] conj(v[n]).

    >>> import chainrule as cr
    >>> cr.grad(lambda a: correlate(a, np.array([1.0, 2.0]))[0])(np.array([1.0, 2.0, 3.0]))
    array([1., 2., 0.])
    """
    if not is_traced(a, v):
        return np.correlate(a, v, mode)
    a, v = _vectors("correlate", a, v, mode)
    n, m = len(a), len(v)
    full = convolve_p(a, flip(conj(v), axis=0))
    # NumPy centres 'same' one place later when v is the longer argument.
    same_start = (m - 1) // 2 if n >= m else n // 2
    return _window(full, n, m, mode, same_start)
