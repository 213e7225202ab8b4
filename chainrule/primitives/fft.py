"""Discrete Fourier transforms along one axis: complex (fft/ifft), real to half-spectrum
(rfft) and half-spectrum to real (irfft). Multi-axis transforms are compositions of these.

All three are linear, so each JVP is the primitive applied to the tangent. A VJP is the
plain transpose under the pairing Re(sum(c * dz)) (docs/complex.md), never the adjoint:

- The DFT matrix F[j, k] = w**(j k), w = exp(-2 pi i / n), is symmetric, and so is the
  inverse's (w -> 1/w), so the transpose of a complex transform is the same transform
  with the same norm.
- Cropping or zero-padding the input to ``n`` points happens before the transform; its
  transpose crops or pads the cotangent back to the input's length afterwards.
- rfft and irfft are linear over the reals only. Their transposes are derived next to
  their declarations; each is, up to conj and per-bin weights, the other transform, with
  the "dual" norm whose scale factor is the same (backward <-> forward, ortho <-> ortho).
"""

from __future__ import annotations

import numpy as np

from chainrule.core import spec_of
from chainrule.primitives.declare import linear
from chainrule.primitives.elementwise import conj_p
from chainrule.primitives.shape import concatenate_p, slice_p

#: The norm with the same scale factor on the opposite direction: rfft with norm "backward"
#: multiplies by 1, as irfft with norm "forward" does; "ortho" is 1/sqrt(n) both ways.
DUAL_NORM = {"backward": "forward", "ortho": "ortho", "forward": "backward"}


def fit_length(x, length: int, axis: int):
    """``x`` cropped, or padded with zeros at the end, to ``length`` entries along ``axis``."""
    spec = spec_of(x)
    current = spec.shape[axis]
    if current == length:
        return x
    if current > length:
        return slice_p(x, start=0, stop=length, axis=axis)
    zeros_shape = spec.shape[:axis] + (length - current,) + spec.shape[axis + 1 :]
    return concatenate_p(x, np.zeros(zeros_shape, spec.dtype), axis=axis)


def _along_axis(values: np.ndarray, ndim: int, axis: int, dtype) -> np.ndarray:
    """A 1-D constant shaped to broadcast along ``axis`` of an ``ndim``-dimensional array."""
    shape = [1] * ndim
    shape[axis] = values.shape[0]
    return values.astype(np.finfo(dtype).dtype).reshape(shape)


def half_spectrum_weights(n: int) -> np.ndarray:
    """How often each bin k = 0, ..., n//2 of a real signal's spectrum occurs in the full one.

    Bin k stands for itself and its mirror n - k, except the DC bin (k = 0) and, for even
    n, the Nyquist bin (k = n/2), which are their own mirrors: weights 1, 2, ..., 2, (1).
    """
    weights = np.full(n // 2 + 1, 2.0)
    weights[0] = 1.0
    if n % 2 == 0:
        weights[-1] = 1.0
    return weights


def _fft_impl(x, axis, n, norm, inverse):
    transform = np.fft.ifft if inverse else np.fft.fft
    return transform(x, n, axis, norm)


# out = F_n (fit x to n points). F_n is symmetric (F[j, k] = w**(j k)), so the transpose is
# x_bar = fit back to the input's length (F_n out_bar), with the same direction and norm.
def _fft_transpose(out_bar, x_spec, axis, n, norm, inverse):
    x_bar = fft_p(out_bar, axis=axis, n=n, norm=norm, inverse=inverse)
    return fit_length(x_bar, x_spec.shape[axis], axis)


#: The complex DFT along ``axis`` (``inverse``: its inverse), on ``n`` points, with NumPy's
#: ``norm`` ("backward", "ortho" or "forward"). A real input gives a complex output.
fft_p = linear("fft", _fft_impl, _fft_transpose, family="fft")


def _rfft_impl(x, axis, n, norm):
    return np.fft.rfft(x, n, axis, norm)


# rfft keeps bins k = 0, ..., n//2 of s F x (s the norm's scale), for real x. Pairing with a
# cotangent c: Re(sum_k c_k (s F x)_k) = sum_j x_j Re(s F pad(c))_j, so x_bar = Re(s F pad(c))
# with pad(c) zero beyond n//2. As Re(c_k w**(j k)) = Re(conj(c_k) w**(-j k)), x_bar_j is
# s Re(sum_k conj(c_k) w**(-j k)): an inverse transform of conj(c) over the half spectrum,
# which is irfft once each bin is divided by its weight (irfft counts interior bins twice,
# for their mirrors) and the norm is the dual one (the same scale s). At DC and Nyquist
# both forms keep only the real part.
def _rfft_transpose(out_bar, x_spec, axis, n, norm):
    ndim = len(x_spec.shape)
    inverse_weights = _along_axis(1 / half_spectrum_weights(n), ndim, axis, spec_of(out_bar).dtype)
    x_bar = irfft_p(conj_p(out_bar) * inverse_weights, axis=axis, n=n, norm=DUAL_NORM[norm])
    return fit_length(x_bar, x_spec.shape[axis], axis)


#: The DFT of a real input along ``axis`` on ``n`` points, bins 0 to n//2 (a real-linear map).
rfft_p = linear("rfft", _rfft_impl, _rfft_transpose, family="fft")


def _irfft_impl(y, axis, n, norm):
    return np.fft.irfft(y, n, axis, norm)


# irfft fits y to n//2 + 1 bins, then out_j = s Re(sum_k weight_k y_k w**(-j k)), s the
# norm's scale and weight_k from half_spectrum_weights (interior bins stand for their
# mirrors; the imaginary parts of DC and Nyquist drop out, as Re does there). Pairing with
# the cotangent c, real as out is: sum_j c_j out_j = Re(sum_k y_k weight_k s g_k), where
# g_k = sum_j c_j w**(-j k) = conj((F c)_k). So y_bar = weight * conj(rfft of c with the
# dual norm), fitted back to the input's number of bins.
def _irfft_transpose(out_bar, x_spec, axis, n, norm):
    ndim = len(x_spec.shape)
    spectrum = rfft_p(out_bar, axis=axis, n=n, norm=DUAL_NORM[norm])
    weights = _along_axis(half_spectrum_weights(n), ndim, axis, spec_of(spectrum).dtype)
    return fit_length(conj_p(spectrum) * weights, x_spec.shape[axis], axis)


#: The real signal of ``n`` points whose half spectrum (bins 0 to n//2) is the input along
#: ``axis``; the inverse of rfft. Linear over the reals only.
irfft_p = linear("irfft", _irfft_impl, _irfft_transpose, family="fft")
