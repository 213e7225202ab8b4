"""Rules of primitives/special_integrals.py (exp1, expi, expn, spence, owens_t, zeta in q)
and primitives/special_inverses.py (gammaincinv, gammainccinv, betaincinv in the
probability, ndtri_exp), through chainrule.scipy.special, against central differences in
both modes at order 2, at every shape and broadcasting pair."""

import numpy as np
import pytest
import scipy.special as sc
from cases import SHAPE_PAIRS, SHAPES, Case

import chainrule as cr
import chainrule.scipy.special as csp
from chainrule.testing import check_grads

_BINARY = dict(arity=2, example_shapes=((2, 3), (3,)))
# Shape parameters with no derivative, held as plain arrays broadcasting against x.
_SHAPE_A = np.array([[0.7], [2.5]])

UNARY = [
    Case(csp.exp1, domain=(0.2, 4.0)),
    Case(csp.expi, domain=(0.2, 4.0)),
    Case(csp.expi, domain=(-4.0, -0.2), name="expi_negative"),
    Case(lambda x: csp.expn(0, x), domain=(0.2, 4.0), name="expn_0"),
    Case(lambda x: csp.expn(3, x), domain=(0.2, 4.0), name="expn_3"),
    Case(csp.spence, domain=(0.1, 3.0)),
    Case(lambda q: csp.zeta(2.5, q), domain=(0.5, 4.0), name="zeta_in_q"),
    Case(lambda y: csp.gammaincinv(2.5, y), domain=(0.05, 0.95), name="gammaincinv"),
    Case(lambda y: csp.gammaincinv(_SHAPE_A, y), domain=(0.05, 0.95), name="gammaincinv_a"),
    Case(lambda y: csp.gammainccinv(0.7, y), domain=(0.05, 0.95), name="gammainccinv"),
    Case(lambda y: csp.betaincinv(2.5, 1.5, y), domain=(0.05, 0.95), name="betaincinv"),
    Case(lambda y: csp.betaincinv(_SHAPE_A, 0.8, y), domain=(0.05, 0.95), name="betaincinv_a"),
    Case(csp.ndtri_exp, domain=(-5.0, -0.1)),
    Case(csp.ndtri_exp, domain=(-800.0, -700.0), name="ndtri_exp_far_tail"),
]

BINARY = [Case(csp.owens_t, domain=(-2.0, 2.0), **_BINARY)]


@pytest.mark.parametrize("case", UNARY, ids=str)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_unary_rules(case, shape, rng):
    check_grads(case.call, case.sample_args(rng, [shape]), order=case.order, modes=("fwd", "rev"))


@pytest.mark.parametrize("case", BINARY, ids=str)
@pytest.mark.parametrize("shapes", SHAPE_PAIRS, ids=str)
def test_binary_rules(case, shapes, rng):
    check_grads(case.call, case.sample_args(rng, shapes), order=case.order, modes=("fwd", "rev"))


def test_expn_slope_is_minus_the_previous_order(rng):
    x = rng.uniform(0.2, 4.0, size=5)
    for n in (1, 2, 5):
        slope = cr.jacfwd(lambda x, n=n: csp.expn(n, x))(x).diagonal()
        np.testing.assert_allclose(slope, -sc.expn(n - 1, x), rtol=1e-13)
    # owens_t: d/da, d/dh by their closed forms, at one point
    h, a = 0.7, 1.3
    slopes = cr.grad(csp.owens_t, argnums=(0, 1))(h, a)
    expected_a = np.exp(-h * h * (1 + a * a) / 2) / (2 * np.pi * (1 + a * a))
    expected_h = -np.exp(-h * h / 2) / np.sqrt(2 * np.pi) * sc.erf(a * h / np.sqrt(2)) / 2
    np.testing.assert_allclose(slopes, (expected_h, expected_a), rtol=1e-14)
