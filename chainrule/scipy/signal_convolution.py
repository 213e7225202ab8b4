"""chainrule.scipy.signal's convolutions: convolve, correlate, fftconvolve, oaconvolve, 2-D.

Without traced arguments each function calls SciPy. With them the full convolution is
computed one of two ways, then cut to SciPy's window for the mode:
  - through the FFT, (in1 * in2) = irfftn(rfftn(in1) rfftn(in2)) on s1 + s2 - 1 points
    per convolved axis (fftn/ifftn when either input is complex), differentiable because
    the transforms are;
  - directly: 1-d vectors by the primitive convolve_p; N-d arrays as a sum of shifted
    copies of in1 weighted by the entries of in2 (one product per entry of in2).
method='auto' is direct for vectors and the FFT otherwise. correlate(in1, in2) is the
convolution of in1 with in2 reversed and conjugated, as in SciPy. Values equal SciPy's to
rounding (the FFT adds rounding of order eps * sum |in1| |in2|).
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import scipy.signal

import chainrule.numpy as cnp
from chainrule.numpy.arguments import as_value, is_traced, normalize_one_axis, shape_of
from chainrule.primitives.contraction import convolve_p

__all__ = [
    "convolve",
    "convolve2d",
    "correlate",
    "correlate2d",
    "fftconvolve",
    "oaconvolve",
]

_MODES = ("full", "same", "valid")
_METHODS = ("auto", "direct", "fft")
_BOUNDARIES = {"fill": "fill", "pad": "fill", "wrap": "wrap", "circular": "wrap"}
_BOUNDARIES.update({"symm": "symm", "symmetric": "symm"})


def _name(function: str) -> str:
    return f"chainrule.scipy.signal.{function}"


def _check_choice(value: Any, choices: tuple, argument: str, function: str) -> None:
    if not isinstance(value, str) or value not in choices:
        raise ValueError(
            f"{_name(function)}: {argument}={value!r} is not supported; use one of "
            f"{', '.join(repr(c) for c in choices)}"
        )


def _swap_needed(mode: str, shape1: tuple, shape2: tuple, axes: list, function: str) -> bool:
    """SciPy's rule: 'valid' needs one input at least as large as the other on every axis."""
    if mode != "valid":
        return False
    first_larger = all(shape1[i] >= shape2[i] for i in axes)
    second_larger = all(shape2[i] >= shape1[i] for i in axes)
    if not (first_larger or second_larger):
        raise ValueError(
            f"{_name(function)}: for mode 'valid' one input must be at least as large as the "
            f"other along every convolved axis; got shapes {shape1} and {shape2}"
        )
    return not first_larger


def _window(full: Any, starts: dict, lengths: dict) -> Any:
    """Cut ``lengths[axis]`` entries from ``starts[axis]`` on along each listed axis."""
    index = [slice(None)] * len(shape_of(full))
    for axis, start in starts.items():
        index[axis] = slice(start, start + lengths[axis])
    return full[tuple(index)]


def _fft_full(in1: Any, in2: Any, axes: list) -> Any:
    """The full convolution over ``axes`` through the FFT (other axes broadcast)."""
    points = [shape_of(in1)[i] + shape_of(in2)[i] - 1 for i in axes]
    if in1.dtype.kind == "c" or in2.dtype.kind == "c":
        spectrum = cnp.fft.fftn(in1, points, axes) * cnp.fft.fftn(in2, points, axes)
        return cnp.fft.ifftn(spectrum, points, axes)
    spectrum = cnp.fft.rfftn(in1, points, axes) * cnp.fft.rfftn(in2, points, axes)
    return cnp.fft.irfftn(spectrum, points, axes)


def _direct_full(in1: Any, in2: Any, axes: list) -> Any:
    """The full convolution over ``axes`` as sum_k in2[k] * (in1 shifted by k)."""
    shape1, shape2 = shape_of(in1), shape_of(in2)
    if len(shape1) == 1 and axes == [0]:
        return convolve_p(in1, in2)
    # out[n] = sum_k in2[k] in1[n - k]: pad in1 with len2 - 1 zeros on each side of each
    # convolved axis, and read the window that starts at len2 - 1 - k.
    widths = [(0, 0)] * len(shape1)
    for i in axes:
        widths[i] = (shape2[i] - 1, shape2[i] - 1)
    padded = cnp.pad(in1, widths)
    full_lengths = {i: shape1[i] + shape2[i] - 1 for i in axes}
    total = None
    for k in itertools.product(*(range(shape2[i]) for i in axes)):
        offsets = dict(zip(axes, k))
        shifted = _window(padded, {i: shape2[i] - 1 - j for i, j in offsets.items()}, full_lengths)
        weight = in2[_entry(offsets, len(shape1))]
        term = shifted * weight
        total = term if total is None else total + term
    return total


def _entry(offsets: dict, ndim: int) -> tuple:
    """The index of one entry of in2 along the convolved axes (kept as length 1)."""
    return tuple(
        slice(offsets[i], offsets[i] + 1) if i in offsets else slice(None) for i in range(ndim)
    )


def _convolve_axes(in1, in2, mode, axes, method, function, same_start=None) -> Any:
    """SciPy's convolution of in1 and in2 over ``axes``, cut to ``mode``'s window."""
    shape1, shape2 = shape_of(in1), shape_of(in2)
    if _swap_needed(mode, shape1, shape2, axes, function):
        in1, in2, shape1, shape2 = in2, in1, shape2, shape1
    full = (_direct_full if method == "direct" else _fft_full)(in1, in2, axes)
    dtype = np.result_type(in1.dtype, in2.dtype)
    if full.dtype != dtype:
        full = full.astype(dtype)
    if mode == "full":
        return full
    if mode == "same":
        lengths = {i: shape1[i] for i in axes}
        starts = {i: (shape2[i] - 1) // 2 for i in axes} if same_start is None else same_start
        return _window(full, starts, lengths)
    lengths = {i: shape1[i] - shape2[i] + 1 for i in axes}
    return _window(full, {i: shape2[i] - 1 for i in axes}, lengths)


def _operands(in1: Any, in2: Any, function: str) -> tuple:
    in1, in2 = as_value(in1), as_value(in2)
    if np.ndim(in1) != np.ndim(in2):
        raise ValueError(
            f"{_name(function)}: in1 and in2 should have the same dimensionality; got "
            f"{np.ndim(in1)}-d and {np.ndim(in2)}-d (add axes of length 1 with reshape)"
        )
    return in1, in2


def _is_empty(in1: Any, in2: Any) -> bool:
    return 0 in shape_of(in1) or 0 in shape_of(in2)


def convolve(in1: Any, in2: Any, mode: str = "full", method: str = "auto") -> Any:
    """Differentiable scipy.signal.convolve: the N-d convolution of in1 and in2.

    Differentiable in both inputs. ``method`` 'direct' sums shifted copies (exact),
    'fft' multiplies spectra, 'auto' is direct for 1-d inputs and the FFT otherwise.

    >>> import chainrule as cr
    >>> cr.grad(lambda v: convolve(np.array([1.0, 2.0, 3.0]), v, "valid")[0])(np.ones(2))
    array([2., 1.])
    """
    if not is_traced(in1, in2):
        return scipy.signal.convolve(in1, in2, mode, method)
    _check_choice(mode, _MODES, "mode", "convolve")
    _check_choice(method, _METHODS, "method", "convolve")
    in1, in2 = _operands(in1, in2, "convolve")
    if np.ndim(in1) == 0:
        return in1 * in2
    if _is_empty(in1, in2):
        return np.array([])
    if method == "auto":
        method = "direct" if np.ndim(in1) == 1 else "fft"
    return _convolve_axes(in1, in2, mode, list(range(np.ndim(in1))), method, "convolve")


def correlate(in1: Any, in2: Any, mode: str = "full", method: str = "auto") -> Any:
    """Differentiable scipy.signal.correlate: z[k] = sum_l in1[l + k - K] conj(in2[l]).

    The convolution of in1 with in2 reversed and conjugated; differentiable in both.
    """
    if not is_traced(in1, in2):
        return scipy.signal.correlate(in1, in2, mode, method)
    _check_choice(mode, _MODES, "mode", "correlate")
    _check_choice(method, _METHODS, "method", "correlate")
    in1, in2 = _operands(in1, in2, "correlate")
    if np.ndim(in2) == 0:
        return in1 * cnp.conj(in2)
    return convolve(in1, cnp.flip(cnp.conj(in2)), mode, method)


def _fft_axes(in1: Any, in2: Any, axes: Any, function: str) -> list:
    """The convolved axes; the others must match or be 1 (they broadcast)."""
    ndim = np.ndim(in1)
    if axes is None:
        chosen = list(range(ndim))
    else:
        listed = [axes] if np.ndim(axes) == 0 else list(axes)
        chosen = sorted({normalize_one_axis(a, ndim, _name(function)) for a in listed})
    shape1, shape2 = shape_of(in1), shape_of(in2)
    for i in range(ndim):
        if i not in chosen and shape1[i] != shape2[i] and 1 not in (shape1[i], shape2[i]):
            raise ValueError(
                f"{_name(function)}: in1 and in2 have lengths {shape1[i]} and {shape2[i]} "
                f"along axis {i}, which is not convolved; they must be equal or 1"
            )
    return chosen


def fftconvolve(in1: Any, in2: Any, mode: str = "full", axes: Any = None) -> Any:
    """Differentiable scipy.signal.fftconvolve: convolution over ``axes`` through the FFT.

    Axes not in ``axes`` broadcast (lengths equal or 1). Differentiable in both inputs.
    """
    if not is_traced(in1, in2):
        return scipy.signal.fftconvolve(in1, in2, mode, axes)
    return _convolve_through_fft(in1, in2, mode, axes, "fftconvolve")


def oaconvolve(in1: Any, in2: Any, mode: str = "full", axes: Any = None) -> Any:
    """Differentiable scipy.signal.oaconvolve (overlap-add): computed as fftconvolve.

    The result is the same convolution; traced values use one FFT over the whole input
    rather than SciPy's blocks, so it is differentiable in both inputs.
    """
    if not is_traced(in1, in2):
        return scipy.signal.oaconvolve(in1, in2, mode, axes)
    return _convolve_through_fft(in1, in2, mode, axes, "oaconvolve")


def _convolve_through_fft(in1: Any, in2: Any, mode: Any, axes: Any, function: str) -> Any:
    _check_choice(mode, _MODES, "mode", function)
    in1, in2 = _operands(in1, in2, function)
    if np.ndim(in1) == 0:
        return in1 * in2
    if _is_empty(in1, in2):
        return np.array([])
    chosen = _fft_axes(in1, in2, axes, function)
    if not chosen:
        return in1 * in2
    return _convolve_axes(in1, in2, mode, chosen, "fft", function)


def _two_d(in1: Any, in2: Any, mode: Any, boundary: Any, fillvalue: Any, function: str):
    """Checked 2-d operands and the boundary's canonical name."""
    _check_choice(mode, _MODES, "mode", function)
    _check_choice(boundary, tuple(_BOUNDARIES), "boundary", function)
    in1, in2 = as_value(in1), as_value(in2)
    if np.ndim(in1) != 2 or np.ndim(in2) != 2:
        raise ValueError(
            f"{_name(function)}: in1 and in2 must both be 2-d; got shapes {np.shape(in1)} and "
            f"{np.shape(in2)} (use chainrule.scipy.signal.convolve for other dimensions)"
        )
    if np.ndim(fillvalue) != 0:
        raise ValueError(f"{_name(function)}: fillvalue must be a scalar, got {fillvalue!r}")
    return in1, in2, _BOUNDARIES[boundary]


def _convolve_with_boundary(in1, in2, mode, boundary, fillvalue, function, same_start):
    """The 2-d convolution with in1 extended past its edges as ``boundary`` says."""
    if mode == "valid" or _is_empty(in1, in2):
        return _convolve_axes(in1, in2, mode, [0, 1], "fft", function)
    widths = [(n - 1, n - 1) for n in shape_of(in2)]
    if boundary == "fill":
        # in1 continued by the constant c: (in1 - c) * in2 on in1's support, plus c sum(in2).
        full = _convolve_axes(in1 - fillvalue, in2, "full", [0, 1], "fft", function)
        full = full + fillvalue * cnp.sum(in2)
    else:
        extended = cnp.pad(in1, widths, mode="wrap" if boundary == "wrap" else "symmetric")
        full = _convolve_axes(extended, in2, "valid", [0, 1], "fft", function)
    if mode == "full":
        return full
    return _window(full, {0: same_start[0], 1: same_start[1]}, dict(enumerate(shape_of(in1))))


def convolve2d(
    in1: Any, in2: Any, mode: str = "full", boundary: str = "fill", fillvalue: Any = 0
) -> Any:
    """Differentiable scipy.signal.convolve2d, boundary 'fill', 'wrap' or 'symm'.

    Differentiable in in1, in2 and fillvalue. 'fill' continues in1 by ``fillvalue``,
    'wrap' periodically, 'symm' by mirror images (edge repeated), as SciPy does.
    """
    if not is_traced(in1, in2, fillvalue):
        return scipy.signal.convolve2d(in1, in2, mode, boundary, fillvalue)
    in1, in2, boundary = _two_d(in1, in2, mode, boundary, fillvalue, "convolve2d")
    same_start = [(n - 1) // 2 for n in shape_of(in2)]
    return _convolve_with_boundary(in1, in2, mode, boundary, fillvalue, "convolve2d", same_start)


def correlate2d(
    in1: Any, in2: Any, mode: str = "full", boundary: str = "fill", fillvalue: Any = 0
) -> Any:
    """Differentiable scipy.signal.correlate2d: convolve2d with in2 reversed and conjugated.

    Its 'same' window starts at len(in2) // 2 on each axis (convolve2d's at
    (len(in2) - 1) // 2), which is SciPy's choice for even kernel lengths.
    """
    if not is_traced(in1, in2, fillvalue):
        return scipy.signal.correlate2d(in1, in2, mode, boundary, fillvalue)
    in1, in2, boundary = _two_d(in1, in2, mode, boundary, fillvalue, "correlate2d")
    kernel = cnp.flip(cnp.conj(in2))
    same_start = [n // 2 for n in shape_of(in2)]
    return _convolve_with_boundary(
        in1, kernel, mode, boundary, fillvalue, "correlate2d", same_start
    )
