"""Special functions whose values come from SciPy, continued: erfi and Dawson's integral,
exp10, accurate forms of elementary functions (cosm1, powm1, exprel and its derivatives),
trigonometry in degrees, the Huber losses, the binomial coefficient and loggamma.

Every partial derivative is written with primitives, so the rules differentiate again.
This module imports scipy.special; only chainrule.scipy imports it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import scipy.special as sc

from chainrule.primitives.declare import elementwise, safe_multiply_p
from chainrule.primitives.elementwise import (
    abs_p,
    exp_p,
    less_equal_p,
    less_p,
    log1p_p,
    log_p,
    sign_p,
    sin_p,
    sqrt_p,
    where_p,
)
from chainrule.primitives.special import digamma_p

_FAMILY = "special"
_SQRT_PI = math.sqrt(math.pi)
_DEGREE = math.pi / 180
_LOG_10 = math.log(10.0)


def _special(name: str, impl: Any, partials: Any, saves: tuple = ("inputs", "out")) -> Any:
    return elementwise(name, impl, partials, family=_FAMILY, saves=saves)


# ---------------------------------------------------------------------------------------
# erfi(x) = -i erf(i x): erfi' = 2/sqrt(pi) exp(x^2). Dawson's integral
# F(x) = exp(-x^2) int_0^x exp(t^2) dt: F' = 1 - 2 x F.

erfi_p = _special("erfi", sc.erfi, lambda x, out: (2 / _SQRT_PI) * exp_p(x * x), ("inputs",))
dawsn_p = _special("dawsn", sc.dawsn, lambda x, out: 1 - 2 * x * out)

# 10^x by SciPy: exp10' = log(10) 10^x.
exp10_p = _special("exp10", sc.exp10, lambda x, out: _LOG_10 * out, ("out",))

# ---------------------------------------------------------------------------------------
# cos(x) - 1 and x^y - 1 without the cancellation near 0: cosm1' = -sin. powm1: d/dx =
# y x^(y-1), d/dy = (powm1 + 1) log(x) by the zero-safe product (0 at x = 0, where x^y = 0).

cosm1_p = _special("cosm1", sc.cosm1, lambda x, out: -sin_p(x), ("inputs",))
powm1_p = _special(
    "powm1",
    sc.powm1,
    (
        lambda x, y, out: y * x ** (y - 1),
        lambda x, y, out: safe_multiply_p(out + 1, log_p(x)),
    ),
)

# ---------------------------------------------------------------------------------------
# exprel(x) = (e^x - 1) / x = int_0^1 exp(x t) dt, so its n-th derivative is
# f_n(x) = int_0^1 t^n exp(x t) dt and f_n' = f_{n+1}: one primitive, n static (n = 0 is
# SciPy's exprel). Near 0, where (e^x - n f_{n-1}) / x cancels, f_n is the series
# sum_k x^k / (k! (n + k + 1)); elsewhere that upward recurrence, which then loses at most
# a factor n! / |x|^n <= 1.5 (n <= 4).

_SERIES_TERMS = 60


def _exprel_derivative_impl(x: Any, n: int) -> Any:
    if n == 0:
        return sc.exprel(x)
    x = np.asarray(x)
    values = x.astype(np.float64)
    is_near_zero = np.abs(values) <= max(2.0, n)
    with np.errstate(all="ignore"):
        near = np.where(is_near_zero, values, 0.0)
        series = np.zeros_like(near)
        term = np.ones_like(near)  # x^k / k!
        for k in range(_SERIES_TERMS):
            series = series + term / (n + k + 1)
            term = term * near / (k + 1)
        far = np.where(is_near_zero, 1.0, values)
        recurrence = sc.exprel(far)
        for m in range(1, n + 1):
            recurrence = (np.exp(far) - m * recurrence) / far
    out = np.where(is_near_zero, series, recurrence).astype(np.result_type(x, np.float32))
    return out[()] if out.ndim == 0 else out


exprel_p = _special(
    "exprel", _exprel_derivative_impl, lambda x, out, n: exprel_p(x, n=n + 1), ("inputs",)
)

# ---------------------------------------------------------------------------------------
# Trigonometric functions of degrees: d/dx sin(pi x / 180) = pi/180 cos(pi x / 180), and
# tan' = pi/180 (1 + tan^2), cot' = -pi/180 (1 + cot^2). SciPy's values are exact at the
# multiples of 90 degrees; so are these slopes, which are SciPy's functions too.

sindg_p = _special("sindg", sc.sindg, lambda x, out: _DEGREE * cosdg_p(x), ("inputs",))
cosdg_p = _special("cosdg", sc.cosdg, lambda x, out: -_DEGREE * sindg_p(x), ("inputs",))
tandg_p = _special("tandg", sc.tandg, lambda x, out: _DEGREE * (1 + out * out), ("out",))
cotdg_p = _special("cotdg", sc.cotdg, lambda x, out: -_DEGREE * (1 + out * out), ("out",))

# ---------------------------------------------------------------------------------------
# Huber's loss huber(delta, r) = r^2 / 2 for |r| <= delta, delta (|r| - delta / 2) beyond:
# d/dr = r or delta sign(r), d/ddelta = 0 or |r| - delta. Both are continuous at
# |r| = delta; the second derivatives jump there, and the rules take the quadratic piece's
# (docs/conventions.md).


def _is_quadratic(delta: Any, r: Any) -> Any:
    return less_equal_p(abs_p(r), delta)


huber_p = _special(
    "huber",
    sc.huber,
    (
        lambda delta, r, out: where_p(_is_quadratic(delta, r), 0.0, abs_p(r) - delta),
        lambda delta, r, out: where_p(_is_quadratic(delta, r), r, delta * sign_p(r)),
    ),
    ("inputs",),
)


# pseudo_huber(delta, r) = delta^2 (s - 1) with s = sqrt(1 + (r / delta)^2), which equals
# r^2 / (s + 1): d/dr = r / s, and d/ddelta = delta t^4 / (s (s + 1)^2) with t = r / delta,
# free of the cancellation in s - 1. For delta > 0.
def _pseudo_huber_root(delta: Any, r: Any) -> Any:
    ratio = r / delta
    return sqrt_p(1 + ratio * ratio)


def _pseudo_huber_delta_slope(delta: Any, r: Any) -> Any:
    ratio = r / delta
    root = _pseudo_huber_root(delta, r)
    squared = ratio * ratio
    return delta * (squared * squared) / (root * ((root + 1) * (root + 1)))


pseudo_huber_p = _special(
    "pseudo_huber",
    sc.pseudo_huber,
    (
        lambda delta, r, out: _pseudo_huber_delta_slope(delta, r),
        lambda delta, r, out: r / _pseudo_huber_root(delta, r),
    ),
    ("inputs",),
)

# ---------------------------------------------------------------------------------------
# The binomial coefficient Gamma(n + 1) / (Gamma(k + 1) Gamma(n - k + 1)), real n and k:
# d/dn = binom (psi(n + 1) - psi(n - k + 1)), d/dk = binom (psi(n - k + 1) - psi(k + 1)).
# loggamma(x) for real x > 0 is log Gamma(x): loggamma' = psi.

binom_p = _special(
    "binom",
    sc.binom,
    (
        lambda n, k, out: out * (digamma_p(n + 1) - digamma_p(n - k + 1)),
        lambda n, k, out: out * (digamma_p(n - k + 1) - digamma_p(k + 1)),
    ),
)
loggamma_p = _special("loggamma", sc.loggamma, lambda x, out: digamma_p(x), ("inputs",))


# ---------------------------------------------------------------------------------------
# log1p(u) / u, 1 at u = 0, as a composite that is smooth there to any order: the direct
# quotient away from 0 and its series sum_k (-u)^k / (k + 1) where |u| < 0.1 (18 terms:
# 0.1^18 / 18 is below float64 resolution, to the third derivative and beyond).
_RATIO_SERIES_TERMS = 18


def log1p_ratio(u: Any) -> Any:
    """log1p(u) / u with its limit 1 at u = 0 (written with primitives: differentiable)."""
    is_small = less_p(abs_p(u), 0.1)
    series = 0.0
    for k in reversed(range(_RATIO_SERIES_TERMS)):
        series = 1.0 / (k + 1) - u * series
    safe = where_p(is_small, 1.0, u)
    return where_p(is_small, series, log1p_p(safe) / safe)
