"""Every user mistake in DESIGN.md's "Errors" list raises the usual exception type with a
message that names the function or transform, the argument, and the fix.
"""

import numpy as np
import pytest
from assertions import raises_with

import chainrule as cr
import chainrule.numpy as cnp

X = np.array([0.5, 1.0, 2.0])


@pytest.mark.parametrize(
    "f, shape",
    [(lambda x: x * 2, "(3,)"), (lambda x: cnp.reshape(x, (3, 1)), "(3, 1)")],
    ids=["vector", "matrix"],
)
def test_grad_of_a_non_scalar_output(f, shape):
    raises_with(
        TypeError, lambda: cr.grad(f)(X), "grad:", f"shape {shape}", ".sum()", "cr.jacobian"
    )


def test_grad_of_several_outputs():
    raises_with(
        TypeError,
        lambda: cr.grad(lambda x: (cnp.sum(x), cnp.sum(x)))(X),
        "grad:",
        "2 arrays",
        "has_aux=True",
    )


@pytest.mark.parametrize("dtype", [np.complex128, np.int64, np.bool_])
def test_grad_of_a_non_real_output(dtype):
    raises_with(
        TypeError,
        lambda: cr.grad(lambda x: cnp.sum(x).astype(dtype))(X),
        "grad:",
        "real floating-point scalar",
        np.dtype(dtype).name,
        "Return a float",
    )


TRANSFORMS = {
    "grad": lambda f, x: cr.grad(lambda v: cnp.sum(f(v)))(x),
    "value_and_grad": lambda f, x: cr.value_and_grad(lambda v: cnp.sum(f(v)))(x),
    "jvp": lambda f, x: cr.jvp(f, (x,), (x,)),
    "vjp": lambda f, x: cr.vjp(f, x),
    "jacfwd": lambda f, x: cr.jacfwd(f)(x),
    "jacrev": lambda f, x: cr.jacrev(f)(x),
    "jacobian": lambda f, x: cr.jacobian(f)(x),
}


@pytest.mark.parametrize("transform", sorted(TRANSFORMS))
@pytest.mark.parametrize(
    "value, kind",
    [
        (3, "integer"),
        (np.arange(3), "integer"),
        (True, "boolean"),
        (np.array([True, False]), "boolean"),
        (np.uint8(4), "integer"),
    ],
    ids=["int", "int_array", "bool", "bool_array", "uint8"],
)
def test_integer_and_boolean_inputs(transform, value, kind):
    name = "grad" if transform == "value_and_grad" else transform
    raises_with(
        TypeError,
        lambda: TRANSFORMS[transform](lambda x: x * 2.0, value),
        f"{name}:",
        "argument 0",
        f"{kind} dtype",
        "Pass a float value",
        "argnums",
    )


def test_integer_input_in_a_pytree_is_named_by_leaf():
    params = {"w": np.ones(2), "n": 3}
    raises_with(
        TypeError,
        lambda: cr.grad(lambda p: cnp.sum(p["w"]) * p["n"])(params),
        "grad: argument 0, leaf 0 has integer dtype",
    )


def test_integer_input_outside_argnums_is_fine():
    gradient = cr.grad(lambda x, n: cnp.sum(x**n), argnums=0)(X, 2)
    np.testing.assert_allclose(gradient, 2 * X)


def test_hessian_and_hvp_of_integer_input():
    raises_with(
        TypeError,
        lambda: cr.hessian(lambda x: cnp.sum(x**3))(np.arange(3)),
        "argument 0",
        "integer dtype",
        "Pass a float value",
    )
    raises_with(
        TypeError,
        lambda: cr.hvp(lambda x: cnp.sum(x**3), (np.arange(3),), (np.ones(3),)),
        "argument 0",
        "integer dtype",
    )


def test_non_array_input():
    raises_with(
        TypeError,
        lambda: cr.grad(lambda s: 1.0)("text"),
        "grad: argument 0 is a str",
        "register_pytree_node",
        "argnums",
    )


@pytest.mark.parametrize(
    "index", [0, (slice(1, None),), (np.array([0, 2]),)], ids=["int", "slice", "int_array"]
)
@pytest.mark.parametrize("transform", ["grad", "jvp"])
def test_in_place_assignment_points_to_at_set(index, transform):
    def f(x):
        x[index] = 0.0
        return cnp.sum(x)

    call = (
        (lambda: cr.grad(f)(X.copy()))
        if transform == "grad"
        else (lambda: cr.jvp(f, (X.copy(),), (X,)))
    )
    raises_with(
        TypeError, call, "x[index] = value", "cannot be modified in place", "x.at[index].set(value)"
    )


def test_the_at_set_fix_works():
    def f(x):
        x = x.at[1].set(0.0)
        return cnp.sum(x**2)

    np.testing.assert_array_equal(cr.grad(f)(X), [1.0, 0.0, 4.0])


def test_assigning_a_tracer_into_a_numpy_array():
    def fill_slice(x):
        buffer = np.zeros(3)
        buffer[:] = x
        return cnp.sum(buffer)

    raises_with(TypeError, lambda: cr.grad(fill_slice)(X), "traced value", "cr.stop_gradient")

    def fill_element(x):
        buffer = np.zeros(3)
        buffer[0] = x[0]
        return cnp.sum(buffer)

    # NumPy turns the TypeError of float(tracer) into a ValueError of its own; ours is
    # kept as its cause, and that is what the traceback shows first.
    with pytest.raises((TypeError, ValueError)) as info:
        cr.grad(fill_element)(X)
    error = info.value if isinstance(info.value, TypeError) else info.value.__cause__
    assert "float() was called on a traced value" in str(error)
    assert "cr.stop_gradient" in str(error)


@pytest.mark.parametrize(
    "name, f",
    [
        ("numpy.choose", lambda x: np.choose([0, 1, 0], [x, -x])),
        ("numpy.histogram2d", lambda x: np.histogram2d(x, x)[1]),
        ("numpy.add.reduceat", lambda x: np.add.reduceat(x, [0, 1])),
    ],
    ids=["choose", "histogram2d", "reduceat"],
)
def test_unsupported_numpy_function(name, f):
    raises_with(
        NotImplementedError,
        lambda: cr.grad(lambda x: cnp.sum(f(x)))(X),
        name,
        "no derivative rule",
        "cr.custom_jvp / cr.custom_vjp",
    )


def test_tangent_shape_mismatch():
    raises_with(
        ValueError,
        lambda: cr.jvp(cnp.sin, (X,), (np.ones(2),)),
        "jvp:",
        "tangent (leaf 0)",
        "shape (2,)",
        "shape (3,) of its primal",
        "Pass an array",
    )


@pytest.mark.parametrize("dtype", [np.float32, np.int64, np.complex128])
def test_tangent_dtype_mismatch(dtype):
    raises_with(
        TypeError,
        lambda: cr.jvp(cnp.sin, (X,), (np.ones(3, dtype),)),
        "jvp:",
        "tangent (leaf 0)",
        f"dtype {np.dtype(dtype).name}",
        "float64",
        ".astype('float64')",
    )


def test_cotangent_shape_mismatch():
    _, vjp_fn = cr.vjp(lambda x: cnp.sin(x) * 2, X)
    raises_with(
        ValueError,
        lambda: vjp_fn(np.ones((3, 1))),
        "vjp:",
        "cotangent (leaf 0)",
        "shape (3, 1)",
        "shape (3,) of the function's output",
    )


def test_cotangent_dtype_mismatch():
    _, vjp_fn = cr.vjp(lambda x: cnp.sin(x), X)
    raises_with(
        TypeError,
        lambda: vjp_fn(np.ones(3, np.float32)),
        "vjp:",
        "cotangent (leaf 0)",
        "float32",
        "the function's output has dtype float64",
        ".astype('float64')",
    )


def test_cotangent_of_a_float32_output_must_be_float32():
    _, vjp_fn = cr.vjp(lambda x: cnp.sin(x), X.astype(np.float32))
    raises_with(
        TypeError, lambda: vjp_fn(np.ones(3)), "cotangent (leaf 0)", "float64", ".astype('float32')"
    )


def test_tangent_structure_mismatch():
    raises_with(
        ValueError,
        lambda: cr.jvp(lambda a, b: a * b, (X, X), ((X, X), X)),
        "jvp:",
        "tangents has structure",
        "primals has structure",
        "same nesting",
    )
    raises_with(
        ValueError,
        lambda: cr.jvp(lambda p: p["a"], ({"a": X},), ({"b": X},)),
        "jvp:",
        "tangents has structure",
    )
    raises_with(
        ValueError,
        lambda: cr.jvp(lambda a, b: a * b, (X, X), (X,)),
        "jvp:",
        "2 primals but 1 tangents",
        "one tangent per primal",
    )


def test_primals_must_be_a_tuple():
    raises_with(TypeError, lambda: cr.jvp(cnp.sin, X, X), "jvp:", "tuples", "cr.jvp(f, (x,), (v,))")


def test_cotangent_structure_mismatch():
    _, vjp_fn = cr.vjp(lambda x: (cnp.sin(x), {"c": cnp.cos(x)}), X)
    raises_with(
        ValueError,
        lambda: vjp_fn(np.ones(3)),
        "vjp:",
        "the cotangent has structure",
        "the output has structure",
        "same nesting",
    )
    raises_with(
        ValueError,
        lambda: vjp_fn((np.ones(3), {"d": np.ones(3)})),
        "vjp:",
        "the cotangent has structure",
    )


@pytest.mark.parametrize(
    "result, described",
    [
        ("text", "a value of type str"),
        (object(), "a value of type object"),
        ([1.0, "text"], "a value of type str"),
    ],
    ids=["string", "object", "list_holding_string"],
)
@pytest.mark.parametrize("transform", ["grad", "jvp", "vjp", "jacfwd", "jacrev"])
def test_function_returning_a_non_array(result, described, transform):
    call = {
        "grad": lambda: cr.grad(lambda x: result)(1.0),
        "jvp": lambda: cr.jvp(lambda x: result, (1.0,), (1.0,)),
        "vjp": lambda: cr.vjp(lambda x: result, 1.0),
        "jacfwd": lambda: cr.jacfwd(lambda x: result)(1.0),
        "jacrev": lambda: cr.jacrev(lambda x: result)(1.0),
    }[transform]
    raises_with(
        TypeError, call, f"{transform}:", f"returned {described}", "Return arrays or numbers"
    )


@pytest.mark.parametrize("transform", ["grad", "jvp", "vjp"])
def test_function_returning_none(transform):
    call = {
        "grad": lambda: cr.grad(lambda x: None)(1.0),
        "jvp": lambda: cr.jvp(lambda x: None, (1.0,), (1.0,)),
        "vjp": lambda: cr.vjp(lambda x: None, 1.0),
    }[transform]
    raises_with(TypeError, call, f"{transform}:", "returned None", "holds no array")


@pytest.mark.parametrize("transform", ["grad", "jacfwd", "jacrev", "jacobian", "hessian"])
@pytest.mark.parametrize(
    "argnums, kind, fragment",
    [
        (2, ValueError, "asks for argument 2, but the function was called with 2"),
        (-3, ValueError, "asks for argument -3"),
        ((0, 0), ValueError, "names an argument twice"),
        ("0", TypeError, "argnums must be an int or a tuple of ints"),
        (0.0, TypeError, "argnums must be an int or a tuple of ints"),
        ((0, None), TypeError, "argnums must be an int or a tuple of ints"),
    ],
    ids=["too_large", "too_negative", "repeated", "string", "float", "tuple_with_none"],
)
def test_bad_argnums(transform, argnums, kind, fragment):
    f = lambda x, y: cnp.sum(x * y)
    make = getattr(cr, transform)
    message = raises_with(kind, lambda: make(f, argnums=argnums)(X, X), fragment)
    if transform != "hessian":  # hessian is jacfwd of jacrev and reports the outer one
        assert message.startswith(f"{transform}:")


def test_negative_argnums_count_from_the_end():
    dx, dy = cr.grad(lambda x, y: cnp.sum(x * y**2), argnums=(-2, -1))(X, 2 * X)
    np.testing.assert_allclose(dx, 4 * X**2)
    np.testing.assert_allclose(dy, 4 * X**2)


@pytest.mark.parametrize(
    "result, described",
    [
        (lambda x: cnp.sum(x), "an array of shape ()"),
        (lambda x: (cnp.sum(x), 1, 2), "a tuple of length 3"),
        (lambda x: [cnp.sum(x)], "a list of length 1"),
        (lambda x: {"loss": cnp.sum(x)}, "a value of type dict"),
    ],
    ids=["bare_output", "triple", "one_element_list", "dict"],
)
@pytest.mark.parametrize("transform", ["grad", "value_and_grad", "jacrev", "jacfwd"])
def test_has_aux_without_a_pair(result, described, transform):
    name = "grad" if transform == "value_and_grad" else transform
    raises_with(
        TypeError,
        lambda: getattr(cr, transform)(result, has_aux=True)(X),
        f"{name}:",
        "has_aux=True",
        "must return a pair (output, aux)",
        f"returned {described}",
        "drop has_aux=True",
    )


def test_vjp_and_jvp_has_aux_without_a_pair():
    raises_with(TypeError, lambda: cr.vjp(cnp.sin, X, has_aux=True), "vjp:", "has_aux=True")
    raises_with(
        TypeError, lambda: cr.jvp(cnp.sin, (X,), (X,), has_aux=True), "jvp:", "has_aux=True"
    )


@pytest.mark.parametrize("transform", ["grad", "jvp"])
@pytest.mark.parametrize(
    "use, primitive",
    [
        (lambda t: t * 2.0, "multiply"),
        (lambda t: cnp.sin(t), "sin"),
        (lambda t: np.exp(t), "exp"),
        (lambda t: cr.grad(lambda y: cnp.sum(y * t))(np.ones(3)), "multiply"),
    ],
    ids=["operator", "chainrule_numpy", "plain_numpy", "inside_a_new_grad"],
)
def test_leaked_tracer_used_after_its_transform(transform, use, primitive):
    leaked = []

    def f(x):
        leaked.append(x)
        return cnp.sum(x**2)

    if transform == "grad":
        cr.grad(f)(X)
    else:
        cr.jvp(f, (X,), (X,))
    raises_with(
        RuntimeError,
        lambda: use(leaked[0]),
        f"{primitive}:",
        f"a traced value from a finished {transform} call was used again",
        "cr.stop_gradient",
    )


def test_leaked_tracer_still_prints_and_has_a_shape():
    leaked = []
    cr.grad(lambda x: leaked.append(x) or cnp.sum(x))(X)
    assert leaked[0].shape == (3,)
    assert "0.5" in repr(leaked[0])
