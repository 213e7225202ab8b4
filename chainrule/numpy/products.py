"""chainrule.numpy's kron (Kronecker product) and cross (vector cross product).

Both are products of two arrays written with broadcasting multiplies, so they are
differentiable in both arguments (bilinear: each derivative is the same product with
one argument replaced by its tangent).
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from chainrule.numpy.arguments import as_value, is_traced, normalize_one_axis
from chainrule.numpy.manipulation import moveaxis, reshape, stack

__all__ = ["cross", "kron"]


def kron(a: Any, b: Any) -> Any:
    """Differentiable numpy.kron(a, b): the block array of a[i, j, ...] * b.

    >>> kron(np.array([1.0, 2.0]), np.array([1.0, 10.0]))
    array([ 1., 10.,  2., 20.])
    """
    if not is_traced(a, b):
        return np.kron(a, b)
    a, b = as_value(a), as_value(b)
    a_shape, b_shape = np.shape(a), np.shape(b)
    if not a_shape or not b_shape:
        return a * b
    ndim = max(len(a_shape), len(b_shape))
    a_shape = (1,) * (ndim - len(a_shape)) + a_shape
    b_shape = (1,) * (ndim - len(b_shape)) + b_shape
    # Interleave the axes: a as (a0, 1, a1, 1, ...), b as (1, b0, 1, b1, ...); the product
    # (a0, b0, a1, b1, ...) read as (a0 * b0, a1 * b1, ...) is the Kronecker product.
    a_spread = reshape(a, tuple(n for size in a_shape for n in (size, 1)))
    b_spread = reshape(b, tuple(n for size in b_shape for n in (1, size)))
    return reshape(a_spread * b_spread, tuple(m * n for m, n in zip(a_shape, b_shape)))


def cross(
    a: Any, b: Any, axisa: int = -1, axisb: int = -1, axisc: int = -1, axis: Any = None
) -> Any:
    """Differentiable numpy.cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None).

    Vectors of length 3 give vectors; a length-2 vector counts as having a zero third
    component, and two of them give the scalar z component, as in NumPy (which deprecates
    length-2 vectors since 2.0, with the DeprecationWarning repeated here).

    >>> cross(np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0]))
    array([0., 0., 1.])
    """
    if not is_traced(a, b):
        return np.cross(a, b, axisa, axisb, axisc, axis)
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = as_value(a), as_value(b)
    if np.ndim(a) < 1 or np.ndim(b) < 1:
        raise ValueError("chainrule.numpy.cross: at least one array has zero dimension")
    a = moveaxis(a, normalize_one_axis(axisa, np.ndim(a), "cross (axisa)"), -1)
    b = moveaxis(b, normalize_one_axis(axisb, np.ndim(b), "cross (axisb)"), -1)
    a_size, b_size = np.shape(a)[-1], np.shape(b)[-1]
    if a_size not in (2, 3) or b_size not in (2, 3):
        raise ValueError(
            "chainrule.numpy.cross: incompatible dimensions for cross product (the vectors "
            f"must have 2 or 3 components; got {a_size} and {b_size})"
        )
    if a_size == 2 or b_size == 2:  # NumPy's own warning, for the same calls
        warnings.warn(
            "Arrays of 2-dimensional vectors are deprecated. Use arrays of 3-dimensional "
            "vectors instead. (deprecated in NumPy 2.0)",
            DeprecationWarning,
            stacklevel=2,
        )
    a0, a1, b0, b1 = a[..., 0], a[..., 1], b[..., 0], b[..., 1]
    z = a0 * b1 - a1 * b0
    if a_size == 2 and b_size == 2:
        return z
    # A missing third component is 0: its terms drop out of x and y.
    if a_size == 3 and b_size == 3:
        a2, b2 = a[..., 2], b[..., 2]
        x, y = a1 * b2 - a2 * b1, a2 * b0 - a0 * b2
    elif a_size == 2:
        b2 = b[..., 2]
        x, y = a1 * b2, -(a0 * b2)
    else:
        a2 = a[..., 2]
        x, y = -(a2 * b1), a2 * b0
    dtype = np.promote_types(a.dtype, b.dtype)
    vectors = stack([c if c.dtype == dtype else c.astype(dtype) for c in (x, y, z)], axis=-1)
    return moveaxis(vectors, -1, normalize_one_axis(axisc, vectors.ndim, "cross (axisc)"))
