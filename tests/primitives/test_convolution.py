"""The convolution primitive (convolve_p in chainrule/primitives/contraction.py), through
cnp.convolve and cnp.correlate: both rules, both arguments, every mode and length order."""

import pytest
from cases import Case

import chainrule.numpy as cnp
from chainrule.primitives import contraction as ct
from chainrule.testing import check_grads

# Lengths of (a, v): a longer, v longer, equal, and length 1 on either side.
CONVOLUTION_SHAPES = [
    ((5,), (3,)),
    ((2,), (4,)),
    ((3,), (3,)),
    ((1,), (4,)),
    ((4,), (1,)),
    ((), (3,)),
]

CONVOLUTIONS = [
    Case(lambda a, v: ct.convolve_p(a, v), arity=2, example_shapes=((4,), (3,)), name="convolve_p"),
    *[
        Case(
            lambda a, v, function=function, mode=mode: function(a, v, mode),
            arity=2,
            example_shapes=((5,), (2,)),
            name=f"{function.__name__}_{mode}",
        )
        for function in (cnp.convolve, cnp.correlate)
        for mode in ("full", "same", "valid")
    ],
]


@pytest.mark.parametrize("case", CONVOLUTIONS, ids=str)
@pytest.mark.parametrize("shapes", CONVOLUTION_SHAPES, ids=str)
def test_convolution_rules(case, shapes, rng):
    if shapes[0] == () and (case.name == "convolve_p" or case.name.startswith("correlate")):
        return  # only cnp.convolve reads a 0-d argument as a vector (NumPy's rule)
    check_grads(case.fn, case.sample_args(rng, shapes), order=2, modes=("fwd", "rev"))


def test_complex_rules_are_plain_transposes(rng):
    a = rng.normal(size=4) + 1j * rng.normal(size=4)
    v = rng.normal(size=3) + 1j * rng.normal(size=3)
    for mode in ("full", "same", "valid"):
        check_grads(lambda a, v, mode=mode: cnp.convolve(a, v, mode), (a, v), order=2)
        check_grads(lambda a, v, mode=mode: cnp.correlate(a, v, mode), (a, v), order=2)
