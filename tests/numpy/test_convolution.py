"""convolve and correlate (chainrule/numpy/convolution.py): values and dtypes against NumPy
for every mode and order of lengths, errors, and np.convolve / np.correlate on tracers.
(The derivative rules are checked in tests/primitives/test_convolution.py.)"""

import itertools

import numpy as np
import pytest
from assertions import raises_with

import chainrule as cr
import chainrule.numpy as cnp


@pytest.mark.parametrize("name", ["convolve", "correlate"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex128], ids=str)
def test_values_and_dtypes_match_numpy(name, dtype, rng):
    for n, m, mode in itertools.product(range(1, 6), range(1, 6), ("full", "same", "valid")):
        a, v = rng.normal(size=n).astype(dtype), rng.normal(size=m).astype(dtype)
        if dtype == np.complex128:
            a, v = a + 1j * rng.normal(size=n), v - 1j * rng.normal(size=m)
        expected = getattr(np, name)(a, v, mode)
        for traced in ((0,), (1,), (0, 1)):  # a traced, v traced, both

            def f(*values, traced=traced, args=(a, v), mode=mode):
                args = list(args)
                for i, value in zip(traced, values):
                    args[i] = value
                return getattr(cnp, name)(*args, mode)

            actual, _ = cr.vjp(f, *[(a, v)[i] for i in traced])
            assert actual.dtype == expected.dtype and actual.shape == expected.shape
            np.testing.assert_allclose(
                actual, expected, rtol=1e-5 if dtype == np.float32 else 1e-13
            )
    if name == "convolve":  # NumPy's correlate refuses 0-d arguments
        scalar, _ = cr.vjp(lambda a: cnp.convolve(a, np.array([1.0, 2.0])), 3.0)
        np.testing.assert_array_equal(scalar, np.convolve(3.0, [1.0, 2.0]))


def test_default_modes_are_numpys(rng):
    a, v = rng.normal(size=5), rng.normal(size=3)
    assert cr.vjp(lambda a: cnp.convolve(a, v), a)[0].shape == (7,)  # full
    assert cr.vjp(lambda a: cnp.correlate(a, v), a)[0].shape == (3,)  # valid


def test_numpy_functions_on_tracers_dispatch_here(rng):
    a, v = rng.normal(size=5), rng.normal(size=3)
    for name, mode in itertools.product(["convolve", "correlate"], ["full", "same", "valid"]):
        expected = cr.grad(
            lambda a, v, name=name, mode=mode: cnp.sum(getattr(cnp, name)(a, v, mode) ** 2),
            argnums=(0, 1),
        )(a, v)
        actual = cr.grad(
            lambda a, v, name=name, mode=mode: np.sum(getattr(np, name)(a, v, mode) ** 2),
            argnums=(0, 1),
        )(a, v)
        for x, y in zip(actual, expected):
            np.testing.assert_array_equal(x, y)


def test_errors_name_the_function_and_the_fix(rng):
    def grad_of(f):
        return lambda: cr.grad(lambda v: cnp.sum(f(v)))(np.ones(3))

    raises_with(ValueError, grad_of(lambda v: cnp.convolve(v, v, "middle")), "convolve", "'same'")
    raises_with(
        ValueError, grad_of(lambda v: cnp.correlate(v, np.ones((2, 2)))), "correlate", "1-d"
    )
    raises_with(ValueError, grad_of(lambda v: cnp.convolve(v, np.ones(0))), "convolve", "empty")
    raises_with(ValueError, grad_of(lambda v: cnp.convolve(v[:0], v)), "a cannot be empty")
    raises_with(ValueError, grad_of(lambda v: cnp.correlate(v[0], v)), "correlate", "a must be 1-d")
