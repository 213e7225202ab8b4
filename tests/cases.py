"""The table format of rule tests: a Case per function, crossed with the shape sets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: Shapes every unary rule is checked at.
SHAPES = [(), (3,), (2, 3), (1, 4)]
#: Pairs of shapes every binary rule is checked at, broadcasting included.
SHAPE_PAIRS = [((), ()), ((3,), (3,)), ((), (3,)), ((3, 1), (1, 4)), ((2, 3), (3,)), ((2, 3), ())]


@dataclass
class Case:
    """One function to check: where to sample its inputs, and to which order."""

    fn: Callable[..., Any]
    domain: tuple[float, float] = (-2.0, 2.0)
    order: int = 2
    name: str = ""
    params: dict = field(default_factory=dict)
    avoid: Callable[[np.ndarray], np.ndarray] | None = None  # points to move away from
    arity: int = 1
    #: The shapes (one tuple per input) to use when a test does not cross the case with a
    #: shape set; tests/primitives/test_registry.py runs every case once at these.
    example_shapes: tuple = ((3,),)
    #: The dtype inputs are sampled in; complex dtypes draw the real and imaginary parts
    #: from ``domain`` independently.
    dtype: Any = np.float64

    def __str__(self) -> str:
        return self.name or getattr(self.fn, "__name__", "case")

    def sample(self, rng: np.random.Generator, shape: tuple, dtype: Any = None) -> Any:
        dtype = np.dtype(self.dtype if dtype is None else dtype)
        low, high = self.domain
        value = rng.uniform(low, high, size=shape)
        if dtype.kind == "c":
            value = value + 1j * rng.uniform(low, high, size=shape)
        if self.avoid is not None:
            for _ in range(100):
                bad = self.avoid(value)
                if not np.any(bad):
                    break
                value = np.where(bad, rng.uniform(low, high, size=shape), value)
        value = np.asarray(value, dtype=dtype)
        return value[()] if value.ndim == 0 else value

    def call(self, *args: Any) -> Any:
        return self.fn(*args, **self.params)

    def sample_args(self, rng: np.random.Generator, shapes: Any, dtype: Any = None) -> tuple:
        """One input per shape in ``shapes``."""
        return tuple(self.sample(rng, shape, dtype) for shape in shapes)

    def example(self, rng: np.random.Generator) -> tuple[Callable[..., Any], tuple]:
        """(function, arguments) at ``example_shapes``, for the registry check."""
        return self.call, self.sample_args(rng, self.example_shapes)
