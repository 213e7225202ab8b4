"""What forward and reverse mode cost to build a whole Jacobian: counted, then measured.

The counts follow the theory on a captured Graph. Forward mode runs one sweep per input
element; a sweep does work only at the steps its tangent reaches (elsewhere the tangent
is a structural zero). Reverse mode records one run and sweeps once per output element;
a sweep does work only at the steps that lead to its output. Every step a sweep passes
costs, for each input the derivative passes through ("edge"):

- elementwise steps: one local partial evaluation and one multiply-add per element;
- contractions (matmul, einsum): one multiply-add per term of the sum, no partials (the
  local partial of a product is the other factor, read, not evaluated);
- sums and cumulative sums: one addition per input element, broadcasts one per output
  element; moving values (reshape, transpose, slicing, indexing) is not counted;
- other steps (prod, max, where, ...): one multiply-add per element, as an estimate.

Estimated flops are 2 per multiply-add plus 1 per partial evaluation.
"""

from __future__ import annotations

import html
import math
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from chainrule.core.graph import Equation, Var
from chainrule.explainer.capture import _VALUE_TYPES, capture
from chainrule.explainer.graph import Graph
from chainrule.explainer.tables import html_table, text_table, wrap
from chainrule.transforms import jacobian
from chainrule.tree import tree_leaves

_MOVES = {"shape", "indexing"}


def _size(spec) -> int:
    return math.prod(spec.shape)


def _value_size(value: Any) -> int:
    return int(np.size(value.value if isinstance(value, Var) else value))


def edge_cost(equation: Equation, position: int) -> tuple[int, int]:
    """(local partial evaluations, multiply-adds) for one sweep across one edge: the
    derivative passing between ``equation``'s result and its input ``position``."""
    primitive = equation.primitive
    out_size = sum(_size(v.spec) for v in equation.outputs)
    if primitive.partials is not None:
        return out_size, out_size
    name = primitive.name
    if name == "matmul":
        first = equation.inputs[0]
        shape = first.spec.shape if isinstance(first, Var) else np.shape(first)
        return 0, max(out_size, 1) * (shape[-1] if shape else 1)
    if name == "einsum":
        sizes: dict[str, int] = {}
        letters = equation.params["subscripts"].split("->")[0].split(",")
        for word, operand in zip(letters, equation.inputs):
            shape = operand.spec.shape if isinstance(operand, Var) else np.shape(operand)
            sizes.update(zip(word, shape))
        return 0, math.prod(sizes.values())
    if name in ("sum", "cumsum"):
        return 0, _value_size(equation.inputs[position])
    if name == "broadcast_to":
        return 0, out_size
    if primitive.family in _MOVES:
        return 0, 0
    return 0, max(out_size, _value_size(equation.inputs[position]))


class Edge:
    """An edge of the graph that derivatives cross, with how many sweeps of each mode do."""

    __slots__ = ("number", "equation", "operand", "partials", "madds", "forward", "reverse")

    def __init__(self, number, equation, operand, partials, madds, forward, reverse) -> None:
        self.number = number
        self.equation = equation
        self.operand = operand
        self.partials = partials  # per sweep
        self.madds = madds  # per sweep
        self.forward = forward  # sweeps of forward mode that cross it, by input name
        self.reverse = reverse  # sweeps of reverse mode that cross it

    @property
    def label(self) -> str:
        return f"∂{self.equation.outputs[0].name}/∂{self.operand.name}"

    @property
    def forward_sweeps(self) -> int:
        return sum(self.forward.values())


class ModeCost:
    """The totals of one mode for the whole Jacobian."""

    __slots__ = ("mode", "sweeps", "runs", "partials", "madds", "recorded", "seconds")

    def __init__(self, mode, sweeps, runs, partials, madds, recorded) -> None:
        self.mode = mode
        self.sweeps = sweeps
        self.runs = runs
        self.partials = partials
        self.madds = madds
        self.recorded = recorded  # elements kept from the run for the sweeps
        self.seconds: float | None = None  # measured median, when timed

    @property
    def flops(self) -> int:
        return 2 * self.madds + self.partials


def _dependencies(graph: Graph) -> dict[int, int]:
    """For each value, the inputs it depends on, as a bit set (bit i: input i)."""
    depends = {id(var): 1 << i for i, var in enumerate(graph.inputs)}
    for equation in graph.equations:
        if equation.primitive.jvp is None:
            continue
        bits = 0
        for operand in equation.inputs:
            if isinstance(operand, Var):
                bits |= depends.get(id(operand), 0)
        if bits:
            for var in equation.outputs:
                if var.spec.dtype.kind in "fc":
                    depends[id(var)] = bits
    return depends


def _reaches(graph: Graph, depends: dict[int, int]) -> dict[int, int]:
    """For each value, the outputs it leads to, as a bit set (bit k: output k)."""
    reaches: dict[int, int] = {}
    for k, out in enumerate(graph.outputs):
        if isinstance(out, Var) and id(out) in depends:
            reaches[id(out)] = reaches.get(id(out), 0) | 1 << k
    for equation in reversed(graph.equations):
        bits = 0
        for var in equation.outputs:
            bits |= reaches.get(id(var), 0)
        if bits and equation.primitive.vjp is not None:
            for operand in equation.inputs:
                if isinstance(operand, Var) and id(operand) in depends:
                    reaches[id(operand)] = reaches.get(id(operand), 0) | bits
    return reaches


def _weighted(bits: int, sizes: list[int]) -> int:
    total, index = 0, 0
    while bits:
        if bits & 1:
            total += sizes[index]
        bits >>= 1
        index += 1
    return total


class CostReport:
    """Forward against reverse mode for the full Jacobian of one captured run.

    ``forward`` and ``reverse`` hold the totals (ModeCost), ``edges`` the per-edge counts,
    ``auto`` the mode ``cr.jacobian(mode="auto")`` picks and ``reason`` why. Print it
    for the table; ``to_dict()`` for JSON, ``to_html()`` for the report.
    """

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        depends = _dependencies(graph)
        reaches = _reaches(graph, depends)
        input_sizes = [_size(v.spec) for v in graph.inputs]
        outs = [o for o in graph.outputs if isinstance(o, Var) and id(o) in depends]
        output_sizes = [_size(o.spec) if isinstance(o, Var) else 0 for o in graph.outputs]
        self.n_inputs = sum(input_sizes)
        self.n_outputs = sum(
            int(np.size(o.value if isinstance(o, Var) else o)) for o in graph.outputs
        )
        self.edges: list[Edge] = []
        recorded: dict[int, int] = {}
        for number, equation in enumerate(graph.equations, start=1):
            primitive = equation.primitive
            if primitive.jvp is None:
                continue
            out_reach = 0
            for var in equation.outputs:
                out_reach |= reaches.get(id(var), 0)
            for position, operand in enumerate(equation.inputs):
                bits = depends.get(id(operand), 0) if isinstance(operand, Var) else 0
                if not bits:
                    continue
                partials, madds = edge_cost(equation, position)
                forward = {
                    graph.inputs[i].name: input_sizes[i]
                    for i in range(len(graph.inputs))
                    if bits >> i & 1
                }
                reverse = _weighted(out_reach, output_sizes)
                self.edges.append(
                    Edge(number, equation, operand, partials, madds, forward, reverse)
                )
            if out_reach:  # what the tape keeps for this step's rule
                kept = list(equation.inputs) if primitive.saves_inputs else []
                kept += equation.outputs if primitive.saves_out else []
                for value in kept:
                    if isinstance(value, Var):
                        recorded[id(value)] = _size(value.spec)
        self.forward = ModeCost(
            "forward",
            self.n_inputs,
            self.n_inputs,
            sum(e.partials * e.forward_sweeps for e in self.edges),
            sum(e.madds * e.forward_sweeps for e in self.edges),
            0,
        )
        self.reverse = ModeCost(
            "reverse",
            sum(_size(o.spec) for o in outs),
            1,
            sum(e.partials * e.reverse for e in self.edges),
            sum(e.madds * e.reverse for e in self.edges),
            sum(recorded.values()),
        )
        self.auto, self.reason = _auto_choice(self.n_inputs, self.n_outputs)

    def measure(self, f: Callable[..., Any], *args: Any, budget: float = 0.5) -> None:
        """Time ``cr.jacobian(f, mode=...)`` of both modes at ``args`` (medians)."""
        argnums = tuple(i for i, a in enumerate(args) if _has_float(a))
        if argnums:
            for mode_cost in (self.forward, self.reverse):
                jac = jacobian(f, argnums=argnums, mode=mode_cost.mode)
                mode_cost.seconds = _median_seconds(lambda jac=jac: jac(*args), budget)

    # -- what forward mode repeats ------------------------------------------------------
    @property
    def repeated(self) -> list[Edge]:
        """Edges whose partials forward mode evaluates in more than one sweep."""
        return [e for e in self.edges if e.partials and e.forward_sweeps > 1]

    @property
    def repeated_evaluations(self) -> int:
        """Partial evaluations forward mode repeats: each beyond an edge's first sweep."""
        return sum(e.partials * (e.forward_sweeps - 1) for e in self.repeated)

    # -- output ---------------------------------------------------------------------
    def _lines(self) -> list[tuple[str, str, str]]:
        forward, reverse = self.forward, self.reverse
        rows = [
            ("sweeps", f"{forward.sweeps} (one per input)", f"{reverse.sweeps} (one per output)"),
            ("runs of the function", f"{forward.runs} (one with each sweep)", "1 (recorded)"),
            ("local partial evaluations", f"{forward.partials:,}", f"{reverse.partials:,}"),
            ("multiply-adds", f"{forward.madds:,}", f"{reverse.madds:,}"),
            ("estimated flops", f"{forward.flops:,}", f"{reverse.flops:,}"),
            ("values kept for the sweep", "0", f"{reverse.recorded:,} elements"),
        ]
        if forward.seconds is not None and reverse.seconds is not None:
            rows.append(
                (
                    "measured time (median)",
                    _duration(forward.seconds),
                    _duration(reverse.seconds),
                )
            )
        return rows

    def _repeated_lines(self) -> list[str]:
        repeated = self.repeated
        if not repeated:
            return ["Forward mode evaluates no local partial in more than one sweep."]
        lines = [
            "Forward mode evaluates these local partials again in every sweep that crosses "
            "them; reverse mode evaluates each once per output:"
        ]
        for edge in repeated[:12]:
            names = list(edge.forward)
            who = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
            lines.append(
                f"  {edge.label} (step {edge.number}, {edge.equation.primitive.name}): "
                f"in {edge.forward_sweeps} forward sweeps ({who}), {edge.reverse} reverse"
            )
        if len(repeated) > 12:
            lines.append(f"  ... and {len(repeated) - 12} more")
        lines.append(
            f"In all forward mode repeats {self.repeated_evaluations:,} partial evaluations."
        )
        return lines

    def _heading(self) -> str:
        graph = self.graph
        signature = f"{graph.name}({', '.join(v.name for v in graph.inputs)})"
        return (
            f"Cost of the whole Jacobian of {signature}: {self.n_inputs} input "
            f"element{'s' if self.n_inputs != 1 else ''}, {self.n_outputs} output "
            f"element{'s' if self.n_outputs != 1 else ''}"
        )

    def __str__(self) -> str:
        table = text_table(["", "forward mode", "reverse mode"], self._lines(), right=(1, 2))
        auto = f'jacobian(mode="auto") picks {self.auto} mode: {self.reason}'
        repeated = [wrap(line) for line in self._repeated_lines()]
        return "\n".join([wrap(self._heading()), "", table, "", *repeated, "", wrap(auto)])

    def __repr__(self) -> str:
        return f"<CostReport {self.graph.name}: {self.n_inputs} -> {self.n_outputs}>"

    def to_html(self) -> str:
        table = html_table(["", "forward mode", "reverse mode"], self._lines(), "cost", (1, 2))
        repeated = "<br>".join(html.escape(line) for line in self._repeated_lines())
        auto = html.escape(f'jacobian(mode="auto") picks {self.auto} mode: {self.reason}')
        return (
            f'<section class="cost"><p>{html.escape(self._heading())}</p>\n{table}\n'
            f"<p>{repeated}</p><p>{auto}</p></section>"
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_dict(self) -> dict:
        def mode(cost: ModeCost) -> dict:
            return {
                "sweeps": cost.sweeps,
                "runs": cost.runs,
                "partial_evaluations": cost.partials,
                "multiply_adds": cost.madds,
                "estimated_flops": cost.flops,
                "values_kept": cost.recorded,
                "seconds": cost.seconds,
            }

        return {
            "function": self.graph.name,
            "input_elements": self.n_inputs,
            "output_elements": self.n_outputs,
            "forward": mode(self.forward),
            "reverse": mode(self.reverse),
            "repeated_by_forward": [
                {
                    "partial": e.label,
                    "step": e.number,
                    "forward_sweeps": e.forward_sweeps,
                    "reverse_sweeps": e.reverse,
                }
                for e in self.repeated
            ],
            "repeated_evaluations": self.repeated_evaluations,
            "auto": {"mode": self.auto, "reason": self.reason},
        }


def _auto_choice(n_inputs: int, n_outputs: int) -> tuple[str, str]:
    """The mode `jacobian(mode="auto")` takes, by the same rule, and why."""
    if n_inputs <= 1:
        return "forward", "a single input element needs a single forward sweep"
    if n_inputs < n_outputs:
        return "forward", (
            f"{n_inputs} inputs < {n_outputs} outputs, so {n_inputs} forward sweeps "
            f"are fewer than {n_outputs} reverse ones"
        )
    return "reverse", (
        f"{n_outputs} output{'s' if n_outputs != 1 else ''} <= {n_inputs} inputs, so "
        f"{n_outputs} reverse sweep{'s' if n_outputs != 1 else ''} instead of "
        f"{n_inputs} forward ones"
    )


def _duration(seconds: float) -> str:
    for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def _median_seconds(run: Callable[[], Any], budget: float) -> float:
    """Median time of one call of ``run``, from up to 5 samples within about ``budget``
    seconds (each sample a loop of calls, so that fast calls are timed reliably)."""
    start = time.perf_counter()
    run()
    once = max(time.perf_counter() - start, 1e-7)
    repeats = max(1, min(5, int(budget / once)))
    loops = max(1, int(budget / repeats / once))
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(loops):
            run()
        samples.append((time.perf_counter() - start) / loops)
    return statistics.median(samples)


def cost(f: Callable[..., Any], *args: Any, timing: bool = True, budget: float = 0.5) -> CostReport:
    """Count (and with ``timing``, measure) forward against reverse mode for the whole
    Jacobian of ``f`` at ``args``, which are treated as `explain` and `capture` treat them.

    The measured times are medians of ``cr.jacobian(f, mode="forward")`` and
    ``mode="reverse"`` over about ``budget`` seconds each.

    >>> import chainrule as cr, chainrule.numpy as cnp
    >>> report = cr.cost(lambda x1, x2, x3: cnp.sin(cnp.cos(x1 + x2)) ** 2 + x3,
    ...                  1.0, 2.0, 3.0, timing=False)
    >>> report.forward.partials, report.reverse.partials, report.repeated_evaluations
    (11, 7, 4)
    """
    report = CostReport(capture(f)(*args))
    if timing:
        report.measure(f, *args, budget=budget)
    return report


def _has_float(value: Any) -> bool:
    return any(
        np.asarray(leaf).dtype.kind in "fc"
        for leaf in tree_leaves(value)
        if isinstance(leaf, _VALUE_TYPES)
    )
