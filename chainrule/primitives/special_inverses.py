"""Inverses of distribution functions, whose values come from SciPy: gammaincinv,
gammainccinv, betaincinv (in the probability; their shape parameters have no closed-form
derivative) and ndtri_exp.

By the inverse-function rule, d/dy F^-1(y) = 1 / F'(F^-1(y)): the reciprocal of the density
at the result, formed in logs. This module imports scipy.special; only chainrule.scipy
imports it.
"""

from __future__ import annotations

from typing import Any

import scipy.special as sc

from chainrule.primitives.declare import elementwise, safe_multiply_p
from chainrule.primitives.elementwise import exp_p, log1p_p, log_p, reciprocal_p
from chainrule.primitives.special import betaln_p, gammaln_p, log_ndtr_derivative_p, no_closed_form

_FAMILY = "special"


def _special(name: str, impl: Any, partials: Any, saves: tuple = ("inputs", "out")) -> Any:
    return elementwise(name, impl, partials, family=_FAMILY, saves=saves)


def _reciprocal_gamma_density(a: Any, x: Any) -> Any:
    """1 / (d/dx P(a, x)) = Gamma(a) exp(x) x^(1-a)."""
    return exp_p((gammaln_p(a) + x) - safe_multiply_p(a - 1, log_p(x)))


def _reciprocal_beta_density(a: Any, b: Any, x: Any) -> Any:
    """1 / (d/dx I_x(a, b)) = B(a, b) x^(1-a) (1-x)^(1-b)."""
    log_density = safe_multiply_p(a - 1, log_p(x)) + safe_multiply_p(b - 1, log1p_p(-x))
    return exp_p(betaln_p(a, b) - log_density)


gammaincinv_p = _special(
    "gammaincinv",
    sc.gammaincinv,
    (
        no_closed_form("gammaincinv", "a"),
        lambda a, y, out: _reciprocal_gamma_density(a, out),
    ),
)
# Q(a, x) = 1 - P(a, x): the slope of its inverse is minus that of P's.
gammainccinv_p = _special(
    "gammainccinv",
    sc.gammainccinv,
    (
        no_closed_form("gammainccinv", "a"),
        lambda a, y, out: -_reciprocal_gamma_density(a, out),
    ),
)
betaincinv_p = _special(
    "betaincinv",
    sc.betaincinv,
    (
        no_closed_form("betaincinv", "a"),
        no_closed_form("betaincinv", "b"),
        lambda a, b, y, out: _reciprocal_beta_density(a, b, out),
    ),
)

# ndtri_exp(y) = ndtri(exp(y)) = x with log_ndtr(x) = y, so its slope is
# 1 / log_ndtr'(x) = ndtr(x) / phi(x), by the primitive that keeps that ratio accurate in
# both tails.
ndtri_exp_p = _special(
    "ndtri_exp", sc.ndtri_exp, lambda y, out: reciprocal_p(log_ndtr_derivative_p(out)), ("out",)
)
