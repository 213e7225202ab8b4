"""The ODE solution primitive (odeint_p in chainrule/primitives/ode.py), through
chainrule.scipy.integrate.odeint: both rules at order 2 in the initial state, the
parameters and the times, on small systems with the solver at tight tolerances."""

import numpy as np
import pytest
from cases import Case

import chainrule.numpy as cnp
from chainrule.scipy.integrate import odeint
from chainrule.testing import check_grads

# Finite differences of an ODE solver need a tight solve, a larger step and a looser
# comparison than check_grads' defaults.
TIGHT = dict(rtol=1e-10, atol=1e-10)
CHECK = dict(eps=1e-4, atol=1e-6, rtol=1e-6)
TIMES = np.linspace(0.0, 1.0, 4)


def decay(y, t, k):
    return -k * y


def linear_system(y, t, a):
    return a @ y


def logistic(y, t, rate, capacity):
    return rate * y * (1 - y / capacity)


def lotka_volterra(y, t, p):
    prey, predator = y[0], y[1]
    growth = p[0] * prey - p[1] * prey * predator
    return cnp.stack([growth, p[2] * prey * predator - p[3] * predator])


def forced(y, t, w):
    """Depends on t, so the derivative in the times has a part from func itself."""
    return -y + cnp.sin(w * t)


def _rotation(a):
    """A 2x2 system near a damped rotation, well conditioned on [0, 1]."""
    return np.array([[-0.5, 1.0], [-1.0, -0.5]]) + 0.3 * a


SYSTEMS = [
    Case(
        lambda y0, k: odeint(decay, y0, TIMES, (k,), **TIGHT),
        domain=(0.5, 1.5),
        arity=2,
        example_shapes=((2,), ()),
        name="decay",
    ),
    Case(
        lambda y0, a: odeint(linear_system, y0, TIMES, (_rotation(a),), **TIGHT),
        domain=(-1.0, 1.0),
        arity=2,
        example_shapes=((2,), (2, 2)),
        name="linear_system",
    ),
    Case(
        lambda y0, rate, capacity: odeint(logistic, y0, TIMES, (rate, 2 + capacity), **TIGHT),
        domain=(0.2, 1.0),
        arity=3,
        example_shapes=((1,), (), ()),
        name="logistic",
    ),
    Case(
        lambda y0, p: odeint(lotka_volterra, 1 + y0, TIMES * 0.5, (p,), **TIGHT),
        domain=(0.2, 1.0),
        arity=2,
        example_shapes=((2,), (4,)),
        name="lotka_volterra",
    ),
    Case(
        lambda y0, times, w: odeint(forced, y0, cnp.cumsum(times), (w,), **TIGHT),
        domain=(0.1, 0.6),
        arity=3,
        example_shapes=((2,), (3,), ()),
        name="forced_in_times",
    ),
]


@pytest.mark.parametrize("case", SYSTEMS, ids=str)
def test_ode_rules(case, rng):
    check_grads(case.call, case.sample_args(rng, case.example_shapes), order=2, **CHECK)


@pytest.mark.parametrize("mode", ["fwd", "rev"])
def test_times_alone_decreasing_and_scalar_state(mode, rng):
    """Differentiation in t only, integrating backwards in time, with a 0-d y0."""
    times = np.array([1.0, 0.7, 0.4, 0.2])
    check_grads(
        lambda t: odeint(forced, 0.5, t, (1.3,), **TIGHT), (times,), order=2, modes=(mode,), **CHECK
    )


def test_third_order_in_the_rate(rng):
    check_grads(
        lambda k: odeint(decay, np.array([1.0, 2.0]), TIMES, (k,), **TIGHT),
        (np.array(0.8),),
        order=3,
        **CHECK,
    )
