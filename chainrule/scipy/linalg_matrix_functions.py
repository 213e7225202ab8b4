"""chainrule.scipy.linalg's matrix functions: logm, the trigonometric and hyperbolic ones,
fractional_matrix_power and expm_frechet.

Each applies `matrix_function_p` (chainrule/primitives/matrix_functions.py), whose
derivative is the same function of the block matrix [[A, E], [0, A]]; expm_frechet is
expm of that block matrix itself, so it is differentiable in A and E to any order.
Stacks of matrices are batches, as in SciPy 1.17.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.linalg

from chainrule.numpy.arguments import is_traced
from chainrule.numpy.creation import zeros_like
from chainrule.numpy.manipulation import broadcast_to, concatenate
from chainrule.primitives import linalg as la
from chainrule.primitives.matrix_functions import matrix_function_p
from chainrule.scipy.linalg_arguments import operand, scipy_results, square

__all__ = [
    "cosm",
    "coshm",
    "expm_frechet",
    "fractional_matrix_power",
    "logm",
    "sinhm",
    "sinm",
    "tanhm",
    "tanm",
]

_UNSET = object()


def _apply(function: str, A: Any, power: float = 0.0) -> Any:
    return matrix_function_p(square(A, function), function=function, power=power)


def logm(A: Any, disp: Any = _UNSET) -> Any:
    """Differentiable scipy.linalg.logm(A): the principal logarithm.

    Its derivative exists where A has no eigenvalue on the closed negative real axis. For
    real A SciPy returns a complex result when the logarithm is not real; so does this.
    """
    if not is_traced(A):
        return scipy.linalg.logm(A) if disp is _UNSET else scipy.linalg.logm(A, disp)
    if disp is not _UNSET:
        raise TypeError(
            "chainrule.scipy.linalg.logm: disp= is not supported on traced values (SciPy "
            "deprecates it); call logm(A)"
        )
    return _apply("logm", A)


def _elementary(name: str, formula: str) -> Any:
    scipy_function = getattr(scipy.linalg, name)

    def function(A: Any) -> Any:
        if not is_traced(A):
            return scipy_function(A)
        return _apply(name, A)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = (
        f"Differentiable scipy.linalg.{name}(A) = {formula}, batched.\n\n"
        "The derivative L(A, E) is the top-right block of "
        f"{name}([[A, E], [0, A]]); the gradient is L(A^T, G)."
    )
    return function


sinm = _elementary("sinm", "(expm(iA) - expm(-iA)) / 2i")
cosm = _elementary("cosm", "(expm(iA) + expm(-iA)) / 2")
tanm = _elementary("tanm", "cosm(A)^-1 sinm(A)")
sinhm = _elementary("sinhm", "(expm(A) - expm(-A)) / 2")
coshm = _elementary("coshm", "(expm(A) + expm(-A)) / 2")
tanhm = _elementary("tanhm", "coshm(A)^-1 sinhm(A)")


def fractional_matrix_power(A: Any, t: Any) -> Any:
    """Differentiable scipy.linalg.fractional_matrix_power(A, t), in A; t a plain number.

    Like logm, A must have no eigenvalue on the closed negative real axis for the
    derivative to exist (for non-integer t).
    """
    if not is_traced(A, t):
        return scipy.linalg.fractional_matrix_power(A, t)
    if is_traced(t) or np.ndim(t) != 0:
        raise TypeError(
            "chainrule.scipy.linalg.fractional_matrix_power: the power t must be one plain "
            "number (no derivative in t); for a traced power use expm(t * logm(A))"
        )
    return _apply("fractional_matrix_power", A, float(t))


_FRECHET_METHODS = (None, "SPS", "blockEnlarge")


def expm_frechet(
    A: Any, E: Any, method: Any = None, compute_expm: bool = True, check_finite: bool = True
) -> Any:
    """Differentiable scipy.linalg.expm_frechet(A, E): (expm(A), L(A, E)), or L(A, E).

    Both are blocks of expm([[A, E], [0, A]]) (top-left and top-right), so both are
    differentiable in A and E to any order. ``method`` only picks SciPy's algorithm.
    """
    if not is_traced(A, E):
        return scipy.linalg.expm_frechet(A, E, method, compute_expm, check_finite)
    if method not in _FRECHET_METHODS:
        raise ValueError(
            f"chainrule.scipy.linalg.expm_frechet: method={method!r}; use one of {_FRECHET_METHODS}"
        )
    A, E = square(A, "expm_frechet"), operand(E)
    if E.shape[-2:] != A.shape[-2:]:
        raise ValueError(
            f"chainrule.scipy.linalg.expm_frechet: E of shape {E.shape} does not match A of "
            f"shape {A.shape}: both must be (..., {A.shape[-1]}, {A.shape[-1]})"
        )
    shape = np.broadcast_shapes(A.shape, E.shape)
    dtype = np.result_type(A.dtype, E.dtype, np.float64)  # SciPy computes in float64
    A, E = broadcast_to(A, shape).astype(dtype), broadcast_to(E, shape).astype(dtype)
    n = A.shape[-1]
    top = concatenate([A, E], axis=-1)
    bottom = concatenate([zeros_like(A), A], axis=-1)
    block = la.expm_p(concatenate([top, bottom], axis=-2))
    frechet = block[..., :n, n:]
    if not compute_expm:
        return frechet
    return scipy_results((block[..., :n, :n], frechet), A)
