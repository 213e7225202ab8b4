"""Primitive operations, the registry that lists them, and `bind`, which dispatches a call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chainrule.core.trace import Tracer

#: Every primitive ever declared, by name. Read by tests and by the coverage page.
registry: dict[str, Primitive] = {}


class Primitive:
    """One declared operation: its implementation on plain arrays and its two derivative rules.

    Rule signatures (see STYLE.md):
      ``jvp(tangents, primals, out, **params) -> out_tangent`` where ``tangents`` has one
      entry per input, ``None`` meaning a structural zero; may return ``None`` (zero).
      ``vjp(out_bar, primals, out, wanted, **params) -> tuple`` with one entry per input;
      ``wanted[i]`` says whether input ``i`` needs a cotangent (others may be ``None``).
    A primitive with neither rule is non-differentiable: applied to traced values it
    returns a plain result whose derivative is zero.

    For a primitive with ``multiple_results=True`` the implementation returns a tuple,
    ``out`` is that tuple, the JVP returns a tuple of tangents and the VJP receives a
    tuple of cotangents (``None`` for outputs that received none).

    ``residuals``, when given, is ``residuals(*primals, **params) -> (out, extra_params)``:
    reverse mode calls it instead of ``impl`` and passes ``extra_params`` on to the VJP,
    for rules that want to keep something the forward computation produced.

    ``partials``, for an elementwise primitive, gives one function per input computing
    d out / d input from ``(*primals, out, **params)``. On float64 scalars the backward
    sweep calls them directly instead of the VJP rule (the same derivative, less work).

    ``saves`` says which values the VJP rule reads: ``"inputs"`` (the primal inputs) and
    ``"out"`` (the output). The tape keeps only those until the backward sweep; in place
    of the others the rule receives their `Spec` (shape and dtype), so a rule that needs
    only an input's shape still gets it. Declaring less than a rule reads fails loudly
    in the rule tests (a Spec has no arithmetic).
    """

    __slots__ = (
        "name",
        "impl",
        "jvp",
        "vjp",
        "family",
        "multiple_results",
        "residuals",
        "saves_inputs",
        "saves_out",
        "partials",
    )

    @staticmethod
    def times_partial(cotangent: Any, partial: Any) -> Any:
        """The zero-safe product ``cotangent * partial`` (0 * inf = 0), for kept partials.

        Installed by chainrule.primitives.declare: the engine knows no arithmetic itself.
        """
        raise NotImplementedError

    def __init__(
        self,
        name: str,
        impl: Callable[..., Any],
        *,
        jvp: Callable[..., Any] | None = None,
        vjp: Callable[..., Any] | None = None,
        family: str = "",
        multiple_results: bool = False,
        residuals: Callable[..., Any] | None = None,
        saves: tuple[str, ...] = ("inputs", "out"),
        partials: tuple[Callable[..., Any], ...] | None = None,
        register: bool = True,
    ) -> None:
        unknown = set(saves) - {"inputs", "out"}
        if unknown:
            raise ValueError(f"Primitive {name}: saves may name 'inputs' and 'out', not {unknown}")
        self.name = name
        self.impl = impl
        self.jvp = jvp
        self.vjp = vjp
        self.family = family
        self.multiple_results = multiple_results
        self.residuals = residuals
        self.saves_inputs = "inputs" in saves
        self.saves_out = "out" in saves
        self.partials = partials
        if register:
            if name in registry:
                raise ValueError(f"Primitive: a primitive named {name!r} is already registered")
            registry[name] = self

    @property
    def is_differentiable(self) -> bool:
        return self.jvp is not None or self.vjp is not None

    def __call__(self, *args: Any, **params: Any) -> Any:
        # Dispatch (see `bind`): the newest level among the arguments processes the call.
        top = None
        for arg in args:
            if isinstance(arg, Tracer):
                trace = arg._trace
                if top is None or trace.level > top.level:
                    top = trace
        if top is None:
            return self.impl(*args, **params)
        return top.process(self, args, params)

    def __repr__(self) -> str:
        return f"<primitive {self.name}>"


def bind(primitive: Primitive, *args: Any, **params: Any) -> Any:
    """Apply ``primitive`` to ``args``: the trace of the newest level among them handles it.

    Values from older levels are constants to a newer level; when no argument is traced
    the implementation runs on plain arrays. (The same as calling the primitive.)
    """
    return primitive(*args, **params)
