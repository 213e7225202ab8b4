"""Graph: a captured computation, printed as three-address code and drawn with Graphviz."""

from __future__ import annotations

import math
import pathlib
import shutil
import subprocess
from typing import Any

import numpy as np

from chainrule.core.graph import Equation, Var

_DTYPE_NAMES = {"float64": "f64", "float32": "f32", "float16": "f16", "int64": "i64"}


def describe_spec(var: Var) -> str:
    """'f64[]', 'f32[3,2]': a value's dtype and shape, compactly."""
    dtype = _DTYPE_NAMES.get(var.spec.dtype.name, var.spec.dtype.name)
    return f"{dtype}[{','.join(str(n) for n in var.spec.shape)}]"


def format_value(value: Any, digits: int = 6) -> str:
    """A value for a listing or a picture: scalars and small arrays in full, else a summary."""
    array = np.asarray(value)
    if array.ndim == 0:
        return _format_number(array[()], digits)
    if array.size <= 4 and array.size:
        return _nested(array, digits)
    return f"array of shape {array.shape}"


def _nested(array: np.ndarray, digits: int) -> str:
    if array.ndim == 0:
        return _format_number(array[()], digits)
    return "[" + ", ".join(_nested(row, digits) for row in array) + "]"


def _format_number(number: Any, digits: int) -> str:
    if isinstance(number, (bool, np.bool_)) or not isinstance(number, (float, np.floating)):
        return str(number)
    if math.isfinite(number) and number == int(number) and abs(number) < 1e15:
        return str(int(number))
    return f"{float(number):.{digits}g}"


def _operand(value: Any) -> str:
    return value.name if isinstance(value, Var) else format_value(value)


def _params(params: dict) -> str:
    return "".join(f", {key}={value!r}" for key, value in params.items())


class Graph:
    """The primitive applications one run executed, between named values.

    ``inputs`` are Vars named after the function's arguments, ``equations`` the steps in
    execution order (each ``outputs = primitive(*inputs, **params)``), ``outputs`` the
    returned Vars (or plain values that did not depend on the inputs). Every Var holds
    its value from the run. ``print(graph)`` gives the listing; ``to_dot()`` and
    ``render()`` the picture.
    """

    def __init__(self, name: str, inputs: list[Var], equations: list[Equation], outputs: list):
        self.name = name
        self.inputs = inputs
        self.equations = equations
        self.outputs = outputs

    def __len__(self) -> int:
        return len(self.equations)

    def __str__(self) -> str:
        lines = [f"{self.name}({', '.join(v.name for v in self.inputs)}):"]
        for var in self.inputs:
            lines.append(f"  {var.name}: {describe_spec(var)} = {format_value(var.value)}")
        for equation in self.equations:
            outs = ", ".join(v.name for v in equation.outputs)
            args = ", ".join(_operand(a) for a in equation.inputs)
            code = f"  {outs} = {equation.primitive.name}({args}{_params(equation.params)})"
            value = format_value(equation.outputs[0].value) if len(equation.outputs) == 1 else ""
            note = f"{describe_spec(equation.outputs[0])} {value}".strip()
            lines.append(f"{code:<40}  # {note}")
        lines.append(f"  return {', '.join(_operand(o) for o in self.outputs)}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<Graph {self.name}: {len(self.inputs)} inputs, {len(self)} steps>"

    def local_partial(self, equation: Equation, position: int) -> Any:
        """d output / d input ``position`` of an elementwise step, at this run's values.

        None for primitives without declared partials (their derivative is not one
        number per element: matmul, sum, ...) and for constant inputs.
        """
        partials = equation.primitive.partials
        if partials is None or not isinstance(equation.inputs[position], Var):
            return None
        values = [a.value if isinstance(a, Var) else a for a in equation.inputs]
        return partials[position](*values, equation.outputs[0].value, **equation.params)

    def to_dot(
        self,
        partials: bool = False,
        values: bool = True,
        notes: dict[str, str] | None = None,
        tangents: Any = None,
        adjoints: bool = False,
        direction: str = "LR",
    ) -> str:
        """Graphviz DOT text: values as ellipses, steps as boxes, outputs doubled.

        With ``partials=True`` each edge into an elementwise step is labelled with its
        local partial derivative at this run's values. ``values`` shows each value under
        its name. ``tangents="x2"`` (an input's name or position) adds each value's
        tangent for forward mode in that input's direction; ``adjoints=True`` each value's
        adjoint from a reverse sweep seeded at the output; ``notes`` adds any text by
        value name. ``direction`` is Graphviz's rankdir: "LR" (left to right) or "TB".
        """
        if direction not in ("LR", "TB", "RL", "BT"):
            raise ValueError(f"Graph.to_dot: direction={direction!r} is not 'LR' or 'TB'")
        notes = dict(notes or {})
        if tangents is not None or adjoints:
            from chainrule.explainer.explanation import sweep_of

            if tangents is not None:
                notes.update(sweep_of(self, "forward", tangents).notes())
            if adjoints:
                notes.update(sweep_of(self, "reverse", None).notes())
        lines = [
            f"digraph {_quote(self.name)} {{",
            f"  rankdir={direction};",
            '  node [fontname="Helvetica", fontsize=11];',
            '  edge [fontname="Helvetica", fontsize=10];',
        ]
        outputs = {id(o) for o in self.outputs if isinstance(o, Var)}

        def value_node(var: Var) -> str:
            label = var.name + (f"\\n{format_value(var.value, 4)}" if values else "")
            if var.name in notes:
                label += "\\n" + notes[var.name].replace("\n", "\\n")
            shape = "doublecircle" if id(var) in outputs else "ellipse"
            return f"  {_quote(var.name)} [shape={shape}, label={_quote(label)}];"

        for var in self.inputs:
            lines.append(value_node(var).replace("];", ", style=filled, fillcolor=lightblue];"))
        for number, equation in enumerate(self.equations, start=1):
            step = f"step{number}"
            label = equation.primitive.name + _params(equation.params).replace(", ", "\\n")
            lines.append(f"  {step} [shape=box, style=rounded, label={_quote(label)}];")
            for position, operand in enumerate(equation.inputs):
                if isinstance(operand, Var):
                    source = _quote(operand.name)
                else:
                    source = f"{step}_const{position}"
                    text = _quote(format_value(operand, 4))
                    lines.append(f"  {source} [shape=plaintext, label={text}];")
                attributes = ""
                if partials:
                    partial = self.local_partial(equation, position)
                    if partial is not None and np.ndim(partial) == 0:
                        name = equation.outputs[0].name
                        text = f"∂{name}/∂{_operand(operand)} = {format_value(partial, 4)}"
                        attributes = f" [label={_quote(text)}]"
                lines.append(f"  {source} -> {step}{attributes};")
            for var in equation.outputs:
                lines.append(value_node(var))
                lines.append(f"  {step} -> {_quote(var.name)};")
        lines.append("}")
        return "\n".join(lines)

    def render(self, path: str, partials: bool = False, **annotations: Any) -> pathlib.Path:
        """Write the picture to ``path`` (.svg, .png or .pdf) with Graphviz's ``dot``.

        ``annotations`` are ``to_dot``'s: ``values``, ``notes``, ``tangents``, ``adjoints``.
        """
        path = pathlib.Path(path)
        fmt = path.suffix.lstrip(".").lower()
        if fmt not in ("svg", "png", "pdf"):
            raise ValueError(
                f"Graph.render: cannot tell the format from {str(path)!r}; end the file name "
                f"in .svg, .png or .pdf"
            )
        path.write_bytes(_run_dot(self.to_dot(partials, **annotations), fmt, "Graph.render"))
        return path

    def _repr_svg_(self) -> str | None:
        """Jupyter shows a Graph as its picture when Graphviz is installed, else as text."""
        if shutil.which("dot") is None:
            return None
        return _run_dot(self.to_dot(), "svg", "Graph._repr_svg_").decode()


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\\\\n", "\\n") + '"'


def _run_dot(dot_text: str, fmt: str, caller: str) -> bytes:
    program = shutil.which("dot")
    if program is None:
        raise RuntimeError(
            f"{caller}: drawing needs Graphviz's `dot` program, which was not found on PATH. "
            f"Install Graphviz (Debian/Ubuntu: apt-get install graphviz; macOS: brew install "
            f"graphviz; conda: conda install graphviz), or paste graph.to_dot() into any "
            f"Graphviz viewer."
        )
    result = subprocess.run(
        [program, f"-T{fmt}"], input=dot_text.encode(), capture_output=True, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"{caller}: dot failed: {result.stderr.decode().strip()}")
    return result.stdout
