"""chainrule.numpy's elementwise functions: NumPy's ufuncs and their close relatives.

Without traced arguments each function simply calls NumPy (all keyword arguments
allowed); with traced arguments it applies the primitive of the same name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from chainrule.core import JVPTracer, ReverseTracer, Tracer
from chainrule.numpy.arguments import as_value, is_traced
from chainrule.primitives import elementwise as ew

_TRACED_KEYWORDS = ("dtype",)
# Argument types that need no conversion before reaching a primitive.
_TRACERS = frozenset({JVPTracer, ReverseTracer})
_PLAIN = _TRACERS | {float, int, np.float64, np.float32, np.ndarray}
_NO_PARAMS: dict = {}  # shared by calls without parameters; never modified


def _ufunc(primitive: Any, numpy_function: Callable[..., Any]) -> Callable[..., Any]:
    name = numpy_function.__name__

    def function(*args: Any, **kwargs: Any) -> Any:
        if len(args) == 1 and type(args[0]) in _TRACERS and not kwargs:
            # One traced argument: its own trace is the newest level (what bind would find).
            return args[0]._trace.process(primitive, args, _NO_PARAMS)
        for arg in args:
            if isinstance(arg, Tracer):
                break
        else:
            return numpy_function(*args, **kwargs)
        if kwargs:
            unsupported = [
                k for k, v in kwargs.items() if k not in _TRACED_KEYWORDS and v is not None
            ]
            if unsupported:
                raise TypeError(
                    f"chainrule.numpy.{name}: the keyword argument(s) {unsupported} are not "
                    f"supported on traced values (out= writes in place, where= leaves entries "
                    f"unset). Call {name}(...) without them and use the returned array."
                )
        for arg in args:
            if type(arg) not in _PLAIN:
                args = [as_value(a) for a in args]
                break
        out = primitive(*args)
        dtype = kwargs.get("dtype")
        return out if dtype is None else out.astype(dtype)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"Differentiable numpy.{name}; see NumPy's documentation."
    function.primitive = primitive  # lets operators on tracers skip this wrapper
    return function


add = _ufunc(ew.add_p, np.add)
subtract = _ufunc(ew.subtract_p, np.subtract)
multiply = _ufunc(ew.multiply_p, np.multiply)
divide = _ufunc(ew.divide_p, np.divide)
true_divide = divide
negative = _ufunc(ew.negative_p, np.negative)
power = _ufunc(ew.power_p, np.power)
square = _ufunc(ew.square_p, np.square)
reciprocal = _ufunc(ew.reciprocal_p, np.reciprocal)
sqrt = _ufunc(ew.sqrt_p, np.sqrt)
cbrt = _ufunc(ew.cbrt_p, np.cbrt)
exp = _ufunc(ew.exp_p, np.exp)
exp2 = _ufunc(ew.exp2_p, np.exp2)
expm1 = _ufunc(ew.expm1_p, np.expm1)
log = _ufunc(ew.log_p, np.log)
log2 = _ufunc(ew.log2_p, np.log2)
log10 = _ufunc(ew.log10_p, np.log10)
log1p = _ufunc(ew.log1p_p, np.log1p)
logaddexp = _ufunc(ew.logaddexp_p, np.logaddexp)
logaddexp2 = _ufunc(ew.logaddexp2_p, np.logaddexp2)
sin = _ufunc(ew.sin_p, np.sin)
cos = _ufunc(ew.cos_p, np.cos)
tan = _ufunc(ew.tan_p, np.tan)
arcsin = _ufunc(ew.arcsin_p, np.arcsin)
arccos = _ufunc(ew.arccos_p, np.arccos)
arctan = _ufunc(ew.arctan_p, np.arctan)
arctan2 = _ufunc(ew.arctan2_p, np.arctan2)
hypot = _ufunc(ew.hypot_p, np.hypot)
sinh = _ufunc(ew.sinh_p, np.sinh)
cosh = _ufunc(ew.cosh_p, np.cosh)
tanh = _ufunc(ew.tanh_p, np.tanh)
arcsinh = _ufunc(ew.arcsinh_p, np.arcsinh)
arccosh = _ufunc(ew.arccosh_p, np.arccosh)
arctanh = _ufunc(ew.arctanh_p, np.arctanh)
sinc = _ufunc(ew.sinc_p, np.sinc)
abs = absolute = _ufunc(ew.abs_p, np.absolute)
fabs = _ufunc(ew.abs_p, np.fabs)
maximum = _ufunc(ew.maximum_p, np.maximum)
minimum = _ufunc(ew.minimum_p, np.minimum)
fmax = _ufunc(ew.fmax_p, np.fmax)
fmin = _ufunc(ew.fmin_p, np.fmin)
remainder = mod = _ufunc(ew.remainder_p, np.remainder)
sign = _ufunc(ew.sign_p, np.sign)
floor = _ufunc(ew.floor_p, np.floor)
ceil = _ufunc(ew.ceil_p, np.ceil)
rint = _ufunc(ew.rint_p, np.rint)
trunc = _ufunc(ew.trunc_p, np.trunc)
floor_divide = _ufunc(ew.floor_divide_p, np.floor_divide)
equal = _ufunc(ew.equal_p, np.equal)
not_equal = _ufunc(ew.not_equal_p, np.not_equal)
less = _ufunc(ew.less_p, np.less)
less_equal = _ufunc(ew.less_equal_p, np.less_equal)
greater = _ufunc(ew.greater_p, np.greater)
greater_equal = _ufunc(ew.greater_equal_p, np.greater_equal)
logical_and = _ufunc(ew.logical_and_p, np.logical_and)
logical_or = _ufunc(ew.logical_or_p, np.logical_or)
logical_xor = _ufunc(ew.logical_xor_p, np.logical_xor)
logical_not = _ufunc(ew.logical_not_p, np.logical_not)
isnan = _ufunc(ew.isnan_p, np.isnan)
isinf = _ufunc(ew.isinf_p, np.isinf)
isfinite = _ufunc(ew.isfinite_p, np.isfinite)
signbit = _ufunc(ew.signbit_p, np.signbit)


def positive(x: Any) -> Any:
    """Differentiable numpy.positive (returns x)."""
    return x if is_traced(x) else np.positive(x)


def round(a: Any, decimals: int = 0) -> Any:  # noqa: A001 - NumPy's name
    """Differentiable numpy.round: derivative zero almost everywhere."""
    if not is_traced(a):
        return np.round(a, decimals)
    return ew.round_p(a, decimals=decimals)


around = round


def where(condition: Any, x: Any = None, y: Any = None) -> Any:
    """Differentiable numpy.where(condition, x, y); the one-argument form is nonzero()."""
    if x is None and y is None:
        return np.nonzero(_concrete(condition))
    if x is None or y is None:
        raise ValueError("chainrule.numpy.where: give both x and y, or neither")
    if not is_traced(condition, x, y):
        return np.where(condition, x, y)
    return ew.where_p(_concrete(condition), as_value(x), as_value(y))


def clip(a: Any, a_min: Any = None, a_max: Any = None, out: Any = None, **kwargs: Any) -> Any:
    """Differentiable numpy.clip, as minimum(maximum(a, a_min), a_max): ties split evenly."""
    if not is_traced(a, a_min, a_max):
        return np.clip(a, a_min, a_max, out=out, **kwargs)
    if out is not None:
        raise TypeError("chainrule.numpy.clip: out= is not supported on traced values")
    result = as_value(a)
    if a_min is not None:
        result = maximum(result, a_min)
    if a_max is not None:
        result = minimum(result, a_max)
    return result


def deg2rad(x: Any) -> Any:
    """Differentiable numpy.deg2rad."""
    return multiply(x, _ratio(np.pi, 180, x)) if is_traced(x) else np.deg2rad(x)


def rad2deg(x: Any) -> Any:
    """Differentiable numpy.rad2deg."""
    return multiply(x, _ratio(180, np.pi, x)) if is_traced(x) else np.rad2deg(x)


def _ratio(numerator: float, denominator: float, x: Any) -> Any:
    """numerator / denominator computed in ``x``'s dtype, as NumPy's own loops compute it."""
    dtype = x.dtype.type if x.dtype.kind in "fc" else np.float64
    return dtype(numerator) / dtype(denominator)


radians, degrees = deg2rad, rad2deg
# NumPy 2's array-API spellings of the same ufuncs.
acos, acosh, asin, asinh = arccos, arccosh, arcsin, arcsinh
atan, atanh, atan2, pow = arctan, arctanh, arctan2, power


def float_power(x: Any, y: Any) -> Any:
    """Differentiable numpy.float_power (power computed in float64)."""
    if not is_traced(x, y):
        return np.float_power(x, y)
    return power(as_value(x).astype(np.float64) if is_traced(x) else np.float64(x), y)


def astype(x: Any, dtype: Any, /, *, copy: bool = True, device: Any = None) -> Any:
    """Differentiable numpy.astype(x, dtype): linear to float types, no derivative to others."""
    if not is_traced(x):
        return np.astype(x, dtype, copy=copy, device=device)
    return as_value(x).astype(dtype)


def real(val: Any) -> Any:
    """The real part; for real inputs the input itself."""
    if not is_traced(val):
        return np.real(val)
    return ew.real_p(val) if val.dtype.kind == "c" else val


def imag(val: Any) -> Any:
    """The imaginary part; for real traced inputs plain zeros (no derivative)."""
    if not is_traced(val):
        return np.imag(val)
    if val.dtype.kind == "c":
        return ew.imag_p(val)
    return np.zeros(val.shape, val.dtype)[()] if val.shape == () else np.zeros(val.shape, val.dtype)


def conj(x: Any, /, **kwargs: Any) -> Any:
    """The complex conjugate; for real inputs the input itself."""
    if not is_traced(x):
        return np.conj(x, **kwargs)
    if kwargs:
        raise TypeError(
            f"chainrule.numpy.conj: the keyword argument(s) {sorted(kwargs)} are not "
            f"supported on traced values; call conj(x) without them."
        )
    return ew.conj_p(x) if x.dtype.kind == "c" else x


def angle(z: Any, deg: bool = False) -> Any:
    """The argument of a complex number, arctan2(imag(z), real(z)); in degrees with deg."""
    if not is_traced(z):
        return np.angle(z, deg=deg)
    radians = arctan2(imag(z), real(z))
    return radians * (180 / np.pi) if deg else radians


conjugate = conj


def real_if_close(a: Any, tol: float = 100) -> Any:
    """numpy.real_if_close: the real part when every imaginary part is within ``tol``
    machine epsilons of 0 (decided on the values; a choice, so no derivative of its own)."""
    if not is_traced(a):
        return np.real_if_close(a, tol=tol)
    if a.dtype.kind != "c":
        return a
    plain = _concrete(a)
    if tol > 1:
        tol = np.finfo(plain.dtype).eps * tol
    return ew.real_p(a) if np.all(np.abs(plain.imag) < tol) else a


def _concrete(value: Any) -> Any:
    """A condition as a plain array (conditions carry no derivative)."""
    from chainrule.core import Tracer

    return value.concrete_value() if isinstance(value, Tracer) else np.asarray(value)


__all__ = sorted(
    name
    for name, value in list(globals().items())
    if not name.startswith("_") and getattr(value, "__module__", None) == __name__
)
