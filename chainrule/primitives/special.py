"""Special functions whose values come from SciPy: error functions, the normal distribution,
gamma and beta functions, Bessel functions (modified, first and second kind), the logistic
pair, incomplete gamma and beta functions.

SciPy computes the values; every partial derivative is written with primitives, so the
rules differentiate again. This module imports scipy.special at the top, so only
chainrule.scipy imports it (chainrule.primitives does not): SciPy stays optional.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import scipy.special as sc

from chainrule.primitives.declare import elementwise, nondifferentiable, safe_multiply_p
from chainrule.primitives.elementwise import (
    cos_p,
    exp_p,
    greater_p,
    isinf_p,
    log1p_p,
    log_p,
    reciprocal_p,
    sign_p,
    sin_p,
    where_p,
)

_FAMILY = "special"
_SQRT_PI = math.sqrt(math.pi)
_SQRT_2PI = math.sqrt(2 * math.pi)
_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)
_MINUS_SQRT_HALF = -math.sqrt(0.5)


def _special(name: str, impl: Any, partials: Any, saves: tuple = ("inputs", "out")) -> Any:
    return elementwise(name, impl, partials, family=_FAMILY, saves=saves)


def no_closed_form(function: str, argument: str) -> Any:
    """A partial that refuses: d/d``argument`` of ``function`` has no closed form."""

    def partial(*args: Any, **params: Any) -> Any:
        raise NotImplementedError(
            f"chainrule.scipy.special.{function}: the derivative with respect to {argument} "
            f"has no closed form and is not implemented. Pass {argument} as a constant (a "
            f"plain number or array, not a traced value) and differentiate with respect to "
            f"the other arguments only."
        )

    return partial


# ---------------------------------------------------------------------------------------
# Error functions. erf'(x) = 2/sqrt(pi) exp(-x^2) and erfc = 1 - erf; the inverses have
# the reciprocal slopes at their results: erfinv'(y) = sqrt(pi)/2 exp(erfinv(y)^2).

erf_p = _special("erf", sc.erf, lambda x, out: (2 / _SQRT_PI) * exp_p(-(x * x)), ("inputs",))
erfc_p = _special("erfc", sc.erfc, lambda x, out: (-2 / _SQRT_PI) * exp_p(-(x * x)), ("inputs",))
erfinv_p = _special("erfinv", sc.erfinv, lambda y, out: (_SQRT_PI / 2) * exp_p(out * out), ("out",))
erfcinv_p = _special(
    "erfcinv", sc.erfcinv, lambda y, out: (-_SQRT_PI / 2) * exp_p(out * out), ("out",)
)

# erfcx(y) = exp(y^2) erfc(y), the scaled complement that does not underflow:
# erfcx'(y) = 2 y erfcx(y) - 2/sqrt(pi).
erfcx_p = _special("erfcx", sc.erfcx, lambda y, out: 2 * y * out - 2 / _SQRT_PI)

# ---------------------------------------------------------------------------------------
# The standard normal distribution. ndtr' is the density phi(x) = exp(-x^2/2) / sqrt(2 pi);
# ndtri' = 1 / phi(ndtri(p)). log_ndtr' = r(x) = phi(x) / ndtr(x), two numbers that
# underflow together for x << 0; but ndtr(x) = exp(-x^2/2) erfcx(-x/sqrt 2) / 2, so
# r(x) = sqrt(2/pi) / erfcx(-x/sqrt 2) exactly, with nothing to cancel, for every x. r is a
# primitive of its own, r' = -r (x + r), so that its derivatives never square the tiny r
# of x >> 0 (which would underflow to 0 where r' is still representable).


def _log_ndtr_derivative_impl(x: Any) -> Any:
    return _SQRT_2_OVER_PI / sc.erfcx(x * _MINUS_SQRT_HALF)


ndtr_p = _special(
    "ndtr", sc.ndtr, lambda x, out: exp_p(-0.5 * (x * x)) * (1 / _SQRT_2PI), ("inputs",)
)
ndtri_p = _special("ndtri", sc.ndtri, lambda p, out: _SQRT_2PI * exp_p(0.5 * (out * out)), ("out",))
log_ndtr_derivative_p = _special(
    "log_ndtr_derivative", _log_ndtr_derivative_impl, lambda x, out: -(out * (x + out))
)
log_ndtr_p = _special("log_ndtr", sc.log_ndtr, lambda x, out: log_ndtr_derivative_p(x), ("inputs",))

# ---------------------------------------------------------------------------------------
# The gamma function, its reciprocal and its logarithmic derivatives: Gamma' = Gamma psi,
# (log|Gamma|)' = psi, psi' = polygamma(1, .), polygamma(n, .)' = polygamma(n + 1, .) (n a
# static int).


def _polygamma_impl(x: Any, n: int) -> Any:
    out = sc.polygamma(n, x)
    return out[()] if isinstance(out, np.ndarray) and out.ndim == 0 else out


gamma_p = _special("gamma", sc.gamma, lambda x, out: out * digamma_p(x))
gammaln_p = _special("gammaln", sc.gammaln, lambda x, out: digamma_p(x), ("inputs",))
digamma_p = _special("digamma", sc.digamma, lambda x, out: polygamma_p(x, n=1), ("inputs",))
polygamma_p = _special(
    "polygamma", _polygamma_impl, lambda x, out, n: polygamma_p(x, n=n + 1), ("inputs",)
)
gammasgn_p = nondifferentiable("gammasgn", sc.gammasgn, family=_FAMILY)


# rgamma = 1 / Gamma is entire. rgamma' = -psi rgamma for x > 0; for x <= 0, where psi's
# poles meet rgamma's zeros, the reflection rgamma(x) = Gamma(1 - x) sin(pi x) / pi gives
# rgamma'(x) = Gamma(1 - x) (cos(pi x) - sin(pi x) psi(1 - x) / pi), finite there:
# (-1)^n n! at x = -n. Each branch differentiates again by its own rules.
def _rgamma_slope(x: Any, out: Any) -> Any:
    reflected = 1 - x
    angle = math.pi * x
    left = gamma_p(reflected) * (cos_p(angle) - sin_p(angle) * digamma_p(reflected) / math.pi)
    return where_p(greater_p(x, 0), -(digamma_p(x) * out), left)


rgamma_p = _special("rgamma", sc.rgamma, _rgamma_slope)


# d/da log|B(a, b)| = psi(a) - psi(a + b), likewise in b; B' = B (log|B|)'.
def _digamma_difference(first: Any, second: Any) -> Any:
    return digamma_p(first) - digamma_p(first + second)


betaln_p = _special(
    "betaln",
    sc.betaln,
    (
        lambda a, b, out: _digamma_difference(a, b),
        lambda a, b, out: _digamma_difference(b, a),
    ),
    ("inputs",),
)
beta_p = _special(
    "beta",
    sc.beta,
    (
        lambda a, b, out: out * _digamma_difference(a, b),
        lambda a, b, out: out * _digamma_difference(b, a),
    ),
)
# poch(z, m) = Gamma(z + m) / Gamma(z): d/dz = poch (psi(z + m) - psi(z)), d/dm = poch psi(z + m).
poch_p = _special(
    "poch",
    sc.poch,
    (
        lambda z, m, out: out * (digamma_p(z + m) - digamma_p(z)),
        lambda z, m, out: out * digamma_p(z + m),
    ),
)

# ---------------------------------------------------------------------------------------
# Modified Bessel functions of the first kind. I_v' = (I_{v-1} + I_{v+1}) / 2: unlike the
# textbook I_1' = I_0 - I_1 / x it divides by nothing, so it is exact at 0 to every order.
# The scaled ive(v, x) = I_v(x) exp(-|x|) adds -sign(x) ive(v, x) (sign(0) = 0, the
# average of the one-sided slopes at the kink).


def _is_integer(order: float) -> bool:
    return float(order).is_integer()


def _bessel_i(x: Any, order: float) -> Any:
    """I_order(x), by the dedicated function for orders 0 and 1 (I_-n = I_n for integer n)."""
    if _is_integer(order):
        order = abs(int(order))
        if order < 2:
            return i1_p(x) if order else i0_p(x)
    return iv_p(x, order=order)


def _bessel_ie(x: Any, order: float) -> Any:
    """ive(order, x), by i0e and i1e for orders 0 and 1."""
    if _is_integer(order):
        order = abs(int(order))
        if order < 2:
            return i1e_p(x) if order else i0e_p(x)
    return ive_p(x, order=order)


def _bessel_slope(x: Any, order: float) -> Any:
    return 0.5 * (_bessel_i(x, order - 1) + _bessel_i(x, order + 1))


def _scaled_bessel_slope(x: Any, order: float, out: Any) -> Any:
    return 0.5 * (_bessel_ie(x, order - 1) + _bessel_ie(x, order + 1)) - sign_p(x) * out


def _iv_impl(x: Any, order: float) -> Any:
    return sc.iv(order, x)


def _ive_impl(x: Any, order: float) -> Any:
    return sc.ive(order, x)


i0_p = _special("i0", sc.i0, lambda x, out: i1_p(x), ("inputs",))
i1_p = _special("i1", sc.i1, lambda x, out: _bessel_slope(x, 1), ("inputs",))
iv_p = _special("iv", _iv_impl, lambda x, out, order: _bessel_slope(x, order), ("inputs",))
i0e_p = _special("i0e", sc.i0e, lambda x, out: _scaled_bessel_slope(x, 0, out))
i1e_p = _special("i1e", sc.i1e, lambda x, out: _scaled_bessel_slope(x, 1, out))
ive_p = _special("ive", _ive_impl, lambda x, out, order: _scaled_bessel_slope(x, order, out))

# ---------------------------------------------------------------------------------------
# Bessel functions of the first and second kind. J_v and Y_v both satisfy
# C_v' = (C_{v-1} - C_{v+1}) / 2, which divides by nothing (J_1' = J_0 - J_1 / x would, at
# x = 0). For integer orders C_{-n} = (-1)^n C_n, so orders 0 and 1 and their neighbours
# are the dedicated j0, j1, y0, y1 (J_0' = -J_1, Y_0' = -Y_1).


def _bessel_of_kind(x: Any, order: float, kind: str) -> Any:
    """J_order(x) (kind "j") or Y_order(x) (kind "y"), by j0, j1, y0, y1 where they apply."""
    if _is_integer(order):
        magnitude = abs(int(order))
        if magnitude < 2:
            first_orders = {"j": (j0_p, j1_p), "y": (y0_p, y1_p)}[kind]
            value = first_orders[magnitude](x)
            return -value if order < 0 and magnitude % 2 else value
    return (jv_p if kind == "j" else yv_p)(x, order=order)


def _bessel_difference_slope(x: Any, order: float, kind: str) -> Any:
    return 0.5 * (_bessel_of_kind(x, order - 1, kind) - _bessel_of_kind(x, order + 1, kind))


def _jv_impl(x: Any, order: float) -> Any:
    return sc.jv(order, x)


def _yv_impl(x: Any, order: float) -> Any:
    return sc.yv(order, x)


def _yn_impl(x: Any, order: int) -> Any:
    return sc.yn(order, x)


j0_p = _special("j0", sc.j0, lambda x, out: -j1_p(x), ("inputs",))
j1_p = _special("j1", sc.j1, lambda x, out: _bessel_difference_slope(x, 1, "j"), ("inputs",))
jv_p = _special(
    "jv", _jv_impl, lambda x, out, order: _bessel_difference_slope(x, order, "j"), ("inputs",)
)
y0_p = _special("y0", sc.y0, lambda x, out: -y1_p(x), ("inputs",))
y1_p = _special("y1", sc.y1, lambda x, out: _bessel_difference_slope(x, 1, "y"), ("inputs",))
yv_p = _special(
    "yv", _yv_impl, lambda x, out, order: _bessel_difference_slope(x, order, "y"), ("inputs",)
)
# SciPy's integer-order Y_n (its own algorithm); its slope is the same recurrence.
yn_p = _special(
    "yn", _yn_impl, lambda x, out, order: _bessel_difference_slope(x, order, "y"), ("inputs",)
)

# ---------------------------------------------------------------------------------------
# The logistic function and its relatives. expit' = expit(x) expit(-x): both factors are
# accurate in both tails, where out (1 - out) loses the slope for x >> 0. log_expit' =
# expit(-x); logit'(p) = 1 / (p (1 - p)). logit is a primitive because log(p) - log1p(-p)
# loses its relative accuracy near p = 1/2, where logit is near 0.

expit_p = _special("expit", sc.expit, lambda x, out: out * expit_p(-x))
log_expit_p = _special("log_expit", sc.log_expit, lambda x, out: expit_p(-x), ("inputs",))
logit_p = _special("logit", sc.logit, lambda p, out: reciprocal_p(p * (1 - p)), ("inputs",))

# ---------------------------------------------------------------------------------------
# x log(y) and x log1p(y), 0 where x = 0 (SciPy's values, NaN included). d/dx = log(y);
# d/dy = x / y by the zero-safe product, so it is exactly 0 where x = 0, at y = 0 too.

xlogy_p = _special(
    "xlogy",
    sc.xlogy,
    (lambda x, y, out: log_p(y), lambda x, y, out: safe_multiply_p(x, reciprocal_p(y))),
    ("inputs",),
)
xlog1py_p = _special(
    "xlog1py",
    sc.xlog1py,
    (lambda x, y, out: log1p_p(y), lambda x, y, out: safe_multiply_p(x, reciprocal_p(1 + y))),
    ("inputs",),
)

# ---------------------------------------------------------------------------------------
# Regularised incomplete gamma and beta functions and Student's t distribution function.
# Their derivatives in x are densities, formed in logs; with respect to the shape
# parameters there is no closed form, and asking for one raises NotImplementedError.


def _log_power(exponent: Any, base_log: Any) -> Any:
    """exponent * log(base), 0 where exponent = 0 (x^0 = 1 at x = 0 too)."""
    return safe_multiply_p(exponent, base_log)


def _gamma_density(a: Any, x: Any) -> Any:
    """d/dx P(a, x) = x^(a-1) exp(-x) / Gamma(a)."""
    return exp_p((_log_power(a - 1, log_p(x)) - x) - gammaln_p(a))


def _beta_density(a: Any, b: Any, x: Any) -> Any:
    """d/dx I_x(a, b) = x^(a-1) (1-x)^(b-1) / B(a, b)."""
    log_density = _log_power(a - 1, log_p(x)) + _log_power(b - 1, log1p_p(-x))
    return exp_p(log_density - betaln_p(a, b))


def _t_density(df: Any, t: Any) -> Any:
    """d/dt stdtr(df, t), Student's t density; the gamma ratio as poch(df/2, 1/2), which
    stays accurate for large df, and the normal density where df = inf."""
    log_density = (log_p(poch_p(0.5 * df, 0.5)) - 0.5 * (log_p(df) + math.log(math.pi))) - (
        0.5 * (df + 1)
    ) * log1p_p(t * t / df)
    normal = exp_p(-0.5 * (t * t)) * (1 / _SQRT_2PI)
    return where_p(isinf_p(df), normal, exp_p(log_density))


gammainc_p = _special(
    "gammainc",
    sc.gammainc,
    (no_closed_form("gammainc", "a"), lambda a, x, out: _gamma_density(a, x)),
    ("inputs",),
)
gammaincc_p = _special(
    "gammaincc",
    sc.gammaincc,
    (no_closed_form("gammaincc", "a"), lambda a, x, out: -_gamma_density(a, x)),
    ("inputs",),
)
betainc_p = _special(
    "betainc",
    sc.betainc,
    (
        no_closed_form("betainc", "a"),
        no_closed_form("betainc", "b"),
        lambda a, b, x, out: _beta_density(a, b, x),
    ),
    ("inputs",),
)
stdtr_p = _special(
    "stdtr",
    sc.stdtr,
    (no_closed_form("stdtr", "df"), lambda df, t, out: _t_density(df, t)),
    ("inputs",),
)
