"""chainrule.scipy.signal: scipy.signal's convolutions and linear filters, differentiable.

Without traced arguments each function calls SciPy itself. SciPy's own functions turn
their inputs into plain arrays, so calling scipy.signal.X on a traced value cannot reach
chainrule: call chainrule.scipy.signal.X. The functions live in signal_convolution
(convolve, correlate, fftconvolve, oaconvolve, convolve2d, correlate2d) and
signal_filtering (lfilter, lfilter_zi, filtfilt, sosfilt, savgol_filter).
"""

from chainrule.scipy.signal_convolution import (
    convolve,
    convolve2d,
    correlate,
    correlate2d,
    fftconvolve,
    oaconvolve,
)
from chainrule.scipy.signal_filtering import filtfilt, lfilter, lfilter_zi, savgol_filter, sosfilt

__all__ = [
    "convolve",
    "convolve2d",
    "correlate",
    "correlate2d",
    "fftconvolve",
    "filtfilt",
    "lfilter",
    "lfilter_zi",
    "oaconvolve",
    "savgol_filter",
    "sosfilt",
]
