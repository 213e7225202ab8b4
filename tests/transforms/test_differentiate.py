"""grad, value_and_grad, vjp, jvp, stop_gradient: results, structure, dtypes and nesting."""

import collections
import dataclasses
import math

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp


def seed(x1, x2, x3):
    return cnp.sin(cnp.cos(x1 + x2)) ** 2 + x3


def seed_exact(x1, x2, x3):
    slope = -math.sin(2 * math.cos(x1 + x2)) * math.sin(x1 + x2)
    return slope, slope, 1.0


@pytest.mark.parametrize("point", [(1.0, 2.0, 3.0), (-0.3, 0.7, 5.0), (0.0, 0.0, 0.0)])
def test_seed_gradient_matches_hand_derivation_in_both_modes(point):
    exact = seed_exact(*point)
    reverse = cr.grad(seed, argnums=(0, 1, 2))(*point)
    forward = [cr.jvp(seed, point, tuple(float(i == j) for j in range(3)))[1] for i in range(3)]
    np.testing.assert_allclose(reverse, exact, rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(forward, exact, rtol=1e-14, atol=1e-15)


def test_seed_jacobians_and_hessian_match_closed_forms():
    x = np.array([1.0, 2.0, 3.0])
    vector_seed = lambda v: seed(v[0], v[1], v[2])
    exact = np.array(seed_exact(*x))
    np.testing.assert_allclose(cr.jacfwd(vector_seed)(x), exact, rtol=1e-14)
    np.testing.assert_allclose(cr.jacrev(vector_seed)(x), exact, rtol=1e-14)
    # d2f/du2 for u = x1 + x2: f = sin(cos u)^2 -> f'' = d/du[-sin(2 cos u) sin u]
    u = x[0] + x[1]
    second = 2 * math.cos(2 * math.cos(u)) * math.sin(u) ** 2 - math.sin(
        2 * math.cos(u)
    ) * math.cos(u)
    expected = np.array([[second, second, 0], [second, second, 0], [0, 0, 0]])
    np.testing.assert_allclose(cr.hessian(vector_seed)(x), expected, rtol=1e-13, atol=1e-15)


def test_value_and_grad_returns_value_and_gradient():
    value, gradient = cr.value_and_grad(lambda x: cnp.sum(x**2))(np.array([1.0, 2.0]))
    assert value == 5.0
    np.testing.assert_array_equal(gradient, [2.0, 4.0])


def test_argnums_int_tuple_and_negative():
    f = lambda x, y, z: x * y**2 + z
    assert cr.grad(f)(2.0, 3.0, 1.0) == 9.0
    assert cr.grad(f, argnums=-2)(2.0, 3.0, 1.0) == 12.0
    assert cr.grad(f, argnums=(1, 0))(2.0, 3.0, 1.0) == (12.0, 9.0)
    assert isinstance(cr.grad(f, argnums=(0,))(2.0, 3.0, 1.0), tuple)


def test_has_aux_returns_aux_as_plain_values():
    def f(x):
        y = cnp.sin(x)
        return y * 2, {"y": y, "note": "kept"}

    gradient, aux = cr.grad(f, has_aux=True)(0.5)
    assert gradient == pytest.approx(2 * math.cos(0.5))
    assert aux["note"] == "kept"
    assert isinstance(aux["y"], (np.floating, np.ndarray)) and aux["y"] == pytest.approx(
        math.sin(0.5)
    )


def test_kwargs_are_passed_through_and_not_differentiated():
    f = lambda x, scale=1.0: scale * x**2
    assert cr.grad(f)(3.0, scale=2.0) == 12.0


def test_perturbation_confusion_is_avoided_in_every_mode_combination():
    # d/dx [x * d/dy (x * y)] = d/dx [x * x] = 2x
    x = 3.0
    inner_reverse = lambda x: x * cr.grad(lambda y: x * y)(2.0)
    inner_forward = lambda x: x * cr.jvp(lambda y: x * y, (2.0,), (1.0,))[1]
    for inner in (inner_reverse, inner_forward):
        assert cr.grad(inner)(x) == 2 * x
        assert cr.jvp(inner, (x,), (1.0,))[1] == 2 * x


def test_third_order_derivatives():
    third = cr.grad(cr.grad(cr.grad(cnp.sin)))
    assert third(0.7) == pytest.approx(-math.cos(0.7), rel=1e-14)
    mixed = cr.jacfwd(cr.grad(cr.grad(cnp.exp)))
    assert mixed(0.3) == pytest.approx(math.exp(0.3), rel=1e-14)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_derivatives_keep_the_dtype_of_their_primal(dtype):
    x = np.array([0.5, 1.5], dtype=dtype)
    f = lambda x: cnp.sum(cnp.sin(x) * 2.0)
    assert cr.grad(f)(x).dtype == dtype
    assert cr.jvp(f, (x,), (np.ones(2, dtype),))[1].dtype == dtype
    assert cr.hessian(f)(x).dtype == dtype
    assert cr.jacrev(cnp.sin)(x).dtype == dtype


def test_gradient_of_unused_argument_is_zeros_of_its_shape():
    gradient = cr.grad(lambda x, y: cnp.sum(x), argnums=1)(np.ones(2), np.ones((2, 3)))
    np.testing.assert_array_equal(gradient, np.zeros((2, 3)))


def test_vjp_function_can_be_called_many_times():
    out, vjp_fn = cr.vjp(lambda x, y: x * y, np.array([1.0, 2.0]), np.array([3.0, 4.0]))
    np.testing.assert_array_equal(out, [3.0, 8.0])
    for scale in (1.0, 2.0):
        x_bar, y_bar = vjp_fn(np.array([scale, scale]))
        np.testing.assert_array_equal(x_bar, [3 * scale, 4 * scale])
        np.testing.assert_array_equal(y_bar, [scale, 2 * scale])


def test_jvp_of_vjp_and_vjp_of_jvp():
    f = lambda x: cnp.sin(x) * x
    x = 0.8
    exact_second = 2 * math.cos(x) - x * math.sin(x)
    pullback = lambda x: cr.vjp(f, x)[1](1.0)[0]
    assert cr.jvp(pullback, (x,), (1.0,))[1] == pytest.approx(exact_second, rel=1e-14)
    pushforward = lambda x: cr.jvp(f, (x,), (1.0,))[1]
    assert cr.vjp(pushforward, x)[1](1.0)[0] == pytest.approx(exact_second, rel=1e-14)


def test_grad_inside_a_loop_inside_grad():
    def outer(x):
        total = 0.0
        for k in range(1, 4):
            total = total + cr.grad(lambda y, k=k: k * y**2 * x)(x)  # 2 k x^2
        return total  # 12 x^2

    assert cr.grad(outer)(1.5) == pytest.approx(24 * 1.5, rel=1e-14)


Point = collections.namedtuple("Point", ["x", "y"])


@dataclasses.dataclass
class Params:
    weight: np.ndarray
    bias: float


cr.tree.register_dataclass(Params)


def test_pytree_arguments_get_gradients_of_the_same_structure():
    params = {"w": np.array([1.0, 2.0]), "layers": [Point(1.0, 2.0), None], "b": (3.0,)}

    def f(p):
        point = p["layers"][0]
        return cnp.sum(p["w"] ** 2) + point.x * point.y + p["b"][0]

    gradient = cr.grad(f)(params)
    np.testing.assert_array_equal(gradient["w"], [2.0, 4.0])
    assert isinstance(gradient["layers"][0], Point)
    assert gradient["layers"][0] == (2.0, 1.0)
    assert gradient["layers"][1] is None
    assert gradient["b"] == (1.0,)


def test_registered_dataclass_is_a_pytree():
    params = Params(weight=np.array([1.0, -1.0]), bias=0.5)
    gradient = cr.grad(lambda p: cnp.sum(p.weight * 3.0) + p.bias**2)(params)
    assert isinstance(gradient, Params)
    np.testing.assert_array_equal(gradient.weight, [3.0, 3.0])
    assert gradient.bias == 1.0


def test_pytree_outputs_in_jvp_and_vjp():
    f = lambda x: {"a": x * 2, "b": [cnp.sin(x)]}
    out, tangent = cr.jvp(f, (0.0,), (1.0,))
    assert tangent == {"a": 2.0, "b": [1.0]}
    _, vjp_fn = cr.vjp(f, 0.0)
    assert vjp_fn({"a": 1.0, "b": [1.0]}) == (3.0,)


def test_stop_gradient_blocks_every_level():
    f = lambda x: x * cr.stop_gradient(x)
    assert cr.grad(f)(3.0) == 3.0
    assert cr.jvp(f, (3.0,), (1.0,))[1] == 3.0
    assert cr.grad(cr.grad(lambda x: x**2 * cr.stop_gradient(x)))(2.0) == 4.0
    tree = cr.stop_gradient({"a": 1.0})
    assert tree == {"a": 1.0}


def test_output_not_depending_on_input_has_zero_derivative():
    assert cr.grad(lambda x: 2.0)(1.0) == 0.0
    assert cr.jvp(lambda x: np.float64(2.0), (1.0,), (1.0,))[1] == 0.0
