"""Levels, traces and tracers: the machinery every transform shares.

Each transform call opens a new level, numbered from a process-wide counter, so a
level opened inside another always has the larger number. A tracer belongs to one
level; `bind` lets the trace of the newest level among an operation's arguments
process it, and values of older levels are constants to it. That is what keeps
nested derivatives from mixing up their perturbations. No other state is shared,
so transforms running in different threads cannot see each other.
"""

from __future__ import annotations

import itertools
from typing import Any, NamedTuple

import numpy as np

_level_numbers = itertools.count(1)


class Spec(NamedTuple):
    """Shape and dtype of a value, all the engine needs to know about it."""

    shape: tuple[int, ...]
    dtype: np.dtype


# Specs of scalars, by the scalar's type: the commonest values on scalar code, looked up
# rather than built (building a NamedTuple costs more than the rest of an operation).
_scalar_specs: dict[type, Spec] = {
    t: Spec((), np.dtype(t)) for t in (np.float64, np.float32, np.float16, np.complex128)
}
FLOAT64_SCALAR = _scalar_specs[float] = _scalar_specs[np.float64]
_array_specs: dict[tuple, Spec] = {((), FLOAT64_SCALAR.dtype): FLOAT64_SCALAR}


def spec_of(value: Any) -> Spec:
    """Shape and dtype of an array, a NumPy or Python scalar, or a tracer."""
    spec = _scalar_specs.get(type(value))
    if spec is not None:
        return spec
    shape = getattr(value, "shape", None)
    if shape is None:
        return Spec(np.shape(value), np.result_type(value))
    key = (shape, value.dtype)
    spec = _array_specs.get(key)
    if spec is None:
        spec = Spec(*key)
        if len(_array_specs) < 4096:  # shared, so a long tape holds one per shape
            _array_specs[key] = spec
    return spec


def matches(value: Any, spec: Spec) -> bool:
    """True when ``value`` already has ``spec``'s shape and dtype (nothing to fit)."""
    if type(value) is np.float64:
        return spec is FLOAT64_SCALAR
    try:
        return value.shape == spec.shape and value.dtype == spec.dtype
    except AttributeError:  # a Python number
        return False


def quiet_floating_point() -> Any:
    """Silence NumPy's floating-point warnings for the length of one transform call.

    Rules evaluate partials at singular points (1/0 at sqrt(0)); the zero-safe product
    makes the result right, so NumPy's warnings there are noise. Setting this once per
    call rather than once per rule keeps it off the per-operation cost; like JAX and
    PyTorch, values computed under a transform then show inf and nan without a warning.
    """
    return np.errstate(divide="ignore", invalid="ignore", over="ignore")


def is_inexact(dtype: np.dtype) -> bool:
    """True for floating and complex dtypes, the only ones that carry derivatives."""
    return dtype.kind in "fc"


class Trace:
    """One level of one transform call. Subclasses say how it processes a primitive."""

    __slots__ = ("level", "is_active", "name")

    def __init__(self, name: str) -> None:
        self.level = next(_level_numbers)
        self.is_active = True
        self.name = name

    def process(self, primitive: Any, args: tuple, params: dict) -> Any:
        raise NotImplementedError

    def close(self) -> None:
        self.is_active = False

    def check_active(self, primitive: Any) -> None:
        if not self.is_active:
            raise RuntimeError(
                f"{primitive.name}: a traced value from a finished {self.name} call was used "
                "again (it was stored in a global, a closure or the aux output). Use its "
                "plain value instead: return it from the function, or wrap it with "
                "cr.stop_gradient(...) before storing it."
            )


class Tracer:
    """A value being differentiated at one level. Subclasses hold what the level needs.

    Array methods and operators are attached by chainrule.numpy (the engine knows no
    NumPy semantics); the guards below stop NumPy from silently dropping a derivative.
    """

    __slots__ = ("_trace",)
    __array_priority__ = 1000
    __hash__ = None  # like ndarray: mutable-looking values are unhashable

    @property
    def primal(self) -> Any:
        raise NotImplementedError

    @property
    def shape(self) -> tuple[int, ...]:
        return self.primal.shape

    @property
    def dtype(self) -> np.dtype:
        return self.primal.dtype

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    def concrete_value(self) -> Any:
        """The plain value under every level (for printing and control flow)."""
        value = self.primal
        while isinstance(value, Tracer):
            value = value.primal
        return value

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError("len() of a 0-d traced array")
        return self.shape[0]

    def __iter__(self):
        if not self.shape:
            raise TypeError("iteration over a 0-d traced array")
        return (self[i] for i in range(self.shape[0]))

    def __bool__(self) -> bool:
        # Branching on a value is fine in eager mode: the branch taken is what is differentiated.
        return bool(self.concrete_value())

    def _refuse_conversion(self, to: str) -> None:
        raise TypeError(
            f"{to}() was called on a traced value; the result would carry no derivative. "
            f"Keep it an array (use chainrule.numpy operations on it), or call "
            f"{to}(cr.stop_gradient(x)) if a constant is intended."
        )

    def __float__(self) -> float:
        self._refuse_conversion("float")

    def __int__(self) -> int:
        self._refuse_conversion("int")

    def __complex__(self) -> complex:
        self._refuse_conversion("complex")

    def __index__(self) -> int:
        raise TypeError(
            "a traced value was used as an index or size; indices carry no derivative. "
            "Use an integer array (e.g. from cnp.argmax) or cr.stop_gradient(x).astype(int)."
        )

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        raise TypeError(
            "np.asarray()/np.array() was called on a traced value inside a chainrule "
            "transform, which would drop its derivative. Use chainrule.numpy functions "
            "(cnp.asarray keeps the value traced), or np.asarray(cr.stop_gradient(x)) if "
            "a constant is intended."
        )

    def __setitem__(self, index: Any, value: Any) -> None:
        raise TypeError(
            "x[index] = value: traced arrays cannot be modified in place. Use the "
            "functional form x = x.at[index].set(value) (or .add / .multiply)."
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(level={self._trace.level}, value={self.concrete_value()!r})"


class Deferred:
    """A cotangent kept in a cheaper form than an array until something reads it.

    A VJP rule may return one at first order; the backward sweep adds to it with
    ``plus`` and turns it into a value with ``materialize`` before handing it to a rule
    or returning it. It has the ``shape`` and ``dtype`` of the value it stands for.
    """

    __slots__ = ("shape", "dtype")

    def plus(self, other: Any) -> Any:
        raise NotImplementedError

    def materialize(self) -> Any:
        raise NotImplementedError


def fit_tangent(tangent: Any, spec: Spec) -> Any:
    """Broadcast a rule's tangent to its output's shape and cast it to the output's dtype."""
    tangent_spec = spec_of(tangent)
    if tangent_spec.shape != spec.shape:
        tangent = np.broadcast_to(tangent, spec.shape)
    if tangent_spec.dtype != spec.dtype:
        tangent = _cast(tangent, spec.dtype)
    return tangent


def fit_cotangent(cotangent: Any, spec: Spec) -> Any:
    """Sum a rule's cotangent down to its input's shape (undo broadcasting) and dtype."""
    cotangent_spec = spec_of(cotangent)
    if cotangent_spec.shape != spec.shape:
        cotangent = sum_to_shape(cotangent, cotangent_spec.shape, spec.shape)
    if cotangent_spec.dtype != spec.dtype:
        cotangent = _cast(cotangent, spec.dtype)
    return cotangent


def sum_to_shape(value: Any, shape: tuple, target: tuple) -> Any:
    """Sum ``value`` (of ``shape``) over the axes that broadcasting added to reach ``target``."""
    lead = len(shape) - len(target)
    if lead < 0 or any(n != 1 and n != m for n, m in zip(target, shape[lead:])):
        # A rule gave a cotangent smaller than its input: it is constant along the rest.
        return np.broadcast_to(value, target)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(target) if n == 1 and shape[lead + i] != 1
    )
    if axes:
        value = value.sum(axis=axes, keepdims=True)
    return value.reshape(target) if lead else value


def _cast(value: Any, dtype: np.dtype) -> Any:
    if isinstance(value, (int, float, complex)):
        return np.asarray(value.real if dtype.kind == "f" else value, dtype=dtype)[()]
    if dtype.kind == "f" and value.dtype.kind == "c":
        value = value.real
    return value.astype(dtype)
