"""chainrule.scipy.special, continued: functions defined by integrals (exp1, expi, expn,
spence, owens_t, zeta) and the inverses of distribution functions (gammaincinv,
gammainccinv, betaincinv in the probability; ndtri_exp).

Not differentiable: expn's order n (a plain integer or array of them), zeta's exponent x,
and the shape parameters a, b of the inverses (NotImplementedError when asked).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.special as sc

from chainrule.numpy import protocols
from chainrule.numpy.arguments import as_value, is_traced
from chainrule.primitives import special_integrals as si
from chainrule.primitives import special_inverses as sv
from chainrule.scipy.special_ufuncs import at_static_orders, refuse_traced_order, ufunc

__all__ = (
    "betaincinv exp1 expi expn gammainccinv gammaincinv ndtri_exp owens_t spence zeta"
).split()

exp1 = ufunc(si.exp1_p, sc.exp1)
expi = ufunc(si.expi_p, sc.expi)
# spence'(1) = -1, its limit; the higher derivatives at exactly 1 are not (conventions.md).
spence = ufunc(si.spence_p, sc.spence)
owens_t = ufunc(si.owens_t_p, sc.owens_t)
gammaincinv = ufunc(sv.gammaincinv_p, sc.gammaincinv)
gammainccinv = ufunc(sv.gammainccinv_p, sc.gammainccinv)
betaincinv = ufunc(sv.betaincinv_p, sc.betaincinv)
ndtri_exp = ufunc(sv.ndtri_exp_p, sc.ndtri_exp)


def expn(n: Any, x: Any) -> Any:
    """Differentiable scipy.special.expn(n, x), the exponential integral E_n; not in n.

    E_n' = -E_{n-1} (E_0(x) = exp(-x) / x). A non-integer n is truncated, as SciPy does.

    >>> import chainrule as cr
    >>> round(float(cr.grad(lambda x: expn(2, x))(1.0)), 12)  # -E_1(1)
    -0.219383934396
    """
    if not is_traced(n, x):
        return sc.expn(n, x)
    refuse_traced_order("expn", "n", n)
    return at_static_orders(si.expn_p, "order", np.trunc(np.asarray(n)), x)


def zeta(x: Any, q: Any = None, out: Any = None) -> Any:
    """Differentiable scipy.special.zeta(x, q=None): the Hurwitz zeta function, in q only.

    d/dq zeta(x, q) = -x zeta(x + 1, q). The derivative in x has no closed form: tracing x
    (or calling the Riemann zeta(x) on a traced x) raises NotImplementedError.

    >>> import chainrule as cr
    >>> round(float(cr.grad(lambda q: zeta(2.0, q))(1.0)), 12)  # -2 zeta(3)
    -2.404113806319
    """
    if not is_traced(x, q):
        return sc.zeta(x, q, out)
    if out is not None:
        raise TypeError(
            "chainrule.scipy.special.zeta: out= is not supported on traced values; use the "
            "returned array."
        )
    if q is None:
        raise NotImplementedError(
            "chainrule.scipy.special.zeta: the Riemann zeta(x) has no closed-form derivative "
            "in x and is not implemented. Pass x as a plain value, or differentiate the "
            "Hurwitz zeta(x, q) with respect to q."
        )
    return si.zeta_p(as_value(x), as_value(q))


_DISPATCHED = {
    sc.exp1: exp1,
    sc.expi: expi,
    sc.expn: expn,
    sc.spence: spence,
    sc.owens_t: owens_t,
    sc.gammaincinv: gammaincinv,
    sc.gammainccinv: gammainccinv,
    sc.betaincinv: betaincinv,
    sc.ndtri_exp: ndtri_exp,
}
for _scipy_ufunc, _function in _DISPATCHED.items():
    protocols.register_ufunc(_scipy_ufunc, _function)
