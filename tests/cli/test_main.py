"""The chainrule command: each subcommand's numbers, its JSON, and its handling of mistakes."""

from __future__ import annotations

import json
import math
import pathlib
import shutil
import subprocess
import sys

import numpy as np
import pytest

from chainrule.cli.main import main, parse_assignment

SEED = "sin(cos(x1 + x2))**2 + x3"
SEED_AT = ["--at", "x1=1", "x2=2", "x3=3"]
SLOPE = -math.sin(2 * math.cos(3.0)) * math.sin(3.0)  # d f / d x1 = d f / d x2


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_grad_of_the_seed(capsys):
    code, out, err = run(capsys, "grad", SEED, *SEED_AT)
    assert code == 0 and err == ""
    assert f"∂f/∂x1  {SLOPE:.12g}" in out
    assert f"∂f/∂x2  {SLOPE:.12g}" in out
    assert "reverse mode" in out


def test_grad_json(capsys):
    code, out, _ = run(capsys, "grad", SEED, *SEED_AT, "--json")
    result = json.loads(out)
    assert code == 0
    assert result["gradient"]["x1"] == pytest.approx(SLOPE, rel=1e-14)
    assert result["gradient"]["x3"] == 1.0
    assert result["value"] == pytest.approx(math.sin(math.cos(3.0)) ** 2 + 3.0, rel=1e-15)


@pytest.mark.parametrize("mode", ["auto", "forward", "reverse"])
def test_jacobian_of_a_vector_formula(capsys, mode):
    code, out, _ = run(
        capsys, "jacobian", "x * sin(y)", "--at", "x=1,2,3", "y=0.5", "--mode", mode, "--json"
    )
    result = json.loads(out)
    x, y = np.array([1.0, 2.0, 3.0]), 0.5
    expected = np.column_stack([np.diag(np.full(3, np.sin(y))), x * np.cos(y)])
    assert code == 0
    np.testing.assert_allclose(result["jacobian"], expected, rtol=1e-14)
    assert result["inputs"] == ["x[0]", "x[1]", "x[2]", "y"]
    assert result["outputs"] == ["f[0]", "f[1]", "f[2]"]
    if mode == "auto":  # 4 inputs, 3 outputs: fewer reverse sweeps
        assert "reverse mode" in result["mode"]


def test_hessian_matches_the_hand_derivation(capsys):
    code, out, _ = run(capsys, "hessian", "x**2 * y + exp(x * y)", "--at", "x=1", "y=2", "--json")
    e = math.exp(2.0)
    expected = [[2 * 2 + 4 * e, 2 * 1 + e + 2 * e], [2 * 1 + e + 2 * e, e]]
    assert code == 0
    np.testing.assert_allclose(json.loads(out)["hessian"], expected, rtol=1e-13)


def test_hessian_table_names_rows_and_columns(capsys):
    code, out, _ = run(capsys, "hessian", "sum(x**3)", "--at", "x=1,2")
    assert code == 0
    assert "x[0]" in out and "x[1]" in out
    assert "12" in out  # d2/dx1^2 of x^3 at 2


def test_explain_shows_both_sweeps_and_the_cost(capsys):
    code, out, _ = run(capsys, "explain", SEED, *SEED_AT, "--wrt", "x2", "--no-timing")
    assert code == 0
    assert "t3 = sin(t2)" in out  # the graph
    assert "Forward mode on f(x1, x2, x3)" in out
    assert "Reverse mode on f(x1, x2, x3)" in out
    assert "In all forward mode repeats 4 partial evaluations." in out
    assert 'jacobian(mode="auto") picks reverse mode' in out
    assert "measured time" not in out


def test_explain_json_has_every_part(capsys):
    code, out, _ = run(capsys, "explain", SEED, *SEED_AT, "--json", "--no-timing")
    result = json.loads(out)
    assert code == 0
    assert set(result) >= {"graph", "forward", "reverse", "cost"}
    assert result["reverse"]["result"]["x2"] == pytest.approx(SLOPE, rel=1e-14)
    assert result["forward"]["result"]["t5"] == pytest.approx(SLOPE, rel=1e-14)  # along x1
    assert result["cost"]["forward"]["partial_evaluations"] == 11
    assert result["cost"]["reverse"]["partial_evaluations"] == 7


def test_explain_one_mode_only(capsys):
    code, out, _ = run(capsys, "explain", SEED, *SEED_AT, "--mode", "reverse", "--no-cost")
    assert code == 0
    assert "Reverse mode on" in out and "Forward mode on" not in out and "Cost of" not in out


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_explain_draws_the_graph_and_writes_the_report(capsys, tmp_path):
    picture, page = tmp_path / "seed.svg", tmp_path / "seed.html"
    code, out, _ = run(
        capsys, "explain", SEED, *SEED_AT, "--graph", str(picture), "--html", str(page),
        "--no-timing",
    )  # fmt: skip
    assert code == 0
    assert f"wrote {picture}" in out
    assert picture.read_text().lstrip().startswith("<?xml") and "<svg" in picture.read_text()
    html = page.read_text()
    assert '<table class="sweep forward">' in html and '<table class="sweep reverse">' in html
    assert '<table class="cost">' in html and "<svg" in html


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["grad", "np.sin(x)", "--at", "x=1"], "attribute access is not allowed"),
        (["grad", "x +", "--at", "x=1"], "syntax error"),
        (["grad", "x * y", "--at", "x=1"], "unknown name 'y'"),
        (["grad", "x", "--at", "x=abc"], "not a number or a list of numbers"),
        (["grad", "x", "--at", "x"], "write name=value"),
        (["grad", "x", "--at", "x=1", "x=2"], "gives x twice"),
        (["grad", "x", "--at", "x=1+2j"], "complex values are not supported"),
        (["grad", "x", "--at", "x=[1,[2]]"], "--at x"),
        (["grad", "x"], "give the point with --at"),
        (["grad", "x * 2", "--at", "x=1,2"], "grad needs an expression with a single number"),
        (["hessian", "x", "--at", "x=1,2"], "hessian needs an expression"),
        (["grad", "dot(x, y)", "--at", "x=1,2", "y=1,2,3"], "evaluating the expression"),
        (["explain", "x", "--at", "x=1", "--wrt", "z"], "is not an input"),
        (["grad", "__import__('os')", "--at", "x=1"], ""),
        (["grad", "x" + "[" * 50 + "0" + "]" * 50, "--at", "x=1"], ""),
        (["grad", "(" * 4000 + "x" + ")" * 4000, "--at", "x=1"], "nested"),
        (["grad", "(" * 100_000 + "x" + ")" * 100_000, "--at", "x=1"], "limit is 10000"),
        (["grad", "9**9**9**9", "--at", "x=1"], "exponent"),
    ],
)
def test_user_mistakes_get_one_clear_line_and_status_2(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err.startswith("chainrule: error: ")
    assert message in err
    assert "Traceback" not in err


def test_drawing_to_an_unknown_format_is_a_user_error(capsys, tmp_path):
    code, _, err = run(capsys, "explain", "x", "--at", "x=1", "--graph", str(tmp_path / "g.bmp"))
    assert code == 2 and "end the file name in .svg, .png or .pdf" in err


def test_parse_assignment_shapes():
    assert parse_assignment("x=1.5")[1].shape == ()
    assert parse_assignment("x=1,2,3")[1].tolist() == [1.0, 2.0, 3.0]
    name, value = parse_assignment(" W = [[1, 2], [3, 4]] ")
    assert name == "W" and value.shape == (2, 2) and value.dtype == np.float64


def _module(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "chainrule", *argv],
        capture_output=True,
        text=True,
        cwd=pathlib.Path(__file__).parent,
        timeout=120,
        check=False,
    )


def test_no_arguments_show_the_seed_demonstration():
    result = _module()
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "chainrule: the seed example" in out
    assert "Forward mode for df/dx2" in out and "Reverse mode: one adjoint" in out
    assert "In all forward mode repeats 4 partial evaluations." in out
    assert "measured time (median)" in out


def test_the_module_reports_a_user_error_without_a_traceback():
    result = _module("grad", "open('/etc/passwd')", "--at", "x=1")
    assert result.returncode == 2
    assert result.stderr.startswith("chainrule: error: ")
    assert "Traceback" not in result.stderr


def test_help_lists_every_command():
    result = _module("--help")
    assert result.returncode == 0
    for command in ("grad", "jacobian", "hessian", "explain", "demo"):
        assert command in result.stdout
    explain_help = _module("explain", "--help").stdout
    for option in ("--at", "--mode", "--wrt", "--graph", "--html", "--json", "--no-timing"):
        assert option in explain_help
