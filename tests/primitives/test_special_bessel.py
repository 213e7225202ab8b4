"""Rules of primitives/special_bessel.py (K_v and the spherical Bessel functions), through
chainrule.scipy.special, against central differences in both modes at order 2 (3 where a
recurrence is exercised twice), at every shape; the Bessel derivative functions ivp, jvp,
yvp, kvp (composites) likewise, and the spherical functions' series at 0."""

import numpy as np
import pytest
from cases import SHAPES, Case

import chainrule as cr
import chainrule.scipy.special as csp
from chainrule.testing import check_grads

_POSITIVE = (0.3, 4.0)

UNARY = [
    Case(csp.k0, domain=_POSITIVE, order=3),
    Case(csp.k1, domain=_POSITIVE, order=3),
    Case(lambda x: csp.kv(2, x), domain=_POSITIVE, name="kv_2"),
    Case(lambda x: csp.kv(-1.5, x), domain=_POSITIVE, name="kv_-1.5"),
    Case(lambda x: csp.kn(3, x), domain=_POSITIVE, name="kn_3"),
    Case(csp.k0e, domain=_POSITIVE, order=3),
    Case(csp.k1e, domain=_POSITIVE),
    Case(lambda x: csp.kve(2.5, x), domain=_POSITIVE, name="kve_2.5"),
    Case(lambda x: csp.kve(2, x), domain=_POSITIVE, name="kve_2"),
    Case(lambda x: csp.spherical_jn(0, x), domain=(-6.0, 6.0), order=3, name="spherical_j0"),
    Case(lambda x: csp.spherical_jn(2, x), domain=(-6.0, 6.0), name="spherical_j2"),
    Case(lambda x: csp.spherical_yn(1, x), domain=(0.5, 6.0), name="spherical_y1"),
    Case(lambda x: csp.spherical_in(2, x), domain=(-3.0, 3.0), name="spherical_i2"),
    Case(lambda x: csp.spherical_kn(1, x), domain=(0.5, 4.0), name="spherical_k1"),
    Case(
        lambda x: csp.spherical_jn(1, x, derivative=True),
        domain=(-6.0, 6.0),
        name="spherical_j1_slope",
    ),
    Case(lambda x: csp.jvp(1.5, x, 2), domain=(0.5, 6.0), name="jvp_1.5_n2"),
    Case(lambda x: csp.yvp(0, x), domain=(0.5, 6.0), name="yvp_0"),
    Case(lambda x: csp.ivp(2, x, 3), domain=(-3.0, 3.0), name="ivp_2_n3"),
    Case(lambda x: csp.kvp(0.5, x, 2), domain=_POSITIVE, name="kvp_0.5_n2"),
]


@pytest.mark.parametrize("case", UNARY, ids=str)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_unary_rules(case, shape, rng):
    check_grads(case.call, case.sample_args(rng, [shape]), order=case.order, modes=("fwd", "rev"))


# j_0 = 1 - x^2/6 + x^4/120, j_1 = x/3 - x^3/30, j_2 = x^2/15 - x^4/210; i_n the same
# series with all signs +: the recurrence divides by nothing, so it is exact at 0.
SPHERICAL_AT_ZERO = [
    (lambda x: csp.spherical_jn(0, x), [1.0, 0.0, -1 / 3, 0.0, 0.2]),
    (lambda x: csp.spherical_jn(1, x), [0.0, 1 / 3, 0.0, -0.2, 0.0]),
    (lambda x: csp.spherical_jn(2, x), [0.0, 0.0, 2 / 15, 0.0, -4 / 35]),
    (lambda x: csp.spherical_in(1, x), [0.0, 1 / 3, 0.0, 0.2, 0.0]),
]


@pytest.mark.parametrize("function, derivatives", SPHERICAL_AT_ZERO, ids=["j0", "j1", "j2", "i1"])
def test_spherical_derivatives_at_zero(function, derivatives):
    for order, expected in enumerate(derivatives):
        derivative = function
        for _ in range(order):
            derivative = cr.grad(derivative)
        np.testing.assert_allclose(derivative(0.0), expected, rtol=1e-14, atol=1e-15)
