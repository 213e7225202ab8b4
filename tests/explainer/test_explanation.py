"""explain: each sweep's steps, numbers and text, checked against grad, jvp and vjp."""

from __future__ import annotations

import json
import shutil
import subprocess
import unicodedata

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp

POINT = (1.0, 2.0, 3.0)
COS3 = np.cos(3.0)


def f(x1, x2, x3):
    return cnp.sin(cnp.cos(x1 + x2)) ** 2 + x3


def _nfc(text):
    """Text with ẋ as one character: the explainer writes x and a combining dot above."""
    return unicodedata.normalize("NFC", str(text))


def _primitives(explanation):
    return [step.equation.primitive.name for step in explanation.steps]


def _unit_tangents(args, position, index=()):
    """Zero tangents for every argument but a 1 at ``index`` of argument ``position``."""
    tangents = [np.zeros_like(np.asarray(a)) for a in args]
    tangents[position][index] = 1.0
    return tuple(t[()] for t in tangents)


def _contributions(explanation):
    """Value name -> [(step number, value sent to it)], from the reverse steps' terms."""
    sent = {}
    for step in explanation.steps:
        for term in step.terms:
            sent.setdefault(term.operand.name, []).append((step.number, term.value))
    return sent


# ---------------------------------------------------------------- the seed example


def test_forward_sweep_multiplies_the_local_partials_of_the_seed_example():
    explanation = cr.explain(f, *POINT, mode="forward", wrt="x2")
    assert _primitives(explanation) == ["add", "cos", "sin", "power", "add"]
    partials = [1.0, -np.sin(3.0), np.cos(COS3), 2 * np.sin(COS3), 1.0]
    running = 1.0
    for step, operand, partial in zip(explanation.steps, ["x2", "t1", "t2", "t3", "t4"], partials):
        (term,) = step.terms
        assert term.operand.name == operand
        np.testing.assert_allclose(term.partial, partial, rtol=1e-15)
        np.testing.assert_allclose(term.incoming, running, rtol=1e-15)
        running = running * partial
        np.testing.assert_allclose(step.tangents[0], running, rtol=1e-15)
    assert list(explanation.result) == ["t5"]
    expected = cr.grad(f, argnums=1)(*POINT)
    np.testing.assert_allclose(explanation.result["t5"], expected, rtol=1e-15)


def test_forward_sweeps_for_x1_and_x3():
    only_x3 = cr.explain(f, *POINT, mode="forward", wrt="x3")
    assert [step.number for step in only_x3.steps] == [5]
    (term,) = only_x3.steps[0].terms
    assert term.operand.name == "x3" and term.partial == 1.0
    assert only_x3.result == {"t5": 1.0}
    along_x1 = cr.explain(f, *POINT, mode="forward", wrt="x1")
    along_x2 = cr.explain(f, *POINT, mode="forward", wrt=1)
    assert along_x1.steps[0].terms[0].operand.name == "x1"
    assert [s.tangents for s in along_x1.steps] == [s.tangents for s in along_x2.steps]
    assert along_x1.result == along_x2.result


def test_forward_text_of_the_seed_example():
    text = _nfc(cr.explain(f, *POINT, mode="forward", wrt="x2"))
    assert text.startswith("Forward mode on f(x1, x2, x3) at x1 = 1, x2 = 2, x3 = 3\n")
    assert "direction: ẋ2 = 1; every other input's tangent is 0." in text
    assert "∂t2/∂t1 · ṫ1 = -0.14112 × 1 = -0.14112" in text
    assert "∂t4/∂t3 · ṫ3 = -1.67204 × -0.077432 = 0.12947" in text
    assert "ṫ5 = 0.12947" in text
    assert text.endswith(
        "Result: ∂f/∂x2 = ṫ5 = 0.12947, from one sweep.\n"
        "x1 and x3 each need a sweep: forward mode runs one sweep per input."
    )


def test_reverse_sweep_of_the_seed_example():
    explanation = cr.explain(f, *POINT, mode="reverse")
    assert [step.number for step in explanation.steps] == [5, 4, 3, 2, 1]
    assert list(explanation.result) == ["x1", "x2", "x3"]
    gradient = cr.grad(f, argnums=(0, 1, 2))(*POINT)
    np.testing.assert_allclose(list(explanation.result.values()), gradient, rtol=1e-15)
    adjoint_t3 = 2 * np.sin(COS3)
    adjoint_t2 = adjoint_t3 * np.cos(COS3)
    expected = [1.0, 1.0, adjoint_t3, adjoint_t2, adjoint_t2 * -np.sin(3.0)]
    adjoints = [step.adjoints[0] for step in explanation.steps]
    np.testing.assert_allclose(adjoints, expected, rtol=1e-15)
    sent = _contributions(explanation)
    assert sent["x3"] == [(5, 1.0)]  # x3's adjoint comes from the last step alone
    assert [number for number, _ in sent["x1"]] == [1]


def test_reverse_text_of_the_seed_example():
    explanation = cr.explain(f, *POINT, mode="reverse")
    assert explanation.rows[0][:3] == ["5", "t5 = add(t4, x3)", "t̄5 = 1 (seed)"]
    text = str(explanation)
    lines = text.splitlines()
    rule = next(i for i, line in enumerate(lines) if line.startswith("----"))
    numbers = [line.split()[0] for line in lines[rule + 1 :] if line[:1].isdigit()]
    assert numbers == ["5", "4", "3", "2", "1"]
    for key_line in [
        "seed: t̄5 = 1.",
        "t̄5 = 1 (seed)",
        "x̄3 += t̄5 · ∂t5/∂x3 = 1 × 1 = 1",
        "t̄3 += t̄4 · ∂t4/∂t3 = 1 × -1.67204 = -1.67204",
        "t̄1 = 0.12947 (from step 2)",
        "x̄3 = 1 (from step 5)",
        "∂f/∂x1 = x̄1 = 0.12947",
    ]:
        assert key_line in text
    assert " ".join(text.split()).endswith(  # long sentences are folded
        "∂f/∂x3 = x̄3 = 1: the derivatives with respect to all 3 inputs, from one sweep."
    )


# ---------------------------------------------------------------- fan-out


def _square_plus_sine(x):
    return x * x + cnp.sin(x)


def _three_uses(x, y):
    t = x * y
    return cnp.sin(t) + t * t + cnp.exp(t)


@pytest.mark.parametrize(
    "fn, args, shared, senders",
    [
        (_square_plus_sine, (0.7,), "x", [2, 1, 1]),
        (_three_uses, (0.3, 0.5), "t1", [5, 3, 3, 2]),
    ],
    ids=["x*x+sin(x)", "t=x*y used thrice"],
)
def test_reverse_adds_the_contributions_of_every_use(fn, args, shared, senders):
    explanation = cr.explain(fn, *args, mode="reverse")
    sent = _contributions(explanation)[shared]
    assert [number for number, _ in sent] == senders
    bar = shared[0] + "\u0304" + shared[1:]
    (cell,) = [row[2] for row in explanation.rows if row[2].startswith(bar + " = ")]
    assert cell.count(" + ") == len(senders) - 1
    for number in set(senders):
        assert f"(from step {number})" in cell
    total = sum(value for _, value in sent)
    np.testing.assert_allclose(float(cell.rsplit(" = ", 1)[1]), total, rtol=1e-5)
    gradient = cr.grad(fn, argnums=tuple(range(len(args))))(*args)
    np.testing.assert_allclose(list(explanation.result.values()), gradient, rtol=1e-15)
    if shared == "x":
        np.testing.assert_allclose(total, gradient[0], rtol=1e-15)


def test_forward_step_with_two_active_operands_adds_two_terms():
    explanation = cr.explain(lambda x: cnp.sin(x) * cnp.cos(x), 0.3, mode="forward")
    last = explanation.steps[-1]
    assert [term.operand.name for term in last.terms] == ["t1", "t2"]
    np.testing.assert_allclose(last.tangents[0], sum(term.value for term in last.terms))
    np.testing.assert_allclose(explanation.result["t3"], np.cos(0.6), rtol=1e-15)
    assert "ṫ3 = 0.912668 - 0.0873322 = 0.825336" in _nfc(explanation)


# ---------------------------------------------------------------- arrays


def net(W, x):
    return cnp.sum(cnp.tanh(W @ x))


W = np.arange(6.0).reshape(3, 2) / 10 - 0.2
X = np.array([0.5, -1.0])


def _loop(x, w):
    for _ in range(3):
        x = cnp.sin(x) * w
    return x


ARRAY_CASES = [
    pytest.param(net, (W, X), id="sum(tanh(W@x))"),
    pytest.param(lambda a, b: cnp.sum(a * b), (np.array([1.0, 2.0, 3.0]), 0.5), id="a*b"),
    pytest.param(
        lambda x: cnp.sum(cnp.mean(x * x, axis=0) ** 2), (np.arange(6.0).reshape(2, 3),), id="mean"
    ),
    pytest.param(_loop, (0.4, 1.3), id="loop"),
    pytest.param(lambda x: cnp.floor(x) * x + x, (2.5,), id="floor"),
    pytest.param(
        lambda x: cnp.sum(cnp.where(x > 0, x * x, cnp.sin(x))),
        (np.array([-1.0, 0.5, 2.0]),),
        id="where",
    ),
]


@pytest.mark.parametrize("fn, args", ARRAY_CASES)
def test_reverse_result_is_the_gradient(fn, args):
    result = cr.explain(fn, *args, mode="reverse").result
    gradient = cr.grad(fn, argnums=tuple(range(len(args))))(*args)
    assert len(result) == len(args)
    for value, expected in zip(result.values(), gradient):
        assert np.shape(value) == np.shape(expected)
        np.testing.assert_allclose(value, expected, rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("fn, args", ARRAY_CASES)
def test_forward_result_is_the_jvp_along_each_element(fn, args):
    names = [v.name for v in cr.capture(fn)(*args).inputs]
    for position, (name, arg) in enumerate(zip(names, args)):
        for index in np.ndindex(np.shape(arg)):
            wrt = f"{name}[{', '.join(map(str, index))}]" if index else name
            (tangent,) = cr.explain(fn, *args, mode="forward", wrt=wrt).result.values()
            _, expected = cr.jvp(fn, args, _unit_tangents(args, position, index))
            np.testing.assert_allclose(tangent, expected, rtol=1e-14, atol=1e-15, err_msg=wrt)


def test_forward_with_a_given_seed_and_a_unit_direction():
    given = cr.explain(net, W, X, mode="forward", wrt="x", seed=[2.0, 3.0])
    _, expected = cr.jvp(net, (W, X), (np.zeros_like(W), np.array([2.0, 3.0])))
    np.testing.assert_allclose(given.result["t3"], expected, rtol=1e-14)
    assert "direction: ẋ = [2, 3] (given)" in _nfc(given)
    unit = cr.explain(net, W, X, mode="forward", wrt="W[2, 0]")
    np.testing.assert_allclose(unit.result["t3"], cr.grad(net)(W, X)[2, 0], rtol=1e-14)
    assert "Ẇ = array of shape (3, 2) (1 at W[2, 0], 0 elsewhere)" in _nfc(unit)


def test_reverse_with_a_given_seed_on_a_vector_output():
    layer = lambda W, x: cnp.tanh(W @ x)
    seed = np.array([1.0, 2.0, 3.0])
    explanation = cr.explain(layer, W, X, mode="reverse", seed=seed)
    _, vjp_fn = cr.vjp(layer, W, X)
    for value, expected in zip(explanation.result.values(), vjp_fn(seed)):
        np.testing.assert_allclose(value, expected, rtol=1e-14)
    assert "seed: t̄2 = [1, 2, 3] (given)." in str(explanation)
    first_row = cr.explain(layer, W, X, mode="reverse")  # default: 1 at the first element
    np.testing.assert_allclose(first_row.result["x"], cr.jacobian(layer, argnums=1)(W, X)[0])


def test_loop_steps_repeat_and_non_differentiable_steps_are_skipped():
    loop = cr.explain(_loop, 0.4, 1.3, mode="reverse")
    assert _primitives(loop) == ["multiply", "sin"] * 3
    assert [number for number, _ in _contributions(loop)["w"]] == [6, 4, 2]
    floor = cr.explain(lambda x: cnp.floor(x) * x + x, 2.5, mode="forward")
    assert _primitives(floor) == ["multiply", "add"]  # floor has no tangent to carry
    assert floor.result == {"t3": 3.0}


def test_broadcast_adjoint_of_a_scalar_input_is_a_scalar():
    result = cr.explain(lambda a, b: cnp.sum(a * b), np.array([1.0, 2.0, 3.0]), 0.5).result
    assert isinstance(result["b"], np.float64)


# ---------------------------------------------------------------- random programs

UNARY = [cnp.sin, cnp.exp, cnp.tanh, cnp.cos, lambda v: v / (1 + v**2)]
BINARY = [cnp.add, cnp.multiply, cnp.subtract, lambda a, b: a / (1 + b**2)]


def _random_program(rng, arity, length=5):
    """Steps reading earlier values at random; the first ones read each input in turn."""
    plan = []
    for position in range(length):
        ops = UNARY if rng.random() < 0.5 else BINARY
        operands = rng.integers(arity + position, size=1 if ops is UNARY else 2)
        if position < arity:
            operands[0] = position
        plan.append((ops[rng.integers(len(ops))], operands))

    def program(*args):
        values = list(args)
        for op, operands in plan:
            values.append(op(*(values[i] for i in operands)))
        total = cnp.sum(values[arity])  # every step reaches the output
        for value in values[arity + 1 :]:
            total = total + cnp.sum(value)
        return total

    return program


@pytest.mark.parametrize("shape", [(), (3,)], ids=["scalars", "vectors"])
@pytest.mark.parametrize("number", range(10))
def test_random_programs_agree_with_grad_and_jvp(number, shape):
    rng = np.random.default_rng((20261126, number, len(shape)))
    arity = int(rng.integers(1, 4))
    shapes = [shape if rng.random() < 0.7 else () for _ in range(arity)]
    args = tuple(rng.uniform(-1.0, 1.0, size=s)[()] for s in shapes)
    program = _random_program(rng, arity)
    assert np.isfinite(program(*args))
    gradient = cr.grad(program, argnums=tuple(range(arity)))(*args)
    result = cr.explain(program, *args, mode="reverse").result
    assert list(result) == [f"x{k + 1}" for k in range(arity)]
    for value, expected in zip(result.values(), gradient):
        np.testing.assert_allclose(value, expected, rtol=1e-12, atol=1e-12)
    for position, s in enumerate(shapes):
        for index in np.ndindex(s):
            wrt = f"x{position + 1}" + (f"[{index[0]}]" if index else "")
            (tangent,) = cr.explain(program, *args, mode="forward", wrt=wrt).result.values()
            _, expected = cr.jvp(program, args, _unit_tangents(args, position, index))
            np.testing.assert_allclose(tangent, expected, rtol=1e-12, atol=1e-12, err_msg=wrt)


# ---------------------------------------------------------------- other forms


@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_to_dict_is_json_and_keeps_the_result(mode):
    explanation = cr.explain(net, W, X, mode=mode)
    data = json.loads(json.dumps(explanation.to_dict()))
    assert data["mode"] == mode and data["function"] == "net"
    assert data["at"] == {"W": W.tolist(), "x": X.tolist()}
    assert [entry["step"] for entry in data["steps"]] == [s.number for s in explanation.steps]
    assert data["result"].keys() == explanation.result.keys()
    for name, value in explanation.result.items():
        np.testing.assert_array_equal(data["result"][name], value)
    direction = data["direction"] if mode == "forward" else data["seed"]
    assert direction == explanation.direction


@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_to_html_is_a_table_with_escaped_text(mode):
    explanation = cr.explain(f, *POINT, mode=mode)
    explanation.graph.name = "f<g&h"  # a name that needs escaping
    page = explanation.to_html()
    assert page.startswith(f'<section class="{mode}">') and page.endswith("</section>")
    assert f'<table class="sweep {mode}">' in page
    assert page.count("<tr>") == 1 + len(explanation.rows)
    assert "f&lt;g&amp;h(x1, x2, x3)" in page and "f<g" not in page
    assert "<th>local partial</th>" in page


def test_notes_and_annotated_dot():
    forward = cr.explain(f, *POINT, mode="forward", wrt="x2")
    reverse = cr.explain(f, *POINT, mode="reverse")
    assert {name: _nfc(note) for name, note in forward.notes().items()} == {
        "t1": "ṫ1 = 1",
        "t2": "ṫ2 = -0.1411",
        "t3": "ṫ3 = -0.07743",
        "t4": "ṫ4 = 0.1295",
        "t5": "ṫ5 = 0.1295",
        "x2": "ẋ2 = 1",
    }
    assert reverse.notes()["x3"] == "x̄3 = 1" and reverse.notes()["t3"] == "t̄3 = -1.672"
    graph = cr.capture(f)(*POINT)
    for explanation, dot in [
        (forward, forward.to_dot()),
        (forward, graph.to_dot(tangents="x2")),
        (reverse, reverse.to_dot()),
        (reverse, graph.to_dot(adjoints=True)),
    ]:
        for note in explanation.notes().values():
            assert f"\\n{note}" in dot
            assert note[1] == "\u0304" or unicodedata.decomposition(note[0]).endswith("0307")
    assert 'label="t5\\n3.699\\nṫ5 = 0.1295"' in _nfc(forward.to_dot())
    assert "ẋ1" not in _nfc(forward.to_dot())  # x1 carries no tangent along x2


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_annotated_dot_parses(tmp_path):
    unit = cr.explain(net, W, X, mode="forward", wrt="x[1]")
    assert "(1 at x[1], 0 elsewhere)" in unit.notes()["x"]
    texts = [
        unit.to_dot(),
        cr.explain(net, W, X, mode="reverse").to_dot(),
        cr.capture(f)(*POINT).to_dot(partials=True, tangents="x2"),
        cr.capture(f)(*POINT).to_dot(adjoints=True),
    ]
    for dot in texts:
        subprocess.run(["dot", "-Tcanon"], input=dot.encode(), capture_output=True, check=True)
    svg = unit.render(tmp_path / "sweep.svg")
    assert "ẋ = [0, 1]" in _nfc(svg.read_text())


# ---------------------------------------------------------------- errors


_SEED_3 = {"mode": "forward", "wrt": "x", "seed": [1.0, 2.0, 3.0]}
ERRORS = [
    ("mode", f, POINT, {"mode": "sideways"}, ValueError, "'sideways' is not one of"),
    ("wrt", f, POINT, {"mode": "forward", "wrt": "y"}, ValueError, "'y' is not an input"),
    ("reverse wrt", f, POINT, {"wrt": "y"}, ValueError, "its inputs: x1, x2, x3"),
    ("position", f, POINT, {"mode": "forward", "wrt": 3}, ValueError, "3 is out of range"),
    ("element", net, (W, X), {"mode": "forward", "wrt": "x[9]"}, ValueError, r"x\[9\]' is not an"),
    ("seed", net, (W, X), _SEED_3, ValueError, r"shape \(3,\), but input x has shape \(2,\)"),
    ("output seed", net, (W, X), {"seed": [1.0, 2.0]}, ValueError, r"output t3 has shape \(\)"),
    ("integers", lambda a, b: a * b, (1, 2), {}, ValueError, r"no float .* \(1\.0, not 1\)"),
    ("int", lambda a: cnp.floor(a).astype(int), (X,), {}, TypeError, "returns int64 values"),
    ("bool", lambda a: a > 0, (X,), {"mode": "forward"}, TypeError, "bool values, which have no"),
]


@pytest.mark.parametrize(
    "fn, args, options, error, match", [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS]
)
def test_errors_say_what_is_wrong(fn, args, options, error, match):
    with pytest.raises(error, match=match):
        cr.explain(fn, *args, **options)


# ---------------------------------------------------------------- known bugs


@pytest.mark.parametrize("fn", [lambda a: a, lambda a: (a, 2 * a)], ids=["a", "(a, 2a)"])
def test_reverse_of_a_function_returning_its_input(fn):
    assert cr.explain(fn, 1.0, mode="reverse").result == {"a": 1.0}


def test_forward_result_not_reached_by_the_tangent_is_a_zero_array():
    result = cr.explain(lambda x, y: cnp.sin(x), X, 2.0, mode="forward", wrt="y").result
    assert np.asarray(result["t1"]).shape == (2,) and result["t1"].dtype == np.float64


def test_reverse_table_says_where_a_contribution_was_summed_to_a_broadcast_input():
    explanation = cr.explain(lambda a, b: cnp.sum(a * b), np.array([1.0, 2.0, 3.0]), 0.5)
    rows = {row[0]: row for row in explanation.rows if row[0]}
    text = _nfc(explanation)
    assert "b̄ += t̄1 · ∂t1/∂b = 6 (summed to b's shape ())" in text
    assert "summed" not in rows["2"][4]  # sum's own rule broadcasts back: nothing summed
    assert "summed" not in "".join(r[4] for r in explanation.rows if "ā +=" in _nfc(r[4]))
    W = np.array([[1.0, 2.0], [3.0, 4.0]])
    matmul = cr.explain(lambda W, x: cnp.sum(W @ x), W, np.array([1.0, -1.0]))
    assert "W̄ = [[1, -1], [1, -1]]" in _nfc(matmul)  # a matrix shown as nested rows
    assert "summed" not in _nfc(matmul)
