"""block, row_stack, unstack, diagflat and matrix_transpose (chainrule/numpy/assembling.py).

Derivatives by check_grads, values and dtypes against NumPy, np.-dispatch, errors.
"""

import numpy as np
import pytest
from assertions import raises_with
from cases import Case

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.testing import check_grads

# Functions of one (3, 4) array x.
CASES = [
    Case(lambda x: cnp.block([[x, x**2], [x[:1], x[1:2] * 3]]), name="block_2x2"),
    Case(lambda x: cnp.block([x[0], 1.0, x[1]]), name="block_1d_with_scalar"),
    Case(lambda x: cnp.block([[x[0]], [x[1]]]), name="block_rows_from_1d"),
    Case(lambda x: cnp.block([[[x]], [[x]]]), name="block_deeper_than_arrays"),
    Case(lambda x: cnp.block(x), name="block_single_array"),
    Case(lambda x: cnp.block([np.ones((3, 1)), x]), name="block_plain_and_traced"),
    Case(lambda x: cnp.row_stack([x, x[0]]), name="row_stack"),
    Case(lambda x: cnp.unstack(x)[1], name="unstack"),
    Case(lambda x: cnp.unstack(x, axis=-1)[3], name="unstack_last_axis"),
    Case(lambda x: cnp.diagflat(x[:2]), name="diagflat"),
    Case(lambda x: cnp.diagflat(x[:2, :2], -1), name="diagflat_below"),
    Case(lambda x: cnp.matrix_transpose(x), name="matrix_transpose"),
    Case(lambda x: cnp.matrix_transpose(x.reshape(2, 3, 2)), name="matrix_transpose_batched"),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_rules(case, rng):
    check_grads(case.fn, (rng.normal(size=(3, 4)),), order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex128], ids=str)
def test_values_and_dtypes_match_numpy(dtype, rng):
    x = rng.normal(size=(3, 4)).astype(dtype)
    for case in CASES:
        actual, _ = cr.vjp(case.fn, x)
        expected = case.fn(x)  # on a plain array chainrule.numpy calls NumPy itself
        assert actual.dtype == expected.dtype and actual.shape == expected.shape, case.name
        np.testing.assert_array_equal(actual, expected, err_msg=case.name)


def test_unstack_gives_every_slice(rng):
    x = rng.normal(size=(2, 3))
    parts, _ = cr.vjp(lambda x: cnp.stack(cnp.unstack(x, axis=1), axis=1), x)
    np.testing.assert_array_equal(parts, x)


def test_numpy_functions_on_tracers_dispatch_here(rng):
    x = rng.normal(size=(3, 4))
    calls = [
        (lambda x: np.block([[x], [x]]), lambda x: cnp.block([[x], [x]])),
        (lambda x: np.unstack(x)[0], lambda x: cnp.unstack(x)[0]),
        (lambda x: np.diagflat(x[0]), lambda x: cnp.diagflat(x[0])),
        (lambda x: np.matrix_transpose(x) @ x, lambda x: cnp.matrix_transpose(x) @ x),
    ]
    for numpy_call, cnp_call in calls:
        expected = cr.grad(lambda x, f=cnp_call: cnp.sum(f(x) ** 2))(x)
        actual = cr.grad(lambda x, f=numpy_call: np.sum(f(x) ** 2))(x)
        np.testing.assert_array_equal(actual, expected)
        assert np.any(expected != 0)
    with pytest.warns(DeprecationWarning):  # NumPy's own deprecation, not ours
        grad = cr.grad(lambda x: np.sum(np.row_stack([x, x[0]])))(x)
    np.testing.assert_array_equal(grad, [[2.0] * 4, [1.0] * 4, [1.0] * 4])  # x[0] used twice


def test_errors_name_the_function_and_the_fix(rng):
    x = rng.normal(size=(2, 2))

    def grad_of(f):
        return lambda: cr.grad(lambda v: cnp.sum(f(v)))(x)

    raises_with(TypeError, grad_of(lambda v: cnp.block((v, v))), "block", "tuple", "list")
    raises_with(ValueError, grad_of(lambda v: cnp.block([v, []])), "block", "empty")
    raises_with(ValueError, grad_of(lambda v: cnp.block([[v], v])), "block", "depths")
    raises_with(ValueError, grad_of(lambda v: cnp.unstack(v[0, 0])), "unstack", "dimension")
