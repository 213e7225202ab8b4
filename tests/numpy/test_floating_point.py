"""fix, copysign, heaviside, modf, fmod, ldexp, frexp, nextafter, spacing and unwrap
(chainrule/numpy/floating_point.py).

Derivatives by check_grads, the slopes each docstring states, values bit for bit (signed
zeros, infinities, NaN, subnormals) and dtypes against NumPy, np.-dispatch, errors.
"""

import numpy as np
import pytest
from assertions import raises_with
from cases import SHAPE_PAIRS, SHAPES, Case

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.testing import check_grads


def _away_from_integers(x):
    return np.abs(x - np.round(x)) < 0.05


UNARY = [
    Case(
        lambda x: cnp.copysign(x, -1.0), name="copysign_negative", avoid=lambda x: np.abs(x) < 0.1
    ),
    Case(lambda x: cnp.copysign(-1.5, x) + x, name="copysign_in_sign"),
    Case(lambda x: cnp.modf(x)[0], name="modf_fraction", domain=(-4, 4), avoid=_away_from_integers),
    Case(lambda x: cnp.modf(x)[1] + x, name="modf_integral"),
    Case(lambda x: cnp.fix(x) + x**2, name="fix"),
    Case(lambda x: cnp.heaviside(x, 0.5) * x, name="heaviside"),
    Case(lambda x: cnp.ldexp(x, np.int64(3)), name="ldexp"),
    Case(lambda x: cnp.ldexp(x * 1e-300, 1100) * 1e-31, name="ldexp_split_factor"),
    Case(lambda x: cnp.frexp(x)[0], name="frexp", avoid=lambda x: np.abs(x) < 0.1),
    Case(lambda x: cnp.nextafter(x, np.inf), name="nextafter"),
    Case(lambda x: cnp.spacing(x) + x, name="spacing"),
    Case(lambda x: cnp.unwrap(x * 4.0, axis=-1) if np.ndim(x) else x, name="unwrap"),
    Case(
        lambda x: cnp.unwrap(x * 4.0, period=3.0, discont=1.0, axis=0) if np.ndim(x) else x,
        name="unwrap_period",
    ),
]
BINARY = [
    Case(cnp.fmod, arity=2, name="fmod", domain=(0.5, 3.0)),
    Case(lambda x, y: cnp.fmod(-x, y), arity=2, name="fmod_negative", domain=(0.5, 3.0)),
    Case(lambda x, y: cnp.copysign(x, -y), arity=2, name="copysign_xy", domain=(0.5, 3.0)),
    Case(lambda x, y: cnp.heaviside(x - x, y), arity=2, name="heaviside_at_0"),
]


@pytest.mark.parametrize("case", UNARY, ids=str)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_unary_rules(case, shape, rng):
    check_grads(case.fn, (case.sample(rng, shape),), order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("case", BINARY, ids=str)
@pytest.mark.parametrize("shapes", SHAPE_PAIRS, ids=str)
def test_binary_rules(case, shapes, rng):
    args = case.sample_args(rng, shapes)
    # Stay away from the jumps of fmod (x / y an integer).
    quotient = np.abs(np.divide(args[0], args[1]))
    if np.any(np.abs(quotient - np.round(quotient)) < 0.02):
        args = (args[0] + 0.013, args[1])
    check_grads(case.fn, args, order=2, modes=("fwd", "rev"))


def test_the_stated_slopes():
    grad_xy = cr.grad(cnp.fmod, argnums=(0, 1))
    assert grad_xy(-7.0, 2.0) == (1.0, 3.0)  # -trunc(-3.5) = 3
    assert grad_xy(7.5, -2.0) == (1.0, 3.0)
    assert cr.grad(lambda x: cnp.fmod(x, 2.0))(0.0) == 1.0  # slope 1 at 0 too
    assert cr.grad(cnp.copysign, argnums=(0, 1))(-2.0, 3.0) == (-1.0, 0.0)
    assert cr.grad(lambda x: cnp.copysign(x, 1.0))(0.0) == 0.0  # abs'(0) = 0
    assert cr.grad(lambda x: cnp.modf(x)[0])(-2.0) == 1.0
    assert cr.grad(lambda x: cnp.frexp(x)[0])(12.0) == 1 / 16
    assert cr.grad(lambda x: cnp.heaviside(np.array([0.0, 1.0]), x).sum())(0.3) == 1.0
    np.testing.assert_array_equal(
        cr.grad(lambda p: cnp.unwrap(p).sum())(np.array([0.0, 6.0])), [1.0, 1.0]
    )


SPECIAL = np.array([-0.0, 0.0, -2.0, 2.0, 0.5, -3.5, np.inf, -np.inf, np.nan, 5e-324, 1e308])


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=str)
def test_values_match_numpy_bit_for_bit(dtype, rng):
    with np.errstate(over="ignore"):  # 1e308 becomes inf in float32
        x = np.concatenate([SPECIAL, rng.normal(size=5) * 10]).astype(dtype)
    y = rng.normal(size=x.shape).astype(dtype)
    calls = [
        lambda x: cnp.fix(x),
        lambda x: cnp.copysign(x, -1.0),
        lambda x: cnp.copysign(1.5, x),
        lambda x: cnp.copysign(x, y),
        lambda x: cnp.copysign(y, x),
        lambda x: cnp.heaviside(x, 0.5),
        lambda x: cnp.heaviside(np.round(y), x),
        lambda x: cnp.modf(x)[0],
        lambda x: cnp.modf(x)[1],
        lambda x: cnp.fmod(x, 2.0),
        lambda x: cnp.fmod(2.0, x),
        lambda x: cnp.fmod(x, y),
        lambda x: cnp.fmod(y, x),
        lambda x: cnp.ldexp(x, 5),
        lambda x: cnp.ldexp(x, -1070),
        lambda x: cnp.ldexp(x, 1000),
        lambda x: cnp.frexp(x)[0],
        lambda x: cnp.frexp(x)[1],
        lambda x: cnp.nextafter(x, 0),
        lambda x: cnp.nextafter(x, y),
        lambda x: cnp.spacing(x),
        lambda x: cnp.unwrap(x[11:]),
        lambda x: cnp.unwrap(x[11:] * 3, period=4),
    ]
    with np.errstate(all="ignore"):
        for i, f in enumerate(calls):
            actual, _ = cr.vjp(f, x)
            expected = f(x)  # on a plain array chainrule.numpy calls NumPy itself
            assert actual.dtype == expected.dtype and actual.shape == expected.shape, i
            np.testing.assert_array_equal(actual, expected, err_msg=str(i))
            assert np.array_equal(np.signbit(actual), np.signbit(expected)), i


def test_numpy_functions_on_tracers_dispatch_here(rng):
    x, y = rng.uniform(0.5, 3, 4), rng.uniform(0.5, 3, 4)
    calls = [
        np.fmod,
        np.copysign,
        lambda x, y: np.modf(x * y)[0],
        lambda x, y: np.ldexp(x, 2),
        lambda x, y: np.frexp(x)[0] * y,
        lambda x, y: np.nextafter(x, y),
        lambda x, y: np.heaviside(x - x, y),
        lambda x, y: np.unwrap(x * 5) * y,
        lambda x, y: np.fix(x) * y + np.spacing(x),
    ]
    for f in calls:
        grads = cr.grad(lambda x, y, f=f: np.sum(f(x, y) ** 2), argnums=(0, 1))(x, y)
        expected = cr.jacfwd(lambda x, y, f=f: cnp.sum(f(x, y) ** 2), argnums=(0, 1))(x, y)
        for a, e in zip(grads, expected):
            np.testing.assert_allclose(a, e, rtol=1e-13)
        assert any(np.any(g != 0) for g in grads)


def test_errors_name_the_function_and_the_fix(rng):
    x = rng.normal(size=3)

    def grad_of(f, value=x):
        return lambda: cr.grad(lambda v: cnp.sum(cnp.abs(f(v))))(value)

    raises_with(TypeError, grad_of(lambda v: cnp.ldexp(v, 2.0)), "ldexp", "integer")
    raises_with(TypeError, grad_of(lambda v: cnp.fmod(v, 2.0, out=np.empty(3))), "fmod", "out")
    raises_with(TypeError, grad_of(lambda v: cnp.fix(v, out=np.empty(3))), "fix", "out")
    raises_with(TypeError, grad_of(lambda v: cnp.copysign(v * 1j, 1.0)), "copysign", "complex")
    raises_with(TypeError, grad_of(lambda v: cnp.unwrap(v, period=v[0])), "unwrap", "plain")
