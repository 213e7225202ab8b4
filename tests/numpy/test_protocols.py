"""Code written with plain `import numpy as np` is differentiable unchanged.

Each program below takes the array module as `xp`: run with `xp=np` on tracers it goes
through NumPy's `__array_ufunc__` / `__array_function__` protocols, with `xp=cnp` it
calls chainrule.numpy directly. Both must give the same values and derivatives, and
the NumPy version must agree with central differences. NumPy functions without a rule,
and conversions that would drop a derivative, raise errors that say what to do.
"""

import numpy as np
import pytest
from cases import Case

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.testing import check_grads


def _program(name, fn, arity=1, example_shapes=((2, 3),), domain=(-2.0, 2.0)):
    return Case(
        fn, domain=domain, name=name, params={"xp": np}, arity=arity, example_shapes=example_shapes
    )


UFUNC_PROGRAMS = [
    _program("sin_exp", lambda x, xp: xp.sin(x) * xp.exp(-x)),
    _program("log_sqrt", lambda x, xp: xp.log(x) + xp.sqrt(x) * xp.log1p(x), domain=(0.2, 3.0)),
    _program("tanh_arctan_expm1", lambda x, xp: xp.tanh(x) - xp.arctan(x) * xp.expm1(x)),
    _program("square_reciprocal", lambda x, xp: xp.square(x) + xp.reciprocal(x + 3.0)),
    _program("cos_hypot", lambda x, xp: xp.hypot(xp.cos(x), x)),
    _program("maximum_smooth_part", lambda x, xp: xp.maximum(x, 5.0) + xp.minimum(x, -5.0)),
    _program(
        "logaddexp_arctan2",
        lambda x, y, xp: xp.logaddexp(x, y) + xp.arctan2(x, y + 3.0),
        arity=2,
        example_shapes=((2, 3), (3,)),
    ),
    _program(
        "operators",
        lambda x, y, xp: -x * y + x / (y + 3.0) - y**2 + abs(x + 5.0) / 2,
        arity=2,
        example_shapes=((2, 3), (2, 1)),
    ),
    _program(
        "operators_array_on_left",
        lambda x, xp: xp.linspace(1.0, 2.0, 3) * x + xp.ones(3) / (x + 3.0) - 2.0**x,
        example_shapes=((2, 3),),
    ),
]

FUNCTION_PROGRAMS = [
    _program("sum_mean", lambda x, xp: xp.sum(x, axis=0) * xp.mean(x, axis=-1, keepdims=True)),
    _program(
        "reshape_transpose",
        lambda x, xp: xp.transpose(xp.reshape(x, (3, 2))) * xp.reshape(x, (-1,))[:3],
    ),
    _program(
        "concatenate_stack",
        lambda x, y, xp: xp.stack(
            [xp.concatenate([x, y], axis=0), xp.sin(xp.concatenate([y, x], axis=0))], axis=1
        ),
        arity=2,
        example_shapes=((2, 3), (1, 3)),
    ),
    _program("where", lambda x, xp: xp.where(x > 0, xp.sin(x), x**3)),
    _program("dot", lambda x, y, xp: xp.dot(x, y), arity=2, example_shapes=((2, 3), (3,))),
    _program(
        "matmul", lambda x, y, xp: xp.matmul(x, y) + x @ y, arity=2, example_shapes=((2, 3), (3, 4))
    ),
    _program(
        "shape_ndim_size", lambda x, xp: xp.reshape(x, xp.shape(x)[::-1]) * xp.ndim(x) / xp.size(x)
    ),
    _program(
        "prod_max_cumsum",
        lambda x, xp: xp.prod(x, axis=1) + xp.max(x, axis=1) + xp.cumsum(x, axis=1)[:, -1],
        domain=(0.5, 2.0),
    ),
    _program(
        "result_type_allclose",
        lambda x, xp: x.astype(xp.result_type(x, 1.0)) * (2.0 if np.allclose(x, 0) else 3.0),
    ),
]

UFUNC_METHOD_PROGRAMS = [
    _program("add_reduce_first_axis", lambda x, xp: xp.add.reduce(x)),
    _program("add_reduce_all_axes", lambda x, xp: xp.add.reduce(x, axis=None)),
    _program("add_reduce_initial", lambda x, xp: xp.add.reduce(x, axis=1, initial=2.5)),
    _program("multiply_reduce", lambda x, xp: xp.multiply.reduce(x, axis=-1, keepdims=True)),
    _program("maximum_reduce", lambda x, xp: xp.maximum.reduce(x, axis=1)),
    _program("multiply_accumulate", lambda x, xp: xp.multiply.accumulate(x, axis=1)),
    _program("add_accumulate", lambda x, xp: xp.add.accumulate(x)),
    _program(
        "multiply_outer",
        lambda x, y, xp: xp.multiply.outer(x, y),
        arity=2,
        example_shapes=((2, 3), (2,)),
    ),
    _program("subtract_outer_plain_right", lambda x, xp: xp.subtract.outer(x, [1.0, -2.0])),
]

PROGRAMS = UFUNC_PROGRAMS + FUNCTION_PROGRAMS + UFUNC_METHOD_PROGRAMS


@pytest.mark.parametrize("case", PROGRAMS, ids=str)
def test_numpy_programs_against_finite_differences(case, rng):
    args = case.sample_args(rng, case.example_shapes)
    check_grads(case.call, args, order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("case", UFUNC_PROGRAMS + FUNCTION_PROGRAMS, ids=str)
def test_numpy_programs_match_chainrule_numpy(case, rng):
    args = case.sample_args(rng, case.example_shapes)
    via_numpy = lambda *a: case.fn(*a, xp=np)
    via_chainrule = lambda *a: case.fn(*a, xp=cnp)
    tangents = case.sample_args(rng, case.example_shapes)
    out, tangent = cr.jvp(via_numpy, args, tangents)
    expected_out, expected_tangent = cr.jvp(via_chainrule, args, tangents)
    np.testing.assert_allclose(out, expected_out, rtol=1e-13)
    np.testing.assert_allclose(tangent, expected_tangent, rtol=1e-12, atol=1e-14)
    cotangent = rng.standard_normal(np.shape(out))
    pulled = cr.vjp(via_numpy, *args)[1](cotangent)
    expected_pulled = cr.vjp(via_chainrule, *args)[1](cotangent)
    for got, want in zip(pulled, expected_pulled):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("case", PROGRAMS, ids=str)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_values_and_dtypes_are_numpys(case, dtype, rng):
    args = case.sample_args(rng, case.example_shapes, dtype)
    expected = case.call(*args)  # plain NumPy, no tracer involved
    tangents = tuple(np.ones_like(a) for a in args)
    out, tangent = cr.jvp(case.call, args, tangents)
    assert np.shape(out) == np.shape(expected)
    assert np.asarray(out).dtype == np.asarray(expected).dtype
    assert np.asarray(tangent).dtype == np.asarray(out).dtype
    np.testing.assert_allclose(out, expected, rtol=1e-6 if dtype == np.float32 else 1e-14)


def test_ufunc_reduce_and_accumulate_default_to_the_first_axis():
    x = np.arange(6.0).reshape(2, 3) + 1.0
    jac = cr.jacrev(lambda x: np.add.reduce(x))(x)
    assert jac.shape == (3, 2, 3)  # like NumPy: one sum per column
    np.testing.assert_array_equal(jac[1], [[0, 1, 0], [0, 1, 0]])
    out, tangent = cr.jvp(lambda x: np.multiply.accumulate(x), (x,), (np.ones_like(x),))
    np.testing.assert_array_equal(out, np.multiply.accumulate(x))
    # d/dt of [a, a * b] along (1, 1) is [1, a + b].
    np.testing.assert_array_equal(tangent, [[1, 1, 1], [1 + 4, 2 + 5, 3 + 6]])


def test_ufunc_outer_has_numpys_shape():
    x, y = np.ones((2, 3)), np.ones((4,))
    out, vjp_fn = cr.vjp(lambda x, y: np.multiply.outer(x, y), x, 2 * y)
    assert out.shape == np.multiply.outer(x, y).shape == (2, 3, 4)
    x_bar, y_bar = vjp_fn(np.ones((2, 3, 4)))
    np.testing.assert_array_equal(x_bar, np.full((2, 3), 8.0))
    np.testing.assert_array_equal(y_bar, np.full((4,), 6.0))


def test_shape_queries_work_on_tracers_at_every_level():
    def f(x):
        assert np.shape(x) == (2, 3) and np.ndim(x) == 2 and np.size(x) == 6
        assert x.shape == (2, 3) and x.ndim == 2 and x.size == 6 and len(x) == 2
        return np.sum(x**3)

    x = np.ones((2, 3))
    np.testing.assert_allclose(cr.hessian(f)(x).reshape(6, 6), 6 * np.eye(6))


def test_functions_without_derivatives_use_plain_values():
    def f(x):
        assert np.result_type(x, 1.0) == x.dtype
        assert not np.iscomplexobj(x) and np.isrealobj(x)
        np.testing.assert_array_equal(np.isclose(x, 2.0), [False, True, False])
        return x[np.argmax(x)] * np.count_nonzero(x > 1.5)

    x = np.array([1.0, 2.0, 0.5], dtype=np.float32)
    gradient = cr.grad(f)(x)
    assert gradient.dtype == np.float32
    np.testing.assert_array_equal(gradient, [0, 1, 0])


UNSUPPORTED = [
    ("numpy.i0", lambda x: np.i0(x)),
    ("numpy.histogram2d", lambda x: np.histogram2d(x, x, bins=2)[1]),
    ("numpy.choose", lambda x: np.choose([0, 1, 0], [x, -x])),
    ("numpy.add.reduceat", lambda x: np.add.reduceat(x, [0, 2])),
    ("numpy.hypot.accumulate", lambda x: np.hypot.accumulate(x)),
    ("numpy.subtract.reduce", lambda x: np.subtract.reduce(x)),
]


@pytest.mark.parametrize("name, fn", UNSUPPORTED, ids=[n for n, _ in UNSUPPORTED])
@pytest.mark.parametrize("transform", ["grad", "jvp"])
def test_unsupported_numpy_function_is_named(name, fn, transform):
    x = np.array([0.5, -1.0, 2.0])
    with pytest.raises(NotImplementedError) as info:
        if transform == "grad":
            cr.grad(lambda x: np.sum(fn(x)))(x)
        else:
            cr.jvp(fn, (x,), (np.ones(3),))
    message = str(info.value)
    assert f"{name} was called on a traced value" in message
    assert "custom_jvp" in message and "custom_vjp" in message


def test_chainrule_function_handing_back_to_numpy_is_an_error_not_a_recursion(monkeypatch):
    # A chainrule.numpy function that calls its NumPy namesake on a tracer would
    # loop between the two forever; the protocol layer names the function instead.
    monkeypatch.setattr(cnp, "piecewise", lambda *a, **k: np.piecewise(*a, **k), raising=False)
    with pytest.raises(NotImplementedError, match="numpy.piecewise was called"):
        cr.grad(lambda x: np.sum(np.piecewise(x, [x > 0], [1.0, 2.0])))(np.ones(2))


@pytest.mark.parametrize(
    "convert",
    [np.asarray, np.array, lambda x: np.asarray(x, dtype=np.float64), np.float64],
    ids=["asarray", "array", "asarray_dtype", "float64"],
)
def test_numpy_conversion_of_a_tracer_says_what_to_do(convert):
    with pytest.raises(TypeError) as info:
        cr.grad(lambda x: np.sum(convert(x)))(np.ones(3))
    message = str(info.value)
    assert "np.asarray()" in message and "traced value" in message
    assert "cnp.asarray" in message and "cr.stop_gradient" in message


@pytest.mark.parametrize("convert", [float, int, complex])
def test_python_number_conversion_of_a_tracer_says_what_to_do(convert):
    name = convert.__name__
    with pytest.raises(TypeError) as info:
        cr.grad(lambda x: convert(x) * x)(2.0)
    message = str(info.value)
    assert f"{name}() was called on a traced value" in message
    assert f"{name}(cr.stop_gradient(x))" in message


def test_item_of_a_tracer_says_what_to_do():
    with pytest.raises(TypeError, match=r"x\.item\(\).*cr\.stop_gradient\(x\)\.item\(\)"):
        cr.grad(lambda x: x.item() * x)(2.0)


def test_stop_gradient_makes_conversion_legal():
    f = lambda x: float(cr.stop_gradient(x)) * x + np.asarray(cr.stop_gradient(x)) * x
    assert cr.grad(f)(3.0) == 6.0


@pytest.mark.parametrize(
    "write",
    [
        lambda x: np.add(x, 1.0, out=np.zeros(3)),
        lambda x: np.sin(x, out=np.zeros(3)),
        lambda x: np.add.reduce(x, out=np.zeros(())),
        lambda x: np.sum(x, out=np.zeros(())),
    ],
    ids=["add_out", "sin_out", "reduce_out", "sum_out"],
)
def test_out_argument_is_refused(write):
    with pytest.raises(TypeError, match="not supported on traced values") as info:
        cr.grad(lambda x: np.sum(write(x)))(np.ones(3))
    assert "out" in str(info.value)


def test_in_place_add_into_a_numpy_array_is_refused():
    def f(x):
        total = np.zeros(3)
        total += x  # NumPy calls np.add(total, x, out=total)
        return np.sum(total)

    with pytest.raises(TypeError, match="out="):
        cr.grad(f)(np.ones(3))


def test_reduce_with_where_is_refused():
    x = np.array([1.0, -2.0, 3.0])
    with pytest.raises(TypeError, match=r"numpy.add.reduce: where= is not supported"):
        cr.grad(lambda x: np.add.reduce(x, where=x > 0))(x)


@pytest.mark.parametrize(
    "method, fix", [("sort", "cnp.sort"), ("fill", "cnp.full_like"), ("put", ".at[indices].set")]
)
def test_in_place_methods_are_refused(method, fix):
    with pytest.raises(TypeError) as info:
        cr.grad(lambda x: getattr(x, method)(0.0) or np.sum(x))(np.ones(3))
    assert f"x.{method}(...) modifies an array in place" in str(info.value)
    assert fix in str(info.value)
