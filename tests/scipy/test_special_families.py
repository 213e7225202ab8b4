"""The families of chainrule.scipy.special in special_bessel.py, special_elementary.py and
special_integrals.py against SciPy: orders that carry no derivative, derivative functions,
errors, and the documented conventions at kinks (their values, dtypes and dispatch are in
test_special.py's ELEMENTWISE table; their rules in
tests/primitives/test_special_{bessel,elementary,integrals}.py)."""

import numpy as np
import pytest
import scipy.special as sc
from assertions import raises_with

import chainrule as cr
import chainrule.scipy.special as csp
from chainrule.testing import check_grads


def _traced_value(function, args):
    return cr.jvp(function, args, tuple(np.ones_like(a) for a in args))[0]


def test_softplus_and_comb_match_scipy(rng):
    x = rng.uniform(-5, 5, size=(2, 3))
    np.testing.assert_allclose(_traced_value(csp.softplus, (x,)), sc.softplus(x), rtol=1e-15)
    np.testing.assert_array_equal(cr.jvp(sc.softplus, (x,), (x,)), cr.jvp(csp.softplus, (x,), (x,)))
    n = np.array([5.0, 4.5, 3.0, -1.0, 2.0])
    k = np.array([2.0, 1.5, 4.0, 1.0, -1.0])  # outside 0 <= k <= N: 0, as in SciPy
    for repetition in (False, True):
        expected = sc.comb(n, k, repetition=repetition)
        traced = _traced_value(lambda n, r=repetition: csp.comb(n, k, repetition=r), (n,))
        np.testing.assert_allclose(traced, expected, rtol=1e-14)
    raises_with(TypeError, lambda: cr.grad(lambda n: csp.comb(n, 2, exact=True))(5.0), "exact=True")


# (function of (order, x), orders): values equal SciPy's, differentiable in x only.
STATIC_ORDERS = [
    (csp.kv, "kv", np.array([0.5, 1.0, 2.5])),
    (csp.kve, "kve", np.array([0, 1, 2])),
    (csp.kn, "kn", np.array([0, 1, 3])),
    (csp.expn, "expn", np.array([0, 1, 3])),
    (csp.spherical_jn, "spherical_jn", np.array([0, 1, 3])),
    (csp.spherical_yn, "spherical_yn", np.array([0, 2, 3])),
    (csp.spherical_in, "spherical_in", np.array([0, 1, 3])),
    (csp.spherical_kn, "spherical_kn", np.array([0, 1, 3])),
]


@pytest.mark.parametrize("function, name, order", STATIC_ORDERS, ids=[c[1] for c in STATIC_ORDERS])
def test_orders_are_not_differentiable_and_may_be_arrays(function, name, order, rng):
    x = rng.uniform(0.5, 3, size=(2, 3))
    np.testing.assert_array_equal(
        _traced_value(lambda x: function(order, x), (x,)), getattr(sc, name)(order, x)
    )
    check_grads(lambda x: function(order, x), (x,), order=2)
    argument = "v" if name in ("kv", "kve") else "n"
    raises_with(
        TypeError,
        lambda: cr.grad(lambda v: function(v, 2.0))(1.0),
        f"chainrule.scipy.special.{name}: {argument} is traced",
    )


def test_derivative_functions_match_scipy(rng):
    x = rng.uniform(0.5, 4, size=(2, 3))
    for name in ("ivp", "jvp", "yvp", "kvp"):
        for v, n in [(1.5, 1), (np.array([0.0, 1.0, 2.0]), 2), (2, 0), (0.5, 3)]:
            traced = _traced_value(lambda x, name=name, v=v, n=n: getattr(csp, name)(v, x, n), (x,))
            np.testing.assert_allclose(traced, getattr(sc, name)(v, x, n), rtol=1e-13)
        # the slope of the n-th derivative is the (n + 1)-th
        slope = cr.jacfwd(lambda x, name=name: getattr(csp, name)(1.5, x, 2))(x[0]).diagonal()
        np.testing.assert_allclose(slope, getattr(sc, name)(1.5, x[0], 3), rtol=1e-12)
        raises_with(
            ValueError, lambda name=name: cr.grad(lambda x: getattr(csp, name)(1, x, -1))(1.0), "n"
        )
    for name in ("jn", "yn", "in", "kn"):
        function = getattr(csp, f"spherical_{name}")
        reference = getattr(sc, f"spherical_{name}")
        traced = _traced_value(lambda x, f=function: f(2, x, derivative=True), (x,))
        np.testing.assert_allclose(traced, reference(2, x, derivative=True), rtol=1e-13)
    raises_with(ValueError, lambda: cr.grad(lambda x: csp.spherical_jn(-1, x))(1.0), "non-negative")


def test_riemann_zeta_is_refused_in_x():
    # The shape parameters refused like the CDFs: test_special.py.
    raises_with(NotImplementedError, lambda: cr.grad(csp.zeta)(2.0), "Riemann zeta(x)")
    raises_with(NotImplementedError, lambda: cr.grad(csp.loggamma)(1.0 + 1j), "complex arguments")
    raises_with(TypeError, lambda: cr.grad(lambda x: csp.exprel(x, out=np.empty(())))(0.5), "out")


def test_inverse_slopes_are_reciprocal_densities(rng):
    y = rng.uniform(0.1, 0.9, size=4)
    x = sc.gammaincinv(2.5, y)
    slope = cr.jacfwd(lambda y: csp.gammaincinv(2.5, y))(y).diagonal()
    density = x**1.5 * np.exp(-x) / sc.gamma(2.5)
    np.testing.assert_allclose(slope, 1 / density, rtol=1e-12)
    x = sc.betaincinv(2.5, 1.5, y)
    slope = cr.jacfwd(lambda y: csp.betaincinv(2.5, 1.5, y))(y).diagonal()
    np.testing.assert_allclose(slope, sc.beta(2.5, 1.5) / (x**1.5 * (1 - x) ** 0.5), rtol=1e-12)
    # ndtri_exp far in the lower tail: the slope ndtr(x) / phi(x) ~ -1 / x stays finite
    y = -1000.0
    x = sc.ndtri_exp(y)
    np.testing.assert_allclose(cr.grad(csp.ndtri_exp)(y), 1 / (-x - 1 / x), rtol=1e-5)


def test_box_cox_at_lambda_zero():
    # boxcox(x, l) = log x + l log(x)^2 / 2 + ...: both slopes, and the second in l
    x = 2.0
    slopes = cr.grad(csp.boxcox, argnums=(0, 1))(x, 0.0)
    np.testing.assert_allclose(slopes, (1 / x, np.log(x) ** 2 / 2), rtol=1e-15)
    second = cr.grad(cr.grad(csp.boxcox, argnums=1), argnums=1)(x, 0.0)
    np.testing.assert_allclose(second, np.log(x) ** 3 / 3, rtol=1e-15)
    # inv_boxcox(y, l) = exp(y - l y^2 / 2 + ...)
    y = 0.7
    slopes = cr.grad(csp.inv_boxcox, argnums=(0, 1))(y, 0.0)
    np.testing.assert_allclose(slopes, (np.exp(y), -(y**2) / 2 * np.exp(y)), rtol=1e-15)
    # and close to 0, where a direct quotient would cancel
    for lmbda in (1e-9, -1e-7):
        slope = cr.grad(csp.boxcox, argnums=1)(x, lmbda)
        np.testing.assert_allclose(slope, np.log(x) ** 2 / 2, rtol=1e-6)


# docs/conventions.md: (function, point, slopes in every argument, Hessian row of the
# first argument or None).
EDGE_CONVENTIONS = [
    ("huber", (1.0, 1.0), (0.0, 1.0), (0.0, 0.0)),  # |r| = delta: the quadratic piece's
    ("huber", (1.0, -1.0), (0.0, -1.0), (0.0, 0.0)),
]


def test_spence_is_smooth_through_one():
    # spence'(z) = log(z) / (1 - z) = -log1p(t) / t with t = z - 1: -1 + t/2 - t^2/3 + ...
    assert cr.grad(csp.spence)(1.0) == -1.0
    for z in (1.0 + 1e-12, 1.0 - 1e-9, 0.95, 1.05):
        assert cr.grad(csp.spence)(z) == pytest.approx(np.log(z) / (1 - z), rel=1e-12)
    assert cr.grad(cr.grad(csp.spence))(1.0) == pytest.approx(0.5, rel=1e-14)
    assert cr.grad(cr.grad(cr.grad(csp.spence)))(1.0) == pytest.approx(-2 / 3, rel=1e-12)
    check_grads(csp.spence, (np.array([0.5, 0.97, 1.0, 1.03, 2.0]),), order=3)


@pytest.mark.parametrize(
    "name, point, slopes, second", EDGE_CONVENTIONS, ids=[f"{c[0]}{c[1]}" for c in EDGE_CONVENTIONS]
)
def test_documented_conventions_at_the_edges(name, point, slopes, second):
    function = getattr(csp, name)
    argnums = tuple(range(len(point)))
    for gradient in (cr.grad(function, argnums)(*point), cr.jacfwd(function, argnums)(*point)):
        np.testing.assert_array_equal(gradient, slopes)
    hessian_row = cr.grad(lambda *a: cr.grad(function, 0)(*a), argnums)(*point)
    np.testing.assert_array_equal(hessian_row, second)
