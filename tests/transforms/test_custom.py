"""custom_jvp and custom_vjp: the user's rule is used, in both modes and at higher order."""

import math

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp


@cr.custom_jvp
def softplus(x):
    return cnp.log1p(cnp.exp(x))


@softplus.defjvp
def _softplus_jvp(primals, tangents):
    (x,), (x_dot,) = primals, tangents
    return softplus(x), x_dot / (1 + cnp.exp(-x))


@cr.custom_vjp
def scaled_gradient(x, factor):
    return x


def _scaled_fwd(x, factor):
    return x, factor


def _scaled_bwd(factor, out_bar):
    return out_bar * factor, None


scaled_gradient.defvjp(_scaled_fwd, _scaled_bwd)


def _sigmoid(x):
    return 1 / (1 + math.exp(-x))


@pytest.mark.parametrize("x", [-3.0, 0.0, 2.5])
def test_custom_jvp_rule_is_used_in_both_modes(x):
    exact = _sigmoid(x)
    assert cr.grad(softplus)(x) == pytest.approx(exact, rel=1e-14)
    assert cr.jvp(softplus, (x,), (1.0,))[1] == pytest.approx(exact, rel=1e-14)


def test_custom_jvp_second_order_differentiates_the_rule():
    x = 0.4
    expected = _sigmoid(x) * (1 - _sigmoid(x))
    assert cr.grad(cr.grad(softplus))(x) == pytest.approx(expected, rel=1e-12)
    assert cr.hessian(softplus)(x) == pytest.approx(expected, rel=1e-12)


def test_custom_jvp_is_used_where_plain_autodiff_would_overflow():
    # exp(1000) overflows; the rule's 1 / (1 + exp(-x)) does not.
    with np.errstate(over="ignore"):
        assert cr.grad(softplus)(1000.0) == 1.0


def test_custom_vjp_rule_is_used_in_reverse_mode():
    f = lambda x: 3.0 * scaled_gradient(x, 10.0)
    assert cr.grad(f)(2.0) == 30.0


def test_custom_vjp_in_forward_mode_transposes_the_backward_function():
    f = lambda x: 3.0 * scaled_gradient(x, 10.0)
    assert cr.jvp(f, (2.0,), (1.0,))[1] == 30.0
    assert cr.jacfwd(f)(2.0) == 30.0


def test_custom_vjp_with_pytrees_and_second_order():
    @cr.custom_vjp
    def weighted(pair):
        return pair["a"] * pair["b"]

    def fwd(pair):
        return weighted(pair), pair

    def bwd(pair, out_bar):
        return ({"a": out_bar * pair["b"], "b": out_bar * pair["a"]},)

    weighted.defvjp(fwd, bwd)
    gradient = cr.grad(lambda p: weighted(p) ** 2)({"a": 2.0, "b": 3.0})
    assert gradient == {"a": 36.0, "b": 24.0}
    hess = cr.hessian(lambda a: weighted({"a": a, "b": 3.0}) ** 2)(2.0)
    assert hess == pytest.approx(18.0)


def test_custom_vjp_with_array_inputs_checks_against_finite_differences(rng):
    @cr.custom_vjp
    def stable_norm(x):
        return cnp.sqrt(cnp.sum(x * x))

    def fwd(x):
        out = stable_norm(x)
        return out, (x, out)

    def bwd(residuals, out_bar):
        x, out = residuals
        return (out_bar * x / out,)

    stable_norm.defvjp(fwd, bwd)
    cr.check_grads(stable_norm, (rng.standard_normal(4),), order=2)


def test_custom_rule_without_definition_raises():
    @cr.custom_jvp
    def nothing(x):
        return x

    with pytest.raises(TypeError, match="nothing.defjvp"):
        cr.grad(nothing)(1.0)


def test_nondiff_argnums_pass_static_values_to_the_rule():
    @cr.custom_jvp
    def power(n, x):
        return x**n

    @power.defjvp
    def _power_jvp(n, primals, tangents):
        (x,), (x_dot,) = primals, tangents
        return power(n, x), n * x ** (n - 1) * x_dot

    power.nondiff_argnums = (0,)
    assert cr.grad(lambda x: power(3, x))(2.0) == 12.0
