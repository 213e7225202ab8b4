"""chainrule.scipy.special, continued: the modified Bessel functions of the second kind
(k0, k1, kv, kn and the scaled k0e, k1e, kve), the derivatives of Bessel functions
(ivp, jvp, yvp, kvp) and the spherical Bessel functions, all differentiable in x and not
in their orders (which may be arrays of plain numbers).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.special as sc

from chainrule.numpy import protocols
from chainrule.numpy.arguments import is_traced
from chainrule.primitives import special_bessel as sb
from chainrule.scipy.special import iv, jv, yv
from chainrule.scipy.special_ufuncs import (
    at_static_orders,
    of_static_order,
    refuse_traced_order,
    ufunc,
)

__all__ = (
    "ivp jvp k0 k0e k1 k1e kn kv kve kvp spherical_in spherical_jn spherical_kn spherical_yn yvp"
).split()

k0 = ufunc(sb.k0_p, sc.k0)
k1 = ufunc(sb.k1_p, sc.k1)
k0e = ufunc(sb.k0e_p, sc.k0e)
k1e = ufunc(sb.k1e_p, sc.k1e)


def kv(v: Any, z: Any) -> Any:
    """Differentiable scipy.special.kv(v, z), the modified Bessel function K_v; not in v.

    >>> import chainrule as cr
    >>> round(float(cr.grad(lambda x: kv(0, x))(1.0)), 12)  # K_0'(1) = -K_1(1)
    -0.601907230197
    """
    return of_static_order("kv", sc.kv, sb.kv_p, "v", v, z)


def kve(v: Any, z: Any) -> Any:
    """Differentiable scipy.special.kve(v, z) = kv(v, z) exp(z); not in v."""
    return of_static_order("kve", sc.kve, sb.kve_p, "v", v, z)


def kn(n: Any, x: Any) -> Any:
    """Differentiable scipy.special.kn(n, x), K_n of integer order n (SciPy's own kn); not in n."""
    # SciPy truncates a non-integer n, with a warning; so does the derivative here.
    return of_static_order("kn", sc.kn, sb.kn_p, "n", n, x, integer=True)


# ---------------------------------------------------------------------------------------
# The n-th derivative of a Bessel function of order v is a sum of its neighbours (DLMF
# 10.6.7, 10.29.5): 2^-n sum_k c_k C(n, k) f_{v-n+2k} with c_k = (-1)^k for J and Y, 1 for
# I, and (-1)^n for K. The sum is taken in SciPy's order, of the differentiable jv, yv, iv,
# kv, so the result is differentiable again in z.


def _derivative_order(name: str, n: Any) -> int:
    refuse_traced_order(name, "n", n)
    if not (np.ndim(n) == 0 and float(n).is_integer() and n >= 0):
        raise ValueError(f"chainrule.scipy.special.{name}: n must be a non-negative integer")
    return int(n)


def _bessel_derivative(function: Any, v: Any, z: Any, n: int, phase: float) -> Any:
    v = np.asarray(v)
    coefficient = 1.0
    total = function(v - n, z)
    for i in range(1, n + 1):
        coefficient = phase * (coefficient * (n - i + 1)) / i
        total = total + coefficient * function(v - n + 2 * i, z)
    return total / (2.0**n)


def _derivative_function(name: str, function: Any, phase: float, sign_of_n: float) -> Any:
    scipy_function = getattr(sc, name)

    def derivative(v: Any, z: Any, n: int = 1) -> Any:
        if not is_traced(v, z, n):
            return scipy_function(v, z, n)
        refuse_traced_order(name, "v", v)
        n = _derivative_order(name, n)
        if n == 0:
            return function(v, z)
        return sign_of_n**n * _bessel_derivative(function, v, z, n, phase)

    derivative.__name__ = derivative.__qualname__ = name
    derivative.__doc__ = (
        f"Differentiable scipy.special.{name}(v, z, n=1), the n-th derivative in z of a Bessel "
        f"function of order v; differentiable again in z, not in v or n."
    )
    return derivative


ivp = _derivative_function("ivp", iv, 1.0, 1.0)
jvp = _derivative_function("jvp", jv, -1.0, 1.0)
yvp = _derivative_function("yvp", yv, -1.0, 1.0)
kvp = _derivative_function("kvp", kv, 1.0, -1.0)

# ---------------------------------------------------------------------------------------
# Spherical Bessel functions of integer order n >= 0; derivative=True gives the slope in z
# (by the recurrence of primitives/special_bessel.py), itself differentiable.


def _spherical_function(kind: str) -> Any:
    name = f"spherical_{kind}"
    scipy_function = getattr(sc, name)
    primitive = getattr(sb, f"{name}_p")

    def slope(x: Any, order: int) -> Any:
        return sb.spherical_slope(x, order, kind)

    def spherical(n: Any, z: Any, derivative: bool = False) -> Any:
        if not is_traced(n, z):
            return scipy_function(n, z, derivative)
        refuse_traced_order(name, "n", n)
        orders = np.asarray(n)
        if np.any((orders < 0) | (np.trunc(orders) != orders)):
            raise ValueError(
                f"chainrule.scipy.special.{name}: n must be a non-negative integer (or an "
                f"array of them); SciPy gives NaN elsewhere."
            )
        return at_static_orders(slope if derivative else primitive, "order", orders, z)

    spherical.__name__ = spherical.__qualname__ = name
    spherical.__doc__ = (
        f"Differentiable scipy.special.{name}(n, z, derivative=False); in z, not in n."
    )
    return spherical


spherical_jn = _spherical_function("jn")
spherical_yn = _spherical_function("yn")
spherical_in = _spherical_function("in")
spherical_kn = _spherical_function("kn")

_DISPATCHED = {sc.k0: k0, sc.k1: k1, sc.k0e: k0e, sc.k1e: k1e, sc.kv: kv, sc.kve: kve, sc.kn: kn}
for _scipy_ufunc, _function in _DISPATCHED.items():
    protocols.register_ufunc(_scipy_ufunc, _function)
