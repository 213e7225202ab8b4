"""Covariance and correlation (chainrule/numpy/covariance.py): cov and corrcoef.

Derivatives in the observations and in aweights by check_grads, values and dtypes against
NumPy for every option, dispatch of np.cov / np.corrcoef on tracers, errors.
"""

import numpy as np
import pytest
from assertions import raises_with
from cases import Case

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.testing import check_grads

AWEIGHTS = np.array([0.5, 2.0, 1.0, 1.5, 0.75])
FWEIGHTS = np.array([1, 2, 1, 3, 1])

OPTIONS = [
    {},
    {"bias": True},
    {"ddof": 2},
    {"rowvar": False},
    {"aweights": AWEIGHTS},
    {"fweights": FWEIGHTS},
    {"fweights": FWEIGHTS, "aweights": AWEIGHTS},
    {"fweights": FWEIGHTS, "aweights": AWEIGHTS, "bias": True},
]
SHAPES = [(5,), (2, 5), (3, 5)]

CASES = [
    Case(lambda y: cnp.cov(np.ones(5), y), name="cov_of_m_and_y", example_shapes=((5,),)),
    Case(
        lambda w: cnp.cov(np.arange(10.0).reshape(2, 5) ** 1.5, aweights=w),
        name="cov_aweights",
        domain=(0.5, 2.0),
        example_shapes=((5,),),
    ),
    Case(
        lambda w: cnp.cov(np.sin(np.arange(10.0)).reshape(2, 5), aweights=w, ddof=0),
        name="cov_aweights_ddof0",
        domain=(0.5, 2.0),
        example_shapes=((5,),),
    ),
    Case(
        lambda w: cnp.cov(np.sin(np.arange(10.0)).reshape(2, 5), fweights=FWEIGHTS, aweights=w),
        name="cov_both_weights",
        domain=(0.5, 2.0),
        example_shapes=((5,),),
    ),
    Case(lambda x: cnp.corrcoef(x, x[::-1] ** 2), name="corrcoef_x_y", example_shapes=((5,),)),
]


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: "-".join(o) or "default")
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_cov_rules(options, shape, rng):
    x = rng.normal(size=shape)
    if options.get("rowvar") is False:
        x = x.T if x.ndim == 2 else x
        if x.ndim == 2 and x.shape[0] != 5:
            pytest.skip("the weights are per observation (5 of them)")
    check_grads(lambda x: cnp.cov(x, **options), (x,), order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("shape", [(2, 5), (3, 4), (4, 3)], ids=str)
def test_corrcoef_rules(shape, rng):
    check_grads(cnp.corrcoef, (rng.normal(size=shape),), order=2, modes=("fwd", "rev"))
    check_grads(
        lambda x: cnp.corrcoef(x, rowvar=False),
        (rng.normal(size=shape),),
        order=2,
        modes=("fwd", "rev"),
    )


@pytest.mark.parametrize("case", CASES, ids=str)
def test_other_arguments(case, rng):
    check_grads(case.fn, case.sample_args(rng, case.example_shapes), order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex128], ids=str)
def test_values_and_dtypes_match_numpy(dtype, rng):
    x = rng.normal(size=(3, 5)).astype(dtype)
    if dtype == np.complex128:
        x = x + 1j * rng.normal(size=(3, 5))
    y = rng.normal(size=5).astype(dtype)
    calls = [(lambda x, o=o: np.cov(x, **o)) for o in OPTIONS] + [
        lambda x: np.cov(x[0], y),
        lambda x: np.cov(x, y, rowvar=True),
        lambda x: np.cov(x, dtype=np.float32) if dtype != np.complex128 else np.cov(x),
        lambda x: np.cov(x[0]),
        lambda x: np.corrcoef(x),
        lambda x: np.corrcoef(x[0], y),
        lambda x: np.corrcoef(x[0]),
    ]
    for i, f in enumerate(calls):
        actual, _ = cr.vjp(f, x)
        expected = f(x)
        assert actual.dtype == expected.dtype and actual.shape == expected.shape, i
        np.testing.assert_allclose(actual, expected, rtol=1e-6 if dtype == np.float32 else 1e-13)


def test_numpy_functions_on_tracers_dispatch_here(rng):
    x = rng.normal(size=(3, 5))
    for f in (np.cov, np.corrcoef, lambda x: np.cov(x, aweights=AWEIGHTS)):
        expected = cr.grad(lambda x, f=f: cnp.sum(np.sin(f(x))))(x)
        assert np.any(expected != 0)
    grad_np = cr.grad(lambda w: np.sum(np.cov(x, aweights=w)))(AWEIGHTS)
    grad_cnp = cr.grad(lambda w: cnp.sum(cnp.cov(x, aweights=w)))(AWEIGHTS)
    np.testing.assert_array_equal(grad_np, grad_cnp)


def test_errors_name_the_function_and_the_fix(rng):
    x = rng.normal(size=(2, 5))

    def grad_of(f, value=x):
        return lambda: cr.grad(lambda v: cnp.sum(f(v)))(value)

    raises_with(
        TypeError,
        grad_of(lambda w: cnp.cov(x, fweights=w), FWEIGHTS * 1.0),
        "cov",
        "fweights",
        "aweights",
    )
    raises_with(ValueError, grad_of(lambda v: cnp.cov(v.reshape(1, 2, 5))), "cov", "more than 2")
    raises_with(
        RuntimeError,
        grad_of(lambda v: cnp.cov(v, aweights=np.ones(4))),
        "cov",
        "one weight per observation",
    )
    raises_with(ValueError, grad_of(lambda v: cnp.cov(v, aweights=-np.ones(5))), "cov", "negative")
    raises_with(
        TypeError, grad_of(lambda v: cnp.cov(v, fweights=np.full(5, 1.5))), "cov", "integers"
    )
