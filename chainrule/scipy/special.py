"""chainrule.scipy.special: SciPy's special functions, with SciPy's names and signatures.

Without traced arguments each function calls SciPy itself (every keyword allowed), so
plain results are SciPy's own. With traced arguments the elementwise functions apply the
primitives of chainrule/primitives/special.py, whose values SciPy computes too; entr,
rel_entr, kl_div and multigammaln are composites, and so are logsumexp, softmax and
log_softmax (special_logsumexp.py). Calling the SciPy ufuncs themselves
(``scipy.special.erf(x)``) on traced values works as well.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.special as sc

import chainrule.numpy as cnp
from chainrule.numpy import protocols
from chainrule.numpy.arguments import as_value, is_traced
from chainrule.primitives import special as sp
from chainrule.primitives.declare import safe_multiply_p
from chainrule.primitives.elementwise import log_p, where_p
from chainrule.scipy.special_logsumexp import log_softmax, logsumexp, softmax  # noqa: F401
from chainrule.scipy.special_ufuncs import (
    check_keywords,
    concrete,
    of_static_order,
    refuse_traced_order,
    ufunc,
    with_dtype,
)

__all__ = (
    "beta betainc betaln digamma entr erf erfc erfcinv erfcx erfinv expit gamma gammainc gammaincc "
    "gammaln gammasgn i0 i0e i1 i1e iv ive j0 j1 jn jv kl_div log_expit log_ndtr log_softmax "
    "logit logsumexp multigammaln ndtr ndtri poch polygamma psi rel_entr rgamma softmax stdtr "
    "xlog1py xlogy y0 y1 yn yv"
).split()

erf = ufunc(sp.erf_p, sc.erf)
erfc = ufunc(sp.erfc_p, sc.erfc)
erfinv = ufunc(sp.erfinv_p, sc.erfinv)
erfcinv = ufunc(sp.erfcinv_p, sc.erfcinv)
erfcx = ufunc(sp.erfcx_p, sc.erfcx)
ndtr = ufunc(sp.ndtr_p, sc.ndtr)
ndtri = ufunc(sp.ndtri_p, sc.ndtri)
log_ndtr = ufunc(sp.log_ndtr_p, sc.log_ndtr)
gamma = ufunc(sp.gamma_p, sc.gamma)
gammaln = ufunc(sp.gammaln_p, sc.gammaln)
digamma = ufunc(sp.digamma_p, sc.digamma, "digamma")
psi = ufunc(sp.digamma_p, sc.psi, "psi")
gammasgn = ufunc(sp.gammasgn_p, sc.gammasgn)
rgamma = ufunc(sp.rgamma_p, sc.rgamma)
beta = ufunc(sp.beta_p, sc.beta)
betaln = ufunc(sp.betaln_p, sc.betaln)
poch = ufunc(sp.poch_p, sc.poch)
i0 = ufunc(sp.i0_p, sc.i0)
i1 = ufunc(sp.i1_p, sc.i1)
i0e = ufunc(sp.i0e_p, sc.i0e)
i1e = ufunc(sp.i1e_p, sc.i1e)
j0 = ufunc(sp.j0_p, sc.j0)
j1 = ufunc(sp.j1_p, sc.j1)
y0 = ufunc(sp.y0_p, sc.y0)
y1 = ufunc(sp.y1_p, sc.y1)
expit = ufunc(sp.expit_p, sc.expit)
log_expit = ufunc(sp.log_expit_p, sc.log_expit)
logit = ufunc(sp.logit_p, sc.logit)
xlogy = ufunc(sp.xlogy_p, sc.xlogy)
xlog1py = ufunc(sp.xlog1py_p, sc.xlog1py)
# No derivative in the shape parameters (a, b, df): their primitives raise if one is asked.
gammainc = ufunc(sp.gammainc_p, sc.gammainc)
gammaincc = ufunc(sp.gammaincc_p, sc.gammaincc)
betainc = ufunc(sp.betainc_p, sc.betainc)
stdtr = ufunc(sp.stdtr_p, sc.stdtr)


# ---------------------------------------------------------------------------------------
# Functions of an order that carries no derivative (polygamma's n, the Bessel order v).


def polygamma(n: Any, x: Any) -> Any:
    """Differentiable scipy.special.polygamma(n, x), the n-th derivative of digamma.

    Differentiable in x; n (a non-negative integer, or an array of them) is not.

    >>> import chainrule as cr
    >>> float(cr.grad(lambda x: polygamma(1, x))(1.0))  # polygamma(2, 1) = -2 zeta(3)
    -2.404113806319
    """
    return of_static_order("polygamma", sc.polygamma, sp.polygamma_p, "n", n, x, parameter="n")


def iv(v: Any, z: Any) -> Any:
    """Differentiable scipy.special.iv(v, z), the modified Bessel function I_v; not in v."""
    return of_static_order("iv", sc.iv, sp.iv_p, "v", v, z)


def ive(v: Any, z: Any) -> Any:
    """Differentiable scipy.special.ive(v, z) = iv(v, z) exp(-|z|); not in v."""
    return of_static_order("ive", sc.ive, sp.ive_p, "v", v, z)


def jv(v: Any, z: Any) -> Any:
    """Differentiable scipy.special.jv(v, z) (also jn), the Bessel function J_v; not in v.

    >>> import chainrule as cr
    >>> float(cr.grad(lambda x: jv(0, x))(1.0))  # J_0'(1) = -J_1(1)
    -0.440050585745
    """
    return of_static_order("jv", sc.jv, sp.jv_p, "v", v, z)


jn = jv  # SciPy's jn is jv itself


def yv(v: Any, z: Any) -> Any:
    """Differentiable scipy.special.yv(v, z), the Bessel function of the second kind; not in v."""
    return of_static_order("yv", sc.yv, sp.yv_p, "v", v, z)


def yn(n: Any, x: Any) -> Any:
    """Differentiable scipy.special.yn(n, x), Y_n of integer order n (SciPy's own yn); not in n."""
    # SciPy truncates a non-integer n, with a warning; so does the derivative here.
    return of_static_order("yn", sc.yn, sp.yn_p, "n", n, x, integer=True)


def multigammaln(a: Any, d: int) -> Any:
    """Differentiable scipy.special.multigammaln(a, d), the log multivariate gamma function.

    log Gamma_d(a) = d (d - 1) / 4 log(pi) + sum_{j=1}^{d} gammaln(a - (j - 1) / 2).
    """
    if not is_traced(a, d):
        return sc.multigammaln(a, d)
    refuse_traced_order("multigammaln", "d", d)
    dimension = np.asarray(d)[()]
    if not np.isscalar(dimension) or np.floor(dimension) != dimension:
        raise ValueError("chainrule.scipy.special.multigammaln: d should be a positive integer")
    dimension = int(dimension)
    if np.any(concrete(a) <= 0.5 * (dimension - 1)):
        raise ValueError(
            f"chainrule.scipy.special.multigammaln: the condition a > (d - 1) / 2 = "
            f"{0.5 * (dimension - 1)} is not met (as in SciPy)."
        )
    a = as_value(a)
    terms = cnp.stack([sp.gammaln_p(a - (j - 1.0) / 2) for j in range(1, dimension + 1)])
    return (dimension * (dimension - 1) * 0.25) * np.log(np.pi) + cnp.sum(terms, axis=0)


# ---------------------------------------------------------------------------------------
# Entropies: x log(x / y) with SciPy's cases (0 where x = 0 <= y, inf off the domain,
# NaN for NaN inputs). The zero-safe product keeps x = 0 at 0 with slope 0 in y; the
# slope in x there is the one-sided limit, -inf.


def _replace(mask: np.ndarray, fill: float, value: Any) -> Any:
    """``value`` with ``fill`` where the plain boolean ``mask`` holds (no derivative there)."""
    return where_p(mask, fill, value) if np.any(mask) else value


def _relative_entropy(name: str, x: Any, y: Any, kwargs: dict, with_linear_terms: bool) -> Any:
    check_keywords(name, kwargs)
    x_plain, y_plain = concrete(x), concrete(y)
    x, y = as_value(x), as_value(y)
    value = safe_multiply_p(x, log_p(x / y))
    if with_linear_terms:
        value = value - x + y
    with np.errstate(invalid="ignore"):
        outside = ~((x_plain >= 0) & (y_plain >= 0))
    value = _replace(outside, np.inf, value)
    value = _replace(np.isnan(x_plain) | np.isnan(y_plain), np.nan, value)
    return with_dtype(value, kwargs)


def rel_entr(x: Any, y: Any, **kwargs: Any) -> Any:
    """Differentiable scipy.special.rel_entr: x log(x / y), 0 at x = 0 <= y, else inf."""
    if not is_traced(x, y):
        return sc.rel_entr(x, y, **kwargs)
    return _relative_entropy("rel_entr", x, y, kwargs, with_linear_terms=False)


def kl_div(x: Any, y: Any, **kwargs: Any) -> Any:
    """Differentiable scipy.special.kl_div: x log(x / y) - x + y, y at x = 0, else inf."""
    if not is_traced(x, y):
        return sc.kl_div(x, y, **kwargs)
    return _relative_entropy("kl_div", x, y, kwargs, with_linear_terms=True)


def entr(x: Any, **kwargs: Any) -> Any:
    """Differentiable scipy.special.entr: -x log(x), 0 at 0, -inf for x < 0.

    >>> import chainrule as cr
    >>> float(cr.grad(entr)(1.0))  # -(log(1) + 1)
    -1.0
    """
    if not is_traced(x):
        return sc.entr(x, **kwargs)
    check_keywords("entr", kwargs)
    x_plain, x = concrete(x), as_value(x)
    # xlogy(-x, x) is -x log x with 0 at x = 0; its slope -log(x) - 1 is +inf there.
    value = _replace(x_plain < 0, -np.inf, sp.xlogy_p(-x, x))
    return with_dtype(value, kwargs)


# SciPy's own ufuncs called on traced values (``scipy.special.erf(x)``) arrive at the
# tracers' __array_ufunc__, which looks up the chainrule function registered for them.
_DISPATCHED = {
    sc.erf: erf,
    sc.erfc: erfc,
    sc.erfinv: erfinv,
    sc.erfcinv: erfcinv,
    sc.erfcx: erfcx,
    sc.ndtr: ndtr,
    sc.ndtri: ndtri,
    sc.log_ndtr: log_ndtr,
    sc.gamma: gamma,
    sc.gammaln: gammaln,
    sc.psi: psi,
    sc.gammasgn: gammasgn,
    sc.rgamma: rgamma,
    sc.beta: beta,
    sc.betaln: betaln,
    sc.poch: poch,
    sc.i0: i0,
    sc.i1: i1,
    sc.i0e: i0e,
    sc.i1e: i1e,
    sc.iv: iv,
    sc.ive: ive,
    sc.j0: j0,
    sc.j1: j1,
    sc.jv: jv,
    sc.y0: y0,
    sc.y1: y1,
    sc.yv: yv,
    sc.yn: yn,
    sc.expit: expit,
    sc.log_expit: log_expit,
    sc.logit: logit,
    sc.xlogy: xlogy,
    sc.xlog1py: xlog1py,
    sc.gammainc: gammainc,
    sc.gammaincc: gammaincc,
    sc.betainc: betainc,
    sc.stdtr: stdtr,
    sc.entr: entr,
    sc.rel_entr: rel_entr,
    sc.kl_div: kl_div,
}
for _scipy_ufunc, _function in _DISPATCHED.items():
    protocols.register_ufunc(_scipy_ufunc, _function)

# The families continued in their own modules (they import the functions above).
from chainrule.scipy.special_bessel import *  # noqa: E402, F403
from chainrule.scipy.special_bessel import __all__ as _bessel_names  # noqa: E402
from chainrule.scipy.special_elementary import *  # noqa: E402, F403
from chainrule.scipy.special_elementary import __all__ as _elementary_names  # noqa: E402
from chainrule.scipy.special_integrals import *  # noqa: E402, F403
from chainrule.scipy.special_integrals import __all__ as _integral_names  # noqa: E402

__all__ = sorted(__all__ + _bessel_names + _elementary_names + _integral_names)
