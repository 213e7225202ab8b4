"""Complex numbers: the parts (real, imag, conj), holomorphic rules on complex inputs, and
the convention (JAX's: a cotangent c pairs with a tangent dz as Re(sum(c * dz))).

check_grads compares both modes with central differences along complex directions, so a
rule that conjugated where it should not (or forgot to) fails there. The convention
itself is pinned by closed forms (the gradient of |z|^2 is 2 conj(z)) and, where JAX is
installed, by JAX's own answers.
"""

from __future__ import annotations

import numpy as np
import pytest
from assertions import raises_with
from cases import SHAPE_PAIRS, SHAPES, Case

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.testing import check_grads

C = np.complex128

# The parts of a complex number: not holomorphic, linear over the reals.
PARTS = [
    Case(cnp.real, dtype=C),
    Case(cnp.imag, dtype=C),
    Case(cnp.conj, dtype=C),
    Case(cnp.abs, dtype=C, avoid=lambda z: np.abs(z) < 0.2),
    Case(cnp.angle, dtype=C, avoid=lambda z: np.abs(z) < 0.2, name="angle"),
    Case(lambda z: cnp.abs(z) ** 2, dtype=C, name="abs_squared"),
    Case(lambda z: z * cnp.conj(z), dtype=C, name="z_conj_z"),
]

# Holomorphic functions on complex inputs: their ordinary rules, unchanged.
HOLOMORPHIC = [
    Case(cnp.exp, dtype=C),
    Case(cnp.expm1, dtype=C),
    Case(cnp.exp2, dtype=C),
    Case(cnp.log, dtype=C, avoid=lambda z: np.abs(z) < 0.2),
    Case(cnp.log1p, dtype=C, avoid=lambda z: np.abs(z + 1) < 0.2),
    Case(cnp.log2, dtype=C, avoid=lambda z: np.abs(z) < 0.2),
    Case(cnp.log10, dtype=C, avoid=lambda z: np.abs(z) < 0.2),
    Case(cnp.sqrt, dtype=C, avoid=lambda z: np.abs(z) < 0.2),
    Case(cnp.square, dtype=C),
    Case(cnp.reciprocal, dtype=C, avoid=lambda z: np.abs(z) < 0.3),
    Case(cnp.sin, dtype=C),
    Case(cnp.cos, dtype=C),
    Case(cnp.tan, dtype=C, domain=(-1.0, 1.0)),
    Case(cnp.sinh, dtype=C),
    Case(cnp.cosh, dtype=C),
    Case(cnp.tanh, dtype=C, domain=(-1.0, 1.0)),
    Case(cnp.arcsinh, dtype=C, domain=(-0.7, 0.7)),
    Case(cnp.arctan, dtype=C, domain=(-0.7, 0.7)),
    Case(cnp.arcsin, dtype=C, domain=(-0.7, 0.7)),
    Case(lambda z: z**3, dtype=C, name="cube"),
    Case(lambda z: z**2.5, dtype=C, avoid=lambda z: np.abs(z) < 0.3, name="power_2.5"),
    Case(lambda z: cnp.sum(z * z), dtype=C, name="sum_of_squares"),
    Case(lambda z: cnp.cumprod(z), dtype=C, name="cumprod"),
]

BINARY = [
    Case(cnp.add, arity=2, dtype=C, example_shapes=((3,), (3,))),
    Case(cnp.subtract, arity=2, dtype=C, example_shapes=((3,), (3,))),
    Case(cnp.multiply, arity=2, dtype=C, example_shapes=((3,), (3,))),
    Case(
        cnp.divide,
        arity=2,
        dtype=C,
        avoid=lambda z: np.abs(z) < 0.3,
        example_shapes=((3,), (3,)),
    ),
    Case(
        cnp.power,
        arity=2,
        dtype=C,
        domain=(0.3, 1.5),
        example_shapes=((3,), (3,)),
    ),
]


@pytest.mark.parametrize("case", PARTS + HOLOMORPHIC, ids=str)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_unary_rules_on_complex_inputs(case, shape, rng):
    check_grads(case.call, case.sample_args(rng, (shape,)), order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("case", BINARY, ids=str)
@pytest.mark.parametrize("shapes", SHAPE_PAIRS, ids=str)
def test_binary_rules_on_complex_inputs(case, shapes, rng):
    check_grads(case.call, case.sample_args(rng, shapes), order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("shapes", SHAPE_PAIRS, ids=str)
def test_real_and_complex_inputs_mixed(shapes, rng):
    x = rng.uniform(-1, 1, size=shapes[0])
    z = rng.uniform(-1, 1, size=shapes[1]) + 1j * rng.uniform(-1, 1, size=shapes[1])
    check_grads(lambda x, z: cnp.exp(x * z) + x, (x, z), order=2)
    # A real parameter's gradient through complex steps is real, of its own dtype.
    g = cr.grad(lambda x, z: cnp.sum(cnp.abs(cnp.exp(x * z)) ** 2))(x, z)
    assert np.asarray(g).dtype == np.float64 and np.shape(g) == np.shape(x)


def test_gradient_of_squared_modulus_is_twice_the_conjugate(rng):
    # L = |z|^2 = x^2 + y^2: dL/dx - i dL/dy = 2x - 2iy = 2 conj(z).
    z = rng.standard_normal(4) + 1j * rng.standard_normal(4)
    g = cr.grad(lambda z: cnp.sum(cnp.abs(z) ** 2))(z)
    np.testing.assert_allclose(g, 2 * np.conj(z), rtol=1e-14)
    g_product = cr.grad(lambda z: cnp.real(cnp.sum(z * cnp.conj(z))))(z)
    np.testing.assert_allclose(g_product, 2 * np.conj(z), rtol=1e-14)


def test_gradient_of_real_part_of_holomorphic_function_is_its_derivative(rng):
    # L = Re f(z): dL/dx = Re f', dL/dy = -Im f', so dL/dx - i dL/dy = f'(z).
    z = rng.standard_normal(3) + 1j * rng.standard_normal(3)
    g = cr.grad(lambda z: cnp.sum(cnp.real(cnp.sin(z))))(z)
    np.testing.assert_allclose(g, np.cos(z), rtol=1e-14)


def test_descent_step_uses_the_conjugate_gradient():
    # The convention's practical rule (docs/complex.md): z - lr * conj(g) descends.
    target = np.array([1.0 - 2.0j, 0.5 + 0.5j])

    def loss(z):
        return cnp.sum(cnp.abs(z - target) ** 2)

    z = np.zeros(2, complex)
    for _ in range(50):
        z = z - 0.1 * np.conj(cr.grad(loss)(z))
    np.testing.assert_allclose(z, target, atol=1e-4)


def test_abs_of_zero_has_slope_zero():
    assert cr.grad(cnp.abs)(0j) == 0
    np.testing.assert_allclose(cr.grad(cnp.abs)(3 + 4j), 0.6 - 0.8j, rtol=1e-15)


def test_angle_in_degrees_and_of_real_inputs(rng):
    z = rng.standard_normal(3) + 1j * rng.standard_normal(3)
    np.testing.assert_allclose(cnp.angle(z, deg=True), np.angle(z, deg=True))
    check_grads(lambda z: cnp.angle(z, deg=True), (z,), order=2)
    x = np.array([-1.5, 2.0])
    np.testing.assert_array_equal(cr.grad(lambda x: cnp.sum(cnp.angle(x)))(x), [0.0, 0.0])


def test_parts_keep_numpy_values_and_dtypes(rng):
    z = (rng.standard_normal(3) + 1j * rng.standard_normal(3)).astype(np.complex64)
    for name in ("real", "imag", "conj", "abs", "angle"):
        out, tangent = cr.jvp(getattr(cnp, name), (z,), (np.ones_like(z),))
        expected = getattr(np, name)(z)
        np.testing.assert_allclose(out, expected, rtol=1e-6)
        assert out.dtype == expected.dtype and tangent.dtype == expected.dtype, name
    g = cr.grad(lambda z: cnp.sum(cnp.abs(z)))(z)
    assert g.dtype == np.complex64


def test_numpy_dispatch_on_complex_tracers(rng):
    z = rng.standard_normal(3) + 1j * rng.standard_normal(3)

    def loss(z):
        return np.sum(np.abs(np.exp(z)) ** 2) + np.sum(np.real(z) * np.imag(np.conj(z)))

    expected = cr.grad(
        lambda z: cnp.sum(cnp.abs(cnp.exp(z)) ** 2) + cnp.sum(cnp.real(z) * -cnp.imag(z))
    )(z)
    np.testing.assert_allclose(cr.grad(loss)(z), expected, rtol=1e-13)
    np.testing.assert_allclose(cr.grad(lambda z: np.sum(z.real * z.imag))(z), z.imag - 1j * z.real)


def test_complex_reductions_and_products(rng):
    z = rng.standard_normal((2, 3)) + 1j * rng.standard_normal((2, 3))
    w = rng.standard_normal((3, 2)) + 1j * rng.standard_normal((3, 2))
    check_grads(lambda z, w: z @ w, (z, w), order=2)
    check_grads(lambda z, w: cnp.vdot(z, w.T), (z, w), order=2)
    check_grads(lambda z: cnp.var(z, axis=0), (z,), order=2)
    check_grads(lambda z: cnp.mean(z, axis=1), (z,), order=2)
    check_grads(lambda z, w: cnp.einsum("ij,jk->ik", z, w), (z, w), order=2)


def test_holomorphic_jacobians(rng):
    z = rng.standard_normal(3) + 1j * rng.standard_normal(3)
    for jacobian in (cr.jacfwd, cr.jacrev, cr.jacobian):
        np.testing.assert_allclose(jacobian(cnp.exp, holomorphic=True)(z), np.diag(np.exp(z)))
    hessian = cr.hessian(lambda z: cnp.sum(z**3), holomorphic=True)(z)
    np.testing.assert_allclose(hessian, np.diag(6 * z), rtol=1e-14)


def test_jacobians_of_real_functions_of_complex_inputs_and_back(rng):
    z = rng.standard_normal(2) + 1j * rng.standard_normal(2)
    # Complex in, real out: reverse mode gives the gradients (rows), as grad does.
    rows = cr.jacobian(lambda z: cnp.abs(z) ** 2)(z)
    np.testing.assert_allclose(rows, np.diag(2 * np.conj(z)))
    # Real in, complex out: forward mode gives the columns d out / dx.
    x = np.array([0.1, 0.2])
    columns = cr.jacobian(lambda x: cnp.exp(1j * x))(x)
    np.testing.assert_allclose(columns, np.diag(1j * np.exp(1j * x)))


def test_complex_jacobian_of_non_holomorphic_function_is_refused(rng):
    z = rng.standard_normal(2) + 1j * rng.standard_normal(2)
    raises_with(TypeError, lambda: cr.jacfwd(cnp.conj)(z), "jacfwd", "holomorphic=True")
    raises_with(TypeError, lambda: cr.jacrev(cnp.conj)(z), "jacrev", "holomorphic=True", "cnp.real")
    raises_with(TypeError, lambda: cr.jacobian(cnp.conj)(z), "jacobian", "holomorphic=True")
    raises_with(
        TypeError,
        lambda: cr.jacobian(cnp.abs, holomorphic=True)(z),
        "jacobian",
        "holomorphic=True needs complex inputs",
    )
    raises_with(TypeError, lambda: cr.hessian(lambda z: cnp.sum(cnp.abs(z)))(z), "holomorphic")
    raises_with(TypeError, lambda: cr.grad(lambda z: cnp.sum(z))(z), "grad", "real floating-point")


JAX_CASES = [
    ("abs_squared", lambda np_: lambda z: np_.sum(np_.abs(z) ** 2)),
    ("real_exp", lambda np_: lambda z: np_.sum(np_.real(np_.exp(z) * z))),
    ("imag_log", lambda np_: lambda z: np_.sum(np_.imag(np_.log(z)))),
    ("angle", lambda np_: lambda z: np_.sum(np_.angle(z) * np_.abs(z))),
    ("conj_product", lambda np_: lambda z: np_.sum(np_.real(np_.conj(z) * z**2))),
]


@pytest.mark.parametrize("name, make", JAX_CASES, ids=[c[0] for c in JAX_CASES])
def test_gradients_agree_with_jax(name, make, rng):
    jax = pytest.importorskip("jax", reason="JAX (a benchmark peer) is not installed")
    jax.config.update("jax_enable_x64", True)
    z = rng.standard_normal(4) + 1j * rng.standard_normal(4)
    expected = np.asarray(jax.grad(make(jax.numpy))(z))
    np.testing.assert_allclose(cr.grad(make(cnp))(z), expected, rtol=1e-12)


def test_worked_example_of_docs_complex_md():
    def loss(z):
        return cnp.abs(z) ** 2 + cnp.imag(z**2)

    assert cr.grad(loss)(1 + 2j) == 6 - 6j
    assert cr.jvp(loss, (1 + 2j,), (1j,)) == (9.0, 6.0)
    stepped = (1 + 2j) - 0.1 * np.conj(cr.grad(loss)(1 + 2j))
    np.testing.assert_allclose(stepped, 0.4 + 1.4j)
    np.testing.assert_allclose(loss(stepped), 3.24)
