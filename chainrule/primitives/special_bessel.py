"""Special functions whose values come from SciPy, continued: the modified Bessel functions
of the second kind (K_v, plain and exponentially scaled) and the spherical Bessel
functions j_n, y_n, i_n, k_n.

As in special.py, every slope is a recurrence between neighbouring orders that divides by
nothing, so the rules differentiate again to any order. This module imports scipy.special;
only chainrule.scipy imports it.
"""

from __future__ import annotations

from typing import Any

import scipy.special as sc

from chainrule.primitives.declare import elementwise

_FAMILY = "special"


def _special(name: str, impl: Any, partials: Any, saves: tuple = ("inputs", "out")) -> Any:
    return elementwise(name, impl, partials, family=_FAMILY, saves=saves)


def _integer_order(order: float) -> int | None:
    """|order| as an int when it is integral, else None."""
    return abs(int(order)) if float(order).is_integer() else None


# ---------------------------------------------------------------------------------------
# Modified Bessel functions of the second kind, x > 0. K_v' = -(K_{v-1} + K_{v+1}) / 2 and
# K_{-v} = K_v for every v (so K_0' = -K_1). The scaled kve(v, x) = K_v(x) exp(x) adds
# + kve(v, x): kve' = -(kve_{v-1} + kve_{v+1}) / 2 + kve_v.


def _bessel_k(x: Any, order: float) -> Any:
    """K_order(x), by k0 and k1 for orders 0 and +-1."""
    magnitude = _integer_order(order)
    if magnitude == 0:
        return k0_p(x)
    if magnitude == 1:
        return k1_p(x)
    return kv_p(x, order=abs(order))


def _bessel_ke(x: Any, order: float) -> Any:
    """kve(order, x), by k0e and k1e for orders 0 and +-1."""
    magnitude = _integer_order(order)
    if magnitude == 0:
        return k0e_p(x)
    if magnitude == 1:
        return k1e_p(x)
    return kve_p(x, order=abs(order))


def _bessel_k_slope(x: Any, order: float) -> Any:
    return -0.5 * (_bessel_k(x, order - 1) + _bessel_k(x, order + 1))


def _scaled_bessel_k_slope(x: Any, order: float, out: Any) -> Any:
    return out - 0.5 * (_bessel_ke(x, order - 1) + _bessel_ke(x, order + 1))


def _kv_impl(x: Any, order: float) -> Any:
    return sc.kv(order, x)


def _kve_impl(x: Any, order: float) -> Any:
    return sc.kve(order, x)


def _kn_impl(x: Any, order: int) -> Any:
    return sc.kn(order, x)


k0_p = _special("k0", sc.k0, lambda x, out: -k1_p(x), ("inputs",))
k1_p = _special("k1", sc.k1, lambda x, out: _bessel_k_slope(x, 1), ("inputs",))
kv_p = _special("kv", _kv_impl, lambda x, out, order: _bessel_k_slope(x, order), ("inputs",))
# SciPy's integer-order K_n (its own algorithm); its slope is the same recurrence.
kn_p = _special("kn", _kn_impl, lambda x, out, order: _bessel_k_slope(x, order), ("inputs",))
k0e_p = _special("k0e", sc.k0e, lambda x, out: out - k1e_p(x))
k1e_p = _special("k1e", sc.k1e, lambda x, out: _scaled_bessel_k_slope(x, 1, out))
kve_p = _special("kve", _kve_impl, lambda x, out, order: _scaled_bessel_k_slope(x, order, out))

# ---------------------------------------------------------------------------------------
# Spherical Bessel functions of integer order n >= 0 (static). With f_n any of them,
# (2n + 1) f_n' = n f_{n-1} - (n + 1) f_{n+1} for j_n and y_n,
# (2n + 1) i_n' = n i_{n-1} + (n + 1) i_{n+1}, (2n + 1) k_n' = -(n k_{n-1} + (n + 1) k_{n+1}),
# which divide by nothing (j_n' = j_{n-1} - (n + 1) j_n / x would, at 0). At n = 0 the
# f_{-1} term has weight 0 and is left out: j_0' = -j_1, y_0' = -y_1, i_0' = i_1, k_0' = -k_1.

# kind: (SciPy's function, sign of the f_{n-1} term, sign of the f_{n+1} term)
_SPHERICAL = {
    "jn": (sc.spherical_jn, 1.0, -1.0),
    "yn": (sc.spherical_yn, 1.0, -1.0),
    "in": (sc.spherical_in, 1.0, 1.0),
    "kn": (sc.spherical_kn, -1.0, -1.0),
}


def spherical_slope(x: Any, order: int, kind: str) -> Any:
    """d/dx of the spherical Bessel function ``kind`` of order ``order``, by the recurrence."""
    _, lower_sign, upper_sign = _SPHERICAL[kind]
    primitive = _SPHERICAL_PRIMITIVES[kind]
    slope = (upper_sign * (order + 1)) * primitive(x, order=order + 1)
    if order > 0:
        slope = slope + (lower_sign * order) * primitive(x, order=order - 1)
    return slope / (2 * order + 1)


def _spherical(kind: str) -> Any:
    scipy_function = _SPHERICAL[kind][0]

    def impl(x: Any, order: int) -> Any:
        out = scipy_function(order, x)
        return out[()] if getattr(out, "ndim", None) == 0 else out

    return _special(
        f"spherical_{kind}",
        impl,
        lambda x, out, order: spherical_slope(x, order, kind),
        ("inputs",),
    )


spherical_jn_p = _spherical("jn")
spherical_yn_p = _spherical("yn")
spherical_in_p = _spherical("in")
spherical_kn_p = _spherical("kn")
_SPHERICAL_PRIMITIVES = {
    "jn": spherical_jn_p,
    "yn": spherical_yn_p,
    "in": spherical_in_p,
    "kn": spherical_kn_p,
}
