"""chainrule.numpy's polynomial functions: polyval, polyder, polyint and vander.

Coefficients run from the highest power down, as in NumPy's numpy.poly* functions.
Each is written with the arithmetic NumPy itself uses (Horner's rule for polyval,
cumulative products for vander), so values and dtypes match NumPy's and every
coefficient, point and integration constant is differentiable.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainrule.numpy.arguments import as_value, is_traced
from chainrule.numpy.manipulation import atleast_1d, broadcast_to, concatenate, flip, reshape
from chainrule.numpy.reductions import cumprod

__all__ = ["polyder", "polyint", "polyval", "vander"]


def _coefficients(p: Any) -> Any:
    """The coefficient array of ``p`` (an array, a list, or a plain numpy.poly1d)."""
    return as_value(p) if is_traced(p) else np.asarray(p)


def polyval(p: Any, x: Any) -> Any:
    """Differentiable numpy.polyval(p, x): p[0] * x**(n-1) + ... + p[n-1] by Horner's rule,
    differentiable in the coefficients ``p`` and the points ``x``.

    >>> import chainrule as cr
    >>> cr.grad(lambda x: polyval([3.0, 0.0, 1.0], x))(2.0)
    np.float64(12.0)
    """
    if not is_traced(p, x):
        return np.polyval(p, x)
    p = _coefficients(p)
    x = as_value(x)
    x_plain = np.asarray(x.concrete_value() if is_traced(x) else x)
    result = np.zeros_like(x_plain)  # as NumPy starts: zeros of x's shape and dtype
    for i in range(len(p)):
        result = result * x + p[i]
    return result


def polyder(p: Any, m: int = 1) -> Any:
    """Differentiable numpy.polyder(p, m=1): the coefficients of the m-th derivative.

    >>> polyder(np.array([1.0, 2.0, 3.0]))
    array([2., 2.])
    """
    if not is_traced(p):
        return np.polyder(p, m)
    m = int(m)
    if m < 0:
        raise ValueError(
            "chainrule.numpy.polyder: the order m must be non-negative (for integrals use polyint)"
        )
    p = _coefficients(p)
    for _ in range(m):
        n = len(p) - 1
        p = p[:-1] * np.arange(n, 0, -1)
    return p


def polyint(p: Any, m: int = 1, k: Any = None) -> Any:
    """Differentiable numpy.polyint(p, m=1, k=None): the coefficients of the m-th
    antiderivative, with integration constants ``k`` (differentiable too).

    >>> polyint(np.array([3.0, 2.0]), k=1.0)
    array([1.5, 2. , 1. ])
    """
    if not is_traced(p, k):
        return np.polyint(p, m, k)
    m = int(m)
    if m < 0:
        raise ValueError(
            "chainrule.numpy.polyint: the order m must be non-negative (for derivatives use "
            "polyder)"
        )
    k = np.zeros(m, float) if k is None else atleast_1d(as_value(k))
    if len(k) == 1 and m > 1:
        k = k[0] * np.ones(m, float)
    if len(k) < m:
        raise ValueError(
            f"chainrule.numpy.polyint: k must be a scalar or a 1-d array of length 1 or at "
            f"least m = {m}; got length {len(k)}."
        )
    p = _coefficients(p)
    for i in range(m):
        # Integrate once: divide by the new powers, append the integration constant.
        p = concatenate([p / np.arange(len(p), 0, -1), reshape(k[i], (1,))])
    return p


def vander(x: Any, N: int | None = None, increasing: bool = False) -> Any:  # noqa: N803
    """Differentiable numpy.vander(x, N=None, increasing=False): columns of powers of x,
    formed by cumulative products as NumPy forms them (exact with zeros in x).

    >>> import chainrule as cr
    >>> cr.jacfwd(lambda x: vander(x, 3)[:, 0])(np.array([1.0, 2.0]))
    array([[2., 0.],
           [0., 4.]])
    """
    if not is_traced(x):
        return np.vander(x, N, increasing)
    x = as_value(x)
    if x.ndim != 1:
        raise ValueError(
            f"chainrule.numpy.vander: x must be a one-dimensional array or sequence; got "
            f"{x.ndim} dimensions."
        )
    if N is None:
        N = len(x)
    dtype = np.promote_types(x.dtype, int)
    x = x.astype(dtype)
    columns = [np.ones((len(x), min(N, 1)), dtype)]
    if N > 1:
        repeated = broadcast_to(reshape(x, (len(x), 1)), (len(x), N - 1))
        columns.append(cumprod(repeated, axis=1))
    powers = concatenate(columns, axis=1) if len(columns) > 1 else columns[0] + 0 * x[:, None]
    return powers if increasing else flip(powers, axis=1)
