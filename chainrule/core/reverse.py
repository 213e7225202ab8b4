"""Reverse mode: record the primitives a run applies on a tape, then sweep it backwards.

The tape is in execution order, which is a topological order, so walking it backwards
visits every node after all the nodes that used its output. Each node hands its
output's cotangent to its VJP rule; what comes back is summed down to each input's
shape (undoing broadcasting) and added to that input's cotangent (summing over
fan-out).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from chainrule.core.primitive import Primitive, bind
from chainrule.core.trace import Spec, Trace, Tracer, fit_cotangent, is_inexact, spec_of


class ReverseTracer(Tracer):
    """A primal value and the number of its slot on its level's tape."""

    __slots__ = ("primal", "slot")

    def __init__(self, trace: ReverseTrace, primal: Any, slot: int) -> None:
        self._trace = trace
        self.primal = primal
        self.slot = slot


class Node:
    """One recorded primitive application: what its VJP rule needs, and where to send it."""

    __slots__ = ("primitive", "primals", "out", "params", "input_slots", "out_slots")

    def __init__(self, primitive, primals, out, params, input_slots, out_slots) -> None:
        self.primitive = primitive
        self.primals = primals
        self.out = out
        self.params = params
        self.input_slots = input_slots
        self.out_slots = out_slots  # an int, or a tuple for multiple results


class ReverseTrace(Trace):
    """One reverse-mode level: computes primals and records a node per primitive."""

    __slots__ = ("tape", "specs")

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.tape: list[Node] = []
        self.specs: list[Spec] = []

    def new_slot(self, value: Any) -> int:
        self.specs.append(spec_of(value))
        return len(self.specs) - 1

    def new_input(self, value: Any) -> ReverseTracer:
        return ReverseTracer(self, value, self.new_slot(value))

    def process(self, primitive: Primitive, args: tuple, params: dict) -> Any:
        if not self.is_active:
            self.check_active(primitive)
        primals = []
        slots = []
        for arg in args:
            if isinstance(arg, ReverseTracer) and arg._trace is self:
                primals.append(arg.primal)
                slots.append(arg.slot)
            else:
                primals.append(arg)
                slots.append(-1)
        if primitive.vjp is None:
            return bind(primitive, *primals, **params)
        if primitive.residuals is not None and not any(isinstance(p, Tracer) for p in primals):
            out, extra = primitive.residuals(*primals, **params)
            params = {**params, **extra}
        else:
            out = bind(primitive, *primals, **params)
        if primitive.multiple_results:
            out_slots = tuple(self.new_slot(o) for o in out)
            wrapped = tuple(self.wrap(o, s) for o, s in zip(out, out_slots))
        else:
            out_slots = self.new_slot(out)
            wrapped = self.wrap(out, out_slots)
        self.tape.append(Node(primitive, tuple(primals), out, params, tuple(slots), out_slots))
        return wrapped

    def wrap(self, out: Any, slot: int) -> Any:
        if not is_inexact(self.specs[slot].dtype):
            return out
        return ReverseTracer(self, out, slot)

    def sweep(self, seeds: Sequence[tuple[int, Any]], keep_tape: bool) -> list:
        """Send cotangents ``seeds`` (slot, value) back along the tape; one entry per slot."""
        cotangents: list[Any] = [None] * len(self.specs)
        for slot, seed in seeds:
            cotangents[slot] = _add(cotangents[slot], seed)
        tape = self.tape
        for index in range(len(tape) - 1, -1, -1):
            node = tape[index]
            if not keep_tape:
                tape[index] = None  # free this node's values as the sweep passes
            if type(node.out_slots) is int:
                out_bar = cotangents[node.out_slots]
                if out_bar is None:
                    continue
                cotangents[node.out_slots] = None
            else:
                out_bar = tuple(cotangents[s] for s in node.out_slots)
                if all(bar is None for bar in out_bar):
                    continue
                for s in node.out_slots:
                    cotangents[s] = None
            wanted = tuple(s >= 0 for s in node.input_slots)
            bars = node.primitive.vjp(out_bar, node.primals, node.out, wanted, **node.params)
            for slot, bar in zip(node.input_slots, bars):
                if slot < 0 or bar is None:
                    continue
                cotangents[slot] = _add(cotangents[slot], fit_cotangent(bar, self.specs[slot]))
        if not keep_tape:
            self.tape = []
        return cotangents


def _add(total: Any, term: Any) -> Any:
    return term if total is None else total + term


def vjp_flat(
    fun: Callable[..., Sequence[Any]], primals: Sequence[Any], name: str
) -> tuple[list, Callable[..., list]]:
    """Run ``fun`` on tracers of a new reverse level; return outputs and their pullback.

    ``pullback(cotangents, keep_tape=True)`` takes one cotangent per output (``None`` for
    none) and returns one per input, ``None`` where no output depends on that input.
    With ``keep_tape=False`` the tape is freed during the sweep (a single use).
    """
    trace = ReverseTrace(name)
    inputs = [trace.new_input(p) for p in primals]
    try:
        outs = fun(*inputs)
    finally:
        trace.close()
    out_primals, out_slots = [], []
    for out in outs:
        if isinstance(out, ReverseTracer) and out._trace is trace:
            out_primals.append(out.primal)
            out_slots.append(out.slot)
        else:
            out_primals.append(out)
            out_slots.append(-1)
    n_inputs = len(inputs)
    del inputs, outs

    def pullback(cotangents: Sequence[Any], keep_tape: bool = True) -> list:
        seeds = [(s, c) for s, c in zip(out_slots, cotangents) if s >= 0 and c is not None]
        # Rules evaluate partials at singular points (1/0 at sqrt(0)); the zero-safe
        # product makes the result right, so NumPy's warnings there are noise.
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return trace.sweep(seeds, keep_tape)[:n_inputs]

    return out_primals, pullback
