"""Sums of exponentials of chainrule.scipy.special: logsumexp, softmax and log_softmax, for
real and complex arguments, as composites (their derivatives come from the parts).

The shifts (the maxima) are plain values: the results do not depend on them
mathematically, so no derivative is lost by holding them constant. Complex arguments are
holomorphic here, so their derivatives are the real formulas with nothing conjugated.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.special as sc

import chainrule.numpy as cnp
from chainrule.core import Tracer
from chainrule.numpy.arguments import as_value, is_traced, normalize_axis
from chainrule.primitives.declare import safe_multiply_p
from chainrule.primitives.elementwise import where_p

__all__ = ["log_softmax", "logsumexp", "softmax"]


def _concrete(value: Any) -> np.ndarray:
    """The plain value under a (possibly traced) argument, for masks and shifts."""
    return np.asarray(value.concrete_value() if isinstance(value, Tracer) else value)


def _replace(mask: np.ndarray, fill: float, value: Any) -> Any:
    """``value`` with ``fill`` where the plain boolean ``mask`` holds (no derivative there)."""
    return where_p(mask, fill, value) if np.any(mask) else value


def _floating(value: Any) -> Any:
    if is_traced(value):
        return value
    value = np.asarray(value)
    return value if value.dtype.kind in "fc" else value.astype(np.float64)


def logsumexp(
    a: Any, axis: Any = None, b: Any = None, keepdims: bool = False, return_sign: bool = False
) -> Any:
    """Differentiable scipy.special.logsumexp: log(sum(b * exp(a))) over ``axis``, stably.

    As in SciPy, the largest term is kept out of the sum (log1p of the rest over it), -inf
    entries and zero weights add nothing, and with ``return_sign`` the result is
    ``(log|sum|, sign)``; without it a negative real sum gives NaN. For complex a or b the
    shift is the entry with the largest real part, the result's imaginary part lies in
    (-pi, pi], and the sign is the sum's phase (a complex number of modulus 1).
    Differentiable in a and b (holomorphic in both); the sign carries no derivative.

    >>> import chainrule as cr
    >>> cr.grad(logsumexp)(np.array([0.0, np.log(3.0)]))  # the softmax
    array([0.25, 0.75])
    """
    if not is_traced(a, b):
        return sc.logsumexp(a, axis=axis, b=b, keepdims=keepdims, return_sign=return_sign)
    a = _floating(as_value(a))
    if b is not None:
        b = _floating(as_value(b))
        shape = np.broadcast_shapes(cnp.shape(a), cnp.shape(b))
        a, b = cnp.broadcast_to(a, shape), cnp.broadcast_to(b, shape)
        if b.dtype.kind == "c" and a.dtype.kind != "c":  # SciPy sums them in one dtype
            a = a.astype(np.result_type(a.dtype, b.dtype))
    if cnp.ndim(a) == 0:
        a = cnp.reshape(a, (1,))
        b = None if b is None else cnp.reshape(b, (1,))
    axes = normalize_axis(axis, cnp.ndim(a), "chainrule.scipy.special.logsumexp")
    out, sign = _logsumexp_kept_dims(a, b, axes, return_sign)
    if not return_sign and out.dtype.kind == "c":
        out = _wrap_imaginary_part(out)
    elif not return_sign:
        out = _replace(sign < 0, np.nan, out)
    if not keepdims:
        out = cnp.squeeze(out, axis=axes)
        sign = np.squeeze(sign, axis=axes)
    return (out, sign[()] if sign.ndim == 0 else sign) if return_sign else out


def _largest_terms(candidates: np.ndarray, axes: tuple) -> tuple[np.ndarray, np.ndarray]:
    """SciPy's shift along ``axes`` (kept) and the mask of the terms it takes out of the sum.

    Real: the maximum, and every entry equal to it. Complex: the entry with the largest
    real part (the last one of equals), whose imaginary part decides the result's branch.
    """
    if candidates.dtype.kind != "c":
        largest = np.max(candidates, axis=axes, keepdims=True)
        return largest, candidates == largest
    real = candidates.real
    has_largest_real = real == np.max(real, axis=axes, keepdims=True)
    index = np.where(has_largest_real, np.arange(real.size).reshape(real.shape), -1)
    is_largest = index == np.max(index, axis=axes, keepdims=True)
    return np.sum(np.where(is_largest, candidates, 0), axis=axes, keepdims=True), is_largest


def _logsumexp_kept_dims(a: Any, b: Any, axes: tuple, return_sign: bool) -> tuple[Any, np.ndarray]:
    """log(sum(b exp(a))) over ``axes`` (kept), and the sum's sign (its phase if complex).

    Real sums are returned as log|sum|; complex ones as the complex logarithm, or its real
    part log|sum| with ``return_sign``.
    """
    a_plain = _concrete(a)
    is_complex = a_plain.dtype.kind == "c"
    with np.errstate(invalid="ignore"):
        # Zero weights add nothing, even next to an infinite or NaN entry (SciPy's rule).
        candidates = a_plain if b is None else np.where(_concrete(b) == 0, -np.inf, a_plain)
        if candidates.size == 0:
            out = cnp.log(cnp.sum(cnp.exp(a), axis=axes, keepdims=True))
            return out, np.sign(_concrete(out))
        largest, is_max = _largest_terms(candidates, axes)
        shift = np.where(np.isfinite(largest), largest, 0).astype(a_plain.dtype)
    terms = cnp.exp(a - shift)
    if b is not None:
        terms = safe_multiply_p(b, terms)  # a zero weight times exp(inf) is 0
    # sum = top * (1 + s): the largest terms apart, the rest as s, so log1p(s) keeps the
    # digits a tiny s would lose in 1 + s.
    top = cnp.sum(where_p(is_max, terms, 0.0), axis=axes, keepdims=True)
    rest = cnp.sum(where_p(is_max, 0.0, terms), axis=axes, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = _replace(_concrete(rest) == 0, 0.0, rest / top)
        s_plain, top_plain = _concrete(s), _concrete(top)
        sign = _sign(s_plain + 1) * _sign(top_plain)
        if is_complex:
            # exp(a) = exp(a - shift) exp(shift): the shift's phase is the sum's too.
            sign = sign * np.exp(1j * shift.imag)
            out = cnp.log1p(s) + cnp.log(top) + shift
            out = cnp.real(out) if return_sign else out
        else:
            # For a negative total (1 + s < 0), log|1 + s| = log1p(-s - 2).
            s = where_p(s_plain < -1, -s - 2, s) if np.any(s_plain < -1) else s
            out = cnp.log1p(s) + cnp.log(cnp.abs(top)) + shift
    is_finite = np.isfinite(_concrete(out))
    if not np.all(is_finite):
        # As SciPy: where that is not finite (infinite entries, or the largest terms'
        # weights summing to 0), the direct log(sum(b exp(a))) decides.
        direct_terms = cnp.exp(a) if b is None else safe_multiply_p(b, cnp.exp(a))
        total = cnp.sum(direct_terms, axis=axes, keepdims=True)
        is_signed = return_sign or not is_complex
        out = where_p(is_finite, out, cnp.log(cnp.abs(total) if is_signed else total))
        sign = np.where(is_finite, sign, _sign(_concrete(total)))
    return out, sign.astype(top_plain.dtype)


def _sign(value: np.ndarray) -> np.ndarray:
    """The sign of real values; of complex ones the phase z / |z| (NaN for infinite z, as in
    SciPy, where NumPy's sign gives 1), 0 at 0."""
    if value.dtype.kind != "c":
        return np.sign(value)
    magnitude = np.abs(value)
    return np.where(magnitude == 0, 0, value / np.where(magnitude == 0, 1, magnitude))


def _wrap_imaginary_part(out: Any) -> Any:
    """``out`` less the multiple of 2 pi i that brings its imaginary part into (-pi, pi]."""
    imaginary = _concrete(out).imag
    with np.errstate(invalid="ignore"):
        wrapped = -((np.pi - imaginary) % (2 * np.pi) - np.pi)
        excess = np.where(np.abs(imaginary) < np.pi, 0.0, imaginary - wrapped)
    return out - 1j * excess if np.any(excess != 0) else out


def _plain_max(x: Any, axis: Any) -> np.ndarray:
    """NumPy's maximum of the plain values (lexicographic for complex ones, as in SciPy)."""
    with np.errstate(invalid="ignore"):
        return np.max(_concrete(x), axis=axis, keepdims=True)


def softmax(x: Any, axis: Any = None) -> Any:
    """Differentiable scipy.special.softmax(x, axis): exp(x) / sum(exp(x)), shifted by the max.

    Complex x is supported (holomorphic), shifted by NumPy's maximum as in SciPy.

    >>> import chainrule as cr
    >>> cr.jacobian(softmax)(np.array([0.0, 0.0]))
    array([[ 0.25, -0.25],
           [-0.25,  0.25]])
    """
    if not is_traced(x):
        return sc.softmax(x, axis=axis)
    x = _floating(as_value(x))
    shifted = cnp.exp(x - _plain_max(x, axis))
    return shifted / cnp.sum(shifted, axis=axis, keepdims=True)


def log_softmax(x: Any, axis: Any = None) -> Any:
    """Differentiable scipy.special.log_softmax(x, axis): x - logsumexp(x), accurate for
    large logits (as in SciPy, an infinite maximum is not used as the shift). Complex x is
    supported, with SciPy's values (no wrapping of the imaginary part)."""
    if not is_traced(x):
        return sc.log_softmax(x, axis=axis)
    x = _floating(as_value(x))
    x_max = _plain_max(x, axis)
    shifted = x - np.where(np.isfinite(x_max), x_max, 0).astype(x_max.dtype)
    return shifted - cnp.log(cnp.sum(cnp.exp(shifted), axis=axis, keepdims=True))
