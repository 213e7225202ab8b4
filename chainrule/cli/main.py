"""The `chainrule` command: grad, jacobian, hessian and explain for a typed expression.

    chainrule grad "sin(cos(x1 + x2))**2 + x3" --at x1=1 x2=2 x3=3
    chainrule explain "sin(cos(x1 + x2))**2 + x3" --at x1=1 x2=2 x3=3 --html seed.html

Expressions are parsed by `chainrule.cli.expression` (a whitelist, never eval). Values
are numbers or lists (``--at x=1,2,3`` or ``--at "W=[[1,2],[3,4]]"``). User mistakes
print one line starting ``chainrule: error:`` and exit with status 2; nothing a user
types prints a traceback (``--debug`` shows one for reporting a bug).
"""

from __future__ import annotations

import argparse
import ast
import json
import math
import pathlib
import sys
import traceback
from collections.abc import Sequence
from typing import Any

import numpy as np

import chainrule as cr
from chainrule.cli.demo import demo
from chainrule.cli.expression import ExpressionError, parse_expression
from chainrule.explainer.cost import CostReport
from chainrule.explainer.explanation import merged_notes, sweep_of
from chainrule.explainer.report import html_page
from chainrule.explainer.tables import text_table

_MAX_VALUE_TEXT = 100_000  # characters of one --at value
_MAX_ELEMENTS = 1_000_000  # elements of one --at value


class UserError(Exception):
    """A mistake in what the user typed: printed as one line, exit status 2."""


# -- reading the input ---------------------------------------------------------------
def parse_assignment(text: str) -> tuple[str, np.ndarray]:
    """'x=1.5', 'x=1,2,3', 'W=[[1,2],[3,4]]' -> (name, float64 array)."""
    name, sep, value_text = text.partition("=")
    name = name.strip()
    if not sep or not name:
        raise UserError(f"--at {text!r}: write name=value, such as x1=1 or x=1,2,3")
    if not name.isidentifier():
        raise UserError(f"--at {text!r}: {name!r} is not a variable name")
    value_text = value_text.strip()
    if not value_text:
        raise UserError(f"--at {text!r}: the value is missing")
    if len(value_text) > _MAX_VALUE_TEXT:
        raise UserError(f"--at {name}: the value is longer than {_MAX_VALUE_TEXT} characters")
    if value_text.count("[") > 32:
        raise UserError(f"--at {name}: the value is nested too deeply (32 levels at most)")
    try:
        literal = ast.literal_eval(value_text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        raise UserError(
            f"--at {name}={value_text}: not a number or a list of numbers "
            f"(examples: {name}=1.5, {name}=1,2,3, {name}=[[1,2],[3,4]])"
        ) from None
    try:
        value = np.asarray(literal)
    except ValueError as error:  # ragged lists
        raise UserError(f"--at {name}: {error}") from None
    if value.dtype.kind == "c":
        raise UserError(f"--at {name}: complex values are not supported on the command line")
    if value.dtype.kind not in "biuf" or value.size > _MAX_ELEMENTS:
        raise UserError(f"--at {name}={value_text}: not a number or a list of numbers")
    return name, value.astype(np.float64)


def _point(assignments: Sequence[str]) -> dict[str, np.ndarray]:
    point: dict[str, np.ndarray] = {}
    for text in assignments:
        name, value = parse_assignment(text)
        if name in point:
            raise UserError(f"--at gives {name} twice")
        point[name] = value
    if not point:
        raise UserError("give the point with --at, such as --at x1=1 x2=2")
    return point


def _function(expression: str, point: dict[str, np.ndarray]):
    f = parse_expression(expression, variables=list(point))
    return f, [name for name in point if name not in f.used]


# -- writing the output ----------------------------------------------------------------
def _number(value: float) -> str:
    return f"{float(value):.12g}"


def _element_names(name: str, shape: tuple) -> list[str]:
    if not shape:
        return [name]
    return [f"{name}[{', '.join(map(str, index))}]" for index in np.ndindex(*shape)]


def _heading(expression: str, point: dict[str, np.ndarray]) -> list[str]:
    at = ", ".join(f"{n} = {_format_array(v)}" for n, v in point.items())
    return [f"f({', '.join(point)}) = {expression}", f"at {at}"]


def _format_array(value: np.ndarray) -> str:
    if value.ndim == 0:
        return _number(value)
    return np.array2string(value, precision=12, separator=", ", threshold=20)


def _matrix_table(row_names: list[str], column_names: list[str], matrix: np.ndarray) -> str:
    rows = [[r, *(_number(v) for v in row)] for r, row in zip(row_names, matrix)]
    return text_table(["", *column_names], rows, right=range(1, len(column_names) + 1))


def _jsonable(value: Any) -> Any:
    value = np.asarray(value)
    if value.dtype.kind == "f" and not np.isfinite(value).all():
        return np.where(np.isfinite(value), value, None).tolist()  # JSON has no inf or nan
    return value.tolist()


# -- the commands --------------------------------------------------------------------
def _flat_inputs(point: dict[str, np.ndarray]) -> tuple[list[str], np.ndarray]:
    names = [n for name, v in point.items() for n in _element_names(name, v.shape)]
    flat = np.concatenate([v.reshape(-1) for v in point.values()]) if point else np.zeros(0)
    return names, flat


def _evaluate(f, point: dict[str, np.ndarray]) -> np.ndarray:
    try:
        return np.asarray(f(*point.values()))
    except (ValueError, TypeError) as error:
        raise UserError(f"evaluating the expression: {error}") from None


def run_derivative(command: str, expression: str, point: dict, mode: str, as_json: bool) -> str:
    f, unused = _function(expression, point)
    value = _evaluate(f, point)
    argnums = tuple(range(len(point)))
    values = list(point.values())
    in_names, _ = _flat_inputs(point)
    out_names = _element_names("f", value.shape)
    if command in ("grad", "hessian") and value.ndim:
        raise UserError(
            f"{command} needs an expression with a single number as its value; this one has "
            f"shape {value.shape}: use `chainrule jacobian`, or wrap it in sum(...)"
        )
    if command == "grad":
        blocks = cr.grad(f, argnums=argnums)(*values)
        matrix = np.concatenate([np.reshape(b, -1) for b in blocks])[None, :]
        note = "reverse mode, one sweep for all inputs"
    elif command == "jacobian":
        blocks = cr.jacobian(f, argnums=argnums, mode=mode)(*values)
        matrix = np.concatenate([np.reshape(b, (value.size, -1)) for b in blocks], axis=1)
        if mode == "auto":
            report = CostReport(cr.capture(f)(*values))
            mode = f"auto: {report.auto} mode, because {report.reason}"
        note = f"mode {mode}"
    else:
        n = len(in_names)
        blocks = cr.hessian(f, argnums=argnums)(*values)
        matrix = _hessian_matrix(blocks, [v.size for v in values], n)
        note = "forward mode over reverse mode"
    if as_json:
        result = {
            "command": command,
            "expression": expression,
            "at": {n: _jsonable(v) for n, v in point.items()},
            "value": _jsonable(value),
            "inputs": in_names,
        }
        if command == "grad":
            result["gradient"] = {name: _jsonable(g) for name, g in zip(point, blocks)}
        elif command == "jacobian":
            result["outputs"] = out_names
            result["jacobian"] = _jsonable(matrix)
            result["mode"] = note
        else:
            result["hessian"] = _jsonable(matrix)
        return json.dumps(result, indent=2)
    lines = _heading(expression, point)
    lines.append(f"f = {_format_array(value)}")
    lines.append("")
    title = {"grad": "gradient", "jacobian": "Jacobian", "hessian": "Hessian"}[command]
    lines.append(f"{title} ({note}):")
    if command == "grad":
        rows = [[f"∂f/∂{name}", _number(g)] for name, g in zip(in_names, matrix[0])]
        lines.append(text_table(["", "value"], rows, right=(1,)))
    elif command == "jacobian":
        lines.append(_matrix_table(out_names, in_names, matrix))
    else:
        lines.append(_matrix_table(in_names, in_names, matrix))
    if unused:
        lines += ["", f"({', '.join(unused)} not used by the expression: derivative 0)"]
    return "\n".join(lines)


def _hessian_matrix(blocks: Any, sizes: list[int], n: int) -> np.ndarray:
    matrix = np.zeros((n, n))
    starts = np.concatenate([[0], np.cumsum(sizes)])
    for i, row in enumerate(blocks):
        for j, block in enumerate(row):
            block = np.reshape(block, (sizes[i], sizes[j]))
            matrix[starts[i] : starts[i + 1], starts[j] : starts[j + 1]] = block
    return matrix


def run_explain(args: argparse.Namespace, point: dict) -> str:
    f, _ = _function(args.expression, point)
    _evaluate(f, point)
    values = list(point.values())
    graph = cr.capture(f)(*values)
    modes = ["forward", "reverse"] if args.mode == "both" else [args.mode]
    try:
        explanations = [
            sweep_of(graph, mode, args.wrt if mode == "forward" else None) for mode in modes
        ]
    except (ValueError, TypeError) as error:
        raise UserError(str(error)) from None
    report = None
    if not args.no_cost:
        report = CostReport(graph)
        if not args.no_timing:
            report.measure(f, *values, budget=0.3)
    if args.graph:
        notes = merged_notes(explanations)
        _write(args.graph, lambda path: graph.render(path, partials=True, notes=notes))
    if args.html:
        page = html_page(graph, explanations, report, formula=f"f = {args.expression}")
        _write(args.html, lambda path: pathlib.Path(path).write_text(page, encoding="utf-8"))
    if args.json:
        result = {
            "expression": args.expression,
            "at": {n: _jsonable(v) for n, v in point.items()},
            "graph": str(graph),
            **{e.mode: e.to_dict() for e in explanations},
        }
        if report is not None:
            result["cost"] = report.to_dict()
        return json.dumps(result, indent=2, default=_jsonable)
    rule = "-" * 72
    lines = [*_heading(args.expression, point), "", "The graph:", str(graph)]
    for explanation in explanations:
        lines += ["", rule, str(explanation)]
    if report is not None:
        lines += ["", rule, str(report)]
    for path in (args.graph, args.html):
        if path:
            lines += ["", f"wrote {path}"]
    return "\n".join(lines)


def _write(path: str, write) -> None:
    try:
        write(path)
    except OSError as error:
        raise UserError(f"cannot write {path}: {error.strerror or error}") from None
    except (RuntimeError, ValueError) as error:  # no Graphviz, or an unknown picture format
        raise UserError(str(error)) from None


# -- the parser ------------------------------------------------------------------------
_EPILOG = """\
expressions: numbers, the variables given with --at, + - * / ** @ and parentheses, and
functions of chainrule.numpy such as sin, cos, exp, log, sqrt, tanh, sum, mean, dot.
Anything else (attributes, indexing, imports, lambdas, ...) is refused, never run.

examples:
  chainrule grad "sin(cos(x1 + x2))**2 + x3" --at x1=1 x2=2 x3=3
  chainrule jacobian "x * sin(y)" --at x=1,2,3 y=0.5 --mode forward
  chainrule hessian "x**2 * y + exp(x * y)" --at x=1 y=2
  chainrule explain "sin(cos(x1 + x2))**2 + x3" --at x1=1 x2=2 x3=3 --mode reverse \\
      --graph seed.svg --html seed.html
  chainrule                                     (no arguments: the seed demonstration)
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chainrule",
        description="Exact derivatives of a formula, and how forward and reverse mode "
        "compute them. With no arguments: the seed demonstration.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"chainrule {cr.__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of errors")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, help_text: str, example: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(
            name,
            help=help_text,
            description=help_text,
            epilog=f"example:\n  {example}\n\n{_EPILOG.split('examples:')[0].strip()}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        sub.add_argument("expression", help='the formula, in quotes: "sin(x1) * x2"')
        sub.add_argument(
            "--at",
            nargs="+",
            action="extend",
            default=[],
            metavar="NAME=VALUE",
            help='the point: x1=1 x2=2.5, a vector x=1,2,3, a matrix "W=[[1,2],[3,4]]"',
        )
        sub.add_argument("--json", action="store_true", help="print JSON instead of tables")
        sub.add_argument(
            "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks"
        )
        return sub

    add(
        "grad",
        "the gradient of a formula whose value is one number (reverse mode)",
        'chainrule grad "sin(cos(x1 + x2))**2 + x3" --at x1=1 x2=2 x3=3',
    )
    jacobian = add(
        "jacobian",
        "the Jacobian matrix of a formula (rows: outputs, columns: inputs)",
        'chainrule jacobian "x * sin(y)" --at x=1,2,3 y=0.5 --mode forward',
    )
    jacobian.add_argument(
        "--mode",
        choices=["auto", "forward", "reverse"],
        default="auto",
        help="forward: one sweep per input; reverse: one sweep per output; auto (default) "
        "picks the one with fewer sweeps",
    )
    add(
        "hessian",
        "the Hessian matrix of a formula whose value is one number",
        'chainrule hessian "x**2 * y + exp(x * y)" --at x=1 y=2',
    )
    explain = add(
        "explain",
        "the graph, the forward and reverse sweeps step by step, and what each mode costs",
        'chainrule explain "sin(cos(x1 + x2))**2 + x3" --at x1=1 x2=2 x3=3 --wrt x2 '
        "--graph seed.svg --html seed.html",
    )
    explain.add_argument(
        "--mode",
        choices=["both", "forward", "reverse"],
        default="both",
        help="which sweep to show (default: both)",
    )
    explain.add_argument(
        "--wrt",
        metavar="NAME",
        help="the input whose direction forward mode follows: x2, or one element x[1] "
        "(default: the first variable)",
    )
    explain.add_argument(
        "--graph", metavar="FILE", help="draw the annotated graph to FILE (.svg, .png, .pdf)"
    )
    explain.add_argument(
        "--html", metavar="FILE", help="write a self-contained HTML report to FILE"
    )
    explain.add_argument("--no-cost", action="store_true", help="leave out the cost comparison")
    explain.add_argument(
        "--no-timing", action="store_true", help="count the cost of each mode, but do not time it"
    )
    demo_command = commands.add_parser("demo", help="the seed demonstration (also: no arguments)")
    demo_command.add_argument(
        "--at",
        nargs=3,
        type=float,
        metavar=("X1", "X2", "X3"),
        default=(1.0, 2.0, 3.0),
        help="the point (default: 1 2 3)",
    )
    demo_command.add_argument(
        "--step", type=float, default=1e-6, help="finite-difference step (default: 1e-6)"
    )
    return parser


def run(args: argparse.Namespace) -> str:
    if args.command in (None, "demo"):
        at = getattr(args, "at", (1.0, 2.0, 3.0))
        step = getattr(args, "step", 1e-6)
        if not all(math.isfinite(v) for v in at) or not step > 0:
            raise UserError("demo: --at needs three finite numbers and --step a positive one")
        return demo(tuple(at), step)
    point = _point(args.at)
    if args.command == "explain":
        return run_explain(args, point)
    mode = getattr(args, "mode", "auto")
    return run_derivative(args.command, args.expression, point, mode, args.json)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m chainrule` and of the `chainrule` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        output = run(args)
    except (UserError, ExpressionError) as error:
        if args.debug:
            traceback.print_exc()
        message = str(error)
        first, _, rest = message.partition("\n")
        print(f"chainrule: error: {first}", file=sys.stderr)
        if rest:
            print(rest, file=sys.stderr)
        return 2
    except Exception as error:  # a bug of ours, or an arithmetic surprise: no traceback
        if args.debug:
            traceback.print_exc()
        else:
            print(
                f"chainrule: error: {type(error).__name__}: {error} (run again with --debug "
                f"for the traceback, and please report it if it looks like a bug)",
                file=sys.stderr,
            )
        return 1
    print(output)
    return 0
