"""chainrule.scipy.special: SciPy's special functions, with SciPy's names and signatures.

Without traced arguments each function calls SciPy itself (every keyword allowed), so
plain results are SciPy's own. With traced arguments the elementwise functions apply the
primitives of chainrule/primitives/special.py, whose values SciPy computes too; entr,
rel_entr, kl_div and multigammaln are composites, and so are logsumexp, softmax and
log_softmax (special_logsumexp.py). Calling the SciPy ufuncs themselves
(``scipy.special.erf(x)``) on traced values works as well.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.special as sc

import chainrule.numpy as cnp
from chainrule.core import JVPTracer, ReverseTracer, Tracer
from chainrule.numpy import protocols
from chainrule.numpy.arguments import as_value, is_traced
from chainrule.primitives import special as sp
from chainrule.primitives.declare import safe_multiply_p
from chainrule.primitives.elementwise import log_p, where_p
from chainrule.scipy.special_logsumexp import log_softmax, logsumexp, softmax  # noqa: F401

__all__ = (
    "beta betainc betaln digamma entr erf erfc erfcinv erfcx erfinv expit gamma gammainc gammaincc "
    "gammaln gammasgn i0 i0e i1 i1e iv ive j0 j1 jn jv kl_div log_expit log_ndtr log_softmax "
    "logit logsumexp multigammaln ndtr ndtri poch polygamma psi rel_entr rgamma softmax stdtr "
    "xlog1py xlogy y0 y1 yn yv"
).split()

_TRACERS = frozenset({JVPTracer, ReverseTracer})


def _concrete(value: Any) -> np.ndarray:
    """The plain value under a (possibly traced) argument, for masks and shifts."""
    return np.asarray(value.concrete_value() if isinstance(value, Tracer) else value)


def _check_keywords(name: str, kwargs: dict) -> None:
    """Refuse ufunc keywords (out=, where=, casting=...) on traced values; dtype= is applied."""
    unsupported = sorted(k for k, v in kwargs.items() if k != "dtype" and v is not None)
    if unsupported:
        raise TypeError(
            f"chainrule.scipy.special.{name}: the keyword argument(s) {unsupported} are not "
            f"supported on traced values (out= writes in place, where= leaves entries unset). "
            f"Call {name}(...) without them and use the returned array."
        )


def _with_dtype(out: Any, kwargs: dict) -> Any:
    dtype = kwargs.get("dtype")
    return out if dtype is None else out.astype(dtype)


def _ufunc(primitive: Any, scipy_function: np.ufunc, name: str = "") -> Callable[..., Any]:
    """SciPy's ufunc ``scipy_function`` on plain values, ``primitive`` on traced ones."""
    name = name or scipy_function.__name__
    is_unary = scipy_function.nin == 1

    def function(*args: Any, **kwargs: Any) -> Any:
        if is_unary and len(args) == 1 and type(args[0]) in _TRACERS and not kwargs:
            return primitive(args[0])
        if not is_traced(*args):
            return scipy_function(*args, **kwargs)
        _check_keywords(name, kwargs)
        return _with_dtype(primitive(*[as_value(a) for a in args]), kwargs)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"Differentiable scipy.special.{name}; see SciPy's documentation."
    return function


erf = _ufunc(sp.erf_p, sc.erf)
erfc = _ufunc(sp.erfc_p, sc.erfc)
erfinv = _ufunc(sp.erfinv_p, sc.erfinv)
erfcinv = _ufunc(sp.erfcinv_p, sc.erfcinv)
erfcx = _ufunc(sp.erfcx_p, sc.erfcx)
ndtr = _ufunc(sp.ndtr_p, sc.ndtr)
ndtri = _ufunc(sp.ndtri_p, sc.ndtri)
log_ndtr = _ufunc(sp.log_ndtr_p, sc.log_ndtr)
gamma = _ufunc(sp.gamma_p, sc.gamma)
gammaln = _ufunc(sp.gammaln_p, sc.gammaln)
digamma = _ufunc(sp.digamma_p, sc.digamma, "digamma")
psi = _ufunc(sp.digamma_p, sc.psi, "psi")
gammasgn = _ufunc(sp.gammasgn_p, sc.gammasgn)
rgamma = _ufunc(sp.rgamma_p, sc.rgamma)
beta = _ufunc(sp.beta_p, sc.beta)
betaln = _ufunc(sp.betaln_p, sc.betaln)
poch = _ufunc(sp.poch_p, sc.poch)
i0 = _ufunc(sp.i0_p, sc.i0)
i1 = _ufunc(sp.i1_p, sc.i1)
i0e = _ufunc(sp.i0e_p, sc.i0e)
i1e = _ufunc(sp.i1e_p, sc.i1e)
j0 = _ufunc(sp.j0_p, sc.j0)
j1 = _ufunc(sp.j1_p, sc.j1)
y0 = _ufunc(sp.y0_p, sc.y0)
y1 = _ufunc(sp.y1_p, sc.y1)
expit = _ufunc(sp.expit_p, sc.expit)
log_expit = _ufunc(sp.log_expit_p, sc.log_expit)
logit = _ufunc(sp.logit_p, sc.logit)
xlogy = _ufunc(sp.xlogy_p, sc.xlogy)
xlog1py = _ufunc(sp.xlog1py_p, sc.xlog1py)
# No derivative in the shape parameters (a, b, df): their primitives raise if one is asked.
gammainc = _ufunc(sp.gammainc_p, sc.gammainc)
gammaincc = _ufunc(sp.gammaincc_p, sc.gammaincc)
betainc = _ufunc(sp.betainc_p, sc.betainc)
stdtr = _ufunc(sp.stdtr_p, sc.stdtr)


# ---------------------------------------------------------------------------------------
# Functions of an order that carries no derivative (polygamma's n, the Bessel order v).


def _static_number(value: Any) -> int | float:
    """A plain order as a hashable Python number (an int when it is integral)."""
    number = float(value)
    return int(number) if number.is_integer() else number


def _refuse_traced_order(name: str, argument: str, order: Any) -> None:
    if is_traced(order):
        raise TypeError(
            f"chainrule.scipy.special.{name}: {argument} is traced, but {name} has no "
            f"derivative with respect to its order {argument}. Pass {argument} as a plain "
            f"number or array (differentiate with respect to x only)."
        )


def _at_static_orders(primitive: Any, parameter: str, order: Any, x: Any) -> Any:
    """``primitive(x, parameter=order)``; an array of orders takes one call per distinct order."""
    orders = np.asarray(order)
    x = as_value(x)
    if orders.ndim == 0:
        return primitive(x, **{parameter: _static_number(orders)})
    shape = np.broadcast_shapes(orders.shape, cnp.shape(x))
    result = None
    for value in np.unique(orders):
        term = primitive(x, **{parameter: _static_number(value)})
        result = term if result is None else where_p(orders == value, term, result)
    return cnp.broadcast_to(result, shape)


def polygamma(n: Any, x: Any) -> Any:
    """Differentiable scipy.special.polygamma(n, x), the n-th derivative of digamma.

    Differentiable in x; n (a non-negative integer, or an array of them) is not.

    >>> import chainrule as cr
    >>> float(cr.grad(lambda x: polygamma(1, x))(1.0))  # polygamma(2, 1) = -2 zeta(3)
    -2.404113806319
    """
    if not is_traced(n, x):
        return sc.polygamma(n, x)
    _refuse_traced_order("polygamma", "n", n)
    return _at_static_orders(sp.polygamma_p, "n", n, x)


def iv(v: Any, z: Any) -> Any:
    """Differentiable scipy.special.iv(v, z), the modified Bessel function I_v; not in v."""
    if not is_traced(v, z):
        return sc.iv(v, z)
    _refuse_traced_order("iv", "v", v)
    return _at_static_orders(sp.iv_p, "order", v, z)


def ive(v: Any, z: Any) -> Any:
    """Differentiable scipy.special.ive(v, z) = iv(v, z) exp(-|z|); not in v."""
    if not is_traced(v, z):
        return sc.ive(v, z)
    _refuse_traced_order("ive", "v", v)
    return _at_static_orders(sp.ive_p, "order", v, z)


def jv(v: Any, z: Any) -> Any:
    """Differentiable scipy.special.jv(v, z) (also jn), the Bessel function J_v; not in v.

    >>> import chainrule as cr
    >>> round(float(cr.grad(lambda x: jv(0, x))(1.0)), 12)  # J_0'(1) = -J_1(1)
    -0.440050585745
    """
    if not is_traced(v, z):
        return sc.jv(v, z)
    _refuse_traced_order("jv", "v", v)
    return _at_static_orders(sp.jv_p, "order", v, z)


jn = jv  # SciPy's jn is jv itself


def yv(v: Any, z: Any) -> Any:
    """Differentiable scipy.special.yv(v, z), the Bessel function of the second kind; not in v."""
    if not is_traced(v, z):
        return sc.yv(v, z)
    _refuse_traced_order("yv", "v", v)
    return _at_static_orders(sp.yv_p, "order", v, z)


def yn(n: Any, x: Any) -> Any:
    """Differentiable scipy.special.yn(n, x), Y_n of integer order n (SciPy's own yn); not in n."""
    if not is_traced(n, x):
        return sc.yn(n, x)
    _refuse_traced_order("yn", "n", n)
    orders = np.asarray(n)
    if np.any(np.trunc(orders) != orders):
        # SciPy computes Y_trunc(n) then, with this warning; so does the derivative here.
        warnings.warn("floating point number truncated to an integer", RuntimeWarning, 2)
    return _at_static_orders(sp.yn_p, "order", np.trunc(orders), x)


def multigammaln(a: Any, d: int) -> Any:
    """Differentiable scipy.special.multigammaln(a, d), the log multivariate gamma function.

    log Gamma_d(a) = d (d - 1) / 4 log(pi) + sum_{j=1}^{d} gammaln(a - (j - 1) / 2).
    """
    if not is_traced(a, d):
        return sc.multigammaln(a, d)
    _refuse_traced_order("multigammaln", "d", d)
    dimension = np.asarray(d)[()]
    if not np.isscalar(dimension) or np.floor(dimension) != dimension:
        raise ValueError("chainrule.scipy.special.multigammaln: d should be a positive integer")
    dimension = int(dimension)
    if np.any(_concrete(a) <= 0.5 * (dimension - 1)):
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
    _check_keywords(name, kwargs)
    x_plain, y_plain = _concrete(x), _concrete(y)
    x, y = as_value(x), as_value(y)
    value = safe_multiply_p(x, log_p(x / y))
    if with_linear_terms:
        value = value - x + y
    with np.errstate(invalid="ignore"):
        outside = ~((x_plain >= 0) & (y_plain >= 0))
    value = _replace(outside, np.inf, value)
    value = _replace(np.isnan(x_plain) | np.isnan(y_plain), np.nan, value)
    return _with_dtype(value, kwargs)


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
    _check_keywords("entr", kwargs)
    x_plain, x = _concrete(x), as_value(x)
    # xlogy(-x, x) is -x log x with 0 at x = 0; its slope -log(x) - 1 is +inf there.
    value = _replace(x_plain < 0, -np.inf, sp.xlogy_p(-x, x))
    return _with_dtype(value, kwargs)


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
for _ufunc, _function in _DISPATCHED.items():
    protocols.register_ufunc(_ufunc, _function)
