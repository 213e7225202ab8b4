"""The recursive linear filter of scipy.signal.lfilter (along the last axis), with its rules.

lfilter(b, a, x) is the y with A y = B x, where A and B are the causal convolutions by
the coefficient vectors a and b (zero initial state):
    sum_k a[k] y[n - k] = sum_k b[k] x[n - k].
A and B are lower-triangular Toeplitz matrices, so they commute, and A^-1 is itself a
recursive filter. Every rule is lfilter again (forward in time, or backward in time for
a transpose) plus lagged inner products, so the rules differentiate to any order. The
implementation is SciPy's (imported on first use: SciPy is an optional dependency).
"""

from __future__ import annotations

import numpy as np

from chainrule.core import Primitive, spec_of
from chainrule.primitives.reductions import sum_p
from chainrule.primitives.shape import concatenate_p, flip_p, reshape_p, slice_p


def _lfilter_impl(b, a, x):
    import scipy.signal

    return scipy.signal.lfilter(b, a, x, axis=-1)


def _reverse_in_time(value):
    return flip_p(value, axes=(len(spec_of(value).shape) - 1,))


def lagged_sums(u, v, count: int):
    """s[k] = sum over every element and time n of u[..., n] v[..., n - k], for k < count.

    Both have the same shape; lags past the signal's length give 0.
    """
    spec = spec_of(u)
    length, every_axis = spec.shape[-1], tuple(range(len(spec.shape)))
    last = len(spec.shape) - 1
    pieces = []
    for k in range(count):
        if k >= length:
            pieces.append(np.zeros(1, dtype=spec.dtype))
            continue
        later = slice_p(u, start=k, stop=length, axis=last)
        earlier = slice_p(v, start=0, stop=length - k, axis=last)
        pieces.append(
            reshape_p(sum_p(later * earlier, axis=every_axis, keepdims=False), shape=(1,))
        )
    return pieces[0] if count == 1 else concatenate_p(*pieces, axis=0)


# From A y = B x:  dA y + A dy = dB x + B dx, so
#   dy = A^-1 B dx + A^-1 dB x - A^-1 dA y = lfilter(b, a, dx) + lfilter(db, a, x)
#        - lfilter(da, a, y).
def _lfilter_jvp(tangents, primals, out):
    b_dot, a_dot, x_dot = tangents
    b, a, x = primals
    terms = []
    if x_dot is not None:
        terms.append(lfilter_p(b, a, x_dot))
    if b_dot is not None:
        terms.append(lfilter_p(b_dot, a, x))
    if a_dot is not None:
        terms.append(-lfilter_p(a_dot, a, out))
    if not terms:
        return None
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


# The transposes: with w = A^-T y_bar (A^T is the same recursion run backward in time),
#   x_bar = B^T w,   b_bar[k] = sum_n w[n] x[n - k],   a_bar[k] = -sum_n w[n] y[n - k]
# (sums over every batch element too). No conjugation: the pairing is Re(sum(c * dz)).
def _lfilter_vjp(out_bar, primals, out, wanted):
    b, a, x = primals
    one = np.ones(1, dtype=spec_of(a).dtype)
    w = _reverse_in_time(lfilter_p(one, a, _reverse_in_time(out_bar)))
    b_bar = lagged_sums(w, x, spec_of(b).shape[0]) if wanted[0] else None
    a_bar = -lagged_sums(w, out, spec_of(a).shape[0]) if wanted[1] else None
    x_bar = None
    if wanted[2]:
        x_bar = _reverse_in_time(lfilter_p(b, one, _reverse_in_time(w)))
    return (b_bar, a_bar, x_bar)


lfilter_p = Primitive(
    "lfilter", _lfilter_impl, jvp=_lfilter_jvp, vjp=_lfilter_vjp, family="filtering"
)
