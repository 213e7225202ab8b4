"""Parts of the random scientific programs: steps, operands gathered from the running value
and the inputs, fixed well-conditioned matrices, and the choice between SciPy (plain
arrays, the oracle) and chainrule.scipy (traced values)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.linalg
import scipy.special
import scipy.stats
from hypothesis import strategies as st

import chainrule.scipy as csp
from chainrule.numpy.arguments import is_traced

MAX_SIZE = 48  # largest intermediate array a program may build


@dataclass(frozen=True)
class Step:
    """One step ``v -> fn(v, x, y, xp)``; ``text`` is what Hypothesis prints."""

    text: str
    fn: Callable[..., Any]

    def __repr__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Program:
    """A chain of steps applied to the first input; steps may also read both inputs.

    ``xp`` is ``np`` (NumPy's protocols send calls on tracers to chainrule, and SciPy's
    ufuncs are called as they are) or ``chainrule.numpy`` (and chainrule.scipy's ufuncs).
    """

    steps: tuple
    xp: Any

    def __call__(self, x: Any, y: Any) -> Any:
        v = x
        for step in self.steps:
            v = step.fn(v, x, y, self.xp)
        return v

    def __repr__(self) -> str:
        return f"Program(xp={self.xp.__name__}, steps={list(self.steps)})"


@dataclass(frozen=True)
class StepMaker:
    """``make(draw, shapes, kind) -> Step`` and the kinds of step it makes: one is drawn
    when none is given, so a test can also ask for each kind in turn."""

    make: Callable[..., Step]
    kinds: tuple

    def __call__(self, draw: Any, shapes: Shapes, kind: str | None = None) -> Step:
        if kind is None:
            kind = draw(st.sampled_from(self.kinds))
        return self.make(draw, shapes, kind)

    @property
    def name(self) -> str:
        return self.make.__name__.lstrip("_")


def step_maker(*kinds: str) -> Callable[[Callable[..., Step]], StepMaker]:
    """Declare a function (draw, shapes, kind) -> Step as a StepMaker of ``kinds``."""

    def declare(make: Callable[..., Step]) -> StepMaker:
        return StepMaker(make, kinds or (make.__name__.lstrip("_"),))

    return declare


@dataclass(frozen=True)
class Shapes:
    """The shapes a step is drawn for: the running value's and the two inputs'."""

    value: tuple
    x: tuple
    y: tuple

    @property
    def sizes(self) -> tuple:
        return tuple(int(np.prod(s, dtype=int)) for s in (self.value, self.x, self.y))


# ---------------------------------------------------------------- SciPy or chainrule.scipy


def special(xp: Any, name: str, *values: Any) -> Callable:
    """scipy.special's function ``name`` on plain values; on traced ones chainrule's, or
    SciPy's own ufunc when the program is written with ``np`` (it dispatches to chainrule)."""
    scipy_function = getattr(scipy.special, name)
    if not is_traced(*values) or (xp is np and isinstance(scipy_function, np.ufunc)):
        return scipy_function
    return getattr(csp.special, name)


def stats(*values: Any) -> Any:
    """scipy.stats on plain values, chainrule.scipy.stats on traced ones."""
    return csp.stats if is_traced(*values) else scipy.stats


def linalg(*values: Any) -> Any:
    """scipy.linalg on plain values, chainrule.scipy.linalg on traced ones."""
    return csp.linalg if is_traced(*values) else scipy.linalg


# ---------------------------------------------------------------- operands


@dataclass(frozen=True)
class Operand:
    """The running value itself, or its entries (and sometimes those of both inputs)
    at fixed random positions, gathered into a new shape by integer-array indexing."""

    index: np.ndarray | None = None
    with_inputs: bool = False

    def __call__(self, v: Any, x: Any, y: Any, xp: Any) -> Any:
        if self.index is None:
            return v
        source = xp.ravel(v)
        if self.with_inputs:
            source = xp.concatenate([source, xp.ravel(x), xp.ravel(y)])
        return source[self.index]

    def shape(self, shapes: Shapes) -> tuple:
        """The shape of the operand's value in a program of ``shapes``."""
        return shapes.value if self.index is None else self.index.shape

    def __repr__(self) -> str:
        if self.index is None:
            return "v"
        return f"take({'v,x,y' if self.with_inputs else 'v'}, {list(self.index.shape)})"


def gather(draw: Any, shapes: Shapes, shape: tuple) -> Operand:
    """Entries of v (or of v, x and y) at random positions, in ``shape``."""
    with_inputs = draw(st.booleans())
    size = sum(shapes.sizes) if with_inputs else shapes.sizes[0]
    index = seeded(draw).integers(0, size, shape)
    return Operand(index, with_inputs)


def operand(draw: Any, shapes: Shapes, min_ndim: int = 1, max_ndim: int = 3) -> Operand:
    """v itself when its rank suits and it is small enough, else v gathered to a drawn shape."""
    usable = min_ndim <= len(shapes.value) <= max_ndim and shapes.sizes[0] <= 24
    if usable and draw(st.booleans()):
        return Operand()
    ndim = draw(st.integers(max(min_ndim, 1), max_ndim))
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=ndim, max_size=ndim)))
    if max(shape) == 1:
        shape = shape[:-1] + (3,)
    return gather(draw, shapes, shape)


def seeded(draw: Any) -> np.random.Generator:
    """A generator for the fixed constants of one step, seeded by Hypothesis."""
    return np.random.default_rng(draw(st.integers(0, 2**16)))


def drawn_axis(draw: Any, ndim: int) -> int:
    return draw(st.integers(-ndim, ndim - 1))


def distinct_offsets(rng: np.random.Generator, shape: tuple) -> np.ndarray:
    """0, 1, 2, ... in random order: added to 0.3 tanh(a), entries stay at least 0.4 apart,
    so sorting, quantiles, max and min never meet a tie."""
    return rng.permutation(int(np.prod(shape, dtype=int))).reshape(shape).astype(float)


# ---------------------------------------------------------------- matrices


def orthogonal(rng: np.random.Generator, n: int) -> np.ndarray:
    q, r = np.linalg.qr(rng.standard_normal((n, n)))
    return q * np.sign(np.diag(r))


def separated_matrix(rng: np.random.Generator, m: int, n: int) -> np.ndarray:
    """U diag(1, 1.8, 2.6, ...) V^T (m x n): singular values at least 0.8 apart, the
    smallest 1. A perturbation of entries at most s moves each by at most s sqrt(m n)."""
    k = min(m, n)
    return orthogonal(rng, m)[:, :k] * (1.0 + 0.8 * np.arange(k)) @ orthogonal(rng, n)[:k, :]


def separated_symmetric(rng: np.random.Generator, n: int) -> np.ndarray:
    """Q diag(1, 1.8, 2.6, ...) Q^T: symmetric positive definite, eigenvalues 0.8 apart."""
    q = orthogonal(rng, n)
    return (q * (1.0 + 0.8 * np.arange(n))) @ q.T


# Entry bounds of the perturbations: s sqrt(m n) <= 0.25 keeps singular values and
# eigenvalues 0.3 apart and at least 0.75 (separation needed); s sqrt(m n) <= 0.75 keeps
# the smallest above 0.25 (invertibility, full rank, positive definiteness only).
def perturbation_scale(m: int, n: int, needs_separation: bool) -> float:
    return (0.25 if needs_separation else 0.75) / np.sqrt(m * n)


@dataclass(frozen=True)
class Matrices:
    """``base + scale * tanh(a)`` (the second term symmetrised when ``symmetrise``), a a
    (batch of) m x n matrices gathered from the program's values: a fixed
    well-conditioned matrix moved smoothly by the program."""

    base: np.ndarray
    scale: float
    entries: Operand
    symmetrise: bool = False

    def __call__(self, v: Any, x: Any, y: Any, xp: Any) -> Any:
        moved = self.scale * xp.tanh(self.entries(v, x, y, xp))
        if self.symmetrise:
            moved = (moved + xp.swapaxes(moved, -1, -2)) / 2
        return self.base + moved

    def __repr__(self) -> str:
        kind = "symmetrised " if self.symmetrise else ""
        return f"{kind}matrix({list(self.entries.index.shape)}, s={self.scale:.3g})"


def draw_matrices(
    draw: Any,
    shapes: Shapes,
    m: int,
    n: int,
    batch: tuple = (),
    symmetric: bool = False,
    needs_separation: bool = False,
    symmetrise: bool | None = None,
) -> Matrices:
    """Well-conditioned m x n matrices (with leading ``batch``) that depend on the program.

    A ``symmetric`` one is symmetrised unless ``symmetrise`` is False: for functions that
    read one triangle, whose values and derivatives then are those of the symmetric
    matrix that triangle defines (as close to the base as the symmetrised one is).
    """
    rng = seeded(draw)
    base = separated_symmetric(rng, n) if symmetric else separated_matrix(rng, m, n)
    scale = perturbation_scale(m, n, needs_separation)
    symmetrise = symmetric if symmetrise is None else symmetrise
    return Matrices(base, scale, gather(draw, shapes, batch + (m, n)), symmetrise)


def draw_batch(draw: Any) -> tuple:
    return draw(st.sampled_from([(), (), (2,), (1, 2)]))
