"""Graph capture: the primitive applications of one run, as a small IR.

A capture level records every primitive applied to its tracers (differentiable or
not) as an `Equation` between `Var`s, keeping each value, so the explainer can list,
draw and count the computation. It uses the same registry and dispatch as the
transforms: what is captured is exactly what `grad` or `jvp` would see.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from chainrule.core.primitive import Primitive, bind
from chainrule.core.trace import Spec, Trace, Tracer, spec_of


class Var:
    """One value of the captured run: numbered in order of appearance, with its value."""

    __slots__ = ("index", "spec", "value", "name")

    def __init__(self, index: int, value: Any, name: str = "") -> None:
        self.index = index
        self.value = value.concrete_value() if isinstance(value, Tracer) else value
        self.spec: Spec = spec_of(self.value)
        self.name = name or f"t{index}"

    def __repr__(self) -> str:
        return self.name


class Equation:
    """``outputs = primitive(*inputs, **params)``; an input that is not a Var is a constant."""

    __slots__ = ("primitive", "inputs", "outputs", "params")

    def __init__(self, primitive: Primitive, inputs: list, outputs: list, params: dict) -> None:
        self.primitive = primitive
        self.inputs = inputs
        self.outputs = outputs
        self.params = params


class CaptureTracer(Tracer):
    """A value of a capture level: its primal and the Var that names it."""

    __slots__ = ("primal", "var")

    def __init__(self, trace: CaptureTrace, primal: Any, var: Var) -> None:
        self._trace = trace
        self.primal = primal
        self.var = var


class CaptureTrace(Trace):
    """A level that runs every primitive on its primals and writes down an Equation."""

    __slots__ = ("count", "equations")

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.count = 0  # intermediates are t1, t2, ... in order of appearance
        self.equations: list[Equation] = []

    def new_var(self, value: Any, name: str = "") -> Var:
        if name:
            return Var(0, value, name)
        self.count += 1
        return Var(self.count, value)

    def process(self, primitive: Primitive, args: tuple, params: dict) -> Any:
        if not self.is_active:
            self.check_active(primitive)
        primals, inputs = [], []
        for arg in args:
            if isinstance(arg, CaptureTracer) and arg._trace is self:
                primals.append(arg.primal)
                inputs.append(arg.var)
            else:
                primals.append(arg)
                inputs.append(arg)
        out = bind(primitive, *primals, **params)
        outs = out if primitive.multiple_results else (out,)
        variables = [self.new_var(o) for o in outs]
        self.equations.append(Equation(primitive, inputs, variables, dict(params)))
        wrapped = [CaptureTracer(self, o, v) for o, v in zip(outs, variables)]
        return tuple(wrapped) if primitive.multiple_results else wrapped[0]


def capture_flat(
    fun: Callable[..., Sequence[Any]], primals: Sequence[Any], names: Sequence[str]
) -> tuple[list[Var], list[Equation], list]:
    """Run ``fun`` on capture tracers; return its input Vars, equations and outputs.

    Each output is a Var, or the plain value when it does not depend on the inputs.
    """
    trace = CaptureTrace("capture")
    inputs = [trace.new_var(p, name) for p, name in zip(primals, names)]
    try:
        outs = fun(*[CaptureTracer(trace, p, v) for p, v in zip(primals, inputs)])
    finally:
        trace.close()
    results = [
        out.var if isinstance(out, CaptureTracer) and out._trace is trace else out for out in outs
    ]
    return inputs, trace.equations, results
