"""chainrule.scipy.special, continued: accurate elementary functions (expm1, log1p, exp2,
exp10, cbrt, softplus, cosm1, powm1, exprel), the Box-Cox transforms and their inverses,
erfi and dawsn, trigonometry in degrees (sindg, cosdg, tandg, cotdg, radian), round, the
Huber losses, binom, comb and loggamma.

Primitives (primitives/special_elementary.py) whose values SciPy computes; composites where
NumPy's own functions give the same function (expm1, log1p, exp2, cbrt, softplus, round,
radian: equal to SciPy's values within an ulp or two) or where a stable composition exists
(the Box-Cox transforms).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import scipy.special as sc

import chainrule.numpy as cnp
from chainrule.numpy import protocols
from chainrule.numpy.arguments import as_value, is_traced
from chainrule.primitives import special_elementary as se
from chainrule.primitives.elementwise import log_p
from chainrule.scipy.special_ufuncs import check_keywords, concrete, ufunc, with_dtype

__all__ = (
    "binom boxcox boxcox1p cbrt comb cosdg cosm1 cotdg dawsn erfi exp10 exp2 expm1 exprel "
    "huber inv_boxcox inv_boxcox1p log1p loggamma powm1 pseudo_huber radian round sindg "
    "softplus tandg"
).split()

expm1 = ufunc(cnp.expm1, sc.expm1)
log1p = ufunc(cnp.log1p, sc.log1p)
cbrt = ufunc(cnp.cbrt, sc.cbrt)
exp2 = ufunc(cnp.exp2, sc.exp2)
exp10 = ufunc(se.exp10_p, sc.exp10)
erfi = ufunc(se.erfi_p, sc.erfi)
dawsn = ufunc(se.dawsn_p, sc.dawsn)
cosm1 = ufunc(se.cosm1_p, sc.cosm1)
powm1 = ufunc(se.powm1_p, sc.powm1)
exprel = ufunc(lambda x: se.exprel_p(x, n=0), sc.exprel)
sindg = ufunc(se.sindg_p, sc.sindg)
cosdg = ufunc(se.cosdg_p, sc.cosdg)
tandg = ufunc(se.tandg_p, sc.tandg)
cotdg = ufunc(se.cotdg_p, sc.cotdg)
# huber's second derivatives at |r| = delta are the quadratic piece's (docs/conventions.md).
huber = ufunc(se.huber_p, sc.huber)
pseudo_huber = ufunc(se.pseudo_huber_p, sc.pseudo_huber)
binom = ufunc(se.binom_p, sc.binom)
# Rounding to the nearest integer, halves to even as NumPy's rint: derivative 0 everywhere.
round = ufunc(cnp.rint, sc.round)  # noqa: A001 (SciPy's name)


def _radian(degrees: Any, minutes: Any, seconds: Any) -> Any:
    return (degrees + minutes / 60.0 + seconds / 3600.0) * (math.pi / 180.0)


radian = ufunc(_radian, sc.radian)


def _loggamma(x: Any) -> Any:
    if concrete(x).dtype.kind == "c":
        raise NotImplementedError(
            "chainrule.scipy.special.loggamma: complex arguments are not supported on traced "
            "values; pass a real x (for x > 0 loggamma is gammaln)."
        )
    return se.loggamma_p(x)


loggamma = ufunc(_loggamma, sc.loggamma)


def softplus(x: Any, **kwargs: Any) -> Any:
    """Differentiable scipy.special.softplus(x) = log(1 + exp(x)) (SciPy >= 1.15).

    >>> import chainrule as cr
    >>> float(cr.grad(softplus)(0.0))  # expit(0)
    0.5
    """
    if not is_traced(x):
        return np.logaddexp(0, x, **kwargs)
    check_keywords("softplus", kwargs)
    return with_dtype(cnp.logaddexp(0.0, as_value(x)), kwargs)


def comb(N: Any, k: Any, *, exact: bool = False, repetition: bool = False) -> Any:  # noqa: N803
    """Differentiable scipy.special.comb(N, k): binom(N, k) where 0 <= k <= N, else 0.

    Differentiable in N and k (through binom) with exact=False; exact=True counts integers
    and has no derivative (TypeError on traced values). repetition=True is
    binom(N + k - 1, k), 1 where k = 0 <= N (as in SciPy).
    """
    if not is_traced(N, k):
        return sc.comb(N, k, exact=exact, repetition=repetition)
    if exact:
        raise TypeError(
            "chainrule.scipy.special.comb: exact=True computes integers, which have no "
            "derivative; pass exact=False to differentiate, or N and k as plain values."
        )
    N, k = as_value(N), as_value(k)  # noqa: N806
    n_plain, k_plain = concrete(N), concrete(k)
    if repetition:
        # SciPy: binom(N + k - 1, k) everywhere, with C(N, 0) = 1 for N >= 0.
        value = se.binom_p(N + k - 1, k)
        fixed, replacement = (k_plain == 0) & (n_plain >= 0), 1.0
    else:
        is_inside = (k_plain <= n_plain) & (n_plain >= 0) & (k_plain >= 0)
        value, fixed, replacement = se.binom_p(N, k), ~is_inside, 0.0
    return value if not np.any(fixed) else cnp.where(fixed, replacement, value)


# ---------------------------------------------------------------------------------------
# The Box-Cox transforms. boxcox(x, l) = (x^l - 1) / l = L exprel(l L) with L = log(x)
# (log(x) at l = 0), which is exact at l = 0 and carries exprel's stable derivatives in
# both arguments; boxcox1p uses L = log1p(x). The inverses are exp(y g) and expm1(y g)
# with g = log1p(l y) / (l y) (1 at l y = 0), taken from its series where |l y| < 0.1.


def _boxcox(x: Any, lmbda: Any) -> Any:
    logarithm = log_p(x)
    return logarithm * se.exprel_p(lmbda * logarithm, n=0)


def _boxcox1p(x: Any, lmbda: Any) -> Any:
    logarithm = cnp.log1p(x)
    return logarithm * se.exprel_p(lmbda * logarithm, n=0)


def _inv_boxcox(y: Any, lmbda: Any) -> Any:
    return cnp.exp(y * se.log1p_ratio(lmbda * y))


def _inv_boxcox1p(y: Any, lmbda: Any) -> Any:
    return cnp.expm1(y * se.log1p_ratio(lmbda * y))


boxcox = ufunc(_boxcox, sc.boxcox)
boxcox1p = ufunc(_boxcox1p, sc.boxcox1p)
inv_boxcox = ufunc(_inv_boxcox, sc.inv_boxcox)
inv_boxcox1p = ufunc(_inv_boxcox1p, sc.inv_boxcox1p)

_DISPATCHED = {
    sc.expm1: expm1,
    sc.log1p: log1p,
    sc.cbrt: cbrt,
    sc.exp2: exp2,
    sc.exp10: exp10,
    sc.erfi: erfi,
    sc.dawsn: dawsn,
    sc.cosm1: cosm1,
    sc.powm1: powm1,
    sc.exprel: exprel,
    sc.sindg: sindg,
    sc.cosdg: cosdg,
    sc.tandg: tandg,
    sc.cotdg: cotdg,
    sc.huber: huber,
    sc.pseudo_huber: pseudo_huber,
    sc.binom: binom,
    sc.round: round,
    sc.radian: radian,
    sc.loggamma: loggamma,
    sc.boxcox: boxcox,
    sc.boxcox1p: boxcox1p,
    sc.inv_boxcox: inv_boxcox,
    sc.inv_boxcox1p: inv_boxcox1p,
}
for _scipy_ufunc, _function in _DISPATCHED.items():
    protocols.register_ufunc(_scipy_ufunc, _function)
