"""Python control flow inside differentiated functions: the branch and the number of
iterations actually run are what gets differentiated.

Each program has a closed-form derivative; both modes (grad and jacfwd) and the
Hessian are checked against it, and the programs against finite differences.
"""

import math

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.testing import check_grads


def power_loop(x, n=5):
    """x ** n by a for loop of multiplications."""
    result = 1.0
    for _ in range(n):
        result = result * x
    return result


def halve_until_small(x):
    """Halve x while |x| > 1 (the loop count depends on x's value): x / 2**k."""
    while cnp.abs(x) > 1.0:
        x = x / 2.0
    return x


def piecewise(x):
    """x**2 for x > 0, sin(x) otherwise (an if on a traced value)."""
    if x > 0:
        return x**2
    return cnp.sin(x)


def recursive_power(x, n):
    """x ** n by recursive squaring."""
    if n == 0:
        return 1.0
    if n % 2 == 0:
        half = recursive_power(x, n // 2)
        return half * half
    return x * recursive_power(x, n - 1)


def horner(coefficients, x):
    """sum_k c_k x**k by the recursive Horner scheme c_0 + x (c_1 + x (c_2 + ...))."""
    if len(coefficients) == 1:
        return coefficients[0]
    return coefficients[0] + x * horner(coefficients[1:], x)


def newton_sqrt(a):
    """sqrt(a) by Newton's iteration with an early return once converged."""
    x = a
    for _ in range(100):
        next_x = 0.5 * (x + a / x)
        if cnp.abs(next_x - x) < 1e-15 * cnp.abs(x):
            return next_x
        x = next_x
    return x


def running_products(x):
    """[x, x**2, ..., x**4] built as a Python list in a loop, then stacked."""
    terms = []
    term = x
    for _ in range(4):
        terms.append(term)
        term = term * x
    return cnp.stack(terms)


def clamp_sum(x):
    """Sum over the elements with an if per element: x_i**3 where x_i > 0, else -x_i."""
    total = 0.0
    for i in range(x.shape[0]):
        total = total + (x[i] ** 3 if x[i] > 0 else -x[i])
    return total


COEFFICIENTS = [1.0, -2.0, 0.5, 3.0]

# (name, function, point, first derivative, second derivative) for scalar programs.
SCALAR_PROGRAMS = [
    ("for_loop_power", power_loop, 1.3, lambda x: 5 * x**4, lambda x: 20 * x**3),
    ("while_halving", halve_until_small, 5.0, lambda x: 1 / 8, lambda x: 0.0),
    ("while_halving_no_iteration", halve_until_small, 0.7, lambda x: 1.0, lambda x: 0.0),
    ("if_positive_branch", piecewise, 0.8, lambda x: 2 * x, lambda x: 2.0),
    ("if_negative_branch", piecewise, -0.8, math.cos, lambda x: -math.sin(x)),
    (
        "recursive_power",
        lambda x: recursive_power(x, 7),
        0.9,
        lambda x: 7 * x**6,
        lambda x: 42 * x**5,
    ),
    (
        "horner",
        lambda x: horner(COEFFICIENTS, x),
        0.7,
        lambda x: -2.0 + 1.0 * x + 9.0 * x**2,
        lambda x: 1.0 + 18.0 * x,
    ),
    (
        "newton_sqrt_early_return",
        newton_sqrt,
        2.0,
        lambda a: 0.5 / math.sqrt(a),
        lambda a: -0.25 * a**-1.5,
    ),
]


@pytest.mark.parametrize(
    "name, f, x, first, second", SCALAR_PROGRAMS, ids=[p[0] for p in SCALAR_PROGRAMS]
)
def test_scalar_programs_in_both_modes(name, f, x, first, second):
    x = np.float64(x)
    np.testing.assert_allclose(cr.grad(f)(x), first(x), rtol=1e-12)
    np.testing.assert_allclose(cr.jacfwd(f)(x), first(x), rtol=1e-12)
    np.testing.assert_allclose(cr.jacrev(f)(x), first(x), rtol=1e-12)
    np.testing.assert_allclose(cr.hessian(f)(x), second(x), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(cr.grad(cr.grad(f))(x), second(x), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(cr.jacfwd(cr.jacfwd(f))(x), second(x), rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize(
    "name, f, x, first, second", SCALAR_PROGRAMS, ids=[p[0] for p in SCALAR_PROGRAMS]
)
def test_scalar_programs_against_finite_differences(name, f, x, first, second):
    check_grads(f, (np.float64(x),), order=2, modes=("fwd", "rev"))


def test_loop_count_follows_the_value():
    # Differentiated at x = 40, six halvings run: d/dx (x / 64) = 1 / 64.
    assert cr.grad(halve_until_small)(40.0) == 1 / 64
    assert cr.jacfwd(halve_until_small)(40.0) == 1 / 64
    assert cr.grad(halve_until_small)(-3.0) == 1 / 4


def test_list_built_in_a_loop_then_stacked():
    x = np.array([0.5, 2.0])
    powers = np.arange(1, 5)[:, None]
    expected = np.zeros((4, 2, 2))
    expected[:, [0, 1], [0, 1]] = powers * x ** (powers - 1)
    np.testing.assert_allclose(cr.jacfwd(running_products)(x), expected, rtol=1e-14)
    np.testing.assert_allclose(cr.jacrev(running_products)(x), expected, rtol=1e-14)
    total = lambda x: cnp.sum(running_products(x))
    # d2/dx2 sum_k x**k = sum_k k (k - 1) x**(k - 2), elementwise.
    second = sum(k * (k - 1) * x ** (k - 2) for k in range(2, 5))
    np.testing.assert_allclose(cr.hessian(total)(x), np.diag(second), rtol=1e-13)
    check_grads(running_products, (x,), order=2)


def test_branch_per_element_in_a_loop():
    x = np.array([1.5, -0.5, 0.3, -2.0])
    gradient = np.where(x > 0, 3 * x**2, -1.0)
    np.testing.assert_allclose(cr.grad(clamp_sum)(x), gradient, rtol=1e-14)
    np.testing.assert_allclose(cr.jacfwd(clamp_sum)(x), gradient, rtol=1e-14)
    np.testing.assert_allclose(
        cr.hessian(clamp_sum)(x), np.diag(np.where(x > 0, 6 * x, 0.0)), rtol=1e-14
    )
    check_grads(clamp_sum, (x,), order=2)


def test_vector_loop_with_matrix():
    # A fixed-point style update x <- tanh(W x + b), three steps: compare to the
    # chain rule written out by hand, J = prod_k diag(1 - x_k**2) W.
    rng = np.random.default_rng(0)
    w = rng.standard_normal((3, 3)) / 2
    b = rng.standard_normal(3)

    def f(x):
        for _ in range(3):
            x = cnp.tanh(w @ x + b)
        return x

    x = rng.standard_normal(3)
    jac = np.eye(3)
    value = x
    for _ in range(3):
        value = np.tanh(w @ value + b)
        jac = ((1 - value**2)[:, None] * w) @ jac
    np.testing.assert_allclose(cr.jacfwd(f)(x), jac, rtol=1e-12)
    np.testing.assert_allclose(cr.jacrev(f)(x), jac, rtol=1e-12)
    check_grads(f, (x,), order=2)


def test_grad_inside_a_loop_inside_grad():
    # g(y) = sum_{k=1..3} d/dx [x**k y]_{x=y} = y (1 + 2 y + 3 y**2), so g' = 1 + 4y + 9y**2.
    def g(y):
        total = 0.0
        for k in range(1, 4):
            total = total + cr.grad(lambda x, k=k: x**k * y)(y)
        return total

    y = 0.7
    np.testing.assert_allclose(cr.grad(g)(y), 1 + 4 * y + 9 * y**2, rtol=1e-13)
    np.testing.assert_allclose(cr.jacfwd(g)(y), 1 + 4 * y + 9 * y**2, rtol=1e-13)


def test_perturbation_confusion_classic():
    # d/dx [x * d/dy (x * y)] = d/dx [x * x] = 2x, at any x and y.
    f = lambda x: x * cr.grad(lambda y: x * y)(3.0)
    for x in (0.5, 2.0):
        assert cr.grad(f)(x) == 2 * x
        assert cr.jacfwd(f)(x) == 2 * x
