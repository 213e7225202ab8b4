"""Rules of the special family (primitives/special.py), through chainrule.scipy.special,
checked against central differences in both modes at order 2 (3 where a rule is built to
stay exact to higher orders), at every shape and broadcasting pair, and the Bessel series
at 0 to the fourth derivative."""

import numpy as np
import pytest
from cases import SHAPE_PAIRS, SHAPES, Case

import chainrule as cr
import chainrule.scipy.special as csp
from chainrule.testing import check_grads


def _near_integers(low, high, width=0.15):
    """An `avoid` predicate: within ``width`` of an integer in [low, high] (gamma's poles)."""
    points = np.arange(low, high + 1)
    return lambda x: np.any([np.abs(x - p) < width for p in points], axis=0)


def _near_zero(x):
    return np.abs(x) < 0.15  # the kink of the exponentially scaled Bessel functions


_BINARY = dict(arity=2, example_shapes=((2, 3), (3,)))
# Shape parameters with no derivative, held as plain arrays broadcasting against x.
_SHAPE_A = np.array([[0.7], [2.5]])
_DF = np.array([1.5, 4.0, np.inf]).reshape(3, 1, 1)

UNARY = [
    Case(csp.erf),
    Case(csp.erfc),
    Case(csp.erfinv, domain=(-0.9, 0.9)),
    Case(csp.erfcinv, domain=(0.1, 1.9)),
    Case(csp.erfcx, domain=(-2.0, 3.0)),
    Case(csp.ndtr),
    Case(csp.ndtri, domain=(0.05, 0.95)),
    Case(csp.log_ndtr, order=3),
    # Far in the tails, where log_ndtr' = phi / ndtr is a ratio of two tiny numbers.
    Case(csp.log_ndtr, domain=(-32.0, -28.0), name="log_ndtr_lower_tail"),
    Case(csp.log_ndtr, domain=(6.0, 9.0), name="log_ndtr_upper_tail"),
    Case(csp.gamma, domain=(0.3, 4.0)),
    Case(csp.gamma, domain=(-2.9, -0.1), avoid=_near_integers(-3, 0), name="gamma_negative"),
    Case(csp.gammaln, domain=(0.3, 5.0)),
    Case(csp.gammaln, domain=(-2.9, -0.1), avoid=_near_integers(-3, 0), name="gammaln_negative"),
    # rgamma = 1 / Gamma is entire: through its zeros at 0, -1, -2 too (two slope formulas)
    Case(csp.rgamma, domain=(0.3, 4.0), order=3),
    Case(csp.rgamma, domain=(-3.9, 0.3), order=3, name="rgamma_nonpositive"),
    Case(csp.digamma, domain=(0.3, 4.0)),
    Case(csp.psi, domain=(0.3, 4.0)),
    Case(lambda x: csp.polygamma(1, x), domain=(0.5, 4.0), name="polygamma_1"),
    Case(lambda x: csp.polygamma(3, x), domain=(0.5, 4.0), name="polygamma_3"),
    Case(csp.i0, domain=(-3.0, 3.0), order=3),
    Case(csp.i1, domain=(-3.0, 3.0), order=3),
    Case(lambda x: csp.iv(2, x), domain=(-3.0, 3.0), order=3, name="iv_2"),
    Case(lambda x: csp.iv(2.5, x), domain=(0.2, 3.0), name="iv_2.5"),
    Case(csp.i0e, domain=(-3.0, 3.0), avoid=_near_zero),
    Case(csp.i1e, domain=(-3.0, 3.0), avoid=_near_zero),
    Case(lambda x: csp.ive(3, x), domain=(-3.0, 3.0), avoid=_near_zero, name="ive_3"),
    Case(lambda x: csp.ive(1.5, x), domain=(0.2, 3.0), name="ive_1.5"),
    # Bessel functions of the first kind are entire (integer orders), those of the second
    # kind have a pole at 0: domains far enough from it for central differences.
    Case(csp.j0, domain=(-8.0, 8.0), order=3),
    Case(csp.j1, domain=(-8.0, 8.0), order=3),
    Case(lambda x: csp.jv(2, x), domain=(-8.0, 8.0), order=3, name="jv_2"),
    Case(lambda x: csp.jv(-3, x), domain=(-8.0, 8.0), name="jv_-3"),
    Case(lambda x: csp.jv(2.5, x), domain=(0.3, 8.0), name="jv_2.5"),
    Case(csp.y0, domain=(0.5, 8.0)),
    Case(csp.y1, domain=(0.5, 8.0)),
    Case(lambda x: csp.yv(1.5, x), domain=(0.5, 8.0), name="yv_1.5"),
    Case(lambda x: csp.yv(-1, x), domain=(0.5, 8.0), name="yv_-1"),
    Case(lambda x: csp.yn(3, x), domain=(1.0, 8.0), name="yn_3"),
    Case(csp.expit, domain=(-6.0, 6.0), order=3),
    Case(csp.log_expit, domain=(-6.0, 6.0)),
    Case(csp.logit, domain=(0.05, 0.95)),
    # Distribution functions: differentiable in x only; the shape parameters are constants.
    Case(lambda x: csp.gammainc(2.5, x), domain=(0.1, 5.0), name="gammainc"),
    Case(lambda x: csp.gammainc(_SHAPE_A, x), domain=(0.1, 5.0), name="gammainc_shape_array"),
    Case(lambda x: csp.gammaincc(0.7, x), domain=(0.1, 5.0), name="gammaincc"),
    Case(lambda x: csp.gammainc(1.0, x), domain=(0.0, 2.0), name="gammainc_a_1_from_0"),
    Case(lambda x: csp.betainc(2.5, 1.5, x), domain=(0.05, 0.95), name="betainc"),
    Case(lambda x: csp.betainc(_SHAPE_A, 0.8, x), domain=(0.05, 0.95), name="betainc_array"),
    Case(lambda t: csp.stdtr(3.5, t), domain=(-3.0, 3.0), name="stdtr"),
    Case(lambda t: csp.stdtr(_DF, t), domain=(-3.0, 3.0), name="stdtr_df_with_inf"),
    Case(lambda t: csp.stdtr(1e7, t), domain=(-3.0, 3.0), name="stdtr_large_df"),
    # gammasgn has no derivative: inside a smooth function it must contribute nothing.
    Case(
        lambda x: x * csp.gammasgn(x),
        domain=(-2.9, 3.0),
        avoid=_near_integers(-3, 0),
        name="x * gammasgn(x)",
    ),
]

BINARY = [
    Case(csp.beta, domain=(0.5, 3.0), **_BINARY),
    Case(csp.betaln, domain=(0.5, 3.0), **_BINARY),
    Case(csp.poch, domain=(0.5, 3.0), **_BINARY),
    Case(csp.xlogy, domain=(0.2, 3.0), **_BINARY),
    Case(csp.xlogy, domain=(-2.0, -0.2), name="xlogy_negative_x", **_BINARY),
    Case(csp.xlog1py, domain=(-0.8, 3.0), **_BINARY),
]


@pytest.mark.parametrize("case", UNARY, ids=str)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_unary_rules(case, shape, rng):
    check_grads(case.call, case.sample_args(rng, [shape]), order=case.order, modes=("fwd", "rev"))


@pytest.mark.parametrize("case", BINARY, ids=str)
@pytest.mark.parametrize("shapes", SHAPE_PAIRS, ids=str)
def test_binary_rules(case, shapes, rng):
    args = case.sample_args(rng, shapes)
    if str(case) == "xlogy_negative_x":  # x < 0 with y > 0
        args = (args[0], -args[1])
    check_grads(case.call, args, order=case.order, modes=("fwd", "rev"))


@pytest.mark.parametrize("case", BINARY, ids=str)
def test_binary_rules_with_one_constant_input(case, rng):
    x, y = case.sample_args(rng, [(2, 3), (3,)])
    y = -y if str(case) == "xlogy_negative_x" else y
    check_grads(lambda x: case.call(x, y), (x,), order=2)
    check_grads(lambda y: case.call(x, y), (y,), order=2)


# The Bessel rules divide by nothing, so they are exact at 0 to any order:
# i0 = 1 + x^2/4 + x^4/64 + ..., i1 = x/2 + x^3/16 + ..., iv(2, x) = x^2/8 + x^4/96 + ...,
# and j0, j1, jv(2, .) are the same series with alternating signs.
BESSEL_AT_ZERO = [
    (csp.i0, [1.0, 0.0, 0.5, 0.0, 0.375]),
    (csp.i1, [0.0, 0.5, 0.0, 0.375, 0.0]),
    (lambda x: csp.iv(2, x), [0.0, 0.0, 0.25, 0.0, 0.25]),
    (csp.j0, [1.0, 0.0, -0.5, 0.0, 0.375]),
    (csp.j1, [0.0, 0.5, 0.0, -0.375, 0.0]),
    (lambda x: csp.jv(2, x), [0.0, 0.0, 0.25, 0.0, -0.25]),
]
BESSEL_NAMES = ["i0", "i1", "iv_2", "j0", "j1", "jv_2"]


@pytest.mark.parametrize("function, derivatives", BESSEL_AT_ZERO, ids=BESSEL_NAMES)
def test_bessel_derivatives_at_zero(function, derivatives):
    for order, expected in enumerate(derivatives):
        derivative = function
        for _ in range(order):
            derivative = cr.grad(derivative)
        np.testing.assert_allclose(derivative(0.0), expected, rtol=1e-14, atol=1e-15)


def test_rgamma_derivatives_at_its_zeros():
    # 1 / Gamma(x) near x = -n is (-1)^n n! (x + n) + ...: the slope is finite where psi is not
    for n, slope in enumerate([1.0, -1.0, 2.0, -6.0, 24.0]):
        for derivative in (cr.grad(csp.rgamma), cr.jacfwd(csp.rgamma)):
            np.testing.assert_allclose(derivative(-float(n)), slope, rtol=1e-14)
    # second derivative at 0: 1 / Gamma(x) = x + gamma x^2 + ..., so 2 * Euler's gamma
    np.testing.assert_allclose(cr.grad(cr.grad(csp.rgamma))(0.0), 2 * np.euler_gamma, rtol=1e-14)
