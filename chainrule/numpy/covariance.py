"""chainrule.numpy's covariance and correlation matrices: cov and corrcoef.

Both follow NumPy's own arithmetic step for step (weighted mean, centred product,
normalisation), so values and dtypes match NumPy's; they are differentiable in the
observations and in ``aweights``. ``fweights`` are integer repeat counts and carry no
derivative.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from chainrule.core import Tracer, spec_of
from chainrule.numpy.arguments import as_value, is_traced
from chainrule.numpy.contraction import dot
from chainrule.numpy.elementwise import astype, clip, conj, imag, real, sqrt
from chainrule.numpy.manipulation import concatenate, reshape, squeeze, transpose
from chainrule.numpy.reductions import average
from chainrule.numpy.reductions import sum as _sum

__all__ = ["corrcoef", "cov"]


def _plain(value: Any) -> Any:
    return value.concrete_value() if isinstance(value, Tracer) else np.asarray(value)


def _rows(value: Any, dtype: Any, transposed: bool) -> Any:
    """``value`` as a 2-D array of ``dtype`` (np.array(value, ndmin=2)), transposed if asked."""
    value = astype(value if is_traced(value) else np.asarray(value), dtype)
    if value.ndim < 2:
        value = reshape(value, (1,) * (2 - value.ndim) + tuple(value.shape))
    return transpose(value) if transposed else value


def _checked_weights(name: str, weights: Any, n_samples: int) -> Any:
    """NumPy's checks of fweights / aweights, on their plain values."""
    plain = np.asarray(_plain(weights), dtype=float)
    if plain.ndim > 1:
        raise RuntimeError(f"chainrule.numpy.cov: {name} must be 1-d, got shape {plain.shape}")
    if plain.shape[0] != n_samples:
        raise RuntimeError(
            f"chainrule.numpy.cov: {name} has {plain.shape[0]} entries for {n_samples} "
            f"observations; give one weight per observation."
        )
    if np.any(plain < 0):
        raise ValueError(f"chainrule.numpy.cov: {name} cannot be negative")
    return plain


def cov(
    m: Any,
    y: Any = None,
    rowvar: bool = True,
    bias: bool = False,
    ddof: Any = None,
    fweights: Any = None,
    aweights: Any = None,
    *,
    dtype: Any = None,
) -> Any:
    """Differentiable numpy.cov(m, y=None, rowvar=True, bias=False, ddof=None, fweights=None,
    aweights=None, *, dtype=None): the covariance matrix of the variables (rows of m).

    Differentiable in ``m``, ``y`` and ``aweights``; ``fweights`` (integer counts) must be
    plain. The result is float64 for float32 input, as NumPy's (pass dtype= to keep it).

    >>> import chainrule as cr
    >>> cr.grad(lambda x: cov(x))(np.array([1.0, 2.0, 4.0]))
    array([-1.33333333, -0.33333333,  1.66666667])
    """
    if not is_traced(m, y, fweights, aweights):
        return np.cov(m, y, rowvar, bias, ddof, fweights, aweights, dtype=dtype)
    if is_traced(fweights):
        raise TypeError(
            "chainrule.numpy.cov: fweights is traced, but frequency weights are integer "
            "counts with no derivative. Pass them as a plain integer array, or use aweights "
            "(differentiable) for real-valued weights."
        )
    m = as_value(m)
    if m.ndim > 2:
        raise ValueError(f"chainrule.numpy.cov: m has more than 2 dimensions ({m.ndim})")
    if y is not None:
        y = as_value(y)
        if y.ndim > 2:
            raise ValueError(f"chainrule.numpy.cov: y has more than 2 dimensions ({y.ndim})")
    if dtype is None:
        dtypes = [spec_of(m).dtype] + ([] if y is None else [spec_of(y).dtype])
        dtype = np.result_type(*dtypes, np.float64)
    x = _rows(m, dtype, not rowvar and m.ndim != 1)
    if x.shape[0] == 0:
        return np.array([]).reshape(0, 0)
    if y is not None:
        y_rows = _rows(y, dtype, False)
        if not rowvar and y_rows.shape[0] != 1:
            y_rows = transpose(y_rows)
        x = concatenate((x, y_rows), axis=0)
    if ddof is None:
        ddof = 0 if bias else 1
    n_samples = x.shape[1]

    weights = None
    if fweights is not None:
        weights = _checked_weights("fweights", fweights, n_samples)
        if not np.all(weights == np.around(weights)):
            raise TypeError("chainrule.numpy.cov: fweights must be integers")
    if aweights is not None:
        _checked_weights("aweights", aweights, n_samples)
        aweights = (
            astype(as_value(aweights), float)
            if is_traced(aweights)
            else (np.asarray(aweights, dtype=float))
        )
        weights = aweights if weights is None else weights * aweights

    mean = average(x, axis=1, weights=weights)
    # The normalisation: n - ddof unweighted, else NumPy's weighted analogue.
    if weights is None:
        fact = n_samples - ddof
    else:
        weight_sum = _sum(weights)
        if ddof == 0:
            fact = weight_sum
        elif aweights is None:
            fact = weight_sum - ddof
        else:
            fact = weight_sum - ddof * _sum(weights * aweights) / weight_sum
    if _plain(fact) <= 0:
        warnings.warn("Degrees of freedom <= 0 for slice", RuntimeWarning, stacklevel=2)
        fact = 0.0

    centred = x - reshape(mean, (-1, 1))
    weighted = centred if weights is None else centred * weights
    c = dot(centred, conj(transpose(weighted)))
    c = c * np.true_divide(1, fact) if not is_traced(fact) else c * (1 / fact)
    return squeeze(astype(c, dtype))


def _clipped(c: Any) -> Any:
    """Real and imaginary parts clipped to [-1, 1], as NumPy does (ties split evenly)."""
    if spec_of(c).dtype.kind != "c":
        return clip(c, -1, 1)
    return clip(real(c), -1, 1) + 1j * clip(imag(c), -1, 1)


def corrcoef(x: Any, y: Any = None, rowvar: bool = True, *, dtype: Any = None) -> Any:
    """Differentiable numpy.corrcoef(x, y=None, rowvar=True, *, dtype=None): Pearson's
    correlation coefficients, cov[i, j] / sqrt(cov[i, i] cov[j, j]).

    Entries are clipped to [-1, 1] as in NumPy; the diagonal is constant (1), so its
    derivative is zero up to rounding. The deprecated ``bias`` and ``ddof`` (no effect in
    NumPy) are not accepted.

    >>> import chainrule as cr
    >>> x = np.array([[1.0, 2.0, 4.0], [1.0, 3.0, 2.0]])
    >>> float(cr.grad(lambda x: corrcoef(x)[0, 1])(x)[1, 2])
    0.5455447255899809
    """
    if not is_traced(x, y):
        return np.corrcoef(x, y, rowvar, dtype=dtype)
    c = cov(x, y, rowvar, dtype=dtype)
    if c.ndim != 2:
        return c / c  # one variable: 1, or NaN for a zero, infinite or NaN variance
    d = real(c[np.arange(c.shape[0]), np.arange(c.shape[0])])
    stddev = sqrt(d)
    c = c / reshape(stddev, (-1, 1))
    c = c / reshape(stddev, (1, -1))
    return _clipped(c)
