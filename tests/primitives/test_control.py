"""stop_gradient, and the logical primitives applied to traced values."""

import numpy as np
import pytest
from cases import SHAPES, Case

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.testing import check_grads

# Functions whose derivative passes through a non-differentiable step unchanged, or not at all.
CONTROL = [
    # stop_gradient(x) - stop_gradient(x) is 0 with derivative 0, so finite differences agree.
    Case(lambda x: cnp.sin(x) + cr.stop_gradient(x * x) - cr.stop_gradient(x * x), name="stop"),
    Case(
        lambda x: cnp.where(cnp.logical_and(x, x > 0.5), x, 2 * x),
        name="logical_and",
        avoid=lambda x: (np.abs(x - 0.5) < 0.05) | (np.abs(x) < 0.05),
    ),
    Case(
        lambda x: cnp.where(cnp.logical_or(x, x > 0.5), x * x, x),
        name="logical_or",
        avoid=lambda x: (np.abs(x - 0.5) < 0.05) | (np.abs(x) < 0.05),
    ),
    Case(
        lambda x: cnp.where(cnp.logical_xor(x, x > 0.5), x * x, x),
        name="logical_xor",
        avoid=lambda x: (np.abs(x - 0.5) < 0.05) | (np.abs(x) < 0.05),
    ),
    Case(
        lambda x: cnp.where(cnp.logical_not(x), x, cnp.exp(x)),
        name="logical_not",
        avoid=lambda x: (np.abs(x - 0.5) < 0.05) | (np.abs(x) < 0.05),
    ),
]


@pytest.mark.parametrize("case", CONTROL, ids=str)
@pytest.mark.parametrize("shape", SHAPES)
def test_control_cases(case, shape, rng):
    check_grads(case.call, (case.sample(rng, shape),), order=2, modes=("fwd", "rev"))


def test_stop_gradient_derivative_counts_only_the_traced_factor():
    f = lambda x: cnp.sin(x) * cr.stop_gradient(x) + cr.stop_gradient(x * x)
    x = 0.7
    # d/dx [sin(x) * c] with c = x held constant, plus nothing from stop_gradient(x * x)
    assert cr.grad(f)(x) == pytest.approx(np.cos(x) * x, rel=1e-14)
    assert cr.jvp(f, (x,), (1.0,))[1] == pytest.approx(np.cos(x) * x, rel=1e-14)


def test_logical_ops_on_traced_values_return_plain_booleans():
    seen = []

    def f(x):
        mask = cnp.logical_and(x, x > 0.5)
        seen.append(mask)
        return cnp.sum(x)

    cr.grad(f)(np.array([0.0, 0.7, 0.2]))
    assert isinstance(seen[0], np.ndarray) and seen[0].dtype == bool
    np.testing.assert_array_equal(seen[0], [False, True, False])
