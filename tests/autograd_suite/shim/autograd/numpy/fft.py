"""autograd.numpy.fft: chainrule.numpy.fft, NumPy's for names it lacks."""

import numpy.fft as _reference

try:
    import chainrule.numpy.fft as _ours
    from chainrule.numpy.fft import *  # noqa: F401,F403
except ImportError:
    _ours = None


def __getattr__(name):
    return getattr(_ours, name, None) or getattr(_reference, name)
