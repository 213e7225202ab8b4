"""Rules of primitives/special_elementary.py (erfi, dawsn, exp10, cosm1, powm1, exprel and
its derivatives, trigonometry in degrees, the Huber losses, binom, loggamma) and of the
composites built on them (the Box-Cox transforms, comb, softplus), through
chainrule.scipy.special, against central differences in both modes at order 2 (3 for
exprel, whose rule is a family of primitives), at every shape and broadcasting pair."""

import numpy as np
import pytest
from cases import SHAPE_PAIRS, SHAPES, Case

import chainrule as cr
import chainrule.scipy.special as csp
from chainrule.testing import check_grads

_BINARY = dict(arity=2, example_shapes=((2, 3), (3,)))


def _near_multiples_of_90(x):
    return np.abs((x + 45) % 90 - 45) < 10  # the poles of tandg and cotdg, and their zeros


UNARY = [
    Case(csp.erfi),
    Case(csp.dawsn, domain=(-4.0, 4.0)),
    Case(csp.exp10, domain=(-1.0, 1.0)),
    Case(csp.expm1),
    Case(csp.log1p, domain=(-0.8, 2.0)),
    Case(csp.exp2),
    Case(csp.cbrt, domain=(0.2, 3.0)),
    Case(csp.softplus, domain=(-5.0, 5.0)),
    Case(csp.cosm1, domain=(-4.0, 4.0)),
    Case(csp.exprel, domain=(-6.0, 6.0), order=3),
    Case(csp.exprel, domain=(-1e-3, 1e-3), order=3, name="exprel_near_0"),
    Case(csp.sindg, domain=(-400.0, 400.0)),
    Case(csp.cosdg, domain=(-400.0, 400.0)),
    Case(csp.tandg, domain=(-80.0, 80.0)),
    Case(csp.cotdg, domain=(10.0, 170.0), avoid=_near_multiples_of_90),
    Case(csp.loggamma, domain=(0.3, 5.0)),
    # round has no derivative: inside a smooth function it contributes nothing
    Case(lambda x: x * csp.round(3 * x), domain=(-2.0, 2.0), name="x * round(3x)"),
]

BINARY = [
    Case(csp.powm1, domain=(0.3, 3.0), **_BINARY),
    Case(lambda n, k: csp.binom(n + 3, k), domain=(0.2, 2.5), name="binom", **_BINARY),
    Case(lambda n, k: csp.comb(n + 3, k), domain=(0.2, 2.5), name="comb", **_BINARY),
    Case(lambda d, r: csp.huber(d, r * 2), domain=(0.2, 2.0), name="huber", **_BINARY),
    Case(csp.pseudo_huber, domain=(0.3, 3.0), **_BINARY),
    Case(csp.boxcox, domain=(0.3, 2.5), **_BINARY),
    Case(lambda x, lmbda: csp.boxcox(x, lmbda - 1), domain=(0.3, 2.5), name="boxcox_l", **_BINARY),
    Case(csp.boxcox1p, domain=(0.3, 2.5), **_BINARY),
    Case(csp.inv_boxcox, domain=(0.2, 2.0), **_BINARY),
    Case(
        lambda y, lmbda: csp.inv_boxcox1p(y, lmbda / 50),
        domain=(0.2, 2.0),
        name="inv_boxcox1p_small_l",
        **_BINARY,
    ),
]


def _away_from_the_kink(args):
    """huber's arguments with |2 r| at least 0.05 away from delta (its second-order kink)."""
    delta, r = args
    near = np.abs(np.abs(2 * r) - delta) < 0.05
    return delta, np.where(near, r + 0.1, r)


@pytest.mark.parametrize("case", UNARY, ids=str)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_unary_rules(case, shape, rng):
    check_grads(case.call, case.sample_args(rng, [shape]), order=case.order, modes=("fwd", "rev"))


@pytest.mark.parametrize("case", BINARY, ids=str)
@pytest.mark.parametrize("shapes", SHAPE_PAIRS, ids=str)
def test_binary_rules(case, shapes, rng):
    args = case.sample_args(rng, shapes)
    if str(case) == "huber":
        args = _away_from_the_kink(args)
    check_grads(case.call, args, order=case.order, modes=("fwd", "rev"))


# exprel(x) = int_0^1 exp(x t) dt: its n-th derivative at 0 is 1 / (n + 1).
def test_exprel_derivatives_at_zero():
    derivative = csp.exprel
    for n in range(6):
        np.testing.assert_allclose(derivative(0.0), 1 / (n + 1), rtol=1e-15)
        derivative = cr.grad(derivative)
    # and away from 0, by the recurrence: f_1(x) = (e^x - exprel(x)) / x
    x = np.array([-30.0, -3.0, 2.5, 10.0])
    slope = cr.jacfwd(csp.exprel)(x).diagonal()
    np.testing.assert_allclose(slope, (np.exp(x) - np.expm1(x) / x) / x, rtol=1e-14)
