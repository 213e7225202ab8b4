"""Special functions defined by integrals, whose values come from SciPy: the exponential
integrals E_n, E_1 and Ei, Spence's function, Owen's T function and the Hurwitz zeta
function (in q).

Every partial derivative is written with primitives, so the rules differentiate again.
This module imports scipy.special; only chainrule.scipy imports it.
"""

from __future__ import annotations

import math
from typing import Any

import scipy.special as sc

from chainrule.primitives.declare import elementwise
from chainrule.primitives.elementwise import exp_p
from chainrule.primitives.special import erf_p, no_closed_form
from chainrule.primitives.special_elementary import log1p_ratio

_FAMILY = "special"
_TWO_PI = 2 * math.pi
_SQRT_2PI = math.sqrt(2 * math.pi)
_SQRT_HALF = math.sqrt(0.5)


def _special(name: str, impl: Any, partials: Any, saves: tuple = ("inputs", "out")) -> Any:
    return elementwise(name, impl, partials, family=_FAMILY, saves=saves)


# ---------------------------------------------------------------------------------------
# Exponential integrals, x > 0. E_n(x) = int_1^inf exp(-x t) t^-n dt, so E_n' = -E_{n-1}
# for every n, with E_0(x) = exp(-x) / x and E_{-1}(x) = exp(-x) (1/x + 1/x^2). exp1 is
# E_1. Ei(x) = -PV int_{-x}^inf exp(-t) / t dt (x != 0): Ei' = exp(x) / x.


def _exponential_integral(x: Any, order: int) -> Any:
    """E_order(x) for an integer order >= -1: exp1 and expn, or their closed forms."""
    if order == -1:
        return exp_p(-x) * (1 / x + 1 / (x * x))
    if order == 0:
        return exp_p(-x) / x
    if order == 1:
        return exp1_p(x)
    return expn_p(x, order=order)


def _expn_impl(x: Any, order: int) -> Any:
    return sc.expn(order, x)


exp1_p = _special("exp1", sc.exp1, lambda x, out: -(exp_p(-x) / x), ("inputs",))
expn_p = _special(
    "expn", _expn_impl, lambda x, out, order: -_exponential_integral(x, order - 1), ("inputs",)
)
expi_p = _special("expi", sc.expi, lambda x, out: exp_p(x) / x, ("inputs",))


# ---------------------------------------------------------------------------------------
# Spence's function (the dilogarithm as SciPy defines it), z >= 0:
# spence(z) = int_1^z log(t) / (1 - t) dt, so spence'(z) = log(z) / (1 - z)
# = -log1p(t) / t with t = z - 1, smooth through z = 1 (slope -1, second derivative 1/2).
def _spence_slope(z: Any, out: Any) -> Any:
    return -log1p_ratio(z - 1)


spence_p = _special("spence", sc.spence, _spence_slope, ("inputs",))


# ---------------------------------------------------------------------------------------
# Owen's T(h, a) = 1/(2 pi) int_0^a exp(-h^2 (1 + x^2) / 2) / (1 + x^2) dx:
# d/da = exp(-h^2 (1 + a^2) / 2) / (2 pi (1 + a^2)), and, integrating the x-part in closed
# form, d/dh = -phi(h) erf(a h / sqrt 2) / 2 with phi the standard normal density.
def _owens_t_h_slope(h: Any, a: Any, out: Any) -> Any:
    return (-0.5 / _SQRT_2PI) * exp_p(-0.5 * (h * h)) * erf_p(_SQRT_HALF * (a * h))


def _owens_t_a_slope(h: Any, a: Any, out: Any) -> Any:
    widened = 1 + a * a
    return exp_p(-0.5 * (h * h) * widened) / (_TWO_PI * widened)


owens_t_p = _special("owens_t", sc.owens_t, (_owens_t_h_slope, _owens_t_a_slope), ("inputs",))

# ---------------------------------------------------------------------------------------
# The Hurwitz zeta function zeta(x, q) = sum_k (k + q)^-x: d/dq = -x zeta(x + 1, q). In x
# there is no closed form (NotImplementedError when asked).

zeta_p = _special(
    "zeta",
    sc.zeta,
    (no_closed_form("zeta", "x"), lambda x, q, out: -(x * zeta_p(x + 1, q))),
    ("inputs",),
)
