"""chainrule.numpy's assembly and disassembly of arrays from parts: block, row_stack,
unstack, diagflat and the top-level matrix_transpose.

All are compositions of concatenation, reshapes, indexing and the diagonal embedding, so
each is differentiable in every traced part.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.numpy import matrix_products
from chainrule.numpy.arguments import as_value, holds_tracer, is_traced, normalize_one_axis
from chainrule.numpy.diagonals import diag
from chainrule.numpy.manipulation import concatenate, moveaxis, ravel, reshape, vstack

__all__ = ["block", "diagflat", "matrix_transpose", "row_stack", "unstack"]


def _list_depth(arrays: Any, where: str) -> int:
    """How deeply ``arrays`` nests lists; NumPy's checks (no tuples, no empty lists, one depth)."""
    if isinstance(arrays, tuple):
        raise TypeError(
            f"chainrule.numpy.block: {where} is a tuple; block takes nested lists only "
            f"(as NumPy does). Write it as a list."
        )
    if not isinstance(arrays, list):
        return 0
    if not arrays:
        raise ValueError(f"chainrule.numpy.block: {where} is an empty list")
    depths = {_list_depth(item, f"{where}[{i}]") for i, item in enumerate(arrays)}
    if len(depths) != 1:
        raise ValueError(
            f"chainrule.numpy.block: the lists in {where} are nested to different depths "
            f"{sorted(depths)}; every entry must be nested as deeply as the others"
        )
    return 1 + depths.pop()


def _leaves(arrays: Any) -> list:
    if isinstance(arrays, list):
        return [leaf for item in arrays for leaf in _leaves(item)]
    return [arrays]


def _assemble(arrays: Any, depth: int, list_depth: int, ndim: int) -> Any:
    """Concatenate the lists at nesting ``depth`` along axis -(list_depth - depth)."""
    if not isinstance(arrays, list):
        leaf = as_value(arrays)
        return reshape(leaf, (1,) * (ndim - np.ndim(leaf)) + tuple(np.shape(leaf)))
    parts = [_assemble(item, depth + 1, list_depth, ndim) for item in arrays]
    return concatenate(parts, axis=-(list_depth - depth))


def block(arrays: Any) -> Any:
    """Differentiable numpy.block(arrays): one array assembled from nested lists of blocks.

    The innermost lists are joined along the last axis, the next ones along the one
    before, and so on; blocks with fewer axes get leading length-1 axes first.

    >>> import chainrule as cr
    >>> f = lambda x: block([[x, np.zeros((1, 1))], [np.ones((1, 2))]])
    >>> cr.jacfwd(f)(np.array([[2.0]])).shape
    (2, 2, 1, 1)
    """
    if not holds_tracer(arrays):
        return np.block(arrays)
    list_depth = _list_depth(arrays, "arrays")
    ndim = max([list_depth] + [np.ndim(as_value(leaf)) for leaf in _leaves(arrays)])
    if list_depth == 0:
        return as_value(arrays)
    return _assemble(arrays, 0, list_depth, ndim)


def row_stack(tup: Any, *, dtype: Any = None, casting: str = "same_kind") -> Any:
    """Differentiable numpy.row_stack(tup): NumPy's deprecated name of vstack.

    >>> row_stack([np.array([1.0, 2.0]), np.array([3.0, 4.0])]).shape
    (2, 2)
    """
    return vstack(tup, dtype=dtype, casting=casting)


def unstack(x: Any, /, *, axis: int = 0) -> tuple:
    """Differentiable numpy.unstack(x, axis=0): the tuple of slices of x along ``axis``.

    >>> len(unstack(np.zeros((3, 2)), axis=1))
    2
    """
    if not is_traced(x):
        return np.unstack(x, axis=axis)
    x = as_value(x)
    if x.ndim == 0:
        raise ValueError("chainrule.numpy.unstack: x must have at least one dimension")
    axis = normalize_one_axis(axis, x.ndim, "chainrule.numpy.unstack")
    moved = moveaxis(x, axis, 0)
    return tuple(moved[i] for i in range(moved.shape[0]))


def diagflat(v: Any, k: int = 0) -> Any:
    """Differentiable numpy.diagflat(v, k=0): a matrix with the flattened v on diagonal k.

    >>> diagflat(np.array([[1.0, 2.0]]))
    array([[1., 0.],
           [0., 2.]])
    """
    if not is_traced(v):
        return np.diagflat(v, k)
    return diag(ravel(as_value(v)), k)


def matrix_transpose(x: Any, /) -> Any:
    """Differentiable numpy.matrix_transpose(x): swaps the last two axes (x.mT).

    >>> matrix_transpose(np.zeros((4, 2, 3))).shape
    (4, 3, 2)
    """
    if not is_traced(x):
        return np.matrix_transpose(x)
    return matrix_products.matrix_transpose(x)
