"""chainrule.numpy's polynomial arithmetic: polyadd, polysub, polymul, polydiv, polyfit,
poly and roots.

Coefficients run from the highest power down, as in NumPy's numpy.poly* functions. Each
function repeats NumPy's own arithmetic with differentiable operations (zero padding,
convolution, long division, a scaled least-squares solve, the companion matrix's
eigenvalues), so values and dtypes match NumPy's and every coefficient, root and data
point carries its derivative. ``numpy.poly1d`` objects are not accepted with traced values.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from chainrule.core import Tracer, spec_of
from chainrule.numpy import linalg
from chainrule.numpy.arguments import as_value, is_traced
from chainrule.numpy.convolution import convolve
from chainrule.numpy.elementwise import astype, real, sqrt
from chainrule.numpy.indexing import IndexUpdater
from chainrule.numpy.manipulation import concatenate, reshape, stack
from chainrule.numpy.polynomials import vander
from chainrule.numpy.reductions import sum as _sum

__all__ = ["poly", "polyadd", "polydiv", "polyfit", "polymul", "polysub", "roots"]


def _plain(value: Any) -> Any:
    return value.concrete_value() if isinstance(value, Tracer) else np.asarray(value)


def _vector(name: str, argument: str, value: Any) -> Any:
    """``value`` as a 1-d coefficient array (np.atleast_1d); poly1d is refused when traced."""
    if isinstance(value, np.poly1d):
        raise TypeError(
            f"chainrule.numpy.{name}: {argument} is a numpy.poly1d, which is not supported "
            f"with traced values; pass its coefficients, {argument}.coeffs."
        )
    value = as_value(value)
    return reshape(value, (1,)) if np.ndim(value) == 0 else value


def _padded_pair(name: str, a1: Any, a2: Any) -> tuple:
    """a1 and a2 with leading zeros so that their lengths agree (NumPy's polyadd)."""
    a1, a2 = _vector(name, "a1", a1), _vector(name, "a2", a2)
    difference = len(a2) - len(a1)
    if difference > 0:
        a1 = concatenate((np.zeros(difference, spec_of(a1).dtype), a1))
    elif difference < 0:
        a2 = concatenate((np.zeros(-difference, spec_of(a2).dtype), a2))
    return a1, a2


def polyadd(a1: Any, a2: Any) -> Any:
    """Differentiable numpy.polyadd(a1, a2): the coefficients of the sum, the shorter one
    padded with leading zeros.

    >>> polyadd(np.array([1.0, 2.0]), np.array([9.0, 5.0, 4.0]))
    array([9., 6., 6.])
    """
    if not is_traced(a1, a2):
        return np.polyadd(a1, a2)
    a1, a2 = _padded_pair("polyadd", a1, a2)
    return a1 + a2


def polysub(a1: Any, a2: Any) -> Any:
    """Differentiable numpy.polysub(a1, a2): the coefficients of a1 - a2.

    >>> polysub(np.array([2.0, 10.0, -2.0]), np.array([3.0, 10.0, -4.0]))
    array([-1.,  0.,  2.])
    """
    if not is_traced(a1, a2):
        return np.polysub(a1, a2)
    a1, a2 = _padded_pair("polysub", a1, a2)
    return a1 - a2


def polymul(a1: Any, a2: Any) -> Any:
    """Differentiable numpy.polymul(a1, a2): the product's coefficients, a1 convolved with a2.

    >>> polymul(np.array([1.0, 2.0]), np.array([1.0, 3.0]))
    array([1., 5., 6.])
    """
    if not is_traced(a1, a2):
        return np.polymul(a1, a2)
    return convolve(_vector("polymul", "a1", a1), _vector("polymul", "a2", a2))


def polydiv(u: Any, v: Any) -> tuple:
    """Differentiable numpy.polydiv(u, v): (quotient, remainder) of u / v by long division,
    differentiable in both the dividend ``u`` and the divisor ``v``.

    As in NumPy, leading remainder coefficients within 1e-14 (relative) of zero are
    dropped; they are zero in exact arithmetic, so they carry no derivative either.

    >>> polydiv(np.array([1.0, 3.0, 2.0]), np.array([1.0, 1.0]))
    (array([1., 2.]), array([0.]))
    """
    if not is_traced(u, v):
        return np.polydiv(u, v)
    u, v = _vector("polydiv", "u", u) + 0.0, _vector("polydiv", "v", v) + 0.0
    if _plain(v[0]) == 0:
        raise ZeroDivisionError(
            "chainrule.numpy.polydiv: the leading coefficient of the divisor v is zero; "
            "strip v's leading zeros (np.trim_zeros(v, 'f')) first."
        )
    dtype = np.result_type(spec_of(u).dtype, spec_of(v).dtype)
    m, n = len(u) - 1, len(v) - 1
    scale = 1.0 / v[0]
    quotient = []
    remainder = astype(u, dtype)
    for k in range(m - n + 1):
        # Each step removes the leading term: r[k:k+n+1] -= (r[k] / v[0]) * v.
        d = scale * remainder[k]
        quotient.append(d)
        remainder = IndexUpdater(remainder)[k : k + n + 1].add(-(d * v))
    q = stack(quotient) if quotient else np.zeros(1, dtype)
    while np.allclose(_plain(remainder[0]), 0, rtol=1e-14) and remainder.shape[-1] > 1:
        remainder = remainder[1:]
    return astype(q, dtype) if is_traced(q) else q, remainder


def polyfit(
    x: Any,
    y: Any,
    deg: int,
    rcond: Any = None,
    full: bool = False,
    w: Any = None,
    cov: Any = False,
) -> Any:
    """Differentiable numpy.polyfit(x, y, deg, rcond=None, full=False, w=None, cov=False):
    the least-squares polynomial fit, differentiable in ``x``, ``y`` and ``w``.

    NumPy's weighted least-squares problem, solved the same way: the Vandermonde matrix
    is weighted, its columns scaled to unit norm, and chainrule.numpy.linalg.lstsq solves
    it (derivatives at constant rank). ``full=True`` returns (p, residuals, rank,
    singular values, rcond) as NumPy does; ``cov=True`` is not supported on traced values.

    >>> import chainrule as cr
    >>> x = np.array([0.0, 1.0, 2.0])
    >>> slope = cr.grad(lambda y: polyfit(x, y, 1)[0])(np.array([1.0, 3.0, 5.0]))
    >>> np.round(slope, 12) + 0.0
    array([-0.5,  0. ,  0.5])
    """
    if not is_traced(x, y, w):
        return np.polyfit(x, y, deg, rcond=rcond, full=full, w=w, cov=cov)
    if cov:
        raise NotImplementedError(
            "chainrule.numpy.polyfit: cov=True is not supported on traced values. Call "
            "polyfit(..., full=True) for the residuals and build the covariance from them, "
            "or compute it on plain arrays."
        )
    order = int(deg) + 1
    x, y = as_value(x) + 0.0, as_value(y) + 0.0
    if deg < 0:
        raise ValueError("chainrule.numpy.polyfit: expected deg >= 0")
    if x.ndim != 1 or x.shape[0] == 0:
        raise TypeError(
            f"chainrule.numpy.polyfit: x must be a non-empty 1-d vector; got shape {x.shape}"
        )
    if y.ndim not in (1, 2) or y.shape[0] != x.shape[0]:
        raise TypeError(
            f"chainrule.numpy.polyfit: y must be 1-d or 2-d with as many rows as x has "
            f"points ({x.shape[0]}); got shape {y.shape}"
        )
    if rcond is None:
        rcond = len(x) * np.finfo(spec_of(x).dtype).eps
    lhs, rhs = vander(x, order), y
    if w is not None:
        w = as_value(w) + 0.0
        if w.ndim != 1 or w.shape[0] != y.shape[0]:
            raise TypeError(
                f"chainrule.numpy.polyfit: w must be 1-d with one weight per point "
                f"({y.shape[0]}); got shape {w.shape}"
            )
        lhs = lhs * reshape(w, (-1, 1))
        rhs = rhs * (reshape(w, (-1, 1)) if rhs.ndim == 2 else w)
    # Unit-norm columns improve the conditioning; the scale comes off the solution after.
    scale = sqrt(_sum(lhs * lhs, axis=0))
    lhs = lhs / scale
    c, residuals, rank, singular_values = linalg.lstsq(lhs, rhs, rcond)
    c = c / (reshape(scale, (-1, 1)) if np.ndim(c) == 2 else scale)
    if rank != order and not full:
        warnings.warn("Polyfit may be poorly conditioned", np.exceptions.RankWarning, stacklevel=2)
    if full:
        return c, residuals, rank, singular_values, rcond
    return c


def _mintypecode(dtype: np.dtype) -> Any:
    """NumPy's mintypecode(dtype.char): the float or complex type poly computes in."""
    return np.mintypecode(dtype.char)


def poly(seq_of_zeros: Any) -> Any:
    """Differentiable numpy.poly(seq_of_zeros): the monic polynomial with the given roots
    (a 1-d array), or the characteristic polynomial of a square matrix (via its
    eigenvalues), by repeated convolution with (1, -root).

    Complex roots that come in conjugate pairs give real coefficients, as in NumPy.

    >>> poly(np.array([1.0, 2.0]))
    array([ 1., -3.,  2.])
    """
    if not is_traced(seq_of_zeros):
        return np.poly(seq_of_zeros)
    zeros = _vector("poly", "seq_of_zeros", seq_of_zeros)
    shape = zeros.shape
    if len(shape) == 2 and shape[0] == shape[1] and shape[0] != 0:
        zeros = linalg.eigvals(zeros)
    elif len(shape) == 1:
        zeros = astype(zeros, _mintypecode(spec_of(zeros).dtype))
    else:
        raise ValueError(
            f"chainrule.numpy.poly: seq_of_zeros must be 1-d or a non-empty square 2-d "
            f"array; got shape {shape}"
        )
    if len(zeros) == 0:
        return 1.0
    dtype = spec_of(zeros).dtype
    coefficients = np.ones((1,), dtype)
    for index in range(len(zeros)):
        factor = concatenate((np.ones((1,), dtype), reshape(-zeros[index], (1,))))
        coefficients = convolve(coefficients, factor)
    if dtype.kind == "c":
        plain = np.asarray(_plain(zeros), complex)
        if np.all(np.sort(plain) == np.sort(plain.conjugate())):
            coefficients = real(coefficients)
    return coefficients


def roots(p: Any) -> Any:
    """Differentiable numpy.roots(p): the roots of the polynomial p[0] x**n + ... + p[n],
    as the eigenvalues of its companion matrix (chainrule.numpy.linalg.eigvals).

    Complex when some root is, as in NumPy. A simple root r moves by
    -(dp evaluated at r) / p'(r); a repeated root has no derivative (p'(r) = 0: the
    result is infinite or NaN there), and nearly repeated roots have very large ones.
    Trailing zero coefficients give roots at exactly 0, with no derivative.

    >>> roots(np.array([1.0, -3.0, 2.0]))
    array([2., 1.])
    """
    if not is_traced(p):
        return np.roots(p)
    p = _vector("roots", "p", p)
    if p.ndim != 1:
        raise ValueError(f"chainrule.numpy.roots: p must be 1-d, got shape {p.shape}")
    nonzero = np.nonzero(_plain(p))[0]
    if len(nonzero) == 0:
        return np.array([])
    trailing_zeros = len(p) - int(nonzero[-1]) - 1
    p = p[int(nonzero[0]) : int(nonzero[-1]) + 1]
    if spec_of(p).dtype.kind not in "fc":
        p = astype(p, float)
    size = len(p)
    if size > 1:
        # The companion matrix: -p[1:] / p[0] on the first row, ones below the diagonal.
        first_row = reshape(-p[1:] / p[0], (1, size - 1))
        below = np.eye(size - 2, size - 1, dtype=spec_of(p).dtype)
        found = linalg.eigvals(concatenate((first_row, below)))
    else:
        found = np.array([])
    return concatenate((found, np.zeros(trailing_zeros, spec_of(found).dtype)))
