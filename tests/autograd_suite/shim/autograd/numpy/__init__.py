"""autograd.numpy: chainrule.numpy, with NumPy's own function for every name it lacks (so
an unsupported function reaches chainrule's dispatch and raises its error)."""

import numpy as _np

from autograd.numpy import fft, linalg, random  # noqa: F401,E402
from chainrule.numpy import *  # noqa: F401,F403

__version__ = _np.__version__


def __getattr__(name):
    return getattr(_np, name)
