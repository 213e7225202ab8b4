"""jacfwd, jacrev, jacobian(mode=...), hessian and hvp: values, structure, mode choice."""

import importlib

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp

jacobian_module = importlib.import_module("chainrule.transforms.jacobian")


def elementwise_cube(x):
    return x**3


@pytest.mark.parametrize("transform", [cr.jacfwd, cr.jacrev, cr.jacobian])
@pytest.mark.parametrize("shape", [(), (3,), (2, 2)])
def test_jacobian_of_elementwise_function_is_diagonal(transform, shape, rng):
    x = rng.uniform(-1, 1, size=shape)
    jac = transform(elementwise_cube)(x)
    n = int(np.prod(shape))
    expected = np.diag((3 * x**2).reshape(-1)).reshape(shape + shape) if shape else 3 * x**2
    assert np.shape(jac) == shape + shape
    np.testing.assert_allclose(jac, expected, rtol=1e-14)
    assert n == int(np.prod(np.shape(x)))


@pytest.mark.parametrize("transform", [cr.jacfwd, cr.jacrev, cr.jacobian])
def test_jacobian_of_pytrees_nests_output_then_input(transform):
    def f(x, y):
        return {"sum": x * y, "pair": (cnp.sin(x), y * 2.0)}

    x, y = np.array([0.5, 1.0]), 2.0
    jac = transform(f, argnums=(0, 1))(x, y)
    np.testing.assert_allclose(jac["sum"][0], np.diag([2.0, 2.0]))
    np.testing.assert_allclose(jac["sum"][1], x)
    np.testing.assert_allclose(jac["pair"][0][0], np.diag(np.cos(x)))
    np.testing.assert_allclose(jac["pair"][0][1], np.zeros(2))
    assert jac["pair"][1][1] == 2.0


def _count_modes(monkeypatch):
    calls = {"forward": 0, "reverse": 0}
    forward, reverse = jacobian_module._forward_blocks, jacobian_module._reverse_blocks

    def counting_forward(*args):
        calls["forward"] += 1
        return forward(*args)

    def counting_reverse(*args):
        calls["reverse"] += 1
        return reverse(*args)

    monkeypatch.setattr(jacobian_module, "_forward_blocks", counting_forward)
    monkeypatch.setattr(jacobian_module, "_reverse_blocks", counting_reverse)
    return calls


@pytest.mark.parametrize(
    "n_in, n_out, expected", [(2, 5, "forward"), (5, 2, "reverse"), (3, 3, "reverse")]
)
def test_auto_mode_picks_forward_when_inputs_are_fewer(monkeypatch, n_in, n_out, expected):
    calls = _count_modes(monkeypatch)
    weights = np.arange(n_in * n_out, dtype=float).reshape(n_out, n_in) / 10
    f = lambda x: cnp.tanh(cnp.sum(weights * x, axis=1))
    x = np.linspace(0.1, 0.5, n_in)
    jac = cr.jacobian(f)(x)
    assert calls == {"forward": int(expected == "forward"), "reverse": int(expected == "reverse")}
    np.testing.assert_allclose(jac, cr.jacfwd(f)(x), rtol=1e-14)


def test_jacobian_rejects_unknown_mode():
    with pytest.raises(ValueError, match="jacobian: mode='sideways'"):
        cr.jacobian(cnp.sin, mode="sideways")


def test_hessian_and_hvp_agree(rng):
    a = rng.standard_normal((4, 4))
    f = lambda x: cnp.sum(x**4) + cnp.sum(cnp.tanh(cnp.sum(a * x, axis=1)))
    x, v = rng.standard_normal(4), rng.standard_normal(4)
    hess = cr.hessian(f)(x)
    np.testing.assert_allclose(hess, hess.T, rtol=1e-12)
    (product,) = cr.hvp(f, (x,), (v,))
    np.testing.assert_allclose(product, hess @ v, rtol=1e-12)
    # closed form: 12 x^2 on the diagonal, plus A^T diag(-2 tanh sech^2) A
    t = np.tanh(a @ x)
    expected = np.diag(12 * x**2) + a.T @ np.diag(-2 * t * (1 - t**2)) @ a
    np.testing.assert_allclose(hess, expected, rtol=1e-12, atol=1e-14)


def test_hessian_with_several_arguments():
    f = lambda x, y: x**2 * y**3
    hess = cr.hessian(f, argnums=(0, 1))(2.0, 1.0)
    assert hess == ((2.0, 12.0), (12.0, 24.0))


def test_jacobian_has_aux():
    jac, aux = cr.jacrev(lambda x: (x * 2, x + 1), has_aux=True)(np.array([1.0]))
    np.testing.assert_array_equal(jac, [[2.0]])
    np.testing.assert_array_equal(aux, [2.0])
