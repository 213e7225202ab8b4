"""Every example runs, in its short smoke mode, and gets the answer it promises."""

from __future__ import annotations

import importlib.util
import pathlib

import numpy as np
import pytest

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"

pytest.importorskip("scipy", reason="the examples use SciPy (pip install 'chainrule[examples]')")


def load(name: str):
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_logistic_regression_agrees_across_methods_and_with_scikit_learn(capsys):
    out = load("logistic_regression").main(["--smoke"])
    bfgs = out["results"]["BFGS"]
    newton = out["results"]["Newton-CG (exact Hessian-vector products)"]
    assert bfgs.success and newton.success
    np.testing.assert_allclose(newton.x["w"], bfgs.x["w"], atol=1e-5)
    assert abs(float(newton.x["b"]) - float(bfgs.x["b"])) < 1e-5
    assert newton.nit < bfgs.nit  # second-order information pays
    assert out["accuracy"] > 0.75
    if "sklearn" in out:
        coef, intercept = out["sklearn"]
        np.testing.assert_allclose(bfgs.x["w"], coef, atol=1e-4)
        assert abs(float(bfgs.x["b"]) - intercept) < 1e-4
    assert "BFGS" in capsys.readouterr().out


def test_rosenbrock_newton_cg_needs_far_fewer_iterations_than_gradient_descent(capsys):
    rows = load("rosenbrock_newton_cg").main(["--smoke"])["rows"]
    by_name = {(n, method): row for n, method, *row in rows}
    newton = by_name[2, "Newton-CG"]
    descent = next(row for (n, method), row in by_name.items() if "gradient descent" in method)
    assert newton[-2] < 1e-5  # converged to (1, 1)
    assert by_name[100, "Newton-CG"][-2] < 1e-5
    assert newton[0] < 100 and descent[0] >= 2_000  # descent is still going after 2,000 steps
    assert "Newton-CG" in capsys.readouterr().out


def test_ode_parameters_are_recovered_through_the_runge_kutta_loop(capsys):
    out = load("ode_fit").main(["--smoke"])
    module = load("ode_fit")
    np.testing.assert_allclose(out["result"].x, module.TRUE, rtol=0.1)
    assert out["result"].success
    assert "fitted" in capsys.readouterr().out


def test_digits_mlp_smoke_run_learns():
    pytest.importorskip("sklearn", reason="the digits ship with scikit-learn")
    out = load("digits_mlp").main(["--smoke", "--plot", ""])
    assert out["history"][2] < out["history"][1] < out["history"][0]
    assert out["test_accuracy"] > 0.85  # after 3 epochs


def test_digits_mlp_reaches_95_percent_in_its_normal_mode(capsys, tmp_path):
    """The whole run (40 epochs, about a second of training here), as the README gives it."""
    pytest.importorskip("sklearn", reason="the digits ship with scikit-learn")
    out = load("digits_mlp").main(["--no-progress", "--plot", str(tmp_path / "loss.png")])
    assert out["test_accuracy"] >= 0.95
    assert out["seconds"] < 60
    text = capsys.readouterr().out
    assert "test accuracy" in text
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert "install matplotlib" in text
    else:
        assert (tmp_path / "loss.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
