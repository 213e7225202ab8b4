"""Forward mode: tracers carry a tangent next to their primal, and rules push it forward."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from chainrule.core.primitive import Primitive, bind
from chainrule.core.trace import Trace, Tracer, fit_tangent, matches, quiet_floating_point, spec_of


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
        nested = False  # does some value belong to an enclosing level?
        for arg in args:
            if type(arg) is JVPTracer and arg._trace is self:
                tangents.append(arg.tangent)
                arg = arg.primal
            else:
                tangents.append(None)
            primals.append(arg)
            if isinstance(arg, Tracer):
                nested = True
        out = bind(primitive, *primals, **params) if nested else primitive.impl(*primals, **params)
        if primitive.jvp is None:
            return out
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
        if spec.dtype.kind not in "fc":
            return out
        if not matches(tangent, spec):
            tangent = fit_tangent(tangent, spec)
        return JVPTracer(self, out, tangent)


def jvp_flat(
    fun: Callable[..., Sequence[Any]], primals: Sequence[Any], tangents: Sequence[Any], name: str
) -> tuple[list, list]:
    """Run ``fun`` on tracers of a new forward level; return output primals and tangents.

    ``fun`` takes and returns flat sequences of arrays. A tangent is ``None`` where an
    output does not depend on the inputs; an input tangent may be ``None`` too.
    """
    trace = JVPTrace(name)
    # An input whose tangent is None (a structural zero) is passed as a constant.
    inputs = [p if t is None else JVPTracer(trace, p, t) for p, t in zip(primals, tangents)]
    try:
        with quiet_floating_point():
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
