"""put_along_axis (chainrule/numpy/indexing.py): NumPy's in-place form refused on traced
arrays with a pointer to the functional form, which is differentiable in arr and values
and keeps NumPy's last-write-wins rule for repeated indices."""

import numpy as np
import pytest
from assertions import raises_with

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.testing import check_grads

# (arr shape, indices, values shape, axis)
PUTS = [
    ((3, 4), np.array([[0, 2], [1, 3], [3, 0]]), (3, 2), 1),
    ((3, 4), np.array([[2], [0], [1]]), (), 1),
    ((3, 4), np.array([[0, 1, 2, 0]]), (1, 4), 0),
    ((2, 3, 2), np.array([[[1, 0]], [[2, 2]]]), (2, 1, 2), -2),
    ((5,), np.array([4, 0, 2]), (3,), 0),
    ((2, 3), np.array([5, 0]), (2,), None),
]


@pytest.mark.parametrize("arr_shape, indices, values_shape, axis", PUTS, ids=str)
def test_functional_form_matches_numpy_and_is_differentiable(
    arr_shape, indices, values_shape, axis, rng
):
    arr, values = rng.normal(size=arr_shape), rng.normal(size=values_shape)
    expected = arr.copy()
    np.put_along_axis(expected, indices, values, axis)

    def put(arr, values):
        return cnp.put_along_axis(arr, indices, values, axis, inplace=False)

    out, _ = cr.vjp(put, arr, values)
    np.testing.assert_array_equal(out, expected)
    np.testing.assert_array_equal(put(arr, values), expected)  # plain arrays: a copy
    check_grads(put, (arr, values), order=2, modes=("fwd", "rev"))


def test_repeated_indices_last_write_wins_and_gets_the_derivative():
    indices = np.array([[1, 1, 1], [0, 2, 0]])
    values = np.array([[10.0, 20.0, 30.0], [40.0, 50.0, 60.0]])

    def put(arr, values):
        return cnp.put_along_axis(arr, indices, values, 1, inplace=False)

    expected = np.zeros((2, 3))
    np.put_along_axis(expected, indices, values, 1)
    out, pullback = cr.vjp(put, np.zeros((2, 3)), values)
    np.testing.assert_array_equal(out, expected)
    np.testing.assert_array_equal(out, [[0.0, 30.0, 0.0], [60.0, 0.0, 50.0]])
    arr_bar, values_bar = pullback(np.arange(1.0, 7.0).reshape(2, 3))
    np.testing.assert_array_equal(arr_bar, [[1.0, 0.0, 3.0], [0.0, 5.0, 0.0]])
    np.testing.assert_array_equal(values_bar, [[0.0, 0.0, 2.0], [0.0, 6.0, 4.0]])
    _, values_dot = cr.jvp(lambda v: put(np.zeros((2, 3)), v), (values,), (np.ones_like(values),))
    np.testing.assert_array_equal(values_dot, [[0.0, 1.0, 0.0], [1.0, 0.0, 1.0]])


def test_in_place_form_on_plain_arrays_is_numpys():
    arr = np.zeros(3)
    assert cnp.put_along_axis(arr, np.array([2]), 5.0, 0) is None
    np.testing.assert_array_equal(arr, [0.0, 0.0, 5.0])


def test_in_place_form_on_traced_values_points_to_the_functional_form():
    indices = np.array([0])
    for call in [
        lambda v: np.put_along_axis(v, indices, 1.0, 0),
        lambda v: cnp.put_along_axis(v, indices, 1.0, 0),
        lambda v: np.put_along_axis(np.zeros(2), indices, v[0], 0),
    ]:
        raises_with(
            TypeError,
            lambda call=call: cr.grad(lambda v: cnp.sum(call(v) or v))(np.ones(2)),
            "chainrule.numpy.put_along_axis",
            "inplace=False",
        )


def test_errors_name_the_function_and_the_fix():
    def grad_of(f):
        return lambda: cr.grad(lambda v: cnp.sum(f(v)))(np.ones((2, 3)))

    raises_with(
        ValueError,
        grad_of(lambda v: cnp.put_along_axis(v, np.array([0, 1]), 1.0, 1, inplace=False)),
        "same number",
    )
    raises_with(
        ValueError,
        grad_of(lambda v: cnp.put_along_axis(v, np.array([[0]]), 1.0, None, inplace=False)),
        "axis=None",
    )
    raises_with(
        IndexError,
        grad_of(lambda v: cnp.put_along_axis(v, np.zeros((2, 1)), 1.0, 1, inplace=False)),
        "put_along_axis",
        "integers",
    )
    raises_with(
        TypeError,
        lambda: cr.grad(
            lambda v: cnp.sum(
                cnp.put_along_axis(np.zeros(2, int), np.array([0]), v, 0, inplace=False)
            )
        )(1.0),
        "astype(float)",
    )
