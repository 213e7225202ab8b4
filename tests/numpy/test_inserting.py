"""insert, delete, resize and trim_zeros (chainrule/numpy/inserting.py).

Derivatives by check_grads at several shapes and axes, values and dtypes against NumPy,
np.-dispatch on tracers, errors.
"""

import numpy as np
import pytest
from assertions import raises_with
from cases import Case

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.testing import check_grads

MASK = np.array([0.0, 1.0, 1.0, 0.0])

# Functions of one (3, 4) array x.
CASES = [
    Case(lambda x: cnp.delete(x, 1), name="delete_flat"),
    Case(lambda x: cnp.delete(x, [0, 2], axis=1), name="delete_columns"),
    Case(lambda x: cnp.delete(x, slice(0, 2), axis=0), name="delete_slice"),
    Case(lambda x: cnp.delete(x, np.array([True, False, True]), axis=0), name="delete_mask"),
    Case(lambda x: cnp.insert(x, 1, 5.0), name="insert_constant"),
    Case(lambda x: cnp.insert(x, [1, 3], x[0, :2], axis=1), name="insert_columns"),
    Case(lambda x: cnp.insert(x, 1, x[0], axis=0), name="insert_row"),
    Case(lambda x: cnp.insert(x, 2, x[:, 0], axis=1), name="insert_broadcast_column"),
    Case(lambda x: cnp.insert(x, slice(0, 2), x[0, 0] ** 2, axis=0), name="insert_slice"),
    Case(lambda x: cnp.resize(x, (5, 3)), name="resize_repeat"),
    Case(lambda x: cnp.resize(x, 7), name="resize_shrink"),
    Case(lambda x: cnp.trim_zeros(x[0] * MASK), name="trim_zeros_1d"),
    Case(lambda x: cnp.trim_zeros(x[0] * MASK, "b"), name="trim_zeros_back"),
    Case(lambda x: cnp.trim_zeros(x * MASK, axis=1), name="trim_zeros_axis"),
    Case(lambda x: cnp.trim_zeros(x * MASK[:3, None]), name="trim_zeros_2d"),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_rules(case, rng):
    check_grads(case.fn, (rng.uniform(1.0, 2.0, (3, 4)),), order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("shape", [(), (5,), (2, 3, 2)], ids=str)
def test_rules_at_other_shapes(shape, rng):
    x = rng.normal(size=shape)
    check_grads(
        lambda x: cnp.insert(x, 0, cnp.ravel(x)[:1] * 2.0), (x,), order=2, modes=("fwd", "rev")
    )
    check_grads(lambda x: cnp.resize(x, (2, 4)), (x,), order=2, modes=("fwd", "rev"))
    if np.ndim(x):
        check_grads(lambda x: cnp.delete(x, 0, axis=-1), (x,), order=2, modes=("fwd", "rev"))


def test_values_may_be_traced_alone(rng):
    values = rng.normal(size=2)
    check_grads(
        lambda v: cnp.insert(np.zeros((2, 3)), [0, 3], v, axis=1),
        (values,),
        order=2,
        modes=("fwd", "rev"),
    )
    # A value broadcast into three places receives the sum of their derivatives.
    assert cr.grad(lambda v: cnp.insert(np.zeros(3), [0, 1, 2], v).sum())(1.5) == 3.0


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex128], ids=str)
def test_values_and_dtypes_match_numpy(dtype, rng):
    x = (rng.normal(size=(3, 4)) * (rng.uniform(size=(3, 4)) > 0.3)).astype(dtype)
    x[0] = 0.0
    for i, case in enumerate(CASES):
        actual, _ = cr.vjp(case.fn, x)
        expected = case.fn(x)  # on a plain array chainrule.numpy calls NumPy itself
        assert actual.dtype == expected.dtype and actual.shape == expected.shape, case.name
        np.testing.assert_array_equal(actual, expected, err_msg=str(i))
    assert cr.vjp(lambda x: cnp.resize(x[:0], (2, 2)), x)[0].shape == (2, 2)
    assert cr.vjp(lambda x: cnp.trim_zeros(x[0]), x)[0].shape == (0,)


def test_numpy_functions_on_tracers_dispatch_here(rng):
    x = rng.normal(size=(3, 4))
    calls = [
        (lambda x: np.delete(x, 1, axis=1), lambda x: cnp.delete(x, 1, axis=1)),
        (lambda x: np.insert(x, 1, x[0], axis=0), lambda x: cnp.insert(x, 1, x[0], axis=0)),
        (lambda x: np.resize(x, (2, 7)), lambda x: cnp.resize(x, (2, 7))),
        (lambda x: np.trim_zeros(x[0] * MASK), lambda x: cnp.trim_zeros(x[0] * MASK)),
    ]
    for numpy_call, cnp_call in calls:
        expected = cr.grad(lambda x, f=cnp_call: cnp.sum(f(x) ** 2))(x)
        actual = cr.grad(lambda x, f=numpy_call: np.sum(f(x) ** 2))(x)
        np.testing.assert_array_equal(actual, expected)
        np.testing.assert_array_equal(cnp_call(x), numpy_call(x))
        assert np.any(expected != 0)


def test_errors_name_the_function_and_the_fix(rng):
    x = rng.normal(size=4)

    def grad_of(f):
        return lambda: cr.grad(lambda v: cnp.sum(f(v)))(x)

    raises_with(TypeError, grad_of(lambda v: cnp.delete(v, v[0])), "delete", "obj", "plain")
    raises_with(TypeError, grad_of(lambda v: cnp.insert(v, v[0], 1.0)), "insert", "obj")
    raises_with(ValueError, grad_of(lambda v: cnp.trim_zeros(v, "x")), "trim_zeros", "'fb'")
    raises_with(
        np.exceptions.AxisError,
        grad_of(lambda v: cnp.trim_zeros(v, axis=3)),
        "trim_zeros",
        "out of bounds",
    )
