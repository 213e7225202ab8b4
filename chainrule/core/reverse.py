"""Reverse mode: record the primitives a run applies on a tape, then sweep it backwards.

The tape is in execution order, which is a topological order, so walking it backwards
visits every node after all the nodes that used its output. Each node hands its
output's cotangent to its VJP rule; what comes back is summed down to each input's
shape (undoing broadcasting) and added to that input's cotangent (summing over
fan-out).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from chainrule.core.primitive import Primitive, bind
from chainrule.core.trace import (
    FLOAT64_SCALAR,
    Deferred,
    Spec,
    Trace,
    Tracer,
    fit_cotangent,
    matches,
    quiet_floating_point,
    spec_of,
)


class ReverseTracer(Tracer):
    """A primal value and the number of its slot on its level's tape."""

    __slots__ = ("primal", "slot")

    def __init__(self, trace: ReverseTrace, primal: Any, slot: int) -> None:
        self._trace = trace
        self.primal = primal
        self.slot = slot


class Node:
    """One recorded primitive application: what its VJP rule needs, and where to send it.

    (A scalar elementwise step is kept more cheaply, as the tuple ``(partials, primals,
    out, params, input slots, output slot)``: the sweep evaluates the primitive's local
    partial derivatives itself, multiplies and adds, with no rule call in between.)

    ``primals`` and ``out`` hold the values the primitive `saves`; the tape's own
    intermediates that the rule does not read are replaced by their Spec, so they are
    freed as soon as the user's code drops them.
    """

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
        slots = []  # per input: its slot on this tape, or -1 for a constant here
        nested = False  # does some value belong to an enclosing level?
        for arg in args:
            if type(arg) is ReverseTracer and arg._trace is self:
                slots.append(arg.slot)
                arg = arg.primal
            else:
                slots.append(-1)
            primals.append(arg)
            if type(arg) not in _PLAIN_TYPES and isinstance(arg, Tracer):
                nested = True
        if nested:
            out = bind(primitive, *primals, **params)
        elif primitive.residuals is not None:
            out, extra = primitive.residuals(*primals, **params)
            params = {**params, **extra}
        else:
            out = primitive.impl(*primals, **params)
        if primitive.vjp is None:  # non-differentiable: the result is a constant here
            return out
        specs = self.specs
        if primitive.multiple_results:
            out_slots = tuple(self.new_slot(o) for o in out)
            wrapped = tuple(self.wrap(o, s) for o, s in zip(out, out_slots))
            saved_out = out if primitive.saves_out else tuple(specs[s] for s in out_slots)
        else:
            out_slots = len(specs)
            if type(out) is np.float64:  # the scalar fast path
                specs.append(FLOAT64_SCALAR)
                wrapped = ReverseTracer(self, out, out_slots)
                saved_out = out
                partials = primitive.partials
                if partials is not None:
                    # A scalar elementwise step: the sweep evaluates its local partial
                    # derivatives and multiplies, without the general rule machinery.
                    self.tape.append((partials, primals, out, params, slots, out_slots))
                    return wrapped
            else:
                spec = spec_of(out)
                specs.append(spec)
                wrapped = ReverseTracer(self, out, out_slots) if spec.dtype.kind in "fc" else out
                saved_out = out if primitive.saves_out else spec
        if not primitive.saves_inputs:  # the rule reads only the inputs' specs
            for i, slot in enumerate(slots):
                if slot >= 0:
                    primals[i] = specs[slot]
        self.tape.append(Node(primitive, primals, saved_out, params, slots, out_slots))
        return wrapped

    def wrap(self, out: Any, slot: int) -> Any:
        if self.specs[slot].dtype.kind not in "fc":
            return out
        return ReverseTracer(self, out, slot)

    def sweep(self, seeds: Sequence[tuple[int, Any]], keep_tape: bool) -> list:
        """Send cotangents ``seeds`` (slot, value) back along the tape; one entry per slot."""
        specs = self.specs
        cotangents: list[Any] = [None] * len(specs)
        # Which cotangents are arrays this sweep allocated itself (sums of two terms):
        # only those may be added to in place; a rule's result may be shared.
        owned = [False] * len(specs)
        for slot, seed in seeds:
            cotangents[slot] = _accumulate(cotangents, owned, slot, seed)
        tape = self.tape
        # Without keep_tape, each node is popped, so its values are freed as the sweep passes.
        nodes = reversed(tape) if keep_tape else _popped(tape)
        for node in nodes:
            if type(node) is tuple:  # a scalar elementwise step: chain rule inline
                partials, primals, out, params, slots, out_slot = node
                out_bar = cotangents[out_slot]
                if out_bar is None:
                    continue
                cotangents[out_slot] = None
                for partial, slot in zip(partials, slots):
                    if slot < 0:
                        continue
                    derivative = (
                        partial(*primals, out, **params) if params else partial(*primals, out)
                    )
                    if type(out_bar) is np.float64:
                        bar = out_bar * derivative
                        if type(bar) is not np.float64 or not math.isfinite(bar):
                            bar = Primitive.times_partial(out_bar, derivative)  # zero-safe
                    else:  # a traced cotangent (a derivative of the sweep itself)
                        bar = Primitive.times_partial(out_bar, derivative)
                    if specs[slot] is not FLOAT64_SCALAR and not matches(bar, specs[slot]):
                        bar = fit_cotangent(bar, specs[slot])
                    total = cotangents[slot]
                    cotangents[slot] = bar if total is None else total + bar
                continue
            out_slots = node.out_slots
            if type(out_slots) is int:
                out_bar = cotangents[out_slots]
                if out_bar is None:
                    continue
                cotangents[out_slots] = None
                if isinstance(out_bar, Deferred):
                    out_bar = out_bar.materialize()
            else:
                out_bar = tuple(
                    bar.materialize() if isinstance(bar, Deferred) else bar
                    for bar in (cotangents[s] for s in out_slots)
                )
                if all(bar is None for bar in out_bar):
                    continue
                for s in out_slots:
                    cotangents[s] = None
            slots = node.input_slots
            n = len(slots)
            if n == 1:  # a node's only input is always traced here
                wanted = _WANTED_ONE
            elif n == 2:
                wanted = (slots[0] >= 0, slots[1] >= 0)
            else:
                wanted = tuple([s >= 0 for s in slots])
            bars = node.primitive.vjp(out_bar, node.primals, node.out, wanted, **node.params)
            for slot, bar in zip(slots, bars):
                if slot < 0 or bar is None:
                    continue
                spec = specs[slot]
                if not matches(bar, spec):  # undo broadcasting, restore the dtype
                    bar = fit_cotangent(bar, spec)
                if cotangents[slot] is None:
                    cotangents[slot] = bar
                else:
                    cotangents[slot] = _accumulate(cotangents, owned, slot, bar)
        return cotangents


_WANTED_ONE = (True,)
_PLAIN_TYPES = frozenset({np.float64, np.ndarray, float, int})  # never tracers


def _popped(tape: list) -> Any:
    """The tape's nodes, last first, each removed from the tape as it is handed out."""
    while tape:
        yield tape.pop()


def _accumulate(cotangents: list, owned: list, slot: int, term: Any) -> Any:
    """``cotangents[slot] + term``, in place when this sweep owns the running total."""
    total = cotangents[slot]
    if total is None:
        return term
    if isinstance(total, Deferred):
        return total.plus(term)
    if isinstance(term, Deferred):
        return term.plus(total)
    if owned[slot] and type(term) is np.ndarray:
        return np.add(total, term, out=total)
    total = total + term
    owned[slot] = type(total) is np.ndarray
    return total


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
        with quiet_floating_point():
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
        with quiet_floating_point():
            cotangents = trace.sweep(seeds, keep_tape)[:n_inputs]
            return [c.materialize() if isinstance(c, Deferred) else c for c in cotangents]

    return out_primals, pullback
