"""Random scientific programs: derivatives against an independent float64 oracle.

Hypothesis chains steps from six families (one module each): numpy.linalg with
scipy.linalg.expm; complex linear algebra (decompositions, solves and matrix functions of
complex matrices, back to real by phase-invariant functions); numpy.fft and complex
arithmetic; scipy.special and scipy.stats; sorting, order statistics and NaN-ignoring
reductions; and the rest of NumPy (differences, cumulative products, convolution,
interpolation, polynomials, weighted averages). Each step maps the running value, and
the inputs, into its function's smooth domain: well-conditioned matrices with separated
spectra, positive or (0, 1)-valued arguments, values too far apart to tie, complex values
away from branch cuts. Programs are written with `np` (through NumPy's protocols;
SciPy's ufuncs as they are) or with `chainrule.numpy`, and call chainrule.scipy on traced
values where SciPy's own functions cannot take tracers.

The oracle runs the same program on plain arrays, so with NumPy and SciPy alone, and
takes central differences with Richardson extrapolation (oracle.py). Values must equal
NumPy's and SciPy's to 1e-12; JVPs, VJPs, gradients and Hessian-vector products in all
four compositions of the two modes must agree with the oracle to 1e-7 relative to the
size of the derivative. Mixed chains are drawn at random; every kind of step is also
checked on its own, after at most one random step, so that none goes untested.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from properties.complex_linalg_steps import COMPLEX_LINALG_STEPS
from properties.fourier_complex_steps import FOURIER_COMPLEX_STEPS
from properties.linalg_steps import LINALG_STEPS
from properties.numpy_steps import NUMPY_STEPS
from properties.oracle import (
    assert_close,
    check_jvp_and_vjp,
    inner,
    random_like,
    richardson_derivative,
    richardson_second_derivative,
    scalar_or_array,
)
from properties.order_statistics_steps import ORDER_STATISTICS_STEPS
from properties.programs import MAX_SIZE, Program, Shapes, Step
from properties.special_stats_steps import SPECIAL_STATS_STEPS

import chainrule as cr
import chainrule.numpy as cnp

SETTINGS = settings(
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
MIXED = settings(SETTINGS, max_examples=150)  # chains of steps from all families
EACH_KIND = settings(SETTINGS, max_examples=6)  # programs ending in one kind of step
MAX_NDIM = 4
FAMILIES = {
    "linalg": LINALG_STEPS,
    "complex linalg": COMPLEX_LINALG_STEPS,
    "fft and complex": FOURIER_COMPLEX_STEPS,
    "special and stats": SPECIAL_STATS_STEPS,
    "order statistics": ORDER_STATISTICS_STEPS,
    "numpy": NUMPY_STEPS,
}

# The last step: nonlinear, of moderate growth, so that Hessians are not trivially zero.
FINISHERS = {
    "tanh": lambda v, xp: xp.tanh(v),
    "arctan": lambda v, xp: xp.arctan(v),
    "log1p(v*v)": lambda v, xp: xp.log1p(v * v),
    "v/(1+v*v)": lambda v, xp: v / (1.0 + v * v),
}


def _finisher(draw) -> Step:
    name = draw(st.sampled_from(sorted(FINISHERS)))
    fn = FINISHERS[name]
    return Step(name, lambda v, x, y, xp: fn(v, xp))


def _append_step(draw, steps, value, make_step, shapes_of_inputs, probes):
    """Draw a step from ``make_step``; keep it (and return the new value) unless it makes
    too large an array, in which case return None."""
    step = make_step(draw, Shapes(np.shape(value), *shapes_of_inputs))
    new_value = step.fn(value, *probes, np)  # on plain arrays, for the shape
    if not 0 < np.size(new_value) <= MAX_SIZE or np.ndim(new_value) > MAX_NDIM:
        return None
    steps.append(step)
    return new_value


@st.composite
def programs(draw, required=None):
    """A chain of 1 to 4 steps from random families; or, given ``required`` (a step maker
    and a kind), at most one random step followed by that kind of step. Then a finishing
    step."""
    x_shape = tuple(draw(st.lists(st.integers(1, 4), max_size=2)))
    y_shape = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
    probes = (np.full(x_shape, 0.5), np.full(y_shape, 0.5))
    value = probes[0]
    steps = []
    for _ in range(draw(st.integers(1, 4) if required is None else st.integers(0, 1))):
        family = draw(st.sampled_from(sorted(FAMILIES)))
        make_step = draw(st.sampled_from(FAMILIES[family]))
        new_value = _append_step(draw, steps, value, make_step, (x_shape, y_shape), probes)
        value = value if new_value is None else new_value
    if required is not None:
        make_step, kind = required

        def make_required(draw, shapes):
            return make_step(draw, shapes, kind)

        new_value = _append_step(draw, steps, value, make_required, (x_shape, y_shape), probes)
        assume(new_value is not None)
        value = new_value
    steps.append(_finisher(draw))
    xp = draw(st.sampled_from([np, cnp]))
    return Program(tuple(steps), xp), x_shape, y_shape


@st.composite
def cases(draw, required=None):
    program, x_shape, y_shape = draw(programs(required))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = scalar_or_array(rng.uniform(-1.5, 1.5, x_shape))
    y = scalar_or_array(rng.uniform(-1.5, 1.5, y_shape))
    return program, x, y, rng


def check_second_order(program, x, y, rng):
    """The gradient and u^T H p, in every composition of the two modes, against the
    oracle, for a loss that weighs the program's output with random weights."""
    (weights,) = random_like(rng, program(x, y))

    def loss(x, y):
        out = program(x, y)
        return cnp.sum(weights * out + 0.25 * out * out)

    u, p = random_like(rng, x, y), random_like(rng, x, y)
    gradient = cr.grad(loss, argnums=(0, 1))
    assert_close(inner(gradient(x, y), u), richardson_derivative(loss, (x, y), u), "grad")

    expected = richardson_second_derivative(loss, (x, y), u, p)  # u^T H p

    def directional(x, y):  # forward mode: u . grad loss
        return cr.jvp(loss, (x, y), u)[1]

    def gradient_along_u(x, y):  # reverse mode: u . grad loss
        x_bar, y_bar = gradient(x, y)
        return cnp.sum(x_bar * u[0]) + cnp.sum(y_bar * u[1])

    second_derivatives = {
        "reverse over forward (hvp)": inner(u, cr.hvp(loss, (x, y), p)),
        "forward over reverse": inner(u, cr.jvp(gradient, (x, y), p)[1]),
        "reverse over reverse": inner(p, cr.grad(gradient_along_u, argnums=(0, 1))(x, y)),
        "forward over forward": cr.jvp(directional, (x, y), p)[1],
    }
    for what, actual in second_derivatives.items():
        assert_close(actual, expected, what)


@MIXED
@given(cases())
def test_values_jvp_and_vjp_match_the_oracle(case):
    program, x, y, rng = case
    check_jvp_and_vjp(program, (x, y), rng, value_rtol=1e-12)


@MIXED
@given(cases())
def test_gradient_and_hessian_vector_products_match_the_oracle(case):
    check_second_order(*case)


EVERY_KIND = [
    pytest.param((make_step, kind), id=f"{family}: {make_step.name}: {kind}")
    for family, steps in FAMILIES.items()
    for make_step in steps
    for kind in make_step.kinds
]


@pytest.mark.parametrize("required", EVERY_KIND)
def test_every_kind_of_step_matches_the_oracle(required):
    @EACH_KIND
    @given(cases(required))
    def check(case):
        program, x, y, rng = case
        check_jvp_and_vjp(program, (x, y), rng, value_rtol=1e-12)
        check_second_order(program, x, y, rng)

    check()


def test_second_derivatives_of_the_sign_of_slogdet_of_one_complex_matrix():
    """Unbatched, the complex sign's cotangent is 0-d (this once crashed: 1j times a
    float64 scalar made a Python complex, without a shape)."""
    a = np.array([[2.0, 0.3], [0.1, 1.5]])

    def sign(v, x, y, xp):
        return xp.real(xp.linalg.slogdet(a + 1j * (v + y) * np.eye(2))[0])

    program = Program((Step("real(slogdet(a + i (x + y) I).sign)", sign),), cnp)
    check_second_order(program, np.float64(0.3), np.float64(0.2), np.random.default_rng(0))
