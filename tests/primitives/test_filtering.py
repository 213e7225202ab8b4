"""The recursive filter primitive (lfilter_p in chainrule/primitives/filtering.py), through
chainrule.scipy.signal.lfilter: both rules in b, a and x, filters of several orders."""

import numpy as np
import pytest
from cases import Case

from chainrule.scipy import signal
from chainrule.testing import check_grads


def _denominator(a):
    """Coefficients near [1, 0, ...]: a stable filter whose a[0] is never 0."""
    return np.eye(1, a.shape[0])[0] + 0.3 * a


# (b, a, x) shapes: FIR, IIR of order 1 to 3, signals shorter than the filter, batches.
FILTER_SHAPES = [
    ((1,), (1,), (5,)),
    ((3,), (1,), (2, 6)),
    ((2,), (3,), (7,)),
    ((4,), (2,), (2,)),
    ((1,), (4,), (2, 3, 5)),
]

FILTERS = [
    Case(
        lambda b, a, x: signal.lfilter(b, _denominator(a), x),
        domain=(-1.0, 1.0),
        arity=3,
        example_shapes=((2,), (3,), (5,)),
        name="lfilter",
    ),
    Case(
        lambda b, a, x: signal.lfilter(b, _denominator(a), x, axis=0),
        domain=(-1.0, 1.0),
        arity=3,
        example_shapes=((2,), (2,), (4, 2)),
        name="lfilter_axis0",
    ),
]


@pytest.mark.parametrize("case", FILTERS, ids=str)
@pytest.mark.parametrize("shapes", FILTER_SHAPES, ids=str)
def test_filter_rules(case, shapes, rng):
    args = case.sample_args(rng, shapes)
    if case.name == "lfilter_axis0":
        args = args[:2] + (np.moveaxis(args[2], -1, 0),)
    check_grads(case.fn, args, order=2, modes=("fwd", "rev"))


def test_third_order_in_the_denominator(rng):
    b, a, x = rng.uniform(-1, 1, 2), rng.uniform(-1, 1, 3), rng.uniform(-1, 1, 6)
    check_grads(lambda a: signal.lfilter(b, _denominator(a), x), (a,), order=3, modes=("rev",))


def test_complex_rules_are_plain_transposes(rng):
    b = rng.normal(size=2) + 1j * rng.normal(size=2)
    a = np.array([1.0, 0.2 - 0.1j, 0.1j])
    x = rng.normal(size=(2, 5)) + 1j * rng.normal(size=(2, 5))
    check_grads(lambda b, a, x: signal.lfilter(b, a, x), (b, a, x), order=2)
