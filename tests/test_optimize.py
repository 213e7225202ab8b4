"""chainrule.optimize against scipy.optimize given hand-written exact derivatives.

The bridge must be faithful: the same iterations, evaluation counts and solution as SciPy
run with hand-written derivatives, so any difference is round-off in the derivatives.
"""

import importlib
import sys

import numpy as np
import pytest
import scipy.optimize as so
from assertions import raises_with

import chainrule.numpy as cnp
import chainrule.optimize as co

COUNTS = ("nit", "nfev", "njev", "nhev")


def assert_same_run(got, expected, x_tolerance=1e-10):
    """Same iteration and evaluation counts (those SciPy reports) and the same x."""
    for count in COUNTS:
        if count in expected:
            assert got[count] == expected[count], (count, got[count], expected[count])
    np.testing.assert_allclose(got.x, expected.x, rtol=0, atol=x_tolerance)
    assert got.success == expected.success


# ---------------------------------------------------------------- Rosenbrock


def rosen(x):
    """scipy.optimize.rosen, written with chainrule.numpy."""
    return cnp.sum(100.0 * (x[1:] - x[:-1] ** 2.0) ** 2.0 + (1 - x[:-1]) ** 2.0)


STARTS = {"2d": np.array([-1.2, 1.0]), "5d": np.array([1.3, 0.7, 0.8, 1.9, 1.2])}
HESSP_METHODS = {"Newton-CG", "trust-ncg", "trust-krylov", "trust-constr"}
HESS_METHODS = {"trust-exact", "dogleg"}
METHODS = ["BFGS", "L-BFGS-B", "CG", "Newton-CG", "trust-ncg", "trust-krylov"]
METHODS += ["trust-exact", "dogleg", "trust-constr"]
# CG from the 5-D start amplifies the round-off difference between the reverse-mode
# gradient and rosen_der (a few ulps) to 1e-7 in x over 47 iterations; counts still agree.
X_TOLERANCE = {("CG", "5d"): 1e-6}


def scipy_with_exact_derivatives(method, x0):
    return so.minimize(
        so.rosen,
        x0,
        method=method,
        jac=so.rosen_der,
        hessp=so.rosen_hess_prod if method in HESSP_METHODS else None,
        hess=so.rosen_hess if method in HESS_METHODS else None,
    )


@pytest.mark.parametrize("start", STARTS)
@pytest.mark.parametrize("method", METHODS)
def test_rosenbrock_matches_scipy_with_hand_written_derivatives(method, start):
    x0 = STARTS[start]
    expected = scipy_with_exact_derivatives(method, x0)
    got = co.minimize(rosen, x0, method=method)
    assert_same_run(got, expected, X_TOLERANCE.get((method, start), 1e-10))
    if (method, start) == ("dogleg", "5d"):
        # The Hessian is indefinite at this start; dogleg needs it positive definite.
        assert not got.success and got.message == expected.message
    else:
        assert got.success
        np.testing.assert_allclose(got.x, np.ones_like(x0), atol=1e-3)


def test_value_and_gradient_come_from_one_call_of_fun():
    calls = []

    def counted(x):
        calls.append(1)
        return rosen(x)

    got = co.minimize(counted, STARTS["2d"], method="BFGS")
    assert len(calls) == got.nfev == got.njev


@pytest.mark.parametrize(
    "method, kind",
    [
        ("BFGS", None),
        ("nelder-mead", None),
        ("Newton-CG", "hessp"),
        ("trust-ncg", "hessp"),
        ("trust-krylov", "hessp"),
        ("trust-constr", "hessp"),
        ("dogleg", "hess"),
        ("trust-exact", "hess"),
    ],
)
def test_hessian_auto_picks_hessp_where_allowed_else_hess_where_required(method, kind):
    assert co._hessian_kind("auto", method.lower()) == kind


def test_hessian_forced_to_a_full_matrix_matches_scipy_with_rosen_hess():
    x0 = STARTS["2d"]
    expected = so.minimize(so.rosen, x0, method="Newton-CG", jac=so.rosen_der, hess=so.rosen_hess)
    got = co.minimize(rosen, x0, method="Newton-CG", hessian="hess")
    assert_same_run(got, expected)


def test_hessian_none_leaves_scipy_to_difference_the_gradient():
    x0 = STARTS["2d"]
    expected = so.minimize(so.rosen, x0, method="trust-constr", jac=so.rosen_der)
    got = co.minimize(rosen, x0, method="trust-constr", hessian=None)
    assert got.nhev == expected.nhev == 0  # SciPy's quasi-Newton update, no Hessian calls
    assert_same_run(got, expected, 1e-8)


def test_gradient_free_methods_get_the_plain_function():
    x0 = STARTS["2d"]
    expected = so.minimize(so.rosen, x0, method="Nelder-Mead")
    got = co.minimize(rosen, x0, method="Nelder-Mead")
    assert_same_run(got, expected, 0.0)


# ---------------------------------------------------------------- logistic regression

LAMBDA = 0.1


@pytest.fixture
def data():
    rng = np.random.default_rng(6)
    features = rng.normal(size=(200, 3))
    logits = features @ np.array([1.5, -2.0, 0.5]) + 0.3
    labels = (rng.uniform(size=200) < 1 / (1 + np.exp(-logits))).astype(float)
    return np.hstack([features, np.ones((200, 1))]), labels


def logistic_loss(theta, design, labels):
    """Negative log-likelihood plus an L2 penalty on the weights (not the bias)."""
    z = design @ theta
    return cnp.sum(cnp.logaddexp(0.0, z) - labels * z) + 0.5 * LAMBDA * cnp.sum(theta[:3] ** 2)


def logistic_loss_np(theta, design, labels):
    z = design @ theta
    return np.sum(np.logaddexp(0.0, z) - labels * z) + 0.5 * LAMBDA * np.sum(theta[:3] ** 2)


def logistic_grad(theta, design, labels):
    # d/dz log(1 + e^z) = sigmoid(z)
    residual = 1 / (1 + np.exp(-(design @ theta))) - labels
    return design.T @ residual + LAMBDA * np.append(theta[:3], 0.0)


def logistic_hessp(theta, v, design, labels):
    # H = A^T diag(s (1 - s)) A + lambda diag(1, 1, 1, 0)
    s = 1 / (1 + np.exp(-(design @ theta)))
    return design.T @ (s * (1 - s) * (design @ v)) + LAMBDA * np.append(v[:3], 0.0)


@pytest.mark.parametrize("method", ["BFGS", "Newton-CG"])
def test_logistic_regression_matches_hand_written_derivatives(method, data):
    x0 = np.zeros(4)
    hessp = logistic_hessp if method == "Newton-CG" else None
    expected = so.minimize(
        logistic_loss_np, x0, args=data, method=method, jac=logistic_grad, hessp=hessp
    )
    got = co.minimize(logistic_loss, x0, args=data, method=method)
    assert expected.success
    assert_same_run(got, expected, 1e-8)
    np.testing.assert_allclose(got.jac, expected.jac, atol=1e-8)


def params_loss(params, design, labels):
    theta = cnp.concatenate([params["w"], cnp.reshape(params["b"], (1,))])
    return logistic_loss(theta, design, labels)


def reordered(function):
    """``function`` of the flat vector in pytree order, [b, w] (dict keys are sorted)."""
    order = np.array([1, 2, 3, 0])  # theta = [w, b] from flat = [b, w]
    inverse = np.argsort(order)
    return lambda flat, *rest: function(flat[order], *rest)[inverse]


def test_pytree_parameters_keep_their_structure_and_match_scipy(data):
    x0 = {"w": np.zeros(3), "b": 0.0}
    got = co.minimize(params_loss, x0, args=data, method="BFGS")
    expected = so.minimize(
        lambda flat, *rest: logistic_loss_np(flat[[1, 2, 3, 0]], *rest),
        np.zeros(4),
        args=data,
        method="BFGS",
        jac=reordered(logistic_grad),
    )
    assert set(got.x) == {"w", "b"} and set(got.jac) == {"w", "b"}
    assert got.x["w"].shape == (3,) and np.shape(got.x["b"]) == ()
    flat_x = np.concatenate([[got.x["b"]], got.x["w"]])
    assert got.nit == expected.nit
    np.testing.assert_allclose(flat_x, expected.x, atol=1e-8)
    np.testing.assert_allclose(np.linalg.norm(got.jac["w"]), 0.0, atol=1e-4)


def test_pytree_bounds_are_respected_and_match_flat_bounds(data):
    x0 = {"w": np.zeros(3), "b": 0.0}
    bounds = {"w": (-0.5, np.array([1.0, 0.5, 1.0])), "b": None}
    got = co.minimize(params_loss, x0, args=data, method="L-BFGS-B", bounds=bounds)
    flat_bounds = so.Bounds([-np.inf, -0.5, -0.5, -0.5], [np.inf, 1.0, 0.5, 1.0])
    expected = so.minimize(
        lambda flat, *rest: logistic_loss_np(flat[[1, 2, 3, 0]], *rest),
        np.zeros(4),
        args=data,
        method="L-BFGS-B",
        jac=reordered(logistic_grad),
        bounds=flat_bounds,
    )
    w = got.x["w"]
    assert np.all(w >= -0.5 - 1e-12) and np.all(w <= [1.0, 0.5, 1.0])
    assert np.isclose(w[1], -0.5)  # the bound is active: unbounded, w[1] is near -1.8
    assert got.nit == expected.nit
    np.testing.assert_allclose(np.concatenate([[got.x["b"]], w]), expected.x, atol=1e-8)


def test_bounds_forms_translate_to_the_flat_vector():
    packing = co._Packing({"w": np.zeros((2, 2)), "b": 0, "c": [1.0, 2.0]}, "minimize")
    bounds = co._flat_bounds({"w": (0, [1.0, 2.0]), "b": (None, 3), "c": [None, (1, 1)]}, packing)
    np.testing.assert_array_equal(bounds.lb, [-np.inf, -np.inf, 1, 0, 0, 0, 0])
    np.testing.assert_array_equal(bounds.ub, [3, np.inf, 1, 1, 2, 1, 2])
    pairs = [(0, 1)] * 7
    assert co._flat_bounds(pairs, packing) is pairs  # SciPy's own format passes through
    scipy_bounds = so.Bounds(0, 1)
    assert co._flat_bounds(scipy_bounds, packing) is scipy_bounds


def test_integer_leaves_become_floats_and_zero_d_leaves_stay_zero_d():
    got = co.minimize(lambda p: (p["a"] - 2.5) ** 2 + p["v"][0] ** 2, {"a": 1, "v": [3]})
    assert np.shape(got.x["a"]) == () and got.x["a"].dtype == np.float64
    assert isinstance(got.x["v"], list) and np.isclose(got.x["a"], 2.5)


def test_matrix_parameters_keep_their_shape():
    target = np.arange(6.0).reshape(2, 3)
    got = co.minimize(lambda m: cnp.sum((m - target) ** 2), np.zeros((2, 3)))
    assert got.x.shape == got.jac.shape == (2, 3)
    np.testing.assert_allclose(got.x, target, atol=1e-6)


def test_callback_sees_the_pytree():
    seen = []
    co.minimize(lambda p: (p["a"] - 1.0) ** 2, {"a": 0.0}, callback=seen.append)
    assert seen and all(set(x) == {"a"} for x in seen)
    results = []
    co.minimize(
        lambda p: (p["a"] - 1.0) ** 2,
        {"a": 0.0},
        callback=lambda intermediate_result: results.append(intermediate_result.x),
    )
    assert results and all(set(x) == {"a"} for x in results)


# ---------------------------------------------------------------- constraints


def circle(v):
    return cnp.sum(v**2)


EQUALITY = {"type": "eq", "fun": lambda v: v[0] + v[1] - 1.0}
INEQUALITY = {"type": "ineq", "fun": lambda v: 0.8 - v[0] ** 2}  # inactive at (0.5, 0.5)


def test_slsqp_with_dict_constraints_matches_hand_written_jacobians():
    x0 = np.array([2.0, -1.0])
    hand_written = [
        dict(EQUALITY, jac=lambda v: np.array([1.0, 1.0])),
        dict(INEQUALITY, jac=lambda v: np.array([-2 * v[0], 0.0])),
    ]
    expected = so.minimize(
        lambda v: np.sum(v**2), x0, jac=lambda v: 2 * v, method="SLSQP", constraints=hand_written
    )
    got = co.minimize(circle, x0, method="SLSQP", constraints=[EQUALITY, INEQUALITY])
    assert_same_run(got, expected)
    np.testing.assert_allclose(got.x, [0.5, 0.5], atol=1e-8)


def test_constraints_on_a_pytree():
    x0 = {"x": 2.0, "y": -1.0}
    constraints = [
        {"type": "eq", "fun": lambda p: p["x"] + p["y"] - 1.0},
        {"type": "ineq", "fun": lambda p: 0.8 - p["x"] ** 2},
    ]
    got = co.minimize(lambda p: p["x"] ** 2 + p["y"] ** 2, x0, constraints=constraints)
    assert got.success
    np.testing.assert_allclose([got.x["x"], got.x["y"]], [0.5, 0.5], atol=1e-8)


@pytest.mark.filterwarnings("ignore:delta_grad == 0.0")  # SciPy's BFGS on a linear constraint
def test_trust_constr_with_nonlinear_constraints_matches_hand_written_jacobians():
    x0 = np.array([2.0, -1.0])

    def hand_written(fun, jac, lb, ub):
        return so.NonlinearConstraint(fun, lb, ub, jac=jac)

    expected = so.minimize(
        lambda v: np.sum(v**2),
        x0,
        jac=lambda v: 2 * v,
        hessp=lambda v, p: 2 * p,
        method="trust-constr",
        constraints=[
            hand_written(lambda v: v[0] + v[1], lambda v: np.array([[1.0, 1.0]]), 1, 1),
            hand_written(lambda v: v[0] ** 2, lambda v: np.array([[2 * v[0], 0.0]]), -1, 0.8),
        ],
    )
    constraints = [
        so.NonlinearConstraint(lambda v: v[0] + v[1], 1, 1),
        so.NonlinearConstraint(lambda v: v[0] ** 2, -1, 0.8),
    ]
    got = co.minimize(circle, x0, method="trust-constr", constraints=constraints)
    assert_same_run(got, expected)
    np.testing.assert_allclose(got.x, [0.5, 0.5], atol=1e-6)


def test_linear_constraint_passes_through():
    linear = so.LinearConstraint([[1.0, 1.0]], 1, 1)
    packing = co._Packing(np.zeros(2), "minimize")
    assert co._flat_constraints(linear, packing) == [linear]
    got = co.minimize(circle, np.array([2.0, -1.0]), method="trust-constr", constraints=linear)
    np.testing.assert_allclose(got.x, [0.5, 0.5], atol=1e-6)


# ---------------------------------------------------------------- least_squares

T = np.linspace(0.0, 4.0, 30)


@pytest.fixture
def decay():
    rng = np.random.default_rng(61)
    return 2.5 * np.exp(-1.3 * T) + 0.5 + 0.05 * rng.normal(size=T.size)


def decay_residuals(p, y):
    return p[0] * cnp.exp(-p[1] * T) + p[2] - y


def decay_jacobian(p, y):
    e = np.exp(-p[1] * T)
    return np.stack([e, -p[0] * T * e, np.ones_like(T)], axis=1)


@pytest.mark.parametrize("method", ["trf", "dogbox", "lm"])
def test_least_squares_matches_a_hand_written_jacobian(method, decay):
    x0 = np.array([1.0, 1.0, 0.0])
    expected = so.least_squares(
        lambda p, y: p[0] * np.exp(-p[1] * T) + p[2] - y,
        x0,
        jac=decay_jacobian,
        method=method,
        args=(decay,),
    )
    got = co.least_squares(decay_residuals, x0, args=(decay,), method=method)
    assert got.nfev == expected.nfev and got.njev == expected.njev
    np.testing.assert_allclose(got.x, expected.x, rtol=0, atol=1e-10)
    np.testing.assert_allclose(got.x, [2.5, 1.3, 0.5], atol=0.1)


def test_least_squares_uses_forward_mode_for_fewer_parameters(decay, monkeypatch):
    modes = []
    real_jacobian = co.jacobian

    def recording_jacobian(f, mode):
        modes.append(mode)
        return real_jacobian(f, mode=mode)

    monkeypatch.setattr(co, "jacobian", recording_jacobian)
    x0 = {"amplitude": 1.0, "rate": 1.0, "offset": 0.0}
    got = co.least_squares(
        lambda p, y: decay_residuals([p["amplitude"], p["rate"], p["offset"]], y),
        x0,
        args=(decay,),
    )
    assert modes and set(modes) == {"forward"}
    assert set(got.x) == set(x0) and np.isclose(got.x["rate"], 1.3, atol=0.1)


def test_jacobian_mode():
    assert co._jacobian_mode(3, 30) == "forward"
    assert co._jacobian_mode(3, 3) == "reverse"
    assert co._jacobian_mode(30, 3) == "reverse"


# ---------------------------------------------------------------- root


def system(x):
    return cnp.stack([x[0] + 0.5 * (x[0] - x[1]) ** 3 - 1.0, 0.5 * (x[1] - x[0]) ** 3 + x[1]])


def system_np(x):
    return np.array([x[0] + 0.5 * (x[0] - x[1]) ** 3 - 1.0, 0.5 * (x[1] - x[0]) ** 3 + x[1]])


def system_jacobian(x):
    d = 1.5 * (x[0] - x[1]) ** 2
    return np.array([[1 + d, -d], [-d, 1 + d]])


@pytest.mark.parametrize("method", ["hybr", "lm"])
def test_root_matches_a_hand_written_jacobian(method):
    x0 = np.zeros(2)
    expected = so.root(system_np, x0, jac=system_jacobian, method=method)
    got = co.root(system, x0, method=method)
    assert expected.success and got.success
    for count in ("nfev", "njev"):
        assert got.get(count) == expected.get(count)
    np.testing.assert_allclose(got.x, expected.x, rtol=0, atol=1e-10)
    np.testing.assert_allclose(system_np(got.x), 0.0, atol=1e-10)


def test_root_on_a_pytree_and_a_method_without_jacobian():
    def pytree_system(p):
        flat = system(cnp.stack([p["u"], p["v"]]))
        return {"u": flat[0], "v": flat[1]}

    got = co.root(pytree_system, {"u": 0.0, "v": 0.0})
    expected = so.root(system_np, np.zeros(2), jac=system_jacobian)
    np.testing.assert_allclose([got.x["u"], got.x["v"]], expected.x, atol=1e-10)
    broyden = co.root(system, np.zeros(2), method="broyden1")
    direct = so.root(system_np, np.zeros(2), method="broyden1")
    np.testing.assert_array_equal(broyden.x, direct.x)


# ---------------------------------------------------------------- errors


def test_non_scalar_objective():
    raises_with(
        ValueError,
        lambda: co.minimize(lambda x: x**2, np.array([1.0, 2.0])),
        "minimize: fun must return one number",
        "shape (2,)",
        "sum of squares",
    )


def test_bad_arguments():
    x0 = np.array([1.0, 2.0])
    raises_with(ValueError, lambda: co.minimize(circle, x0, bounds={"a": 1}), "minimize: bounds")
    raises_with(
        ValueError,
        lambda: co.minimize(circle, x0, method="BFGS", hessian="hessp"),
        "minimize: hessian='hessp'",
        "Newton-CG",
    )
    raises_with(ValueError, lambda: co.minimize(circle, x0, hessian="exact"), "hessian='exact'")
    raises_with(TypeError, lambda: co.minimize(circle, np.array([1j])), "minimize: x0", "complex")
    raises_with(TypeError, lambda: co.minimize(circle, x0, constraints=[3]), "minimize: each of")
    raises_with(TypeError, lambda: co.root(system, x0, jac=system_jacobian), "root: jac")


def test_missing_scipy_names_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "scipy", None)
    monkeypatch.setitem(sys.modules, "scipy.optimize", None)
    monkeypatch.delitem(sys.modules, "chainrule.optimize")
    with pytest.raises(ImportError, match=r'pip install "chainrule\[scipy\]"'):
        importlib.import_module("chainrule.optimize")
