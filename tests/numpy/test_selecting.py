"""select, piecewise and nan_to_num (chainrule/numpy/selecting.py).

Derivatives by check_grads at several shapes, the derivative at replaced entries,
values and dtypes against NumPy, np.-dispatch, errors.
"""

import numpy as np
import pytest
from assertions import raises_with
from cases import SHAPES, Case

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.testing import check_grads


def _specials(x, values=(1.0, np.inf, -np.inf, np.nan)):
    """The factors ``values`` repeated to x's shape: finite and non-finite entries mixed."""
    return np.resize(np.array(values), np.shape(x))


CASES = [
    Case(
        lambda x: cnp.select([x < 0, x > 0.5], [x**2, 3 * x], default=cnp.sin(x)),
        name="select_traced_default",
    ),
    Case(lambda x: cnp.select([x < 0], [x**2]), name="select_default_0"),
    Case(lambda x: cnp.select([np.array(True)], [x], 1.5), name="select_scalar_condition"),
    Case(
        lambda x: cnp.piecewise(x, [x < 0, x >= 0], [lambda v: -v, lambda v: v**2]),
        name="piecewise_functions",
    ),
    Case(lambda x: cnp.piecewise(x, [x < 0], [lambda v: v**3, 2.0]), name="piecewise_otherwise"),
    Case(
        lambda x: cnp.piecewise(
            x, [x < 0, x > 0.3], [1.0, lambda v, k: cnp.sin(v) * k, lambda v, k: v * k], 2.0
        ),
        name="piecewise_args",
    ),
    Case(lambda x: cnp.nan_to_num(x * _specials(x)), name="nan_to_num"),
    Case(
        lambda x: cnp.nan_to_num(
            x / _specials(x, (1.0, 0.0, 0.0, 2.0)), nan=2.0, posinf=5.0, neginf=-1.0
        ),
        name="nan_to_num_values",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=str)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_rules(case, shape, rng):
    with np.errstate(all="ignore"):
        check_grads(case.fn, (case.sample(rng, shape),), order=2, modes=("fwd", "rev"))


def test_piecewise_of_a_0d_value():
    f = lambda x: cnp.piecewise(x, [True, False], [lambda v: v * 2, 3.0])  # noqa: E731
    assert cr.grad(f)(np.float64(2.0)) == 2.0


def test_nan_to_num_derivative_is_zero_at_replaced_entries():
    x = np.array([1.0, np.inf, -np.inf, np.nan, -2.0])
    np.testing.assert_array_equal(
        cr.grad(lambda x: cnp.sum(cnp.nan_to_num(x) * 3.0))(x), [3.0, 0.0, 0.0, 0.0, 3.0]
    )
    z = np.array([complex(1.0, np.nan), complex(np.inf, 2.0)])
    value, tangent = cr.jvp(cnp.nan_to_num, (z,), (np.array([1.0 + 1j, 1.0 + 1j]),))
    np.testing.assert_array_equal(value, np.nan_to_num(z))
    np.testing.assert_array_equal(tangent, [1.0, 1j])


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=str)
def test_values_and_dtypes_match_numpy(dtype, rng):
    x = rng.normal(size=(3, 4)).astype(dtype)
    calls = [case.fn for case in CASES] + [
        lambda x: cnp.select([x < 0], [x], 0),
        lambda x: cnp.select([x < 0], [x], 0.5),
        lambda x: cnp.select([x < 0], [2.0], x),
        lambda x: cnp.piecewise(x, [x < 0], [lambda v: v.astype(np.float64) * 2]),
    ]
    with np.errstate(all="ignore"):
        for i, f in enumerate(calls):
            actual, _ = cr.vjp(f, x)
            expected = f(x)  # on a plain array chainrule.numpy calls NumPy itself
            assert actual.dtype == expected.dtype and actual.shape == expected.shape, i
            np.testing.assert_array_equal(actual, expected, err_msg=str(i))


def test_numpy_functions_on_tracers_dispatch_here(rng):
    x = rng.normal(size=(3, 4))
    calls = [
        (
            lambda x: np.select([x < 0], [np.sin(x)], x),
            lambda x: cnp.select([x < 0], [cnp.sin(x)], x),
        ),
        (
            lambda x: np.piecewise(x, [x < 0], [np.cos, np.sin]),
            lambda x: cnp.piecewise(x, [x < 0], [cnp.cos, cnp.sin]),
        ),
        (lambda x: np.nan_to_num(x / (x > 0)), lambda x: cnp.nan_to_num(x / (x > 0))),
    ]
    with np.errstate(all="ignore"):
        for numpy_call, cnp_call in calls:
            expected = cr.grad(lambda x, f=cnp_call: cnp.sum(f(x) ** 2))(x)
            actual = cr.grad(lambda x, f=numpy_call: np.sum(f(x) ** 2))(x)
            np.testing.assert_array_equal(actual, expected)
            assert np.any(expected != 0)


def test_errors_name_the_function_and_the_fix(rng):
    x = rng.normal(size=4)

    def grad_of(f):
        return lambda: cr.grad(lambda v: cnp.sum(f(v)))(x)

    raises_with(
        ValueError,
        grad_of(lambda v: cnp.select([v > 0], [v, v])),
        "select",
        "one condition per choice",
    )
    raises_with(TypeError, grad_of(lambda v: cnp.select([np.ones(4)], [v])), "select", "boolean")
    raises_with(
        ValueError,
        grad_of(lambda v: cnp.piecewise(v, [v > 0], [1.0, 2.0, 3.0])),
        "piecewise",
        "one function per condition",
    )
    raises_with(
        TypeError, grad_of(lambda v: cnp.nan_to_num(v, nan=v[0])), "nan_to_num", "plain numbers"
    )
