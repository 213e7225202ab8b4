"""cr.explain: the forward or reverse sweep of a function, step by step, with its numbers."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

import numpy as np

from chainrule.core.graph import Var
from chainrule.explainer.capture import capture
from chainrule.explainer.graph import Graph, format_value
from chainrule.explainer.notation import (
    adjoint_name,
    broadcast_note,
    code,
    element_name,
    jsonable,
    partial_name,
    product,
    signed_sum,
    sum_text,
    tangent_name,
)
from chainrule.explainer.sweeps import (
    ForwardStep,
    ReverseStep,
    forward_sweep,
    reverse_sweep,
    zero_like,
)
from chainrule.explainer.tables import html_table, text_table, wrap

_ELEMENT = re.compile(r"^(?P<name>.+?)\[(?P<index>[0-9,\s]+)\]$")


def _find_input(inputs: list[Var], wrt: Any, caller: str) -> tuple[Var, tuple | None]:
    """The input ``wrt`` names (a name, 'name[i, j]' for one element, or a position)."""
    names = ", ".join(v.name for v in inputs)
    if isinstance(wrt, (int, np.integer)) and not isinstance(wrt, bool):
        if not -len(inputs) <= wrt < len(inputs):
            raise ValueError(f"{caller}: wrt={wrt} is out of range; the inputs are {names}")
        return inputs[wrt], None
    if not isinstance(wrt, str):
        raise TypeError(
            f"{caller}: wrt must be an input's name (such as {inputs[0].name!r}) or position, "
            f"not {type(wrt).__name__}"
        )
    for var in inputs:
        if var.name == wrt:
            return var, None
    match = _ELEMENT.match(wrt)
    if match:
        for var in inputs:
            if var.name == match["name"]:
                index = tuple(int(i) for i in match["index"].split(","))
                try:
                    np.ravel_multi_index(index, var.spec.shape)
                except ValueError:
                    raise ValueError(
                        f"{caller}: wrt={wrt!r} is not an element of {var.name}, whose shape "
                        f"is {var.spec.shape}"
                    ) from None
                return var, index
    raise ValueError(f"{caller}: wrt={wrt!r} is not an input of the function; its inputs: {names}")


def _unit(var: Var, index: tuple | None) -> tuple[Any, tuple]:
    """The unit tangent at one element of ``var`` (its first when ``index`` is None)."""
    shape = var.spec.shape
    index = index if index is not None else tuple(0 for _ in shape)
    unit = np.zeros(shape, var.spec.dtype)
    unit[index] = 1
    return unit[()], index


def _as_seed(seed: Any, var: Var, caller: str, what: str) -> Any:
    value = np.asarray(seed, dtype=var.spec.dtype)
    if value.shape != var.spec.shape:
        raise ValueError(
            f"{caller}: seed has shape {value.shape}, but {what} {var.name} has shape "
            f"{var.spec.shape}; pass a seed of that shape"
        )
    return value[()]


class Explanation:
    """One sweep of forward or reverse mode over a captured run, ready to print.

    ``print(explanation)`` gives the table; ``steps`` the data (ForwardStep or
    ReverseStep, in the order the sweep computed them); ``result`` the derivatives the
    sweep produced, by name; ``to_dict()`` a JSON-ready form; ``to_html()`` the table as
    HTML; ``to_dot()`` and ``render()`` the graph with each value's tangent or adjoint.
    """

    def __init__(self, graph, mode, steps, result, direction, input_sources=None, wrt=None) -> None:
        self.graph: Graph = graph
        self.wrt: str | None = wrt  # forward mode: the input or element, unless a seed was given
        self.mode: str = mode
        self.steps: list[ForwardStep] | list[ReverseStep] = steps
        self.result: dict[str, Any] = result
        self.direction: str = direction
        self._input_sources = input_sources or {}

    # -- the table ------------------------------------------------------------------
    @property
    def headers(self) -> list[str]:
        if self.mode == "forward":
            return ["step", "computes", "value", "local partial", "contribution", "tangent"]
        return ["step", "computes", "adjoint of the result", "local partial", "sends back"]

    @property
    def rows(self) -> list[list[str]]:
        """The table's cells as text, a row per chain-rule product."""
        if self.mode == "forward":
            return [row for step in self.steps for row in self._forward_rows(step)]
        rows = [row for step in self.steps for row in self._reverse_rows(step)]
        for var, sources in self._input_sources.items():
            if var.name in self.result:
                rows.append(["", f"{var.name} (input)", sum_text(var, sources), "", ""])
        return rows

    def _forward_rows(self, step: ForwardStep) -> list[list[str]]:
        equation = step.equation
        out = equation.outputs[0]
        value = format_value(out.value) if len(equation.outputs) == 1 else ""
        rows = []
        for term in step.terms:
            incoming = tangent_name(term.operand.name)
            if term.partial is None:
                partial = f"({equation.primitive.name}'s JVP rule)"
                contribution = f"from {incoming}"
            else:
                label = partial_name(equation, term)
                partial = f"{label} = {format_value(term.partial)}"
                shown = product(term.partial, term.incoming, term.value)
                contribution = f"{label} · {incoming} = {shown}"
            rows.append(["", "", "", partial, contribution, ""])
        parts = [
            f"{tangent_name(v.name)} = {format_value(t)}"
            for v, t in zip(equation.outputs, step.tangents)
            if t is not None
        ]
        if step.terms and step.terms[0].partial is not None and len(step.terms) > 1:
            sums = signed_sum([t.value for t in step.terms])
            parts = [f"{tangent_name(out.name)} = {sums} = {format_value(step.tangents[0])}"]
        rows[0][:3] = [str(step.number), code(equation), value]
        rows[-1][5] = "; ".join(parts)
        return rows

    def _reverse_rows(self, step: ReverseStep) -> list[list[str]]:
        equation = step.equation
        adjoints = "; ".join(
            sum_text(var, sources)
            for var, sources in zip(equation.outputs, step.sources)
            if sources
        )
        rows = []
        for term in step.terms:
            target = adjoint_name(term.operand.name)
            if term.partial is None:
                partial = f"({equation.primitive.name}'s VJP rule)"
                sent = f"{target} += {format_value(term.value)}"
            else:
                incoming = adjoint_name(equation.outputs[0].name)
                label = partial_name(equation, term)
                partial = f"{label} = {format_value(term.partial)}"
                shown = product(term.incoming, term.partial, term.value)
                sent = f"{target} += {incoming} · {label} = {shown}"
            sent += broadcast_note(term)
            rows.append(["", "", "", partial, sent])
        rows[0][:3] = [str(step.number), code(equation), adjoints]
        return rows

    def _heading(self) -> list[str]:
        graph = self.graph
        point = ", ".join(f"{v.name} = {format_value(v.value)}" for v in graph.inputs)
        signature = f"{graph.name}({', '.join(v.name for v in graph.inputs)})"
        if self.mode == "forward":
            return [
                f"Forward mode on {signature} at {point}",
                f"direction: {self.direction}; every other input's tangent is 0.",
                "The sweep runs with the function, from the inputs to the output, carrying "
                "one tangent per value.",
            ]
        return [
            f"Reverse mode on {signature} at {point}",
            f"seed: {self.direction}.",
            "The function runs first and is recorded; the sweep then goes from the output "
            "back to the inputs, adding up each value's adjoint from every step that used it.",
        ]

    def _summary(self) -> list[str]:
        f = self.graph.name
        if self.mode == "forward":
            outputs = list(self.result.items())
            parts = []
            for name, value in outputs:
                what = f if len(outputs) == 1 else name
                if name.startswith("output "):
                    parts.append(f"{name} = 0 (a constant)")
                elif self.wrt is None:  # a given direction
                    parts.append(f"{tangent_name(name)} = {format_value(value)}")
                else:
                    parts.append(
                        f"∂{what}/∂{self.wrt} = {tangent_name(name)} = {format_value(value)}"
                    )
            given = " along the given direction" if self.wrt is None else ""
            lines = [f"Result: {', '.join(parts)}, from one sweep{given}."]
            others = sum(v.value.size if hasattr(v.value, "size") else 1 for v in self.graph.inputs)
            others -= 1
            if others and self.wrt is not None:
                scalars = [v.name for v in self.graph.inputs if not v.spec.shape]
                if len(scalars) == others + 1 and others <= 6:
                    names = [n for n in scalars if n != self.wrt]
                    who = " and ".join(
                        [", ".join(names[:-1]), names[-1]] if len(names) > 1 else names
                    )
                    verb = "needs a sweep of its own" if len(names) == 1 else "each need a sweep"
                    lines.append(f"{who} {verb}: forward mode runs one sweep per input.")
                else:
                    lines.append(
                        f"Each of the other {others} input elements needs a sweep of its own: "
                        "forward mode runs one sweep per input element."
                    )
            return lines
        values = ", ".join(
            f"∂{f}/∂{name} = {adjoint_name(name)} = {format_value(value)}"
            for name, value in self.result.items()
        )
        names = list(self.result)
        if len(names) == len(self.graph.inputs):
            count = "its only input" if len(names) == 1 else f"all {len(names)} inputs"
        else:
            count = ", ".join(names)
        return [f"Result: {values}: the derivatives with respect to {count}, from one sweep."]

    def __str__(self) -> str:
        right = (2,) if self.mode == "forward" else ()
        table = text_table(self.headers, self.rows, right=right)
        heading = [wrap(line) for line in self._heading()]
        return "\n".join([*heading, "", table, "", *(wrap(line) for line in self._summary())])

    def __repr__(self) -> str:
        return f"<Explanation: {self.mode} mode on {self.graph.name}, {len(self.steps)} steps>"

    def to_html(self) -> str:
        """The heading and the table as an HTML fragment (class 'sweep forward'/'reverse')."""
        heading = "".join(f"<p>{html.escape(line)}</p>" for line in self._heading())
        summary = "".join(f"<p>{html.escape(line)}</p>" for line in self._summary())
        table = html_table(self.headers, self.rows, f"sweep {self.mode}")
        return f'<section class="{self.mode}">{heading}\n{table}\n{summary}</section>'

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_dict(self) -> dict:
        """The sweep as plain data (lists and numbers), for JSON."""
        steps = []
        for step in self.steps:
            entry: dict[str, Any] = {"step": step.number, "computes": code(step.equation)}
            entry["terms"] = [
                {
                    "through": term.operand.name,
                    "local_partial": None if term.partial is None else jsonable(term.partial),
                    "contribution": None if term.value is None else jsonable(term.value),
                }
                for term in step.terms
            ]
            if isinstance(step, ForwardStep):
                entry["value"] = jsonable(step.equation.outputs[0].value)
                entry["tangent"] = {
                    v.name: jsonable(t)
                    for v, t in zip(step.equation.outputs, step.tangents)
                    if t is not None
                }
            else:
                entry["adjoint"] = {
                    v.name: jsonable(a)
                    for v, a in zip(step.equation.outputs, step.adjoints)
                    if a is not None
                }
            steps.append(entry)
        return {
            "mode": self.mode,
            "function": self.graph.name,
            "at": {v.name: jsonable(v.value) for v in self.graph.inputs},
            "direction" if self.mode == "forward" else "seed": self.direction,
            "steps": steps,
            "result": {name: jsonable(value) for name, value in self.result.items()},
        }

    # -- the picture ----------------------------------------------------------------
    def notes(self) -> dict[str, str]:
        """Each value's tangent ('ṫ3 = …') or adjoint ('t̄3 = …'), by value name."""
        notes = {}
        if self.mode == "forward":
            for step in self.steps:
                for var, tangent in zip(step.equation.outputs, step.tangents):
                    if tangent is not None:
                        notes[var.name] = f"{tangent_name(var.name)} = {format_value(tangent, 4)}"
            for var in self.graph.inputs:
                if self.direction.startswith(tangent_name(var.name) + " "):
                    notes[var.name] = self.direction.replace(" (", "\n(", 1)
        else:
            for step in self.steps:
                for var, adjoint in zip(step.equation.outputs, step.adjoints):
                    if adjoint is not None:
                        notes[var.name] = f"{adjoint_name(var.name)} = {format_value(adjoint, 4)}"
            for name, value in self.result.items():
                notes[name] = f"{adjoint_name(name)} = {format_value(value, 4)}"
        return notes

    def to_dot(self, partials: bool = True) -> str:
        """The graph's DOT text with every value's tangent or adjoint under its value."""
        return self.graph.to_dot(partials=partials, notes=self.notes())

    def render(self, path: str, partials: bool = True):
        """Draw the annotated graph to ``path`` (.svg, .png, .pdf) with Graphviz."""
        return self.graph.render(path, partials=partials, notes=self.notes())


def merged_notes(explanations: list[Explanation]) -> dict[str, str]:
    """The notes of several sweeps over one graph, a value's lines joined (ṫ3 and t̄3)."""
    notes: dict[str, str] = {}
    for explanation in explanations:
        for name, text in explanation.notes().items():
            notes[name] = f"{notes[name]}\n{text}" if name in notes else text
    return notes


def explain(
    f: Callable[..., Any],
    *args: Any,
    mode: str = "reverse",
    wrt: Any = None,
    seed: Any = None,
) -> Explanation:
    """Run ``f(*args)`` and show one sweep of ``mode`` ("forward" or "reverse") step by step.

    Forward mode follows one input direction: ``wrt`` names the input (or one element,
    ``"x[2]"``; default the first input, and an array's first element), ``seed`` may give
    the tangent instead. Reverse mode starts from the output with adjoint ``seed``
    (default 1, or 1 at the first element of an array output) and gives the derivative
    with respect to every input, or to those ``wrt`` names.

    >>> import chainrule as cr, chainrule.numpy as cnp
    >>> seed = lambda x1, x2, x3: cnp.sin(cnp.cos(x1 + x2)) ** 2 + x3
    >>> e = cr.explain(seed, 1.0, 2.0, 3.0, mode="forward", wrt="x2")
    >>> [step.equation.primitive.name for step in e.steps]
    ['add', 'cos', 'sin', 'power', 'add']
    >>> round(float(e.result["t5"]), 6)
    0.12947
    """
    if mode not in ("forward", "reverse"):
        raise ValueError(f"explain: mode={mode!r} is not one of 'forward', 'reverse'")
    return sweep_of(capture(f)(*args), mode, wrt, seed)


def sweep_of(graph: Graph, mode: str, wrt: Any = None, seed: Any = None) -> Explanation:
    """The Explanation of one sweep over an already captured ``graph`` (see `explain`)."""
    caller = f"explain(mode={mode!r})"
    if mode not in ("forward", "reverse"):
        raise ValueError(f"explain: mode={mode!r} is not one of 'forward', 'reverse'")
    if not graph.inputs:
        raise ValueError(
            "explain: the arguments hold no float numbers or arrays to differentiate; pass "
            "floats (1.0, not 1) for the values to differentiate with respect to"
        )
    outputs = [o for o in graph.outputs if isinstance(o, Var)]
    for out in outputs:
        if out.spec.dtype.kind not in "fc":
            raise TypeError(
                f"{caller}: the function returns {out.spec.dtype} values, which have no "
                f"derivative; return floats"
            )
    if mode == "forward":
        var, index = _find_input(graph.inputs, 0 if wrt is None else wrt, caller)
        if seed is None:
            tangent, index = _unit(var, index)
            where = f" (1 at {element_name(var, index)}, 0 elsewhere)" if var.spec.shape else ""
            direction = f"{tangent_name(var.name)} = {format_value(tangent)}{where}"
            label = element_name(var, index)
        else:
            tangent = _as_seed(seed, var, caller, "input")
            direction = f"{tangent_name(var.name)} = {format_value(tangent)} (given)"
            label = None
        steps = forward_sweep(graph.equations, {var: tangent})
        tangent_of = {id(v): t for s in steps for v, t in zip(s.equation.outputs, s.tangents)}
        tangent_of[id(var)] = tangent
        result = {}
        for position, out in enumerate(graph.outputs):
            name = out.name if isinstance(out, Var) else f"output {position}"
            found = tangent_of.get(id(out)) if isinstance(out, Var) else None
            if found is None:
                found = zero_like(out) if isinstance(out, Var) else np.zeros_like(out)[()]
            result[name] = _scalar_or_array(found)
        return Explanation(graph, mode, steps, result, direction, wrt=label)

    chosen = (
        list(graph.inputs)
        if wrt is None
        else [
            _find_input(graph.inputs, w, caller)[0]
            for w in (wrt if isinstance(wrt, (list, tuple)) else [wrt])
        ]
    )
    if not outputs:
        raise ValueError(f"{caller}: the function's result does not depend on its inputs")
    out = outputs[0]
    if seed is None:
        out_bar, index = _unit(out, None)
        where = f" (1 at {element_name(out, index)}, 0 elsewhere)" if out.spec.shape else ""
        direction = f"{adjoint_name(out.name)} = {format_value(out_bar)}{where}"
    else:
        out_bar = _as_seed(seed, out, caller, "the output")
        direction = f"{adjoint_name(out.name)} = {format_value(out_bar)} (given)"
    steps, sources = reverse_sweep(graph.equations, chosen, {out: out_bar})
    result = {}
    for var in chosen:
        contributions = sources[var]
        total = zero_like(var) if not contributions else contributions[0][1]
        for _, value in contributions[1:]:
            total = total + value
        result[var.name] = _scalar_or_array(total)
    return Explanation(graph, mode, steps, result, direction, input_sources=sources)


def _scalar_or_array(value: Any) -> Any:
    """A 0-d array as a NumPy scalar, as `grad` and `jvp` return it."""
    return value[()] if isinstance(value, np.ndarray) and value.ndim == 0 else value
