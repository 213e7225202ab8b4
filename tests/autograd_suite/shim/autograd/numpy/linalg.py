"""autograd.numpy.linalg: chainrule.numpy.linalg, NumPy's for names it lacks."""

import numpy.linalg as _reference

try:
    import chainrule.numpy.linalg as _ours
    from chainrule.numpy.linalg import *  # noqa: F401,F403
except ImportError:
    _ours = None


def __getattr__(name):
    return getattr(_ours, name, None) or getattr(_reference, name)
