"""Elementwise primitives: arithmetic, powers, exponentials, logarithms, trigonometry.

Each entry gives NumPy's implementation and d out / d input for each input; the
`elementwise` builder turns that into both rules. Partials are written with these
same primitives, so every rule differentiates again.
"""

from __future__ import annotations

import math
import operator
from typing import Any

import numpy as np

from chainrule.core import Primitive
from chainrule.primitives.declare import (
    elementwise,
    linear,
    nondifferentiable,
    safe_multiply_p,
    sum_terms,
)

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)
_FLOAT64 = np.dtype(np.float64)

# NumPy scalars for which Python's operators are NumPy's own scalar arithmetic, about
# ten times faster than calling the ufunc on them.
_NUMPY_SCALARS = frozenset({np.float64, np.float32, np.complex128})


def _scalar_fast_path(ufunc: np.ufunc, operation: Any) -> Any:
    """``ufunc``, but computed by ``operation`` (an operator) when a NumPy scalar is involved.

    When both operands are Python numbers the ufunc runs, so the result is still a
    NumPy value with NumPy's semantics (1.0 / 0.0 is inf, not ZeroDivisionError).
    """

    def impl(x: Any, y: Any) -> Any:
        x_type, y_type = type(x), type(y)
        # A Python complex with a float64 (a subclass of float) would give a Python complex,
        # which has no shape or dtype: the ufunc keeps it a NumPy value.
        if (x_type in _NUMPY_SCALARS or y_type in _NUMPY_SCALARS) and complex not in (
            x_type,
            y_type,
        ):
            return operation(x, y)
        return ufunc(x, y)

    impl.__name__ = ufunc.__name__
    return impl


# Addition and subtraction are linear: tangents add, the cotangent is copied.
def _add_jvp(tangents, primals, out):
    return sum_terms([t for t in tangents if t is not None])


def _add_vjp(out_bar, primals, out, wanted):
    return (out_bar, out_bar)


add_p = Primitive(
    "add",
    _scalar_fast_path(np.add, operator.add),
    jvp=_add_jvp,
    vjp=_add_vjp,
    family="elementwise",
    saves=(),
    partials=(lambda x, y, out: 1.0, lambda x, y, out: 1.0),  # for scalars (see Primitive)
)


def _subtract_jvp(tangents, primals, out):
    x_dot, y_dot = tangents
    if y_dot is None:
        return x_dot
    return -y_dot if x_dot is None else x_dot - y_dot


def _subtract_vjp(out_bar, primals, out, wanted):
    return (out_bar, -out_bar if wanted[1] else None)


subtract_p = Primitive(
    "subtract",
    _scalar_fast_path(np.subtract, operator.sub),
    jvp=_subtract_jvp,
    vjp=_subtract_vjp,
    family="elementwise",
    saves=(),
    partials=(lambda x, y, out: 1.0, lambda x, y, out: -1.0),
)


def _negative_jvp(tangents, primals, out):
    return None if tangents[0] is None else negative_p(tangents[0])


def _negative_vjp(out_bar, primals, out, wanted):
    return (negative_p(out_bar),)


negative_p = Primitive(
    "negative",
    np.negative,
    jvp=_negative_jvp,
    vjp=_negative_vjp,
    family="elementwise",
    saves=(),
    partials=(lambda x, out: -1.0,),
)

multiply_p = elementwise(
    "multiply",
    _scalar_fast_path(np.multiply, operator.mul),
    (lambda x, y, out: y, lambda x, y, out: x),
    saves=("inputs",),
)
# d(x/y) = dx / y - (x/y) dy / y
divide_p = elementwise(
    "divide",
    _scalar_fast_path(np.true_divide, operator.truediv),
    (lambda x, y, out: divide_p(1.0, y), lambda x, y, out: -out / y),
)


# d(x**y)/dx = y x**(y-1) (zero-safe, so x**0 has slope 0 at x = 0);
# d(x**y)/dy = x**y log x, taken as 0 at x = 0 (0**y has no slope in y where it is
# finite); log(1) stands in for log(0) so no -inf enters the product.
def _power_partial_base(x, y, out):
    if type(y) in (int, float) and y != 0:  # a constant exponent: no zero-safety needed
        if y == 2:
            return 2 * x
        if y in (3, 4):  # x**2, x**3 by products: exact to an ulp, and pow() is ~80x slower
            square = x * x
            return y * (square if y == 3 else square * x)
        return y * power_p(x, y - 1)
    return safe_multiply_p(y, power_p(x, y - 1))


def _power_partial_exponent(x, y, out):
    return safe_multiply_p(out, log_p(where_p(equal_p(x, 0), 1.0, x)))


power_p = elementwise(
    "power",
    _scalar_fast_path(np.power, operator.pow),
    (_power_partial_base, _power_partial_exponent),
)

square_p = elementwise("square", np.square, lambda x, out: 2 * x, saves=("inputs",))
reciprocal_p = elementwise("reciprocal", np.reciprocal, lambda x, out: -(out * out), saves=("out",))
sqrt_p = elementwise("sqrt", np.sqrt, lambda x, out: 0.5 / out, saves=("out",))  # +inf at 0
cbrt_p = elementwise(
    "cbrt", np.cbrt, lambda x, out: 1 / (3 * out * out), saves=("out",)
)  # +inf at 0

exp_p = elementwise("exp", np.exp, lambda x, out: out, saves=("out",))
exp2_p = elementwise("exp2", np.exp2, lambda x, out: out * _LN2, saves=("out",))
expm1_p = elementwise("expm1", np.expm1, lambda x, out: out + 1, saves=("out",))
log_p = elementwise("log", np.log, lambda x, out: 1 / x, saves=("inputs",))
log2_p = elementwise("log2", np.log2, lambda x, out: 1 / (x * _LN2), saves=("inputs",))
log10_p = elementwise("log10", np.log10, lambda x, out: 1 / (x * _LN10), saves=("inputs",))
log1p_p = elementwise("log1p", np.log1p, lambda x, out: 1 / (1 + x), saves=("inputs",))
# d/dx log(e^x + e^y) = e^(x - out), and the same for y.
logaddexp_p = elementwise(
    "logaddexp",
    np.logaddexp,
    (lambda x, y, out: exp_p(x - out), lambda x, y, out: exp_p(y - out)),
)
logaddexp2_p = elementwise(
    "logaddexp2",
    np.logaddexp2,
    (lambda x, y, out: exp2_p(x - out), lambda x, y, out: exp2_p(y - out)),
)

sin_p = elementwise("sin", np.sin, lambda x, out: cos_p(x), saves=("inputs",))
cos_p = elementwise("cos", np.cos, lambda x, out: -sin_p(x), saves=("inputs",))
tan_p = elementwise("tan", np.tan, lambda x, out: 1 + out * out, saves=("out",))
# 1 - x^2 is written (1 - x)(1 + x), which keeps its accuracy near x = +-1.
arcsin_p = elementwise(
    "arcsin", np.arcsin, lambda x, out: 1 / sqrt_p((1 - x) * (1 + x)), saves=("inputs",)
)
arccos_p = elementwise(
    "arccos", np.arccos, lambda x, out: -1 / sqrt_p((1 - x) * (1 + x)), saves=("inputs",)
)
arctan_p = elementwise("arctan", np.arctan, lambda x, out: 1 / (1 + x * x), saves=("inputs",))
# d atan2(y, x) = (x dy - y dx) / (x^2 + y^2)
arctan2_p = elementwise(
    "arctan2",
    np.arctan2,
    (lambda y, x, out: x / (x * x + y * y), lambda y, x, out: -y / (x * x + y * y)),
)
sinh_p = elementwise("sinh", np.sinh, lambda x, out: cosh_p(x), saves=("inputs",))
cosh_p = elementwise("cosh", np.cosh, lambda x, out: sinh_p(x), saves=("inputs",))
tanh_p = elementwise("tanh", np.tanh, lambda x, out: 1 - out * out, saves=("out",))
arcsinh_p = elementwise(
    "arcsinh", np.arcsinh, lambda x, out: 1 / sqrt_p(x * x + 1), saves=("inputs",)
)
# 1/sqrt(x^2 - 1) written as a product so it stays accurate near x = 1.
arccosh_p = elementwise(
    "arccosh", np.arccosh, lambda x, out: 1 / (sqrt_p(x - 1) * sqrt_p(x + 1)), saves=("inputs",)
)
arctanh_p = elementwise(
    "arctanh", np.arctanh, lambda x, out: 1 / ((1 - x) * (1 + x)), saves=("inputs",)
)


# hypot(x, y) = sqrt(x^2 + y^2): partials x/out and y/out, taken as 0 at the origin,
# the same convention as a norm at 0 (and what sqrt(x*x + y*y) gives here).
def _hypot_partial(numerator, out):
    return where_p(out == 0, 0.0, numerator / where_p(out == 0, 1.0, out))


hypot_p = elementwise(
    "hypot",
    np.hypot,
    (lambda x, y, out: _hypot_partial(x, out), lambda x, y, out: _hypot_partial(y, out)),
)


def _is_complex(x: Any) -> bool:
    return type(x) is complex or getattr(x, "dtype", _FLOAT64).kind == "c"


# abs'(x) = sign(x), with abs'(0) = 0 (sign is a constant: it has no derivative). For
# complex z, d|z| = Re(conj(z) dz) / |z|, so the partial is conj(z) / |z|, 0 at z = 0 (the
# sweeps keep the real part of the tangent; see "Complex numbers" below).
def _abs_partial(x, out):
    return _hypot_partial(conj_p(x), abs_p(x)) if _is_complex(x) else sign_p(x)


abs_p = elementwise("abs", np.abs, _abs_partial, saves=("inputs",))


# maximum and minimum: at ties the derivative is split evenly between the two inputs,
# so maximum(x, x) has slope 1 and clip agrees with its maximum/minimum form.
def _greater_or_tie(x, y, out):
    return greater_p(x, y) + 0.5 * equal_p(x, y)


maximum_p = elementwise(
    "maximum",
    np.maximum,
    (lambda x, y, out: _greater_or_tie(x, y, out), lambda x, y, out: _greater_or_tie(y, x, out)),
)
minimum_p = elementwise(
    "minimum",
    np.minimum,
    (lambda x, y, out: _greater_or_tie(y, x, out), lambda x, y, out: _greater_or_tie(x, y, out)),
)


# fmax/fmin ignore a NaN: the other input gets the whole derivative there. Where both are
# NaN neither gets any (as with maximum/minimum at a NaN: no comparison holds).
def _fmax_partial(x, y, out):
    return _fmax_fmin_partial(greater_p(x, y), x, y)


def _fmin_partial(x, y, out):
    return _fmax_fmin_partial(less_p(x, y), x, y)


def _fmax_fmin_partial(wins, x, y):
    only_y_is_nan = logical_and_p(isnan_p(y), logical_not_p(isnan_p(x)))
    return logical_or_p(wins, only_y_is_nan) + 0.5 * equal_p(x, y)


fmax_p = elementwise(
    "fmax",
    np.fmax,
    (lambda x, y, out: _fmax_partial(x, y, out), lambda x, y, out: _fmax_partial(y, x, out)),
)
fmin_p = elementwise(
    "fmin",
    np.fmin,
    (lambda x, y, out: _fmin_partial(x, y, out), lambda x, y, out: _fmin_partial(y, x, out)),
)


def _sinc_derivative(x: np.ndarray, order: int) -> np.ndarray:
    """The ``order``-th derivative of sinc(x) = sin(pi x) / (pi x), accurate at and near 0."""
    x = np.asarray(x, dtype=np.result_type(x, np.float32))
    small = np.abs(x) < 1
    # Series: sinc(x) = sum_m (-1)^m (pi x)^(2m) / (2m+1)!, differentiated term by term.
    x_small = np.where(small, x, 0)
    series = np.zeros_like(x)
    for m in range((order + 1) // 2, 40):
        power = 2 * m - order
        coefficient = (-1) ** m * math.pi ** (2 * m) / math.factorial(2 * m + 1)
        coefficient *= math.factorial(2 * m) / math.factorial(power)
        series = series + coefficient * x_small**power
    # Leibniz on sin(pi x) * (1/x), divided by pi, away from 0.
    x_large = np.where(small, 1, x)
    closed = np.zeros_like(x)
    for k in range(order + 1):
        sine_part = math.pi**k * np.sin(math.pi * x_large + k * math.pi / 2)
        inverse_part = (-1) ** (order - k) * math.factorial(order - k) / x_large ** (order - k + 1)
        closed = closed + math.comb(order, k) * sine_part * inverse_part
    closed = closed / math.pi
    out = np.where(small, series, closed)
    return out[()] if out.ndim == 0 else out


sinc_derivative_p = elementwise(
    "sinc_derivative",
    _sinc_derivative,
    lambda x, out, order: sinc_derivative_p(x, order=order + 1),
)
sinc_p = elementwise("sinc", np.sinc, lambda x, out: sinc_derivative_p(x, order=1))


# where(c, x, y): the cotangent goes to the branch each element took, and exactly zero to
# the other, so a NaN or inf in the branch not taken never reaches the gradient.
def _where_jvp(tangents, primals, out):
    _, x_dot, y_dot = tangents
    if x_dot is None and y_dot is None:
        return None
    condition = primals[0]
    return where_p(condition, 0.0 if x_dot is None else x_dot, 0.0 if y_dot is None else y_dot)


def _where_vjp(out_bar, primals, out, wanted):
    condition = primals[0]
    return (
        None,
        where_p(condition, out_bar, 0.0) if wanted[1] else None,
        where_p(condition, 0.0, out_bar) if wanted[2] else None,
    )


where_p = Primitive("where", np.where, jvp=_where_jvp, vjp=_where_vjp, family="elementwise")

# Results with no derivative: signs, rounding, comparisons, logic and classification.
sign_p = nondifferentiable("sign", np.sign, family="elementwise")
floor_p = nondifferentiable("floor", np.floor, family="elementwise")
ceil_p = nondifferentiable("ceil", np.ceil, family="elementwise")
rint_p = nondifferentiable("rint", np.rint, family="elementwise")
trunc_p = nondifferentiable("trunc", np.trunc, family="elementwise")
round_p = nondifferentiable("round", np.round, family="elementwise")
floor_divide_p = nondifferentiable("floor_divide", np.floor_divide, family="elementwise")
equal_p = nondifferentiable("equal", np.equal, family="elementwise")
not_equal_p = nondifferentiable("not_equal", np.not_equal, family="elementwise")
less_p = nondifferentiable("less", np.less, family="elementwise")
less_equal_p = nondifferentiable("less_equal", np.less_equal, family="elementwise")
greater_p = nondifferentiable("greater", np.greater, family="elementwise")
greater_equal_p = nondifferentiable("greater_equal", np.greater_equal, family="elementwise")
logical_and_p = nondifferentiable("logical_and", np.logical_and, family="elementwise")
logical_or_p = nondifferentiable("logical_or", np.logical_or, family="elementwise")
logical_xor_p = nondifferentiable("logical_xor", np.logical_xor, family="elementwise")
logical_not_p = nondifferentiable("logical_not", np.logical_not, family="elementwise")
isnan_p = nondifferentiable("isnan", np.isnan, family="elementwise")
isinf_p = nondifferentiable("isinf", np.isinf, family="elementwise")
isfinite_p = nondifferentiable("isfinite", np.isfinite, family="elementwise")
signbit_p = nondifferentiable("signbit", np.signbit, family="elementwise")


# x mod y = x - floor(x / y) * y: slope 1 in x and -floor(x / y) in y, away from the jumps.
remainder_p = elementwise(
    "remainder",
    np.remainder,
    (lambda x, y, out: 1.0, lambda x, y, out: -floor_divide_p(x, y)),
)


# Changing the dtype is linear; a cast to an integer or boolean type carries no derivative.
def _astype_jvp(tangents, primals, out, dtype):
    (x_dot,) = tangents
    dtype = np.dtype(dtype)
    if x_dot is None or dtype.kind not in "fc":
        return None
    if dtype.kind == "f" and x_dot.dtype.kind == "c":  # complex to real keeps the real part
        x_dot = real_p(x_dot)
    return astype_p(x_dot, dtype=dtype)


def _astype_vjp(out_bar, primals, out, wanted, dtype):
    return (out_bar,)  # the sweep casts it back to the input's dtype


def _astype_impl(x, dtype):
    return np.asarray(x).astype(dtype)[()] if np.ndim(x) == 0 else x.astype(dtype)


astype_p = Primitive("astype", _astype_impl, jvp=_astype_jvp, vjp=_astype_vjp, family="elementwise")


# Complex numbers follow JAX's convention: a cotangent c pairs with a tangent dz as
# Re(sum(c * dz)), with no conjugation, so every VJP is the plain transpose of its JVP and
# holomorphic rules (exp, log, matmul, ...) need nothing special. The gradient of a real
# loss L(z) is then dL/dx - i dL/dy (docs/complex.md). A complex cotangent reaching a real
# input keeps its real part (the sweeps' cast).
# real: Re(c_in dz) = c Re(dz) gives c_in = c (cast to complex by the sweep).
real_p = linear("real", np.real, lambda out_bar, x_spec: out_bar, family="elementwise")
# imag: Re(c_in dz) = c Im(dz) gives c_in = -i c.
imag_p = linear("imag", np.imag, lambda out_bar, x_spec: out_bar * -1j, family="elementwise")
# conj: Re(c_in dz) = Re(c conj(dz)) = Re(conj(c) dz) gives c_in = conj(c).
conj_p = linear("conj", np.conj, lambda out_bar, x_spec: conj_p(out_bar), family="elementwise")
