"""The cost model: counts that follow the theory of forward and reverse mode."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.explainer.cost import edge_cost


def seed(x1, x2, x3):
    return cnp.sin(cnp.cos(x1 + x2)) ** 2 + x3


def test_the_seed_example_shows_forward_mode_repeating_the_shared_partials():
    report = cr.cost(seed, 1.0, 2.0, 3.0, timing=False)
    assert (report.n_inputs, report.n_outputs) == (3, 1)
    assert (report.forward.sweeps, report.reverse.sweeps) == (3, 1)
    # Forward: 5 partials in the sweep for x1, 5 for x2, 1 for x3; reverse: each edge once.
    assert (report.forward.partials, report.reverse.partials) == (11, 7)
    assert (report.forward.madds, report.reverse.madds) == (11, 7)
    assert [e.label for e in report.repeated] == ["∂t2/∂t1", "∂t3/∂t2", "∂t4/∂t3", "∂t5/∂t4"]
    assert all(e.forward == {"x1": 1, "x2": 1} and e.reverse == 1 for e in report.repeated)
    assert report.repeated_evaluations == 4  # SEED-EXAMPLE.md: "4 extra partial evaluations"
    assert report.auto == "reverse"
    text = str(report)
    assert "In all forward mode repeats 4 partial evaluations." in text
    assert "∂t2/∂t1 (step 2, cos): in 2 forward sweeps (x1, x2), 1 reverse" in text
    assert 'jacobian(mode="auto") picks reverse mode' in text


@pytest.mark.parametrize("n", [10, 100, 500])
def test_with_n_inputs_and_one_output_forward_grows_with_n_and_reverse_does_not(n):
    x = np.linspace(0.1, 1.0, n)
    report = cr.cost(lambda x: cnp.sum(cnp.sin(x) * x), x, timing=False)
    # sin: n partials; multiply: n for each of its two operands; sum: n additions.
    per_sweep_partials, per_sweep_madds = 3 * n, 4 * n
    assert report.reverse.sweeps == 1 and report.forward.sweeps == n
    assert report.reverse.partials == per_sweep_partials
    assert report.forward.partials == n * per_sweep_partials
    assert report.reverse.madds == per_sweep_madds
    assert report.forward.madds == n * per_sweep_madds
    assert report.forward.flops / report.reverse.flops == n


def test_500_scalar_inputs_one_output():
    def many(*xs):
        total = 0.0
        for x in xs:
            total = total + cnp.sin(x) * x
        return total

    xs = tuple(np.linspace(0.1, 1.0, 500))
    report = cr.cost(many, *xs, timing=False)
    assert report.n_inputs == 500 and report.reverse.sweeps == 1
    # Reverse: 3 partials per input (sin, two of the multiply) + 499 adds with 2 edges each,
    # minus the first add with the constant 0.0 (one edge).
    assert report.reverse.partials == 3 * 500 + 2 * 499 + 1
    # Forward: input i's sweep also crosses the adds after it: 500 - i of them.
    chain = sum(500 - i for i in range(500))
    assert report.forward.partials == 3 * 500 + chain
    assert report.forward.partials > 50 * report.reverse.partials


def test_many_outputs_make_forward_the_cheaper_mode():
    x = np.array([0.5])
    report = cr.cost(lambda x: cnp.sin(x * np.arange(1.0, 201.0)), x, timing=False)
    assert (report.n_inputs, report.n_outputs) == (1, 200)
    assert report.auto == "forward"
    assert report.forward.partials < report.reverse.partials
    assert report.reverse.sweeps == 200 and report.forward.sweeps == 1


def test_matmul_counts_one_multiply_add_per_term():
    W, x = np.ones((4, 3)), np.ones(3)
    graph = cr.capture(lambda W, x: cnp.tanh(W @ x))(W, x)
    (matmul, tanh) = graph.equations
    assert edge_cost(matmul, 0) == (0, 12) and edge_cost(matmul, 1) == (0, 12)
    assert edge_cost(tanh, 0) == (4, 4)
    report = cr.cost(lambda W, x: cnp.tanh(W @ x), W, x, timing=False)
    assert (report.n_inputs, report.n_outputs) == (15, 4)
    assert report.reverse.madds == 4 * (12 + 12 + 4)
    assert report.forward.madds == 12 * (12 + 4) + 3 * (12 + 4)
    assert report.reverse.recorded > 0


def test_auto_agrees_with_jacobian(monkeypatch):
    """The report's choice is the one jacobian(mode="auto") makes (watched, not assumed)."""
    module = sys.modules["chainrule.transforms.jacobian"]  # the module, not the function

    for f, args in [
        (seed, (1.0, 2.0, 3.0)),
        (lambda x: cnp.sin(cnp.outer(x, np.arange(1.0, 9.0))), (np.array([0.3, 0.4]),)),
        (lambda x: x * 2.0, (np.ones(3),)),
    ]:
        used = []
        forward_blocks = module._forward_blocks
        monkeypatch.setattr(
            module,
            "_forward_blocks",
            lambda flat, used=used, blocks=forward_blocks: used.append("forward") or blocks(flat),
        )
        cr.jacobian(f, argnums=tuple(range(len(args))))(*args)
        monkeypatch.undo()
        chosen = used[0] if used else "reverse"
        assert cr.cost(f, *args, timing=False).auto == chosen


def test_timing_and_json():
    report = cr.cost(seed, 1.0, 2.0, 3.0, budget=0.02)
    assert report.forward.seconds > 0 and report.reverse.seconds > 0
    assert "measured time (median)" in str(report)
    data = json.loads(json.dumps(report.to_dict()))
    assert data["forward"]["partial_evaluations"] == 11
    assert data["repeated_evaluations"] == 4
    assert data["auto"]["mode"] == "reverse"
    assert '<table class="cost">' in report.to_html()


def test_a_step_that_does_not_depend_on_the_inputs_costs_nothing():
    report = cr.cost(lambda x, c: x * cnp.sin(c), 2.0, 3.0, timing=False)
    # Two inputs; the sin of c is on c's path only.
    assert report.forward.partials == 1 + 1 + 1  # x's sweep: mul; c's sweep: sin, mul
    cost_without = cr.cost(lambda x: x * np.sin(3.0), 2.0, timing=False)
    assert cost_without.forward.partials == 1 and cost_without.reverse.partials == 1
