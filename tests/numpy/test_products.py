"""kron and cross (chainrule/numpy/products.py): derivatives in both arguments at several
shapes, values and dtypes against NumPy, errors, and np.kron / np.cross on tracers."""

import numpy as np
import pytest
from assertions import raises_with
from cases import Case

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.testing import check_grads

PRODUCTS = [
    Case(cnp.kron, arity=2, example_shapes=((2, 3), (2, 2))),
    Case(cnp.cross, arity=2, example_shapes=((4, 3), (3,))),
]
# (shapes of a and b, options) per product.
PRODUCT_SHAPES = {
    "kron": [
        (((3,), (2,)), {}),
        (((2, 3), (2, 2)), {}),
        (((3,), (2, 2)), {}),
        (((2, 1, 2), (3,)), {}),
        (((), (3,)), {}),
        (((2, 2), ()), {}),
    ],
    "cross": [
        (((3,), (3,)), {}),
        (((4, 3), (3,)), {}),
        (((2, 1, 3), (4, 3)), {}),
        (((2,), (3,)), {}),
        (((3,), (2,)), {}),
        (((4, 2), (2,)), {}),
        (((3, 4), (4, 3)), {"axisa": 0}),
        (((3, 2), (2, 3)), {"axisa": 0, "axisb": 1, "axisc": 0}),
        (((3, 4), (3, 4)), {"axis": 0}),
    ],
}
_CHECKS = [(case, *entry) for case in PRODUCTS for entry in PRODUCT_SHAPES[str(case)]]


@pytest.mark.filterwarnings("ignore:Arrays of 2-dimensional vectors:DeprecationWarning")
@pytest.mark.parametrize("case, shapes, options", _CHECKS, ids=str)
def test_product_rules(case, shapes, options, rng):
    check_grads(lambda a, b: case.fn(a, b, **options), case.sample_args(rng, shapes), order=2)


@pytest.mark.filterwarnings("ignore:Arrays of 2-dimensional vectors:DeprecationWarning")
@pytest.mark.parametrize("case, shapes, options", _CHECKS, ids=str)
@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=str)
def test_values_and_dtypes_match_numpy(case, shapes, options, dtype, rng):
    a, b = case.sample_args(rng, shapes, dtype)
    expected = getattr(np, str(case))(a, b, **options)
    actual, _ = cr.vjp(lambda a, b: case.fn(a, b, **options), a, b)
    assert actual.dtype == expected.dtype and actual.shape == expected.shape
    np.testing.assert_allclose(actual, expected, rtol=1e-6 if dtype == np.float32 else 1e-14)


def test_numpy_functions_on_tracers_dispatch_here(rng):
    a, b = rng.normal(size=(4, 3)), rng.normal(size=3)
    for name in ("kron", "cross"):
        expected = cr.grad(
            lambda a, b, name=name: cnp.sum(getattr(cnp, name)(a, b) ** 2), argnums=(0, 1)
        )(a, b)
        actual = cr.grad(
            lambda a, b, name=name: np.sum(getattr(np, name)(a, b) ** 2), argnums=(0, 1)
        )(a, b)
        for x, y in zip(actual, expected):
            np.testing.assert_array_equal(x, y)


def test_cross_of_2_vectors_warns_as_numpy_does():
    with pytest.warns(DeprecationWarning, match="2-dimensional vectors"):
        cr.grad(lambda v: cnp.cross(v, np.array([1.0, 2.0])))(np.array([3.0, 4.0]))


def test_errors_name_the_function_and_the_fix():
    def grad_of(f):
        return lambda: cr.grad(lambda v: cnp.sum(f(v)))(np.ones(3))

    raises_with(ValueError, grad_of(lambda v: cnp.cross(v, v[:1])), "cross", "2 or 3")
    raises_with(ValueError, grad_of(lambda v: cnp.cross(v[0], v)), "cross", "zero dimension")
    raises_with(np.exceptions.AxisError, grad_of(lambda v: cnp.cross(v, v, axisc=2)), "axisc")
