"""Rules of the elementwise family, checked through chainrule.numpy against finite differences.

Also: the Python operators and plain `np.` ufunc calls on traced values give the
same derivatives as the chainrule.numpy functions, and values and dtypes are NumPy's.
"""

import numpy as np
import pytest
from cases import SHAPE_PAIRS, SHAPES, Case

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.testing import check_grads


def _near(*points, width=0.2):
    """An `avoid` predicate: samples within ``width`` of any of ``points``."""
    return lambda x: np.any([np.abs(x - p) < width for p in points], axis=0)


def _fixed_array(x):
    """A constant NumPy array of ``x``'s shape (for operators with an array on the left)."""
    return np.linspace(0.5, 1.5, x.size).reshape(x.shape)


_BINARY = dict(arity=2, example_shapes=((2, 3), (3,)))

UNARY = [
    Case(cnp.negative),
    Case(cnp.positive),
    Case(cnp.square),
    Case(cnp.reciprocal, avoid=_near(0)),
    Case(cnp.sqrt, domain=(0.1, 4.0)),
    Case(cnp.cbrt, avoid=_near(0)),
    Case(cnp.exp),
    Case(cnp.exp2),
    Case(cnp.expm1),
    Case(cnp.log, domain=(0.1, 4.0)),
    Case(cnp.log2, domain=(0.1, 4.0)),
    Case(cnp.log10, domain=(0.1, 4.0)),
    Case(cnp.log1p, domain=(-0.9, 3.0)),
    Case(cnp.sin),
    Case(cnp.cos),
    Case(cnp.tan, domain=(-1.2, 1.2)),
    Case(cnp.arcsin, domain=(-0.95, 0.95)),
    Case(cnp.arccos, domain=(-0.95, 0.95)),
    Case(cnp.arctan),
    Case(cnp.sinh),
    Case(cnp.cosh),
    Case(cnp.tanh),
    Case(cnp.arcsinh),
    Case(cnp.arccosh, domain=(1.05, 4.0)),
    Case(cnp.arctanh, domain=(-0.95, 0.95)),
    Case(cnp.sinc, domain=(-3.0, 3.0), order=3),
    Case(cnp.sinc, domain=(-1e-3, 1e-3), order=3, name="sinc_near_0"),
    # The rule switches from a series to a closed form at |x| = 1.
    Case(cnp.sinc, domain=(0.98, 1.02), order=3, name="sinc_near_1"),
    Case(cnp.abs, avoid=_near(0)),
    Case(cnp.fabs, avoid=_near(0)),
    Case(cnp.deg2rad),
    Case(cnp.rad2deg),
    Case(lambda x: cnp.clip(x, -1.0, 1.0), avoid=_near(-1, 1), name="clip"),
    Case(lambda x: cnp.clip(x, None, 0.5), avoid=_near(0.5), name="clip_upper_only"),
    Case(lambda x: cnp.power(x, 3), name="power_int_3"),
    Case(lambda x: cnp.power(x, 4), name="power_int_4"),  # its partial is formed by products
    Case(lambda x: cnp.power(x, -2), avoid=_near(0), name="power_int_minus_2"),
    Case(lambda x: cnp.power(x, 2.5), domain=(0.2, 3.0), name="power_float_2.5"),
    Case(lambda x: cnp.power(x, 0.5), domain=(0.2, 3.0), name="power_float_0.5"),
    Case(lambda x: cnp.power(x, 3), domain=(-2.0, -0.3), name="power_negative_base_int_3"),
    Case(lambda x: cnp.power(x, -3), domain=(-2.0, -0.3), name="power_negative_base_int_m3"),
    Case(lambda x: cnp.power(x, 2.0), domain=(-2.0, -0.3), name="power_negative_base_2.0"),
    Case(lambda x: cnp.power(2.0, x), name="power_constant_base"),
    Case(lambda x: cnp.float_power(x, 1.5), domain=(0.2, 3.0), name="float_power_1.5"),
    # float64 -> longdouble -> float64: astype both ways, without float32 round-off.
    Case(lambda x: cnp.sin(x.astype(np.longdouble)).astype(np.float64), name="astype_roundtrip"),
]

BINARY = [
    Case(cnp.add, **_BINARY),
    Case(cnp.subtract, **_BINARY),
    Case(cnp.multiply, **_BINARY),
    Case(cnp.divide, avoid=_near(0, width=0.3), **_BINARY),
    Case(cnp.power, domain=(0.5, 2.0), name="power_traced_base_and_exponent", **_BINARY),
    Case(cnp.float_power, domain=(0.5, 2.0), **_BINARY),
    Case(cnp.logaddexp, **_BINARY),
    Case(cnp.logaddexp2, **_BINARY),
    Case(cnp.arctan2, avoid=_near(0, width=0.3), **_BINARY),
    Case(cnp.hypot, avoid=_near(0, width=0.3), **_BINARY),
    Case(cnp.maximum, **_BINARY),
    Case(cnp.minimum, **_BINARY),
    Case(cnp.fmax, **_BINARY),
    Case(cnp.fmin, **_BINARY),
    Case(cnp.remainder, domain=(0.5, 3.0), **_BINARY),
    Case(
        lambda x, y: cnp.where(x > 0, x * y, cnp.sin(y) - x),
        avoid=_near(0),
        name="where",
        **_BINARY,
    ),
    Case(lambda x, low: cnp.clip(x, low, 1.5), name="clip_traced_bound", **_BINARY),
]


def _near_half_integers(x):
    """Samples within 0.05 of a multiple of 1/2, where rounding functions jump."""
    return np.abs(2 * x - np.round(2 * x)) < 0.1


def _select(predicate):
    """A function that is smooth but for where ``predicate`` (a plain bool array) flips."""
    return lambda x: cnp.where(predicate(x), cnp.sin(x), x * x)


# Functions with no derivative (rounding, comparisons, tests), inside smooth functions: the
# rules around them are checked, and these must contribute exactly nothing.
NONDIFFERENTIABLE = [
    Case(lambda x: x * cnp.floor(x), avoid=_near_half_integers, name="x * floor(x)"),
    Case(lambda x: x * cnp.ceil(x), avoid=_near_half_integers, name="x * ceil(x)"),
    Case(lambda x: x * cnp.rint(x), avoid=_near_half_integers, name="x * rint(x)"),
    Case(lambda x: x * cnp.trunc(x), avoid=_near_half_integers, name="x * trunc(x)"),
    Case(lambda x: x * cnp.round(x, 1), avoid=_near_half_integers, name="x * round(x, 1)"),
    Case(lambda x: x * cnp.sign(x), avoid=_near_half_integers, name="x * sign(x)"),
    Case(lambda x: x * (x // 0.5), avoid=_near_half_integers, name="x * (x // 0.5)"),
    Case(
        _select(lambda x: cnp.equal(cnp.round(x), 1.0)),
        avoid=_near_half_integers,
        name="where(equal)",
    ),
    Case(_select(lambda x: x != cnp.round(x)), avoid=_near_half_integers, name="where(!=)"),
    Case(_select(lambda x: x < 0), avoid=_near_half_integers, name="where(<)"),
    Case(_select(lambda x: x <= 0), avoid=_near_half_integers, name="where(<=)"),
    Case(_select(lambda x: x >= 0), avoid=_near_half_integers, name="where(>=)"),
    Case(
        _select(lambda x: cnp.logical_and(x > -1, x < 1)),
        avoid=_near_half_integers,
        name="where(logical_and)",
    ),
    Case(
        _select(lambda x: cnp.logical_or(x > 1, x < -1)),
        avoid=_near_half_integers,
        name="where(logical_or)",
    ),
    Case(
        _select(lambda x: cnp.logical_xor(x > 0, x > 1)),
        avoid=_near_half_integers,
        name="where(logical_xor)",
    ),
    Case(
        _select(lambda x: cnp.logical_not(x > 0)),
        avoid=_near_half_integers,
        name="where(logical_not)",
    ),
    Case(_select(lambda x: cnp.signbit(x)), avoid=_near_half_integers, name="where(signbit)"),
    Case(_select(lambda x: cnp.isnan(cnp.log(x))), avoid=_near_half_integers, name="where(isnan)"),
    Case(
        _select(lambda x: cnp.isinf(cnp.exp(800 * x))),
        avoid=_near_half_integers,
        name="where(isinf)",
    ),
    Case(
        _select(lambda x: cnp.isfinite(cnp.exp(800 * x))),
        avoid=_near_half_integers,
        name="where(isfinite)",
    ),
]

# Python operators on traced values, each with the chainrule.numpy call it stands for.
OPERATORS = [
    (Case(lambda x, y: x + y, name="x + y", **_BINARY), cnp.add),
    (Case(lambda x, y: x - y, name="x - y", **_BINARY), cnp.subtract),
    (Case(lambda x, y: x * y, name="x * y", **_BINARY), cnp.multiply),
    (Case(lambda x, y: x / y, avoid=_near(0, width=0.3), name="x / y", **_BINARY), cnp.divide),
    (Case(lambda x, y: x**y, domain=(0.5, 2.0), name="x ** y", **_BINARY), cnp.power),
    (Case(lambda x, y: x % y, domain=(0.5, 3.0), name="x % y", **_BINARY), cnp.remainder),
    (Case(lambda x: -x, name="-x"), cnp.negative),
    (Case(lambda x: +x, name="+x"), cnp.positive),
    (Case(lambda x: abs(x), avoid=_near(0), name="abs(x)"), cnp.abs),
    (Case(lambda x: 2.0 + x, name="2.0 + x"), lambda x: cnp.add(2.0, x)),
    (Case(lambda x: 2.0 - x, name="2.0 - x"), lambda x: cnp.subtract(2.0, x)),
    (Case(lambda x: 3 * x, name="3 * x"), lambda x: cnp.multiply(3, x)),
    (Case(lambda x: 2.0 / x, avoid=_near(0), name="2.0 / x"), lambda x: cnp.divide(2.0, x)),
    (Case(lambda x: 2.0**x, name="2.0 ** x"), lambda x: cnp.power(2.0, x)),
    (Case(lambda x: x**2, name="x ** 2"), lambda x: cnp.power(x, 2)),
    (Case(lambda x: x / 4.0, name="x / 4.0"), lambda x: cnp.divide(x, 4.0)),
    (Case(lambda x: 5.0 % x, domain=(0.5, 3.0), name="5.0 % x"), lambda x: cnp.remainder(5.0, x)),
    (Case(lambda x: _fixed_array(x) + x, name="array + x"), lambda x: cnp.add(_fixed_array(x), x)),
    (
        Case(lambda x: _fixed_array(x) - x, name="array - x"),
        lambda x: cnp.subtract(_fixed_array(x), x),
    ),
    (
        Case(lambda x: _fixed_array(x) * x, name="array * x"),
        lambda x: cnp.multiply(_fixed_array(x), x),
    ),
    (
        Case(lambda x: _fixed_array(x) / x, avoid=_near(0), name="array / x"),
        lambda x: cnp.divide(_fixed_array(x), x),
    ),
    (
        Case(lambda x: _fixed_array(x) ** x, name="array ** x"),
        lambda x: cnp.power(_fixed_array(x), x),
    ),
    (
        Case(lambda x: np.float64(2.0) - x, name="np.float64 - x"),
        lambda x: cnp.subtract(np.float64(2.0), x),
    ),
]

# chainrule.numpy functions that are NumPy functions of the same name, sampled in (-2, 2)
# unless _NAME_DOMAINS says otherwise; clip and where get fixed extra arguments.
_UNARY_NAMES = (
    "negative positive square reciprocal sqrt cbrt exp exp2 expm1 log log2 log10 log1p sin "
    "cos tan arcsin arccos arctan sinh cosh tanh arcsinh arccosh arctanh sinc abs absolute "
    "fabs deg2rad rad2deg radians degrees clip sign floor ceil rint trunc round"
).split()
_BINARY_NAMES = (
    "add subtract multiply divide true_divide power float_power logaddexp logaddexp2 arctan2 "
    "hypot maximum minimum fmax fmin remainder mod where floor_divide"
).split()
_NAME_DOMAINS = {
    **dict.fromkeys("divide true_divide power float_power reciprocal sqrt".split(), (0.5, 2)),
    **dict.fromkeys("log log2 log10 log1p remainder mod floor_divide".split(), (0.5, 3)),
    **dict.fromkeys("arcsin arccos arctanh".split(), (-0.9, 0.9)),
    "tan": (-1, 1),
    "arccosh": (1.1, 3),
}
NUMPY_NAMES = [(name, _NAME_DOMAINS.get(name, (-2, 2)), 1) for name in _UNARY_NAMES] + [
    (name, _NAME_DOMAINS.get(name, (-2, 2)), 2) for name in _BINARY_NAMES
]


def _numpy_call(name, module, args):
    """``module.name(*args)``, with the fixed arguments that clip and where need."""
    function = getattr(module, name)
    if name == "clip":
        return function(args[0], -0.5, 0.5)
    if name == "where":
        return function(np.array([True, False, True]), *args)
    return function(*args)


def _sample(rng, domain, arity, dtype=np.float64, shape=(3,)):
    return tuple(rng.uniform(*domain, size=shape).astype(dtype) for _ in range(arity))


@pytest.mark.parametrize("case", UNARY, ids=str)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_unary_rules(case, shape, rng):
    check_grads(case.call, case.sample_args(rng, [shape]), order=case.order, modes=("fwd", "rev"))


@pytest.mark.parametrize("case", NONDIFFERENTIABLE, ids=str)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning", "ignore:overflow:RuntimeWarning")
def test_nondifferentiable_functions_inside_smooth_ones(case, shape, rng):
    check_grads(case.call, case.sample_args(rng, [shape]), order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("case", BINARY, ids=str)
@pytest.mark.parametrize("shapes", SHAPE_PAIRS, ids=str)
def test_binary_rules(case, shapes, rng):
    check_grads(case.call, case.sample_args(rng, shapes), order=case.order, modes=("fwd", "rev"))


@pytest.mark.parametrize("case", BINARY, ids=str)
def test_binary_rules_with_one_constant_input(case, rng):
    x, y = case.sample_args(rng, [(2, 3), (3,)])
    check_grads(lambda x: case.call(x, y), (x,), order=2)
    check_grads(lambda y: case.call(x, y), (y,), order=2)


@pytest.mark.parametrize("case, function", OPERATORS, ids=[str(c) for c, _ in OPERATORS])
@pytest.mark.parametrize("shape", [(), (2, 3)], ids=str)
def test_python_operators(case, function, shape, rng):
    args = case.sample_args(rng, [shape] * case.arity)
    check_grads(case.call, args, order=2, modes=("fwd", "rev"))
    tangents = tuple(rng.standard_normal(np.shape(a)) for a in args)
    out, out_tangent = cr.jvp(case.call, args, tangents)
    expected, expected_tangent = cr.jvp(function, args, tangents)
    np.testing.assert_array_equal(out, expected)
    np.testing.assert_array_equal(out_tangent, expected_tangent)
    cotangent = rng.standard_normal(np.shape(out))
    bars = cr.vjp(case.call, *args)[1](cotangent)
    expected_bars = cr.vjp(function, *args)[1](cotangent)
    for bar, expected_bar in zip(bars, expected_bars, strict=True):
        np.testing.assert_array_equal(bar, expected_bar)


@pytest.mark.parametrize("name, domain, arity", NUMPY_NAMES, ids=[n[0] for n in NUMPY_NAMES])
def test_numpy_calls_on_tracers_match_chainrule_numpy(name, domain, arity, rng):
    args = _sample(rng, domain, arity)
    tangents = _sample(rng, (-1, 1), len(args))
    out, out_tangent = cr.jvp(lambda *a: _numpy_call(name, np, a), args, tangents)
    expected, expected_tangent = cr.jvp(lambda *a: _numpy_call(name, cnp, a), args, tangents)
    np.testing.assert_array_equal(out, expected)
    np.testing.assert_array_equal(out_tangent, expected_tangent)
    bars = cr.vjp(lambda *a: _numpy_call(name, np, a), *args)[1](tangents[0])
    expected_bars = cr.vjp(lambda *a: _numpy_call(name, cnp, a), *args)[1](tangents[0])
    for bar, expected_bar in zip(bars, expected_bars, strict=True):
        np.testing.assert_array_equal(bar, expected_bar)


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=str)
@pytest.mark.parametrize("name, domain, arity", NUMPY_NAMES, ids=[n[0] for n in NUMPY_NAMES])
def test_values_and_dtypes_match_numpy(name, domain, arity, dtype, rng):
    args = _sample(rng, domain, arity, dtype)
    expected = _numpy_call(name, np, args)
    plain = _numpy_call(name, cnp, args)
    assert type(plain) is type(expected) and plain.dtype == expected.dtype
    np.testing.assert_array_equal(plain, expected)
    tangents = _sample(rng, (-1, 1), len(args), dtype)
    out, out_tangent = cr.jvp(lambda *a: _numpy_call(name, cnp, a), args, tangents)
    assert out.dtype == expected.dtype and out_tangent.dtype == expected.dtype
    if name == "float_power":  # traced, it is power in float64: a NumPy loop of its own
        np.testing.assert_array_max_ulp(out, expected, maxulp=1)
    else:
        np.testing.assert_array_equal(out, expected)
    bars = cr.vjp(lambda *a: _numpy_call(name, cnp, a), *args)[1](out_tangent)
    assert [bar.dtype for bar in bars] == [dtype] * len(args)


@pytest.mark.parametrize("name, domain, arity", NUMPY_NAMES, ids=[n[0] for n in NUMPY_NAMES])
def test_float32_derivatives_agree_with_float64(name, domain, arity, rng):
    args = _sample(rng, domain, arity)
    tangents = _sample(rng, (-1, 1), len(args))
    as32 = tuple(a.astype(np.float32) for a in args + tangents)
    _, tangent64 = cr.jvp(lambda *a: _numpy_call(name, cnp, a), args, tangents)
    _, tangent32 = cr.jvp(
        lambda *a: _numpy_call(name, cnp, a), as32[: len(args)], as32[len(args) :]
    )
    np.testing.assert_allclose(tangent32, tangent64, rtol=1e-4, atol=1e-4)
    bars32 = cr.vjp(lambda *a: _numpy_call(name, cnp, a), *as32[: len(args)])[1](tangent32)
    bars64 = cr.vjp(lambda *a: _numpy_call(name, cnp, a), *args)[1](tangent32.astype(np.float64))
    for bar32, bar64 in zip(bars32, bars64, strict=True):
        assert bar32.dtype == np.float32
        np.testing.assert_allclose(bar32, bar64, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_astype_between_float32_and_float64(shape, rng):
    x32 = Case(cnp.sin).sample(rng, shape, np.float32)
    up = lambda x: cnp.sin(x.astype(np.float64)) * x.astype(np.float64)
    check_grads(up, (x32,), order=2)
    x64 = np.asarray(x32, dtype=np.float64)
    down = lambda x: cnp.sin(x.astype(np.float32))
    check_grads(down, (x64,), order=2, eps=1e-3, atol=1e-3, rtol=1e-3)
    # The tangent has its output's dtype, the cotangent its input's.
    out, tangent = cr.jvp(down, (x64,), (np.ones_like(x64),))
    assert out.dtype == tangent.dtype == np.float32
    assert cr.vjp(down, x64)[1](np.ones_like(out))[0].dtype == np.float64
    assert cr.jvp(up, (x32,), (np.ones_like(x32),))[1].dtype == np.float64
    assert cr.vjp(up, x32)[1](np.ones(np.shape(x32)))[0].dtype == np.float32


def test_astype_to_integer_carries_no_derivative():
    x = np.array([1.5, -2.5])
    out, tangent = cr.jvp(lambda x: x.astype(np.int64), (x,), (np.ones(2),))
    assert out.dtype == np.int64 and not np.any(tangent)
    np.testing.assert_array_equal(cr.grad(lambda x: cnp.sum(x.astype(np.int64) * x))(x), [1, -2])
    assert cnp.astype(x, np.float32).dtype == np.float32
    np.testing.assert_array_equal(cr.grad(lambda x: np.astype(x, np.float32).sum())(x), [1, 1])


@pytest.mark.parametrize(
    "function, args, dtype",
    [
        (lambda x: x * 2.5, (np.float32(1.5),), np.float32),
        (lambda x: 2.5 - x, (np.ones(3, np.float32),), np.float32),
        (lambda x: np.ones(3) + x, (np.ones(3, np.float32),), np.float64),
        (lambda x: x**2, (np.ones(3, np.float32),), np.float32),
        (lambda x: cnp.maximum(x, 0.0), (np.ones(3, np.float32),), np.float32),
        (lambda x: cnp.float_power(x, 2), (np.ones(3, np.float32),), np.float64),
        (lambda x, y: x / y, (np.ones(3, np.float32), np.ones(3)), np.float64),
    ],
)
def test_dtype_promotion_follows_numpy(function, args, dtype):
    tangents = tuple(np.ones_like(a) for a in args)
    out, out_tangent = cr.jvp(function, args, tangents)
    assert out.dtype == out_tangent.dtype == dtype
    assert function(*args).dtype == dtype
    bars = cr.vjp(function, *args)[1](np.ones_like(out))
    assert [bar.dtype for bar in bars] == [np.asarray(a).dtype for a in args]


def test_sinc_derivatives_at_zero():
    # sinc(x) = 1 - (pi x)^2/6 + (pi x)^4/120 - ...: derivatives 0, -pi^2/3, 0, pi^4/5.
    first = cr.grad(cnp.sinc)
    second = cr.grad(first)
    third = cr.grad(second)
    fourth = cr.grad(third)
    assert first(0.0) == 0.0
    np.testing.assert_allclose(second(0.0), -(np.pi**2) / 3, rtol=1e-14)
    assert third(0.0) == 0.0
    np.testing.assert_allclose(fourth(0.0), np.pi**4 / 5, rtol=1e-13)
    # Forward mode, and both sides of the switch between series and closed form at |x| = 1.
    for x in (0.0, 1e-9, 0.999999, 1.000001, -1.000001):
        tangent = cr.jvp(lambda x: cr.jvp(cnp.sinc, (x,), (1.0,))[1], (x,), (1.0,))[1]
        np.testing.assert_allclose(tangent, second(x), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(second(0.999999), second(1.000001), rtol=1e-5)


def test_power_at_base_zero():
    # d/dx x**n at 0, to the order where it is nonzero; x**0 has slope 0 everywhere.
    for n, nonzero_order, value in [(1, 1, 1.0), (2, 2, 2.0), (3, 3, 6.0)]:
        derivative = lambda x, n=n: x**n
        for order in range(1, nonzero_order + 1):
            derivative = cr.grad(derivative)
            assert derivative(0.0) == (value if order == nonzero_order else 0.0)
    with np.errstate(divide="ignore"):
        assert cr.grad(lambda x: x**0)(0.0) == 0.0
        assert cr.grad(lambda x: x**0.5)(0.0) == np.inf
        # d/dy x**y at x = 0 is taken as 0 (0**y is 0 for y > 0 and has no slope in y).
        for y in (0.0, 2.0, 0.5):
            assert cr.grad(cnp.power, argnums=1)(0.0, y) == 0.0
            assert cr.jvp(lambda y: cnp.power(0.0, y), (y,), (1.0,))[1] == 0.0
        assert cr.grad(cr.grad(cnp.power, argnums=1), argnums=1)(0.0, 2.0) == 0.0
    np.testing.assert_allclose(
        cr.grad(cnp.power, argnums=(0, 1))(2.0, 3.0), (12.0, 8.0 * np.log(2.0))
    )


def test_power_negative_base():
    # Integer exponents are fine at a negative base; the slope in the exponent is NaN there
    # (x**y is not real for non-integer y), the same as log(x) of a negative x.
    assert cr.grad(lambda x: x**3)(-2.0) == 12.0
    assert cr.grad(lambda x: x**-1)(-2.0) == -0.25
    with np.errstate(invalid="ignore"):
        base, exponent = cr.grad(cnp.power, argnums=(0, 1))(-2.0, 2.0)
    assert base == -4.0 and np.isnan(exponent)


def _exact(expression, x):
    """``expression`` of ``x`` in 40-digit decimal arithmetic, rounded to float."""
    import decimal

    with decimal.localcontext(decimal.Context(prec=40)):
        return float(expression(decimal.Decimal(x)))


@pytest.mark.parametrize(
    "function, x, derivative",
    [
        (cnp.arcsin, 1 - 3e-9, lambda x: 1 / (1 - x * x).sqrt()),
        (cnp.arcsin, -1 + 3e-9, lambda x: 1 / (1 - x * x).sqrt()),
        (cnp.arccos, 1 - 3e-9, lambda x: -1 / (1 - x * x).sqrt()),
        (cnp.arctanh, 1 - 3e-9, lambda x: 1 / (1 - x * x)),
        (cnp.arctanh, -1 + 3e-9, lambda x: 1 / (1 - x * x)),
        (cnp.arccosh, 1 + 3e-9, lambda x: 1 / (x * x - 1).sqrt()),
    ],
    ids=["arcsin", "arcsin_at_minus_1", "arccos", "arctanh", "arctanh_at_minus_1", "arccosh"],
)
def test_inverse_functions_are_accurate_near_their_singular_points(function, x, derivative):
    expected = _exact(derivative, x)
    for gradient in (cr.grad(function)(x), cr.jvp(function, (x,), (1.0,))[1]):
        np.testing.assert_allclose(gradient, expected, rtol=1e-14)
