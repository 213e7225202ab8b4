"""The forward and the reverse sweep over a captured Graph, one recorded step at a time.

These replay a Graph with the primitives' own derivative rules (the same rules `jvp`
and `grad` use) on the run's concrete values, keeping what each step computed: the
local partial derivatives, the contributions they make, and the tangent or adjoint that
results. The explainer prints them; the tests compare their results with `jvp` and
`grad`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.core import Primitive
from chainrule.core.graph import Equation, Var
from chainrule.core.trace import Deferred, fit_cotangent, fit_tangent, quiet_floating_point


class Term:
    """One chain-rule product at a step: ``partial`` × ``incoming`` = ``value``.

    ``operand`` is the Var the derivative passes through (the step's input in forward
    mode, where ``incoming`` is that input's tangent; in reverse mode ``incoming`` is the
    adjoint of the step's result and ``value`` what is sent back to ``operand``).
    ``partial`` is None where the primitive has no per-element partial derivative
    (matmul, sum, reshape, ...): then ``value`` comes from the primitive's own rule.
    """

    __slots__ = ("operand", "position", "partial", "incoming", "value", "summed")

    def __init__(self, operand, position: int, partial: Any, incoming: Any, value: Any) -> None:
        self.operand = operand
        self.position = position  # which input of the step
        self.summed = False  # reverse mode: was the contribution summed to a broadcast input?
        self.partial = partial
        self.incoming = incoming
        self.value = value


class ForwardStep:
    """A step of the forward sweep: ``outputs`` get ``tangents``, the sum of ``terms``."""

    __slots__ = ("number", "equation", "terms", "tangents")

    def __init__(self, number: int, equation: Equation, terms: list, tangents: list) -> None:
        self.number = number
        self.equation = equation
        self.terms = terms
        self.tangents = tangents


class ReverseStep:
    """A step of the reverse sweep.

    ``adjoints[k]`` is the adjoint of ``equation.outputs[k]`` (None when none reached it),
    the sum of ``sources[k]``: (the number of the step that sent it, or 0 for the seed,
    and the contribution). ``terms`` are what the step sends back to its inputs.
    """

    __slots__ = ("number", "equation", "adjoints", "sources", "terms")

    def __init__(self, number, equation, adjoints, sources, terms) -> None:
        self.number = number
        self.equation = equation
        self.adjoints = adjoints
        self.sources = sources
        self.terms = terms


def _operand_values(equation: Equation) -> list:
    return [a.value if isinstance(a, Var) else a for a in equation.inputs]


def _output_value(equation: Equation) -> Any:
    values = tuple(v.value for v in equation.outputs)
    return values if equation.primitive.multiple_results else values[0]


def _is_inexact(var: Var) -> bool:
    return var.spec.dtype.kind in "fc"


def forward_sweep(equations: list[Equation], seeds: dict[Var, Any]) -> list[ForwardStep]:
    """Push the tangents ``seeds`` (Var -> tangent) through ``equations``, in order.

    Steps that no tangent reaches are left out: their tangent is a structural zero and
    forward mode does no work there.
    """
    tangent_of = {id(var): tangent for var, tangent in seeds.items()}
    steps = []
    with quiet_floating_point():
        for number, equation in enumerate(equations, start=1):
            primitive = equation.primitive
            incoming = [
                tangent_of.get(id(a)) if isinstance(a, Var) else None for a in equation.inputs
            ]
            if primitive.jvp is None or all(t is None for t in incoming):
                continue
            primals = _operand_values(equation)
            out = _output_value(equation)
            if primitive.partials is not None:
                terms = []
                for position, tangent in enumerate(incoming):
                    if tangent is None:
                        continue
                    partial = primitive.partials[position](*primals, out, **equation.params)
                    value = Primitive.times_partial(partial, tangent)
                    terms.append(Term(equation.inputs[position], position, partial, tangent, value))
                total = terms[0].value
                for term in terms[1:]:
                    total = total + term.value
                tangents = [total]
            else:
                result = primitive.jvp(incoming, primals, out, **equation.params)
                tangents = list(result) if primitive.multiple_results else [result]
                terms = [
                    Term(operand, position, None, tangent, None)
                    for position, (operand, tangent) in enumerate(zip(equation.inputs, incoming))
                    if tangent is not None
                ]
            fitted = []
            for var, tangent in zip(equation.outputs, tangents):
                if tangent is None or not _is_inexact(var):
                    fitted.append(None)
                    continue
                tangent = fit_tangent(tangent, var.spec)
                tangent_of[id(var)] = tangent
                fitted.append(tangent)
            if any(t is not None for t in fitted):
                steps.append(ForwardStep(number, equation, terms, fitted))
    return steps


def reverse_sweep(
    equations: list[Equation], inputs: list[Var], seeds: dict[Var, Any]
) -> tuple[list[ReverseStep], dict[Var, list]]:
    """Send the adjoints ``seeds`` (Var -> cotangent) back through ``equations``.

    Only ``inputs`` carry derivatives (other values are constants). Returns the steps in
    the order the sweep visits them (last equation first; steps no adjoint reaches are
    left out) and, for each input, its contributions as (step number, value); an input's
    adjoint is their sum.
    """
    # Which values depend on the inputs: only those are sent adjoints.
    depends = {id(var) for var in inputs}
    for equation in equations:
        if equation.primitive.vjp is not None and any(
            isinstance(a, Var) and id(a) in depends for a in equation.inputs
        ):
            depends.update(id(v) for v in equation.outputs if _is_inexact(v))
    received: dict[int, list] = {}  # id(var) -> [(from step, contribution)]
    for var, seed in seeds.items():
        if id(var) in depends:
            received.setdefault(id(var), []).append((0, seed))
    steps = []
    with quiet_floating_point():
        for number in range(len(equations), 0, -1):
            equation = equations[number - 1]
            primitive = equation.primitive
            sources = [received.pop(id(v), []) for v in equation.outputs]
            if primitive.vjp is None or not any(sources):
                continue
            adjoints = [_sum_of(contributions) for contributions in sources]
            wanted = tuple(isinstance(a, Var) and id(a) in depends for a in equation.inputs)
            if not any(wanted):
                continue
            primals = _operand_values(equation)
            out = _output_value(equation)
            (out_bar,) = adjoints if not primitive.multiple_results else (tuple(adjoints),)
            terms = []
            if primitive.partials is not None:
                for position, operand in enumerate(equation.inputs):
                    if not wanted[position]:
                        continue
                    partial = primitive.partials[position](*primals, out, **equation.params)
                    value = Primitive.times_partial(out_bar, partial)
                    terms.append(_cotangent_term(operand, position, partial, out_bar, value))
            else:
                bars = primitive.vjp(out_bar, primals, out, wanted, **equation.params)
                for position, (operand, bar) in enumerate(zip(equation.inputs, bars)):
                    if not wanted[position] or bar is None:
                        continue
                    if isinstance(bar, Deferred):
                        bar = bar.materialize()
                    terms.append(_cotangent_term(operand, position, None, out_bar, bar))
            for term in terms:
                received.setdefault(id(term.operand), []).append((number, term.value))
            steps.append(ReverseStep(number, equation, adjoints, sources, terms))
    input_sources = {var: received.get(id(var), []) for var in inputs}
    return steps, input_sources


def _cotangent_term(operand: Var, position: int, partial, out_bar, value) -> Term:
    """A reverse-mode Term whose contribution is fitted to the operand's shape and dtype."""
    term = Term(operand, position, partial, out_bar, fit_cotangent(value, operand.spec))
    term.summed = np.ndim(value) > len(operand.spec.shape) or (
        np.shape(value) != operand.spec.shape and np.size(value) > np.prod(operand.spec.shape)
    )
    return term


def _sum_of(contributions: list) -> Any:
    if not contributions:
        return None
    total = contributions[0][1]
    for _, value in contributions[1:]:
        total = total + value
    return total


def zero_like(var: Var) -> Any:
    """A zero of ``var``'s shape and dtype: the derivative of an input nothing reached."""
    return np.zeros(var.spec.shape, var.spec.dtype)[()]
