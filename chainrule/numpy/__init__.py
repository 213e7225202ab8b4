"""chainrule.numpy: NumPy's names and signatures, differentiable.

Each function behaves as its NumPy namesake; with traced arguments it records the
primitives it applies. The files mirror chainrule/primitives (manipulation.py holds
the shape functions, since `numpy.shape` is itself a function).
"""

import numpy as _np

from chainrule.numpy import array_methods as _array_methods
from chainrule.numpy import fft as fft  # chainrule.numpy.fft, as numpy.fft
from chainrule.numpy import linalg  # noqa: F401  (chainrule.numpy.linalg)
from chainrule.numpy import protocols as _protocols
from chainrule.numpy.assembling import *  # noqa: F401,F403
from chainrule.numpy.contraction import *  # noqa: F401,F403
from chainrule.numpy.convolution import *  # noqa: F401,F403
from chainrule.numpy.counting import *  # noqa: F401,F403
from chainrule.numpy.covariance import *  # noqa: F401,F403
from chainrule.numpy.creation import *  # noqa: F401,F403
from chainrule.numpy.cumulative import *  # noqa: F401,F403
from chainrule.numpy.differences import *  # noqa: F401,F403
from chainrule.numpy.elementwise import *  # noqa: F401,F403
from chainrule.numpy.floating_point import *  # noqa: F401,F403
from chainrule.numpy.index_positions import *  # noqa: F401,F403
from chainrule.numpy.index_tricks import *  # noqa: F401,F403
from chainrule.numpy.indexing import *  # noqa: F401,F403
from chainrule.numpy.inserting import *  # noqa: F401,F403
from chainrule.numpy.interpolation import *  # noqa: F401,F403
from chainrule.numpy.logaddexp_reductions import *  # noqa: F401,F403
from chainrule.numpy.manipulation import *  # noqa: F401,F403
from chainrule.numpy.nan_reductions import *  # noqa: F401,F403
from chainrule.numpy.polynomial_arithmetic import *  # noqa: F401,F403
from chainrule.numpy.polynomials import *  # noqa: F401,F403
from chainrule.numpy.products import *  # noqa: F401,F403
from chainrule.numpy.ranges import *  # noqa: F401,F403
from chainrule.numpy.rearranging import *  # noqa: F401,F403
from chainrule.numpy.reductions import *  # noqa: F401,F403
from chainrule.numpy.selecting import *  # noqa: F401,F403
from chainrule.numpy.set_operations import *  # noqa: F401,F403
from chainrule.numpy.statistics import *  # noqa: F401,F403

# Constants and dtypes, as NumPy has them.
pi, e, inf, nan, newaxis = _np.pi, _np.e, _np.inf, _np.nan, _np.newaxis
float16, float32, float64 = _np.float16, _np.float32, _np.float64
complex64, complex128 = _np.complex64, _np.complex128
int8, int16, int32, int64 = _np.int8, _np.int16, _np.int32, _np.int64
uint8, bool_, ndarray, dtype = _np.uint8, _np.bool_, _np.ndarray, _np.dtype
finfo, iinfo, result_type, promote_types = _np.finfo, _np.iinfo, _np.result_type, _np.promote_types

_array_methods.install()
_protocols.install()
