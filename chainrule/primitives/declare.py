"""Builders that declare a primitive from its implementation and the least math possible.

Each builder writes the JVP and the VJP from one description, so a derivative is
stated once. Also here: `safe_multiply_p`, the chain-rule product every builder uses,
in which a zero factor contributes exactly zero (0 * inf = 0 * nan = 0). That is what
keeps an infinite or NaN local partial on a path that carries no derivative (the
branch `where` did not take, say) from turning the whole gradient into NaN.
"""

from __future__ import annotations

import cmath
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from chainrule.core import Primitive, spec_of

_ZERO = np.float64(0)


def _is_all_finite(out: Any) -> bool:
    if out.ndim == 0:
        return cmath.isfinite(out)
    flat = out.reshape(-1)
    # A dot product is several times cheaper than isfinite().all() and is finite whenever
    # every entry is (it may overflow on huge finite entries; then the exact test decides).
    return cmath.isfinite(np.vdot(flat, flat)) or bool(np.isfinite(out).all())


# Factors multiplied by Python's operator: float64 scalars and Python numbers (at least
# one float64, so the product is a float64 with NumPy's semantics).
_SCALAR_FACTORS = frozenset({np.float64, float, int})


def _is_finite_nonzero_number(value: Any) -> bool:
    """A finite, nonzero scalar, or an array that is one broadcast (all strides 0)."""
    if type(value) in _SCALAR_FACTORS:
        return value != 0 and math.isfinite(value)
    if type(value) is np.ndarray and value.size and not any(value.strides):
        first = value.flat[0]
        return first != 0 and cmath.isfinite(first)
    return False


def _safe_multiply_impl(a: Any, b: Any) -> Any:
    if type(a) in _SCALAR_FACTORS and type(b) in _SCALAR_FACTORS:  # the scalar fast path
        out = a * b
        if type(out) is np.float64:
            return out if math.isfinite(out) else (_ZERO if a == 0 or b == 0 else out)
    out = np.multiply(a, b)
    if out.dtype.kind not in "fc" or _is_finite_nonzero_number(a) or _is_finite_nonzero_number(b):
        return out  # a finite, nonzero constant factor: nothing for zero-safety to change
    if not _is_all_finite(out):
        has_zero_factor = np.logical_or(np.equal(a, 0), np.equal(b, 0))
        out = np.where(has_zero_factor, out.dtype.type(0), out)
        if out.ndim == 0:
            out = out[()]
    return out


def multilinear_jvp(primitive_of: Callable[[], Primitive]) -> Callable[..., Any]:
    """The product rule for a primitive linear in each input separately.

    d f(x1, ..., xn) = sum_i f(x1, ..., x_i_dot, ..., xn), one term per input with a
    tangent. ``primitive_of`` returns the primitive (it is declared after its rule).
    """

    def jvp(tangents, primals, out, **params):
        terms = []
        for index, tangent in enumerate(tangents):
            if tangent is not None:
                operands = list(primals)
                operands[index] = tangent
                terms.append(primitive_of()(*operands, **params))
        return sum_terms(terms)

    return jvp


# d(a*b) = a_dot*b + a*b_dot; both products are again zero-safe.
_safe_multiply_jvp = multilinear_jvp(lambda: safe_multiply_p)


def _safe_multiply_vjp(out_bar, primals, out, wanted):
    a, b = primals
    return (
        safe_multiply_p(out_bar, b) if wanted[0] else None,
        safe_multiply_p(out_bar, a) if wanted[1] else None,
    )


safe_multiply_p = Primitive(
    "safe_multiply",
    _safe_multiply_impl,
    jvp=_safe_multiply_jvp,
    vjp=_safe_multiply_vjp,
    family="elementwise",
)


def times_partial(factor: Any, partial: Any) -> Any:
    """``factor * partial`` by the zero-safe product; two float64 scalars directly."""
    if type(factor) is np.float64 and type(partial) is np.float64:
        product = factor * partial
        if math.isfinite(product):
            return product
    return safe_multiply_p(factor, partial)


Primitive.times_partial = staticmethod(times_partial)


def sum_terms(terms: list) -> Any:
    if not terms:
        return None
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


def elementwise(
    name: str,
    impl: Callable[..., Any],
    partials: Callable[..., Any] | Sequence[Callable[..., Any]],
    *,
    family: str = "elementwise",
    saves: tuple[str, ...] = ("inputs", "out"),
) -> Primitive:
    """Declare an elementwise primitive from d out / d input for each input.

    ``partials`` is one function for a unary primitive, else a tuple with one function
    per input; each takes ``(*primals, out)`` and returns that input's local partial
    derivative, computed only when that input carries a derivative. Inputs broadcast
    against each other; the sweeps handle it. ``saves`` names what the partials read
    (``"inputs"``, ``"out"``), so the tape keeps nothing else.
    """
    if callable(partials):
        partials = (partials,)
    partials = tuple(partials)

    if len(partials) == 1:  # unary: the commonest case, without the loops
        (partial,) = partials

        def jvp(tangents, primals, out, **params):
            (tangent,) = tangents
            return times_partial(partial(*primals, out, **params), tangent)

        def vjp(out_bar, primals, out, wanted, **params):
            return (times_partial(out_bar, partial(*primals, out, **params)),)

    elif len(partials) == 2:  # binary, likewise
        first, second = partials

        def jvp(tangents, primals, out, **params):
            x_dot, y_dot = tangents
            x_term = None if x_dot is None else times_partial(first(*primals, out, **params), x_dot)
            if y_dot is None:
                return x_term
            y_term = times_partial(second(*primals, out, **params), y_dot)
            return y_term if x_term is None else x_term + y_term

        def vjp(out_bar, primals, out, wanted, **params):
            return (
                times_partial(out_bar, first(*primals, out, **params)) if wanted[0] else None,
                times_partial(out_bar, second(*primals, out, **params)) if wanted[1] else None,
            )

    else:

        def jvp(tangents, primals, out, **params):
            terms = [
                safe_multiply_p(partial(*primals, out, **params), tangent)
                for partial, tangent in zip(partials, tangents)
                if tangent is not None
            ]
            return sum_terms(terms)

        def vjp(out_bar, primals, out, wanted, **params):
            return tuple(
                safe_multiply_p(out_bar, partial(*primals, out, **params)) if is_wanted else None
                for partial, is_wanted in zip(partials, wanted)
            )

    return Primitive(name, impl, jvp=jvp, vjp=vjp, family=family, saves=saves, partials=partials)


def linear(
    name: str,
    impl: Callable[..., Any],
    transpose: Callable[..., Any],
    *,
    family: str,
) -> Primitive:
    """Declare a primitive that is linear in its one array input.

    Its JVP applies the primitive to the tangent. ``transpose(out_bar, x_spec, **params)``
    maps an output cotangent to the input's (``x_spec`` gives the input's shape, dtype).
    """
    primitive: Primitive

    def jvp(tangents, primals, out, **params):
        (x_dot,) = tangents
        return None if x_dot is None else primitive(x_dot, **params)

    def vjp(out_bar, primals, out, wanted, **params):
        return (transpose(out_bar, spec_of(primals[0]), **params),)

    # The transpose reads only the input's shape and dtype, which the tape always has.
    primitive = Primitive(name, impl, jvp=jvp, vjp=vjp, family=family, saves=())
    return primitive


def nondifferentiable(name: str, impl: Callable[..., Any], *, family: str) -> Primitive:
    """Declare a primitive whose result carries no derivative (comparisons, rounding…)."""
    return Primitive(name, impl, family=family)


def zeros_for(value: Any) -> Any:
    """A plain array of zeros with ``value``'s shape and dtype (a constant at every level)."""
    spec = spec_of(value)
    zeros = np.zeros(spec.shape, spec.dtype)
    return zeros[()] if zeros.ndim == 0 else zeros
