"""autograd.numpy.random is NumPy's."""

from numpy.random import *  # noqa: F401,F403
