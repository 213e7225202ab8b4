"""Argument checks and small helpers shared by the chainrule.scipy.linalg modules."""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.core import Tracer
from chainrule.numpy.elementwise import conj
from chainrule.numpy.manipulation import reshape, swapaxes


def operand(value: Any) -> Any:
    """A tracer as it is, anything else as a NumPy array."""
    return value if isinstance(value, Tracer) else np.asarray(value)


def concrete(value: Any) -> Any:
    """The plain value of a tracer (for what carries no derivative: pivots, ranks)."""
    return value.concrete_value() if isinstance(value, Tracer) else value


def square(a: Any, function: str) -> Any:
    """``a`` as an operand, checked to be a (stack of) square matrices."""
    a = operand(a)
    if a.ndim < 2 or a.shape[-1] != a.shape[-2]:
        raise ValueError(
            f"chainrule.scipy.linalg.{function}: expected a square matrix (or a stack of "
            f"them) as the last two axes, got shape {a.shape}"
        )
    return a


def conjugate_transpose(a: Any) -> Any:
    """a^H: for real a, just the transpose (no conj step)."""
    a_t = swapaxes(a, -1, -2)
    return conj(a_t) if a.dtype.kind == "c" else a_t


def solve_columns(solve_matrix: Any, a: Any, b: Any, function: str) -> Any:
    """Apply ``solve_matrix`` to b as a stack of matrices; a 1-D b is a vector (as SciPy)."""
    b = operand(b)
    n = a.shape[-1]
    if b.ndim == 0 or b.shape[-1 if b.ndim == 1 else -2] != n:
        raise ValueError(
            f"chainrule.scipy.linalg.{function}: b of shape {b.shape} does not match a of "
            f"shape {a.shape}: b must be ({n},) or (..., {n}, K)"
        )
    if b.ndim == 1:
        return reshape(solve_matrix(reshape(b, (n, 1))), a.shape[:-1])
    return solve_matrix(b)


def refuse_keyword(function: str, name: str, value: Any, allowed: Any, fix: str) -> None:
    """NotImplementedError naming the function, the keyword and the fix, unless allowed."""
    if value is not allowed and value != allowed:
        raise NotImplementedError(
            f"chainrule.scipy.linalg.{function}: {name}={value!r} is not supported on traced "
            f"values; {fix}"
        )


def scipy_results(results: tuple, *arrays: Any) -> Any:
    """Several results as SciPy 1.17 returns them: a tuple for one matrix, a list when
    some input is a stack of matrices (its batching wrapper collects them in a list)."""
    is_batched = any(a is not None and operand(a).ndim > 2 for a in arrays)
    return list(results) if is_batched else tuple(results)
