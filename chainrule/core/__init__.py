"""The differentiation engine: primitives, levels, forward and reverse mode. No NumPy semantics."""

from chainrule.core.forward import JVPTrace, JVPTracer, jvp_flat
from chainrule.core.primitive import Primitive, bind, registry
from chainrule.core.reverse import ReverseTrace, ReverseTracer, vjp_flat
from chainrule.core.trace import Spec, Trace, Tracer, is_inexact, spec_of

__all__ = [
    "JVPTrace",
    "JVPTracer",
    "Primitive",
    "ReverseTrace",
    "ReverseTracer",
    "Spec",
    "Trace",
    "Tracer",
    "bind",
    "is_inexact",
    "jvp_flat",
    "registry",
    "spec_of",
    "vjp_flat",
]
