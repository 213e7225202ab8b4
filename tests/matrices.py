"""Random matrices for the linear-algebra tests, well conditioned and with the structure
a function needs; and `MatrixCase`, the rule-table entry that samples them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from cases import Case


def _eigenvalue_blocks(n: int) -> np.ndarray:
    """A block diagonal matrix with well separated eigenvalues: pairs 1 +- 2i, 4 +- 1i...
    and, for odd n, one real eigenvalue (-2)."""
    block = np.zeros((n, n))
    for k in range(0, n - 1, 2):
        real, imaginary = 1.0 + 3 * k / 2, 2.0 - k / 2
        block[k : k + 2, k : k + 2] = [[real, -imaginary], [imaginary, real]]
    if n % 2:
        block[-1, -1] = -2.0
    return block


def sample_matrix(rng: np.random.Generator, shape: tuple, structure: str, dtype=np.float64):
    """An array of ``shape`` whose last two axes are matrices of the named structure.

    general: N(0, 1) plus n I when square (far from singular); plain: N(0, 1);
    small: 0.3 N(0, 1); spd: B B^T + n I; real_spectrum: distinct real eigenvalues
    1, 2.5, 4, ...; complex_spectrum: eigenvalue pairs 1 +- 2i, ... (both similar to a
    diagonal or block-diagonal matrix by I + 0.3 N(0, 1)).
    """
    shape = tuple(shape)
    noise = rng.standard_normal(shape)
    square = len(shape) >= 2 and shape[-1] == shape[-2]
    n = shape[-1] if shape else 1
    if structure == "plain" or (structure == "general" and not square):
        value = noise
    elif structure == "small":
        value = 0.3 * noise
    elif structure == "general":
        value = noise + n * np.eye(n)
    elif structure == "spd":
        value = noise @ np.swapaxes(noise, -1, -2) + n * np.eye(n)
    elif structure in ("real_spectrum", "complex_spectrum"):
        if structure == "real_spectrum":
            core = np.diag(1.0 + 1.5 * np.arange(n))
        else:
            core = _eigenvalue_blocks(n)
        basis = np.eye(n) + 0.3 * noise
        value = basis @ core @ np.linalg.inv(basis)
    else:
        raise ValueError(f"sample_matrix: unknown structure {structure!r}")
    value = np.asarray(value, dtype=dtype)
    return value[()] if value.ndim == 0 else value


@dataclass
class MatrixCase(Case):
    """A Case whose inputs are sampled by structure (one per input), with the shape sets
    it is checked at and, where second differences need it, a looser tolerance."""

    structures: tuple = ("general",)
    shape_sets: tuple = ()
    tolerance: float | None = None

    def sample_args(self, rng: np.random.Generator, shapes, dtype=np.float64) -> tuple:
        return tuple(
            sample_matrix(rng, shape, structure, dtype)
            for shape, structure in zip(shapes, self.structures, strict=True)
        )

    def checks(self) -> list:
        """(case, shapes) pairs, one per shape set (the example shapes when none given)."""
        return [(self, shapes) for shapes in (self.shape_sets or (self.example_shapes,))]


SQUARE = (((3, 3),), ((2, 3, 3),), ((1, 1),))


def matrix_case(fn, structures, shape_sets, name="", **extra) -> MatrixCase:
    """A MatrixCase with one input per structure, registered at its first shape set."""
    return MatrixCase(
        fn,
        name=name or fn.__name__,
        structures=structures,
        shape_sets=shape_sets,
        example_shapes=shape_sets[0],
        arity=len(structures),
        **extra,
    )
