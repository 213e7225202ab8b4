"""chainrule.scipy.integrate.odeint: values against SciPy, derivatives against closed forms,
solver options, dtypes and error messages. (The rule tables are tests/primitives/test_ode.py.)"""

import numpy as np
import pytest
import scipy.integrate
import scipy.linalg
from assertions import raises_with

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.scipy import integrate
from chainrule.scipy.integrate import odeint
from chainrule.testing import check_grads

TIGHT = dict(rtol=1e-10, atol=1e-10)
TIMES = np.linspace(0.0, 1.5, 5)


def decay(y, t, k):
    return -k * y


def linear_system(y, t, a):
    return a @ y


def logistic(y, t, rate, capacity):
    return rate * y * (1 - y / capacity)


def _traced_value(function, args):
    """``function(*args)`` computed on tracers (a forward sweep with zero tangents)."""
    return cr.jvp(function, args, tuple(np.zeros_like(arg) for arg in args))[0]


# ---------------------------------------------------------------------------------------
# Values and closed forms.


def test_plain_inputs_are_scipys_own_call():
    y0, args = np.array([1.0, 2.0]), (0.7,)
    ours = odeint(decay, y0, TIMES, args, mxstep=1000)
    np.testing.assert_array_equal(ours, scipy.integrate.odeint(decay, y0, TIMES, args, mxstep=1000))
    solution, info = odeint(decay, y0, TIMES, args, full_output=True)
    assert solution.shape == (5, 2) and "nst" in info


def test_traced_value_matches_scipy():
    y0, a = np.array([1.0, -0.5]), np.array([[-0.3, 1.0], [-1.0, -0.2]])
    ours = _traced_value(lambda y0, a: odeint(linear_system, y0, TIMES, (a,), **TIGHT), (y0, a))
    reference = scipy.integrate.odeint(linear_system, y0, TIMES, (a,), **TIGHT)
    assert ours.shape == (5, 2) and ours.dtype == np.float64
    np.testing.assert_allclose(ours, reference, rtol=1e-12, atol=1e-12)


def test_decay_derivatives_in_y0_rate_and_times():
    # y = y0 exp(-k t): dy/dy0 = exp(-k t), dy/dk = -t y, dy(t_i)/dt_i = -k y(t_i).
    y0, k = np.array([1.0, 2.0]), 0.7
    exact = y0 * np.exp(-k * TIMES)[:, None]
    d_rate = cr.jacrev(lambda k: odeint(decay, y0, TIMES, (k,), **TIGHT))(k)
    np.testing.assert_allclose(d_rate, -TIMES[:, None] * exact, atol=1e-8)
    d_y0 = cr.jacfwd(lambda y0: odeint(decay, y0, TIMES, (k,), **TIGHT))(y0)
    np.testing.assert_allclose(d_y0, np.exp(-k * TIMES)[:, None, None] * np.eye(2), atol=1e-8)
    for jacobian in (cr.jacfwd, cr.jacrev):
        d_times = jacobian(lambda t: odeint(decay, y0, t, (k,), **TIGHT))(TIMES)
        # Moving t_0 moves the start: y(t_i) = y0 exp(-k (t_i - t_0)) for i >= 1.
        expected = np.zeros((5, 2, 5))
        for i in range(1, 5):
            expected[i, :, i] = -k * exact[i] * np.exp(k * TIMES[0])
            expected[i, :, 0] = k * exact[i] * np.exp(k * TIMES[0])
        np.testing.assert_allclose(d_times, expected, atol=1e-8)


def test_second_derivative_of_decay_in_the_rate():
    # d^2/dk^2 y0 exp(-k t) = t^2 y.
    y0, k = np.array([1.5]), 0.4
    second = cr.hessian(lambda k: odeint(decay, y0, TIMES, (k,), **TIGHT)[:, 0])(k)
    np.testing.assert_allclose(second, TIMES**2 * y0 * np.exp(-k * TIMES), atol=1e-7)


def test_linear_system_is_the_matrix_exponential():
    # y(t) = expm(A t) y0, so dy(t)/dy0 = expm(A t) and dy(t)/dt = A y(t).
    a = np.array([[-0.4, 1.0], [-1.2, -0.1]])
    y0, t = np.array([0.5, -1.0]), np.array([0.0, 0.8])
    jacobian = cr.jacrev(lambda y0: odeint(linear_system, y0, t, (a,), **TIGHT)[1])(y0)
    np.testing.assert_allclose(jacobian, scipy.linalg.expm(0.8 * a), atol=1e-8)
    rate = cr.jacfwd(lambda t: odeint(linear_system, y0, t, (a,), **TIGHT)[1])(t)[:, 1]
    np.testing.assert_allclose(rate, a @ scipy.linalg.expm(0.8 * a) @ y0, atol=1e-8)


def test_logistic_growth_rate_against_the_closed_form():
    # y = K / (1 + (K / y0 - 1) exp(-r t)); differentiate the closed form in r with chainrule.
    y0, rate, capacity = np.array([0.3]), 1.2, 2.0

    def closed_form(rate):
        return capacity / (1 + (capacity / y0[0] - 1) * cnp.exp(-rate * TIMES))

    expected = cr.jacfwd(closed_form)(rate)
    for jacobian in (cr.jacfwd, cr.jacrev):
        ours = jacobian(lambda r: odeint(logistic, y0, TIMES, (r, capacity), **TIGHT)[:, 0])(rate)
        np.testing.assert_allclose(ours, expected, atol=1e-8)


def test_gradient_of_a_fitting_loss():
    # Fitting a decay rate: the gradient of a squared error, reverse mode, at default tolerances.
    data = 2.0 * np.exp(-0.9 * TIMES)

    def loss(k):
        return cnp.sum((odeint(decay, np.array([2.0]), TIMES, (k,))[:, 0] - data) ** 2)

    k = 0.6
    model = 2.0 * np.exp(-k * TIMES)
    expected = np.sum(2 * (model - data) * -TIMES * model)
    np.testing.assert_allclose(cr.grad(loss)(k), expected, rtol=1e-6)


# ---------------------------------------------------------------------------------------
# Solver options and calling conventions.


def test_tfirst_and_a_list_returned_by_func():
    def oscillator(t, y, w):
        return [y[1], -(w**2) * y[0]]

    y0 = np.array([1.0, 0.0])
    check_grads(
        lambda y0, w: odeint(oscillator, y0, TIMES, (w,), tfirst=True, **TIGHT),
        (y0, 1.3),
        order=2,
        eps=1e-4,
    )
    # y = cos(w t): dy/dw = -t sin(w t).
    d_w = cr.jacrev(lambda w: odeint(oscillator, y0, TIMES, (w,), tfirst=True, **TIGHT)[:, 0])(1.3)
    np.testing.assert_allclose(d_w, -TIMES * np.sin(1.3 * TIMES), atol=1e-8)


def test_stiff_system_forward_mode_and_a_loud_reverse_failure():
    a = np.array([[-500.0, 1.0], [0.0, -1.0]])  # stiff, so LSODA calls the Jacobian
    calls = []

    def jacobian(y, t, a):
        calls.append(t)
        return a

    y0 = np.array([1.0, 1.0])

    def last(y0):
        options = dict(Dfun=jacobian, rtol=[1e-10, 1e-11], atol=1e-10)
        return odeint(linear_system, y0, TIMES, (a,), **options)[-1]

    np.testing.assert_allclose(cr.jacfwd(last)(y0), scipy.linalg.expm(1.5 * a), atol=1e-8)
    assert calls  # the primal solve used the user's Jacobian
    # Integrating y backward in time blows up (exp(500 t)); the adjoint solve says so.
    raises_with(RuntimeError, lambda: cr.jacrev(last)(y0), "odeint", "backward", "forward mode")


def test_plain_and_integer_arguments_pass_through():
    def scaled(y, t, k, power, label):
        assert label == "decay"
        return -k * y**power

    ours = cr.grad(lambda k: odeint(scaled, [1.0], TIMES, (k, 1, "decay"), **TIGHT)[-1, 0])(0.5)
    np.testing.assert_allclose(ours, -1.5 * np.exp(-0.75), atol=1e-8)


def test_float32_inputs_give_scipys_float64_and_float32_derivatives():
    y0, k = np.array([1.0, 2.0], dtype=np.float32), np.float32(0.5)
    value = _traced_value(lambda y0: odeint(decay, y0, TIMES, (k,)), (y0,))
    assert value.dtype == scipy.integrate.odeint(decay, y0, TIMES, (k,)).dtype == np.float64
    grad = cr.grad(lambda y0: cnp.sum(odeint(decay, y0, TIMES, (k,))))(y0)
    assert grad.dtype == np.float32
    np.testing.assert_allclose(grad, np.sum(np.exp(-0.5 * TIMES)), rtol=1e-5)


def test_listed_in_chainrule_scipy():
    import chainrule.scipy

    assert "integrate" in chainrule.scipy.__all__ and integrate.odeint is odeint


# ---------------------------------------------------------------------------------------
# Errors.


def _grad_of(**keywords):
    return lambda: cr.grad(lambda k: odeint(decay, [1.0], TIMES, (k,), **keywords)[-1, 0])(0.5)


def test_full_output_on_traced_inputs_is_refused():
    raises_with(
        NotImplementedError,
        _grad_of(full_output=True),
        "chainrule.scipy.integrate.odeint",
        "full_output",
        "plain values",
    )


def test_unknown_keyword_is_refused():
    raises_with(TypeError, _grad_of(method="RK45"), "chainrule.scipy.integrate.odeint", "method")


def test_traced_solver_option_is_refused():
    call = lambda: cr.grad(lambda r: odeint(decay, [1.0], TIMES, (0.5,), rtol=r)[-1, 0])(1e-8)
    raises_with(TypeError, call, "chainrule.scipy.integrate.odeint", "rtol", "plain value")


def test_args_must_be_a_tuple():
    call = lambda: cr.grad(lambda k: odeint(decay, [1.0], TIMES, k)[-1, 0])(0.5)
    raises_with(TypeError, call, "chainrule.scipy.integrate.odeint", "args", "args=(x,)")


def test_shapes_are_checked():
    two_d = lambda: cr.grad(lambda y0: cnp.sum(odeint(decay, y0, TIMES, (0.5,))))(np.ones((2, 2)))
    raises_with(ValueError, two_d, "chainrule.scipy.integrate.odeint", "y0", "one-dimensional")
    scalar_time = lambda: cr.grad(lambda t: cnp.sum(odeint(decay, [1.0], t, (0.5,))))(1.0)
    raises_with(ValueError, scalar_time, "chainrule.scipy.integrate.odeint", "t must be")


def test_scipys_own_odeint_on_tracers_raises():
    call = lambda: cr.grad(lambda k: scipy.integrate.odeint(decay, [1.0], TIMES, (k,))[-1, 0])(0.5)
    with pytest.raises(TypeError, match="traced value"):
        call()
