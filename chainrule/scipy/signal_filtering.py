"""chainrule.scipy.signal's filters: lfilter, lfilter_zi, filtfilt, sosfilt, savgol_filter.

Traced inputs go through one primitive, lfilter_p (chainrule/primitives/filtering.py):
SciPy's own filter run in C, whose derivatives are again filters (backward in time for
the transposes) plus one lagged inner product per coefficient. So a gradient costs a few
filter passes over the signal, not a Python loop over time, and filters of any order
are exact. Initial and final states (zi, zf), filtfilt's padding, second-order sections
and Savitzky-Golay edges are compositions around it, differentiable in every array.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.signal

import chainrule.numpy as cnp
from chainrule.numpy.arguments import as_value, is_traced, normalize_one_axis, shape_of
from chainrule.primitives.filtering import lfilter_p

__all__ = ["filtfilt", "lfilter", "lfilter_zi", "savgol_filter", "sosfilt"]


def _name(function: str) -> str:
    return f"chainrule.scipy.signal.{function}"


def _coefficients(b: Any, a: Any, function: str) -> tuple:
    """b and a as 1-d arrays, divided by a[0] (which must not be 0)."""
    b, a = cnp.atleast_1d(as_value(b)), cnp.atleast_1d(as_value(a))
    for argument, value in (("b", b), ("a", a)):
        if np.ndim(value) != 1 or shape_of(value)[0] == 0:
            raise ValueError(
                f"{_name(function)}: {argument} must be a non-empty 1-d array of coefficients, "
                f"got shape {np.shape(value)}"
            )
    if bool(a[0] == 0):
        raise ValueError(f"{_name(function)}: a[0] is 0; the leading denominator must be nonzero")
    return b / a[0], a / a[0]


def _zeros(shape: tuple, like: Any) -> np.ndarray:
    return np.zeros(shape, dtype=like.dtype)


def _at_least(value: Any, length: int, at_start: bool) -> Any:
    """``value`` zero-padded along its last axis to ``length`` (in front or behind)."""
    shape = shape_of(value)
    missing = length - shape[-1]
    if missing <= 0:
        return value
    zeros = _zeros(shape[:-1] + (missing,), value)
    return cnp.concatenate([zeros, value] if at_start else [value, zeros], axis=-1)


def _tail_of_convolution(c: Any, t: Any) -> Any:
    """conv(c, t)[m - 1 + i] for i < m, with c of length m and t of length m on the last axis."""
    m = shape_of(c)[0]
    one = np.ones(1, dtype=c.dtype)
    return lfilter_p(c, one, _at_least(t, 2 * m - 1, at_start=False))[..., m - 1 : 2 * m - 1]


def _state_shape(zi: Any, expected: tuple, function: str) -> Any:
    """zi broadcast to ``expected`` where its lengths are 1, as SciPy allows."""
    zi = as_value(zi)
    shape = shape_of(zi)
    fits = len(shape) == len(expected) and all(
        n == e or (n == 1 and i != len(expected) - 1)
        for i, (n, e) in enumerate(zip(shape, expected))
    )
    if not fits:
        raise ValueError(
            f"{_name(function)}: zi has shape {shape} (with the filtered axis last); it must be "
            f"{expected}, one state of max(len(a), len(b)) - 1 values per filtered signal"
        )
    return cnp.broadcast_to(zi, expected)


def _filter_last_axis(b: Any, a: Any, x: Any, zi: Any, function: str) -> Any:
    """lfilter along the last axis, normalized b and a; (y, zf) when zi is given."""
    y = lfilter_p(b, a, x)
    if zi is None:
        return y
    order = max(shape_of(a)[0], shape_of(b)[0]) - 1
    length = shape_of(x)[-1]
    zi = _state_shape(zi, shape_of(x)[:-1] + (order,), function)
    if order == 0:
        return y, zi
    # The state enters as A y = B x + d with d = zi followed by zeros (Direct Form II
    # transposed), and the final state is what the past would add to the next samples:
    # zf[i] = sum_{j > i} (b[j] x[N + i - j] - a[j] y[N + i - j]) + d[N + i].
    one = np.ones(1, dtype=a.dtype)
    d = _at_least(zi[..., :length], length, at_start=False)
    y = y + lfilter_p(one, a, d)
    b_rest = _at_least(b, order + 1, at_start=False)[1:]
    a_rest = _at_least(a, order + 1, at_start=False)[1:]
    x_last = _at_least(x[..., max(length - order, 0) :], order, at_start=True)
    y_last = _at_least(y[..., max(length - order, 0) :], order, at_start=True)
    zf = _tail_of_convolution(b_rest, x_last) - _tail_of_convolution(a_rest, y_last)
    leftover = _at_least(zi[..., length:], order, at_start=False)
    return y, zf + leftover if length < order else zf


def _signal_axis(x: Any, axis: Any, function: str) -> tuple:
    x = as_value(x)
    if np.ndim(x) == 0:
        raise ValueError(f"{_name(function)}: x must have at least one axis, got a 0-d value")
    return x, normalize_one_axis(axis, np.ndim(x), _name(function))


def lfilter(b: Any, a: Any, x: Any, axis: int = -1, zi: Any = None) -> Any:
    """Differentiable scipy.signal.lfilter: the IIR filter b/a applied to x along ``axis``.

    Differentiable in b, a, x and zi; returns (y, zf) when zi is given. Cost: the value is
    one pass of SciPy's filter; each derivative a few more passes plus, for b and a,
    one inner product over the signal per coefficient.

    >>> import chainrule as cr
    >>> cr.grad(lambda x: lfilter([1.0], [1.0, -0.5], x)[-1])(np.ones(3))
    array([0.25, 0.5 , 1.  ])
    """
    if not is_traced(b, a, x, zi):
        return scipy.signal.lfilter(b, a, x, axis, zi)
    b, a = _coefficients(b, a, "lfilter")
    x, axis = _signal_axis(x, axis, "lfilter")
    x = cnp.moveaxis(x, axis, -1)
    if zi is not None and np.ndim(zi) == np.ndim(x):
        zi = cnp.moveaxis(as_value(zi), axis, -1)
    result = _filter_last_axis(b, a, x, zi, "lfilter")
    if zi is None:
        return cnp.moveaxis(result, -1, axis)
    return tuple(cnp.moveaxis(part, -1, axis) for part in result)


def lfilter_zi(b: Any, a: Any) -> Any:
    """Differentiable scipy.signal.lfilter_zi: the state of a step response at rest.

    zi solves (I - companion(a)^T) zi = b[1:] - a[1:] b[0] (after dividing by a[0]).
    """
    if not is_traced(b, a):
        return scipy.signal.lfilter_zi(b, a)
    b, a = _coefficients(b, a, "lfilter_zi")
    n = max(shape_of(a)[0], shape_of(b)[0])
    if n == 1:
        return np.zeros(0, dtype=np.result_type(b.dtype, a.dtype))
    b, a = _at_least(b, n, at_start=False), _at_least(a, n, at_start=False)
    # I - companion(a)^T: ones on the diagonal, -1 above it, a[1:] down the first column.
    first_column = np.zeros((1, n - 1))
    first_column[0, 0] = 1.0
    matrix = np.eye(n - 1) - np.eye(n - 1, k=1) + cnp.reshape(a[1:], (n - 1, 1)) * first_column
    return cnp.linalg.solve(matrix, b[1:] - a[1:] * b[0])


def _extend(x: Any, edge: int, padtype: str) -> Any:
    """SciPy's odd, even or constant extension by ``edge`` samples at both ends (last axis)."""
    length = shape_of(x)[-1]
    first, last = x[..., :1], x[..., length - 1 :]
    if padtype == "constant":
        before = cnp.broadcast_to(first, shape_of(first)[:-1] + (edge,))
        after = cnp.broadcast_to(last, shape_of(last)[:-1] + (edge,))
    else:
        before = cnp.flip(x[..., 1 : edge + 1], axis=-1)
        after = cnp.flip(x[..., length - edge - 1 : length - 1], axis=-1)
        if padtype == "odd":
            before, after = 2 * first - before, 2 * last - after
    return cnp.concatenate([before, x, after], axis=-1)


def filtfilt(
    b: Any,
    a: Any,
    x: Any,
    axis: int = -1,
    padtype: Any = "odd",
    padlen: Any = None,
    method: str = "pad",
    irlen: Any = None,
) -> Any:
    """Differentiable scipy.signal.filtfilt: lfilter forward then backward (zero phase).

    method='pad' only, with padtype 'odd' (default), 'even', 'constant' or None and
    padlen (default 3 * max(len(a), len(b))), each end started at the steady state
    lfilter_zi scaled by the edge value, as SciPy does. Differentiable in b, a and x.
    """
    if not is_traced(b, a, x):
        return scipy.signal.filtfilt(b, a, x, axis, padtype, padlen, method, irlen)
    if method != "pad":
        raise NotImplementedError(
            f"{_name('filtfilt')}: method={method!r} is not supported on traced values; "
            "use method='pad'"
        )
    if padtype not in ("odd", "even", "constant", None):
        raise ValueError(
            f"{_name('filtfilt')}: padtype={padtype!r}; use 'odd', 'even', 'constant' or None"
        )
    x, axis = _signal_axis(x, axis, "filtfilt")
    x = cnp.moveaxis(x, axis, -1)
    zi = lfilter_zi(b, a)
    b, a = _coefficients(b, a, "filtfilt")
    ntaps = max(shape_of(a)[0], shape_of(b)[0])
    edge = 0 if padtype is None else (3 * ntaps if padlen is None else int(padlen))
    if edge < 0 or shape_of(x)[-1] <= edge:
        raise ValueError(
            f"{_name('filtfilt')}: padlen is {edge}; the signal's length along axis "
            f"({shape_of(x)[-1]}) must be greater, and padlen must be >= 0 (pass a smaller padlen)"
        )
    extended = _extend(x, edge, padtype) if edge > 0 else x
    y, _ = _filter_last_axis(b, a, extended, zi * extended[..., :1], "filtfilt")
    backward = cnp.flip(y, axis=-1)
    y, _ = _filter_last_axis(b, a, backward, zi * backward[..., :1], "filtfilt")
    y = cnp.flip(y, axis=-1)
    if edge > 0:
        y = y[..., edge : shape_of(y)[-1] - edge]
    return cnp.moveaxis(y, -1, axis)


def sosfilt(sos: Any, x: Any, axis: int = -1, zi: Any = None) -> Any:
    """Differentiable scipy.signal.sosfilt: a cascade of second-order sections.

    ``sos`` has shape (n_sections, 6), rows [b0, b1, b2, 1, a1, a2]; zi, if given, shape
    (n_sections, ..., 2, ...). Each section is lfilter; differentiable in sos, x and zi.
    """
    if not is_traced(sos, x, zi):
        return scipy.signal.sosfilt(sos, x, axis, zi)
    sos = as_value(sos)
    if np.ndim(sos) != 2 or shape_of(sos)[1] != 6 or shape_of(sos)[0] == 0:
        raise ValueError(
            f"{_name('sosfilt')}: sos must have shape (n_sections, 6), got {np.shape(sos)}"
        )
    if not bool(cnp.all(sos[:, 3] == 1)):
        raise ValueError(f"{_name('sosfilt')}: sos[:, 3] must be all ones (normalize each row)")
    y, final_states = as_value(x), []
    for section in range(shape_of(sos)[0]):
        b, a = sos[section, :3], sos[section, 3:]
        if zi is None:
            y = lfilter(b, a, y, axis)
            continue
        y, state = lfilter(b, a, y, axis, as_value(zi)[section])
        final_states.append(state)
    return y if zi is None else (y, cnp.stack(final_states))


_SAVGOL_MODES = {"mirror": "reflect", "nearest": "edge", "wrap": "wrap", "constant": "constant"}


def savgol_filter(
    x: Any,
    window_length: int,
    polyorder: int,
    deriv: int = 0,
    delta: Any = 1.0,
    axis: int = -1,
    mode: str = "interp",
    cval: Any = 0.0,
) -> Any:
    """Differentiable scipy.signal.savgol_filter: Savitzky-Golay smoothing along ``axis``.

    A convolution with SciPy's coefficients; for mode='interp' the first and last
    window_length // 2 outputs are SciPy's polynomial fits to the end windows (fixed
    linear maps of x). Differentiable in x, delta and cval.
    """
    if not is_traced(x, delta, cval):
        return scipy.signal.savgol_filter(
            x, window_length, polyorder, deriv, delta, axis, mode, cval
        )
    if mode != "interp" and mode not in _SAVGOL_MODES:
        raise ValueError(
            f"{_name('savgol_filter')}: mode={mode!r}; use 'mirror', 'constant', 'nearest', "
            "'wrap' or 'interp'"
        )
    x, axis = _signal_axis(x, axis, "savgol_filter")
    x = cnp.moveaxis(x, axis, -1)
    length = shape_of(x)[-1]
    try:
        coefficients = scipy.signal.savgol_coeffs(window_length, polyorder, deriv=deriv)
    except (ValueError, TypeError) as error:
        raise ValueError(f"{_name('savgol_filter')}: {error}") from None
    if mode == "interp" and window_length > length:
        raise ValueError(
            f"{_name('savgol_filter')}: with mode 'interp', window_length ({window_length}) "
            f"must be at most the signal's length along axis ({length})"
        )
    # d^k/dt^k scales by delta^-k.
    scale = delta**deriv
    coefficients = coefficients.astype(np.float32 if x.dtype == np.float32 else np.float64) / scale
    half = window_length // 2
    # ndimage's centred convolution, out[i] = sum_j c[j] x[i + half - j], is the causal
    # filter of the padded signal read from 2 * half on.
    padding = "constant" if mode == "interp" else _SAVGOL_MODES[mode]
    pad_keywords = {"constant_values": cval} if padding == "constant" else {}
    widths = [(0, 0)] * (np.ndim(x) - 1) + [(half, half)]
    padded = cnp.pad(x, widths, padding, **pad_keywords)
    one = np.ones(1, dtype=coefficients.dtype)
    y = lfilter_p(coefficients, one, padded)[..., 2 * half : 2 * half + length]
    if mode == "interp" and half > 0:
        fits = scipy.signal.savgol_filter(
            np.eye(window_length), window_length, polyorder, deriv, 1.0, axis=0
        ).astype(coefficients.dtype)
        left = x[..., :window_length] @ fits[:half].T / scale
        right = x[..., length - window_length :] @ fits[window_length - half :].T / scale
        y = cnp.concatenate([left, y[..., half : length - half], right], axis=-1)
    return cnp.moveaxis(y, -1, axis)
