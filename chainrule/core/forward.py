"""Forward mode: tracers carry a tangent next to their primal, and rules push it forward."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from chainrule.core.primitive import Primitive, bind
from chainrule.core.trace import Trace, Tracer, fit_tangent, is_inexact, spec_of


class JVPTracer(Tracer):
    """A primal value and its tangent (the directional derivative) at one level."""

    __slots__ = ("primal", "tangent")

    def __init__(self, trace: JVPTrace, primal: Any, tangent: Any) -> None:
        self._trace = trace
        self.primal = primal
        self.tangent = tangent


class JVPTrace(Trace):
    """One forward-mode level: applies each primitive to primals, its JVP rule to tangents."""

    __slots__ = ()

    def process(self, primitive: Primitive, args: tuple, params: dict) -> Any:
        if not self.is_active:
            self.check_active(primitive)
        primals = []
        tangents = []
        for arg in args:
            if isinstance(arg, JVPTracer) and arg._trace is self:
                primals.append(arg.primal)
                tangents.append(arg.tangent)
            else:
                primals.append(arg)
                tangents.append(None)
        out = bind(primitive, *primals, **params)
        if primitive.jvp is None:
            return out
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            # Rules evaluate partials at singular points (1/0 at sqrt(0)); the zero-safe
            # product makes the result right, so NumPy's warnings there are noise.
            out_tangent = primitive.jvp(tangents, primals, out, **params)
        if primitive.multiple_results:
            if out_tangent is None:
                return out
            return tuple(self.wrap(o, t) for o, t in zip(out, out_tangent))
        return self.wrap(out, out_tangent)

    def wrap(self, out: Any, tangent: Any) -> Any:
        if tangent is None:
            return out
        spec = spec_of(out)
        if not is_inexact(spec.dtype):
            return out
        return JVPTracer(self, out, fit_tangent(tangent, spec))


def jvp_flat(
    fun: Callable[..., Sequence[Any]], primals: Sequence[Any], tangents: Sequence[Any], name: str
) -> tuple[list, list]:
    """Run ``fun`` on tracers of a new forward level; return output primals and tangents.

    ``fun`` takes and returns flat sequences of arrays. A tangent is ``None`` where an
    output does not depend on the inputs.
    """
    trace = JVPTrace(name)
    inputs = [JVPTracer(trace, p, t) for p, t in zip(primals, tangents)]
    try:
        outs = fun(*inputs)
    finally:
        trace.close()
    out_primals, out_tangents = [], []
    for out in outs:
        if isinstance(out, JVPTracer) and out._trace is trace:
            out_primals.append(out.primal)
            out_tangents.append(out.tangent)
        else:
            out_primals.append(out)
            out_tangents.append(None)
    return out_primals, out_tangents
