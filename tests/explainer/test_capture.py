"""capture: the graph of a run lists exactly the primitives the transforms would see."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.core.graph import Var


def seed(x1, x2, x3):
    return cnp.sin(cnp.cos(x1 + x2)) ** 2 + x3


def _steps(graph):
    return [equation.primitive.name for equation in graph.equations]


def test_the_seed_example():
    graph = cr.capture(seed)(1.0, 2.0, 3.0)
    assert [v.name for v in graph.inputs] == ["x1", "x2", "x3"]
    assert _steps(graph) == ["add", "cos", "sin", "power", "add"]
    (out,) = graph.outputs
    assert out.value == seed(1.0, 2.0, 3.0)
    # Values of every step are the values of the run.
    t1, t2, t3, t4, _ = (e.outputs[0] for e in graph.equations)
    assert (t1.value, t2.value, t3.value) == (3.0, np.cos(3.0), np.sin(np.cos(3.0)))
    assert t4.value == np.sin(np.cos(3.0)) ** 2
    listing = str(graph)
    for line in ["t1 = add(x1, x2)", "t2 = cos(t1)", "t4 = power(t3, 2)", "return t5"]:
        assert line in listing
    assert "x1: f64[] = 1" in listing


def test_local_partials_of_the_seed_example():
    graph = cr.capture(seed)(1.0, 2.0, 3.0)
    add, cos, sin, power, add_x3 = graph.equations
    assert graph.local_partial(add, 0) == 1.0 and graph.local_partial(add, 1) == 1.0
    assert graph.local_partial(cos, 0) == -np.sin(3.0)
    assert graph.local_partial(sin, 0) == np.cos(np.cos(3.0))
    assert graph.local_partial(power, 0) == 2 * np.sin(np.cos(3.0))
    assert graph.local_partial(power, 1) is None  # the constant exponent
    # The chain rule along the graph gives the gradient.
    chain = (
        graph.local_partial(add_x3, 0)
        * graph.local_partial(power, 0)
        * graph.local_partial(sin, 0)
        * graph.local_partial(cos, 0)
    )
    np.testing.assert_allclose(chain, cr.grad(seed, argnums=1)(1.0, 2.0, 3.0), rtol=1e-15)


def test_loops_are_unrolled_and_fan_out_shares_a_value():
    def loop(x, w):
        for _ in range(3):
            x = np.tanh(w @ x) + x  # x is used twice: fan-out
        return x.sum()

    graph = cr.capture(loop)(np.ones(3), np.eye(3) * 0.5)
    assert _steps(graph) == ["matmul", "tanh", "add"] * 3 + ["sum"]
    first_add = graph.equations[2]
    x = graph.inputs[0]
    assert first_add.inputs[1] is x and graph.equations[0].inputs[1] is x
    # Each step reads the value the previous one produced.
    assert graph.equations[3].inputs[1] is first_add.outputs[0]
    np.testing.assert_allclose(graph.outputs[0].value, loop(np.ones(3), np.eye(3) * 0.5))


def test_broadcasting_reductions_constants_and_non_differentiable_steps():
    def f(a, b):
        c = a * b  # (2, 3) * (3,)
        return cnp.where(c > 0, c, 0.0).sum(axis=0), cnp.max(a)

    graph = cr.capture(f)(np.arange(6.0).reshape(2, 3) - 2, np.array([1.0, -1.0, 2.0]))
    listing = str(graph)
    assert "a: f64[2,3]" in listing and "b: f64[3]" in listing
    assert "greater(t1, 0)" in listing  # comparisons are captured too
    assert "axis=(0,)" in listing
    assert len(graph.outputs) == 2
    assert all(isinstance(o, Var) for o in graph.outputs)


def test_pytree_arguments_and_static_leaves():
    def f(params, x, repeat):
        for _ in range(repeat):
            x = params["w"] * x + params["b"]
        return x

    graph = cr.capture(f)({"b": 0.5, "w": 2.0}, 1.0, 2)
    names = [v.name for v in graph.inputs]
    assert names == ["params[0]", "params[1]", "x"]  # the int 2 is passed through
    assert graph.outputs[0].value == f({"b": 0.5, "w": 2.0}, 1.0, 2)


def test_capturing_a_gradient_shows_the_backward_sweep():
    f = lambda x: cnp.sin(x) * x
    graph = cr.capture(cr.grad(f))(0.5)
    assert "cos" in _steps(graph)  # the partial of sin, computed on the sweep
    np.testing.assert_allclose(graph.outputs[0].value, np.cos(0.5) * 0.5 + np.sin(0.5))


def test_values_are_plain_and_the_tracers_are_finished():
    graph = cr.capture(lambda x: cr.grad(lambda y: y * x)(x) * 2.0)(3.0)
    for equation in graph.equations:
        for var in equation.outputs:
            assert isinstance(var.value, (np.ndarray, np.generic, float))


def test_dot_text():
    dot = cr.capture(seed)(1.0, 2.0, 3.0).to_dot(partials=True)
    assert dot.startswith('digraph "seed" {') and dot.rstrip().endswith("}")
    assert '"x1" -> step1 [label="∂t1/∂x1 = 1"]' in dot
    assert "∂t2/∂t1 = -0.1411" in dot
    assert '"t5" [shape=doublecircle' in dot
    assert dot.count(" -> ") == 5 + 8  # one edge out of each step, one into it per operand


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_dot_parses_and_renders(tmp_path):
    graph = cr.capture(lambda x, w: cnp.tanh(w @ x).sum())(np.ones(2), np.eye(2))
    for dot in (graph.to_dot(), graph.to_dot(partials=True)):
        checked = subprocess.run(["dot", "-Tcanon"], input=dot.encode(), capture_output=True)
        assert checked.returncode == 0, checked.stderr.decode()
    svg = graph.render(tmp_path / "g.svg")
    assert svg.read_text().lstrip().startswith(("<?xml", "<svg"))
    png = graph.render(tmp_path / "g.png", partials=True)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in graph._repr_svg_()


def test_render_without_graphviz_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    graph = cr.capture(seed)(1.0, 2.0, 3.0)
    with pytest.raises(RuntimeError, match="apt-get install graphviz"):
        graph.render(tmp_path / "g.svg")
    assert graph._repr_svg_() is None
    with pytest.raises(ValueError, match=r"\.svg, \.png or \.pdf"):
        graph.render(tmp_path / "g.txt")
