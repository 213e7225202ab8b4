"""chainrule.numpy's functions of a float's parts: fix, copysign, heaviside, modf, fmod,
ldexp, frexp, unwrap, nextafter and spacing.

Each is a composite whose values are NumPy's bit for bit: scaling by a power of two and
multiplying by -1 are exact, and fmod(x, y) = s * remainder(s * x, t * y) with the signs
s = sign(x), t = sign(y) read from the plain values. Derivatives: fix and spacing have
none; copysign has slope sign(x) * sign(y) in x (0 at x = 0, as abs) and none in y;
heaviside has slope 1 in x2 where x1 == 0; the fractional part of modf and nextafter have
slope 1; fmod has slope 1 in x and -trunc(x / y) in y; ldexp and frexp's mantissa scale
by the plain power of two; unwrap adds constant multiples of the period (slope 1).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.core import Tracer, spec_of
from chainrule.numpy.arguments import as_value, is_traced, normalize_one_axis
from chainrule.numpy.elementwise import abs as _abs
from chainrule.numpy.elementwise import astype, remainder, trunc, where
from chainrule.numpy.manipulation import concatenate

__all__ = [
    "copysign",
    "fix",
    "fmod",
    "frexp",
    "heaviside",
    "ldexp",
    "modf",
    "nextafter",
    "spacing",
    "unwrap",
]


def _plain(value: Any) -> Any:
    """The plain value; Python numbers stay Python numbers (NumPy treats them as weak)."""
    if isinstance(value, Tracer):
        return value.concrete_value()
    return value if type(value) in (int, float, complex, bool) else np.asarray(value)


def _refuse_keywords(name: str, kwargs: dict) -> None:
    unsupported = sorted(key for key, value in kwargs.items() if value is not None)
    if unsupported:
        raise TypeError(
            f"chainrule.numpy.{name}: the keyword argument(s) {unsupported} are not "
            f"supported on traced values; call {name}(...) without them and use the result."
        )


def _refuse_complex(name: str, *values: Any) -> None:
    for value in values:
        if is_traced(value) and spec_of(value).dtype.kind == "c":
            raise TypeError(
                f"chainrule.numpy.{name}: complex input is not supported (NumPy's {name} "
                f"is defined for real numbers only); pass the real or imaginary part."
            )


def _cast(result: Any, dtype: np.dtype) -> Any:
    return astype(result, dtype) if is_traced(result) else np.asarray(result, dtype)


def fix(x: Any, out: Any = None) -> Any:
    """numpy.fix: rounding toward zero; piecewise constant, so no derivative (like trunc).

    >>> fix(np.array([-1.5, 1.5]))
    array([-1.,  1.])
    """
    if not is_traced(x):
        return np.fix(x, out=out)
    if out is not None:
        raise TypeError("chainrule.numpy.fix: out= is not supported on traced values")
    return trunc(x)


def copysign(x1: Any, x2: Any, /, **kwargs: Any) -> Any:
    """Differentiable numpy.copysign(x1, x2): the magnitude of x1 with the sign of x2.

    The slope in x1 is sign(x1) * sign(x2) (0 at x1 = 0, the convention of abs); in x2 it
    is 0 (only x2's sign bit is read).

    >>> import chainrule as cr
    >>> cr.grad(lambda x: copysign(x, -1.0))(2.0)
    np.float64(-1.0)
    """
    if not is_traced(x1, x2):
        return np.copysign(x1, x2, **kwargs)
    _refuse_keywords("copysign", kwargs)
    _refuse_complex("copysign", x1, x2)
    dtype = np.result_type(_plain(x1), _plain(x2))
    if dtype.kind != "f":
        dtype = np.result_type(dtype, np.float16)  # NumPy's copysign gives floats for ints
    magnitude = _abs(astype(as_value(x1), dtype) if is_traced(x1) else np.asarray(x1, dtype))
    # Negation flips the sign bit exactly (NaN included), as copysign sets it.
    return _cast(where(np.signbit(_plain(x2)), -magnitude, magnitude), dtype)


def heaviside(x1: Any, x2: Any, /, **kwargs: Any) -> Any:
    """Differentiable numpy.heaviside(x1, x2): 0 for x1 < 0, 1 for x1 > 0, x2 at x1 == 0.

    No derivative in x1 (a step); slope 1 in x2 exactly where x1 == 0.

    >>> heaviside(np.array([-1.0, 0.0, 2.0]), 0.5)
    array([0. , 0.5, 1. ])
    """
    if not is_traced(x1, x2):
        return np.heaviside(x1, x2, **kwargs)
    _refuse_keywords("heaviside", kwargs)
    plain_x1, plain_x2 = _plain(x1), _plain(x2)
    steps = np.heaviside(plain_x1, plain_x2)
    if not is_traced(x2):
        return steps
    return _cast(where(np.equal(plain_x1, 0), x2, steps), steps.dtype)


def modf(x: Any, /, **kwargs: Any) -> tuple:
    """Differentiable numpy.modf(x): (fractional part, integral part), both with x's sign.

    The fractional part has slope 1 (0 at infinities, where it is the constant 0); the
    integral part has no derivative.

    >>> import chainrule as cr
    >>> cr.grad(lambda x: modf(x)[0])(-2.5)
    np.float64(1.0)
    """
    if not is_traced(x):
        return np.modf(x, **kwargs)
    _refuse_keywords("modf", kwargs)
    _refuse_complex("modf", x)
    x = as_value(x)
    plain = x.concrete_value()
    whole = trunc(x)
    # x - trunc(x) is exact; written as -(trunc(x) - x) for negative x so that a zero
    # fractional part keeps x's sign as NumPy's does.
    fraction = where(np.signbit(plain), -(whole - x), x - whole)
    fraction = where(np.isinf(plain), np.modf(plain)[0], fraction)
    return fraction, whole


def fmod(x1: Any, x2: Any, /, **kwargs: Any) -> Any:
    """Differentiable numpy.fmod(x1, x2): the C remainder, with the sign of x1.

    Slope 1 in x1 and -trunc(x1 / x2) in x2 (at the jumps, trunc's value there).

    >>> import chainrule as cr
    >>> cr.grad(fmod, argnums=(0, 1))(-7.0, 2.0)
    (np.float64(1.0), np.float64(3.0))
    """
    if not is_traced(x1, x2):
        return np.fmod(x1, x2, **kwargs)
    _refuse_keywords("fmod", kwargs)
    _refuse_complex("fmod", x1, x2)
    dtype = np.result_type(_plain(x1), _plain(x2))
    # fmod(x, y) = s * fmod(|x|, |y|) = s * remainder(|x|, |y|), |x| = s * x, |y| = t * y.
    s = np.where(np.signbit(_plain(x1)), -1, 1).astype(dtype)
    t = np.where(np.signbit(_plain(x2)), -1, 1).astype(dtype)
    return _cast(s * remainder(s * x1, t * x2), dtype)


def _scaled(x: Any, exponents: np.ndarray, dtype: np.dtype) -> Any:
    """x * 2**exponents, exactly: by powers of two that are normal numbers of ``dtype``,
    in as few equal steps as that takes (one, unless the exponents are extreme)."""
    exponents = np.asarray(exponents)
    limit = np.finfo(dtype).maxexp - 1  # 2**limit and 2**-limit are both normal
    steps = max(1, -(-int(np.max(np.abs(exponents), initial=0)) // limit))
    one = np.ones((), dtype)
    for step in range(steps):
        # The exponents split into `steps` near-equal parts that add up to them.
        part = (exponents * (step + 1)) // steps - (exponents * step) // steps
        x = x * np.ldexp(one, part)
    return x


def ldexp(x1: Any, x2: Any, /, **kwargs: Any) -> Any:
    """Differentiable numpy.ldexp(x1, x2): x1 * 2**x2 for integer x2 (plain); slope 2**x2.

    >>> import chainrule as cr
    >>> cr.grad(lambda x: ldexp(x, 3))(1.5)
    np.float64(8.0)
    """
    if not is_traced(x1, x2):
        return np.ldexp(x1, x2, **kwargs)
    _refuse_keywords("ldexp", kwargs)
    if is_traced(x2) or np.asarray(_plain(x2)).dtype.kind not in "iub":
        raise TypeError(
            "chainrule.numpy.ldexp: x2 must be a plain integer array (the exponents carry "
            "no derivative); use x1 * 2.0**x2 for a differentiable exponent."
        )
    _refuse_complex("ldexp", x1)
    dtype = np.ldexp(np.asarray(_plain(x1))[()], 0).dtype
    return _cast(_scaled(astype(as_value(x1), dtype), np.asarray(x2), dtype), dtype)


def frexp(x: Any, /, **kwargs: Any) -> tuple:
    """Differentiable numpy.frexp(x): (mantissa, exponent) with x = mantissa * 2**exponent.

    The mantissa has slope 2**-exponent; the exponent is a plain integer array.

    >>> import chainrule as cr
    >>> cr.grad(lambda x: frexp(x)[0])(12.0)
    np.float64(0.0625)
    """
    if not is_traced(x):
        return np.frexp(x, **kwargs)
    _refuse_keywords("frexp", kwargs)
    _refuse_complex("frexp", x)
    x = as_value(x)
    exponent = np.frexp(x.concrete_value())[1]
    return _scaled(x, -exponent, spec_of(x).dtype), exponent


def nextafter(x1: Any, x2: Any, /, **kwargs: Any) -> Any:
    """Differentiable numpy.nextafter(x1, x2): the next float after x1 towards x2.

    Slope 1 in x1 (it is x1 plus a step of one unit in the last place, a constant) and
    0 in x2.

    >>> import chainrule as cr
    >>> cr.grad(lambda x: nextafter(x, 2.0))(1.0)
    np.float64(1.0)
    """
    if not is_traced(x1, x2):
        return np.nextafter(x1, x2, **kwargs)
    _refuse_keywords("nextafter", kwargs)
    _refuse_complex("nextafter", x1, x2)
    plain_x1 = _plain(x1)
    following = np.nextafter(plain_x1, _plain(x2))
    if not is_traced(x1):
        return following
    # x1 + (following - x1) is exact: the difference of neighbouring floats is a float.
    step = np.where(np.isfinite(following), following - plain_x1, 0)
    shifted = x1 + step.astype(following.dtype)
    return where(np.isfinite(following) & np.isfinite(plain_x1), shifted, following)


def spacing(x: Any, /, **kwargs: Any) -> Any:
    """numpy.spacing(x) on the plain values: the gap to the next float, piecewise constant
    in x, so no derivative.

    >>> spacing(np.float64(1.0)) == np.finfo(np.float64).eps
    np.True_
    """
    if is_traced(x):
        _refuse_keywords("spacing", kwargs)
        _refuse_complex("spacing", x)
        return np.spacing(_plain(x))
    return np.spacing(x, **kwargs)


def unwrap(p: Any, discont: Any = None, axis: int = -1, *, period: float = 2 * np.pi) -> Any:
    """Differentiable numpy.unwrap(p, discont=None, axis=-1, *, period=2*pi): jumps larger
    than ``discont`` along ``axis`` are removed by adding multiples of ``period``.

    The corrections are constants, so the slope is 1 in every entry of p.

    >>> import chainrule as cr
    >>> cr.grad(lambda p: unwrap(p).sum())(np.array([0.0, 6.0]))
    array([1., 1.])
    """
    if not is_traced(p):
        return np.unwrap(p, discont, axis, period=period)
    if is_traced(discont, period):
        raise TypeError(
            "chainrule.numpy.unwrap: discont and period must be plain numbers (they only "
            "decide which corrections are added)"
        )
    p = as_value(p)
    plain = p.concrete_value()
    axis = normalize_one_axis(axis, plain.ndim, "chainrule.numpy.unwrap")
    later = [slice(None)] * plain.ndim
    later[axis] = slice(1, None)
    later = tuple(later)
    first = [slice(None)] * plain.ndim
    first[axis] = slice(0, 1)
    first = tuple(first)
    dtype = np.result_type(np.diff(plain, axis=axis), period)  # NumPy's result dtype
    # NumPy's corrections, computed on the plain values: constants added to p[1:].
    corrections = _corrections(plain, discont, axis, period, dtype)
    p = astype(p, dtype)
    return concatenate((p[first], p[later] + corrections), axis=axis)


def _corrections(plain: np.ndarray, discont: Any, axis: int, period: Any, dtype: Any) -> Any:
    """The cumulative multiples of ``period`` numpy.unwrap adds to p[1:] (its arithmetic)."""
    differences = np.diff(plain, axis=axis)
    if discont is None:
        discont = period / 2
    if np.issubdtype(np.result_type(differences, period), np.integer):
        high, rest = divmod(period, 2)
        is_ambiguous = rest == 0
    else:
        high, is_ambiguous = period / 2, True
    low = -high
    wrapped = np.mod(differences - low, period) + low
    if is_ambiguous:
        np.copyto(wrapped, high, where=(wrapped == low) & (differences > 0))
    correction = wrapped - differences
    np.copyto(correction, 0, where=abs(differences) < discont)
    return correction.cumsum(axis).astype(dtype, copy=False)
