"""chainrule.numpy's set operations on arrays: unique, union1d, intersect1d, setdiff1d,
setxor1d and isin.

Which elements a set operation keeps is decided on the plain values (with NumPy's own
functions, so the results are NumPy's); the values returned are then a gather of those
elements from the traced inputs, so each carries the derivative of the input element it
was read from: the first occurrence for unique and union1d, the element of ``ar1`` for
intersect1d when both inputs are traced. Indices, inverses, counts and isin's booleans are
plain.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.core import Tracer
from chainrule.numpy.arguments import as_value, is_traced
from chainrule.numpy.indexing import take
from chainrule.numpy.manipulation import concatenate, ravel

__all__ = ["intersect1d", "isin", "setdiff1d", "setxor1d", "union1d", "unique"]


def _plain(value: Any) -> np.ndarray:
    return value.concrete_value() if isinstance(value, Tracer) else np.asarray(value)


def _flat(value: Any) -> Any:
    return ravel(as_value(value)) if is_traced(value) else np.ravel(value)


def unique(
    ar: Any,
    return_index: bool = False,
    return_inverse: bool = False,
    return_counts: bool = False,
    axis: Any = None,
    *,
    equal_nan: bool = True,
    sorted: bool = True,  # noqa: A002 - NumPy's name
) -> Any:
    """Differentiable numpy.unique: the distinct values (or slices along ``axis``), each a
    gather of its first occurrence in ``ar``, which receives its derivative.

    ``return_index``, ``return_inverse`` and ``return_counts`` give NumPy's plain arrays.

    >>> import chainrule as cr
    >>> cr.grad(lambda x: unique(x).sum())(np.array([2.0, 1.0, 2.0]))
    array([1., 1., 0.])
    """
    options = dict(axis=axis, equal_nan=equal_nan, sorted=sorted)
    if not is_traced(ar):
        return np.unique(ar, return_index, return_inverse, return_counts, **options)
    ar = as_value(ar)
    plain = _plain(ar)
    found = np.unique(plain, True, return_inverse, return_counts, **options)
    first = found[1]
    if axis is None and not sorted and not (return_index or return_inverse or return_counts):
        # NumPy may order the values differently when asked for nothing else (hashing):
        # find where each of its values first occurs.
        values = np.unique(plain, **options)
        order = np.argsort(found[0], kind="stable")
        first = first[order][np.searchsorted(found[0][order], values)]
    values = take(ravel(ar), first) if axis is None else take(ar, first, axis=axis)
    extras = []
    if return_index:
        extras.append(first)
    extras.extend(found[2:])
    return (values, *extras) if extras else values


def union1d(ar1: Any, ar2: Any) -> Any:
    """Differentiable numpy.union1d(ar1, ar2): the sorted distinct values of both, each a
    gather of its first occurrence in ar1 then ar2.

    >>> union1d(np.array([3.0, 1.0]), np.array([1.0, 2.0]))
    array([1., 2., 3.])
    """
    if not is_traced(ar1, ar2):
        return np.union1d(ar1, ar2)
    return unique(concatenate((_flat(ar1), _flat(ar2))))


def intersect1d(ar1: Any, ar2: Any, assume_unique: bool = False, return_indices: bool = False):
    """Differentiable numpy.intersect1d(ar1, ar2, assume_unique=False, return_indices=False):
    the sorted values in both; gathered from ar1 (from ar2 when only ar2 is traced), so
    the derivative goes to that array's first occurrence. Indices are plain.

    >>> import chainrule as cr
    >>> cr.grad(lambda x: intersect1d(x, np.array([2.0, 5.0])).sum())(np.array([2.0, 3.0]))
    array([1., 0.])
    """
    if not is_traced(ar1, ar2):
        return np.intersect1d(ar1, ar2, assume_unique, return_indices)
    plain1, plain2 = _plain(ar1), _plain(ar2)
    _, first1, first2 = np.intersect1d(plain1, plain2, assume_unique, return_indices=True)
    values = take(_flat(ar1), first1) if is_traced(ar1) else take(_flat(ar2), first2)
    dtype = np.result_type(plain1, plain2)
    values = values.astype(dtype) if values.dtype != dtype else values
    return (values, first1, first2) if return_indices else values


def setdiff1d(ar1: Any, ar2: Any, assume_unique: bool = False) -> Any:
    """Differentiable numpy.setdiff1d(ar1, ar2, assume_unique=False): the (sorted, distinct
    unless assume_unique) values of ar1 not in ar2, gathered from ar1; ar2 only decides
    which are kept (no derivative).

    >>> setdiff1d(np.array([3.0, 1.0, 2.0]), np.array([2.0]))
    array([1., 3.])
    """
    if not is_traced(ar1):
        return np.setdiff1d(ar1, _plain(ar2), assume_unique)
    plain1, plain2 = np.ravel(_plain(ar1)), _plain(ar2)
    if assume_unique:
        positions = np.arange(plain1.size)
    else:
        positions = np.unique(plain1, return_index=True)[1]
    kept = positions[~np.isin(plain1[positions], plain2, assume_unique=assume_unique)]
    return take(_flat(ar1), kept)


def setxor1d(ar1: Any, ar2: Any, assume_unique: bool = False) -> Any:
    """Differentiable numpy.setxor1d(ar1, ar2, assume_unique=False): the sorted values in
    exactly one of the arrays, each gathered from where it occurs.

    >>> setxor1d(np.array([1.0, 2.0]), np.array([2.0, 3.0]))
    array([1., 3.])
    """
    if not is_traced(ar1, ar2):
        return np.setxor1d(ar1, ar2, assume_unique)
    plain1, plain2 = np.ravel(_plain(ar1)), np.ravel(_plain(ar2))
    if assume_unique:
        positions1, positions2 = np.arange(plain1.size), np.arange(plain2.size)
    else:
        positions1 = np.unique(plain1, return_index=True)[1]
        positions2 = np.unique(plain2, return_index=True)[1]
    positions = np.concatenate((positions1, plain1.size + positions2))
    values = np.concatenate((plain1, plain2))[positions]
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    # A value is kept when it differs from both neighbours in sorted order (NumPy's flags).
    flag = np.concatenate(([True], ordered[1:] != ordered[:-1], [True]))
    kept = positions[order][flag[1:] & flag[:-1]]
    return take(concatenate((_flat(ar1), _flat(ar2))), kept)


def isin(
    element: Any,
    test_elements: Any,
    assume_unique: bool = False,
    invert: bool = False,
    *,
    kind: Any = None,
) -> np.ndarray:
    """numpy.isin on the plain values: a boolean array (no derivative).

    >>> isin(np.array([1.0, 2.0]), [2.0])
    array([False,  True])
    """
    return np.isin(_plain(element), _plain(test_elements), assume_unique, invert, kind=kind)
