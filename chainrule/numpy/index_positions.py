"""chainrule.numpy's functions that compute positions from arrays: tril_indices_from,
triu_indices_from, diag_indices_from and lexsort.

Their results are integer indices, which carry no derivative, so they read only the
plain values (or just the shape) of traced arguments.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.core import Tracer

__all__ = ["diag_indices_from", "lexsort", "tril_indices_from", "triu_indices_from"]


def _plain(value: Any) -> Any:
    """The plain value, tracers inside lists and tuples included."""
    if isinstance(value, Tracer):
        return value.concrete_value()
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    return value


def tril_indices_from(arr: Any, k: int = 0) -> tuple:
    """numpy.tril_indices_from(arr, k=0): the indices of arr's lower triangle (plain).

    >>> tril_indices_from(np.zeros((2, 2)))
    (array([0, 1, 1]), array([0, 0, 1]))
    """
    return np.tril_indices_from(_plain(arr), k)


def triu_indices_from(arr: Any, k: int = 0) -> tuple:
    """numpy.triu_indices_from(arr, k=0): the indices of arr's upper triangle (plain).

    >>> triu_indices_from(np.zeros((2, 2)))
    (array([0, 0, 1]), array([0, 1, 1]))
    """
    return np.triu_indices_from(_plain(arr), k)


def diag_indices_from(arr: Any) -> tuple:
    """numpy.diag_indices_from(arr): the indices of arr's main diagonal (plain).

    >>> diag_indices_from(np.zeros((2, 2)))
    (array([0, 1]), array([0, 1]))
    """
    return np.diag_indices_from(_plain(arr))


def lexsort(keys: Any, axis: int = -1) -> np.ndarray:
    """numpy.lexsort(keys, axis=-1): the order sorting by the last key, then the one before
    (a plain integer array; orderings carry no derivative).

    >>> lexsort((np.array([2.0, 1.0]), np.array([0.0, 0.0])))
    array([1, 0])
    """
    return np.lexsort(_plain(keys), axis)
