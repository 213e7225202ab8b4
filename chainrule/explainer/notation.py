"""How the explainer writes derivatives: ẋ (tangent), x̄ (adjoint), ∂t/∂x, sums, steps."""

from __future__ import annotations

import unicodedata
from typing import Any

import numpy as np

from chainrule.core.graph import Var
from chainrule.explainer.graph import format_value
from chainrule.explainer.sweeps import Term

_DOT = "\u0307"  # combining dot above: ẋ, the tangent of x
_BAR = "\u0304"  # combining macron: x̄, the adjoint of x


def tangent_name(name: str) -> str:
    """'x2' -> 'ẋ2': the tangent of a value (its derivative along the chosen direction).

    Precomposed letters where Unicode has them (ẋ, ṫ), so that searching text finds them.
    """
    return unicodedata.normalize("NFC", name[:1] + _DOT + name[1:])


def adjoint_name(name: str) -> str:
    """'t3' -> 't̄3': the adjoint of a value (d output / d value)."""
    return unicodedata.normalize("NFC", name[:1] + _BAR + name[1:])


def partial_name(equation, term: Term) -> str:
    """'∂t1/∂x', with the operand's position when it appears twice (x * x)."""
    name = f"∂{equation.outputs[0].name}/∂{term.operand.name}"
    uses = [i for i, a in enumerate(equation.inputs) if a is term.operand]
    if len(uses) > 1:
        name += f" (operand {term.position + 1})"
    return name


def signed_sum(values: list) -> str:
    """'0.5 + 0.25 - 0.125': a sum of numbers, a negative term written with a minus."""
    text = format_value(values[0])
    for value in values[1:]:
        shown = format_value(value)
        if is_number(value) and shown.startswith("-"):
            text += f" - {shown[1:]}"
        else:
            text += f" + {shown}"
    return text


def broadcast_note(term: Term) -> str:
    """Say so when the sweep summed a contribution down to a broadcast input's shape."""
    if not term.summed:
        return ""
    return f" (summed to {term.operand.name}'s shape {term.operand.spec.shape})"


def is_number(value: Any) -> bool:
    return np.ndim(value) == 0


def product(left: Any, right: Any, result: Any) -> str:
    """'a × b = c' when both factors are numbers, else just the result."""
    if is_number(left) and is_number(right):
        return f"{format_value(left)} × {format_value(right)} = {format_value(result)}"
    return format_value(result)


def code(equation) -> str:
    outs = ", ".join(v.name for v in equation.outputs)
    args = ", ".join(a.name if isinstance(a, Var) else format_value(a) for a in equation.inputs)
    params = "".join(f", {k}={v!r}" for k, v in equation.params.items())
    return f"{outs} = {equation.primitive.name}({args}{params})"


def jsonable(value: Any) -> Any:
    array = np.asarray(value)
    if array.dtype.kind == "c":
        return {"real": array.real.tolist(), "imag": array.imag.tolist()}
    return array.tolist()


def element_name(var: Var, index: tuple) -> str:
    if not index:
        return var.name
    return f"{var.name}[{', '.join(str(i) for i in index)}]"


def sum_text(var: Var, sources: list) -> str:
    """'t̄2 = 0.5 (from step 4) + 0.25 (from step 3) = 0.75': fan-out as a sum."""
    name = adjoint_name(var.name)
    if not sources:
        return f"{name} = 0 (no path to the output)"
    parts = [
        f"{format_value(value)} ({'seed' if number == 0 else f'from step {number}'})"
        for number, value in sources
    ]
    if len(parts) == 1:
        return f"{name} = {parts[0]}"
    total = sources[0][1]
    for _, value in sources[1:]:
        total = total + value
    return f"{name} = {' + '.join(parts)} = {format_value(total)}"
