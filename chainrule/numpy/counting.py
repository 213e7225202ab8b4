"""chainrule.numpy's counting into bins: bincount and histogram.

Counts carry no derivative, and neither do bin edges; with ``weights`` each bin is the
sum of the weights that fall in it, a scatter-add (``x.at[bins].add(weights)``), so it is
differentiable in the weights. Which bin each sample falls in is read from the plain
values, with NumPy's own rules.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.core import Tracer, spec_of
from chainrule.numpy.arguments import as_value, is_traced
from chainrule.numpy.elementwise import astype
from chainrule.numpy.indexing import IndexUpdater, take
from chainrule.numpy.manipulation import ravel
from chainrule.numpy.reductions import sum as _sum

__all__ = ["bincount", "histogram"]


def _plain(value: Any) -> Any:
    return value.concrete_value() if isinstance(value, Tracer) else value


def bincount(x: Any, /, weights: Any = None, minlength: int = 0) -> Any:
    """Differentiable numpy.bincount(x, weights=None, minlength=0) in ``weights``:
    out[i] = the sum of weights[j] over x[j] == i (the count without weights).

    ``x`` holds non-negative integers (plain). The result is float64, as NumPy's.

    >>> import chainrule as cr
    >>> cr.grad(lambda w: bincount(np.array([0, 2, 2]), w)[2])(np.ones(3))
    array([0., 1., 1.])
    """
    if is_traced(x):
        raise TypeError(
            "chainrule.numpy.bincount: x is traced, but it must hold non-negative integers "
            "(bin numbers, which carry no derivative); pass a plain integer array."
        )
    if not is_traced(weights):
        return np.bincount(x, weights, minlength)
    x = np.asarray(x)
    if x.ndim != 1 or (x.size and x.dtype.kind not in "iub"):
        raise TypeError(
            f"chainrule.numpy.bincount: x must be a 1-d array of non-negative integers; got "
            f"shape {x.shape} and dtype {x.dtype}"
        )
    if x.size and x.min() < 0:
        raise ValueError("chainrule.numpy.bincount: x must not hold negative numbers")
    weights = as_value(weights)
    if spec_of(weights).shape != x.shape:
        raise ValueError(
            f"chainrule.numpy.bincount: weights has shape {spec_of(weights).shape}, x has "
            f"{x.shape}; give one weight per entry of x"
        )
    if spec_of(weights).dtype.kind == "c":
        raise TypeError("chainrule.numpy.bincount: complex weights are not supported")
    length = max(int(x.max()) + 1 if x.size else 0, int(minlength))
    return IndexUpdater(np.zeros(length, np.float64))[x].add(astype(weights, np.float64))


def histogram(
    a: Any,
    bins: Any = 10,
    range: Any = None,
    density: Any = None,
    weights: Any = None,  # noqa: A002
) -> tuple:
    """Differentiable numpy.histogram(a, bins=10, range=None, density=None, weights=None)
    in ``weights``: (hist, bin_edges) with hist[i] the sum of the weights of the samples
    in bin i (half-open bins, the last closed, as NumPy's).

    The counts (without weights) and the bin edges are plain: they are piecewise constant
    in ``a``. With ``density`` the weighted histogram is normalised to integrate to 1.

    >>> import chainrule as cr
    >>> a = np.array([0.1, 0.4, 0.9])
    >>> cr.grad(lambda w: histogram(a, bins=2, weights=w)[0][0])(np.ones(3))
    array([1., 1., 0.])
    """
    if not is_traced(weights):
        return np.histogram(_plain(a), bins, range, density, _plain(weights))
    plain_a, plain_weights = np.asarray(_plain(a)), _plain(weights)
    if plain_weights.shape != plain_a.shape:
        raise ValueError(
            f"chainrule.numpy.histogram: weights has shape {plain_weights.shape}, a has "
            f"{plain_a.shape}; give one weight per sample"
        )
    edges = np.histogram_bin_edges(plain_a, bins, range, plain_weights)
    samples = plain_a.ravel()
    # Bin i holds edges[i] <= sample < edges[i + 1]; the last bin also its right edge.
    inside = np.flatnonzero((samples >= edges[0]) & (samples <= edges[-1]))
    numbers = np.searchsorted(edges, samples[inside], side="right") - 1
    numbers = np.minimum(numbers, len(edges) - 2)
    weights = as_value(weights)
    hist = IndexUpdater(np.zeros(len(edges) - 1, spec_of(weights).dtype))[numbers].add(
        take(ravel(weights), inside)
    )
    if density:
        widths = np.diff(edges).astype(float)
        hist = hist / widths / _sum(hist)
    return hist, edges
