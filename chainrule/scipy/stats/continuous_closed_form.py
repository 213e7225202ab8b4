"""Continuous distributions of chainrule.scipy.stats whose distribution functions have closed
forms: expon, laplace, logistic, uniform, cauchy, halfnorm, rayleigh, gumbel_r, gumbel_l,
lognorm, weibull_min, pareto, and invgamma (whose cdf is an incomplete gamma function).

Location-scale families like those of continuous.py, with SciPy's methods and signatures
and, in addition, ppf. Every method is differentiable in every argument (x or q, loc,
scale and the shape parameters), except invgamma's cdf, logcdf, sf, logsf and ppf in its
shape a, which have no closed form (NotImplementedError).
"""

from __future__ import annotations

from typing import Any

import numpy as np

import chainrule.numpy as cnp
from chainrule.scipy import special
from chainrule.scipy.stats.arguments import (
    as_float64,
    concrete,
    fill,
    is_any_traced,
    parse,
    refuse_traced,
)
from chainrule.scipy.stats.continuous import ContinuousDistribution

__all__ = [
    "cauchy",
    "expon",
    "gumbel_l",
    "gumbel_r",
    "halfnorm",
    "invgamma",
    "laplace",
    "logistic",
    "lognorm",
    "pareto",
    "rayleigh",
    "uniform",
    "weibull_min",
]

_LOG_2 = np.log(2.0)
_LOG_PI = np.log(np.pi)
_HALF_LOG_2PI = 0.5 * np.log(2 * np.pi)
_HALF_LOG_2_OVER_PI = 0.5 * np.log(2 / np.pi)


def _where(mask: np.ndarray, when_true: Any, when_false: Any) -> Any:
    """where(mask, when_true(), when_false()) for a plain mask, computing only what is used."""
    if np.all(mask):
        return when_true()
    if not np.any(mask):
        return when_false()
    return cnp.where(mask, when_true(), when_false())


def _log_of_minus_expm1(t: Any) -> Any:
    """log(1 - exp(t)) for t <= 0: log(-expm1(t)) near 0, log1p(-exp(t)) below -log 2."""
    return _where(
        concrete(t) > -_LOG_2, lambda: cnp.log(-cnp.expm1(t)), lambda: cnp.log1p(-cnp.exp(t))
    )


def _log_density_limit(z: Any, value: Any, points: tuple) -> Any:
    """``value`` with -inf where the plain z is one of ``points`` (log(0) - inf would be NaN)."""
    is_limit = np.isin(concrete(z), points)
    return cnp.where(is_limit, -np.inf, value) if np.any(is_limit) else value


class ClosedFormDistribution(ContinuousDistribution):
    """A location-scale family with a closed-form quantile function, ``ppf``."""

    has_shape_derivatives = True

    def _ppf(self, q: Any, *shapes: Any) -> Any:
        raise NotImplementedError

    def ppf(self, q: Any, *args: Any, **kwds: Any) -> Any:
        """Quantile function (the inverse of cdf) at q; differentiable in every argument."""
        if not is_any_traced(q, args, kwds):
            return self._scipy.ppf(q, *args, **kwds)
        function = f"chainrule.scipy.stats.{self.name}.ppf"
        params = parse(function, self._signature, args, kwds)
        if not self.has_shape_derivatives:
            for name in self.shape_names:
                refuse_traced(function, name, params[name], "it has no closed form")
        q, loc, scale = (as_float64(v) for v in (q, params["loc"], params["scale"]))
        shapes = [as_float64(params[name]) for name in self.shape_names]
        q_plain = concrete(q)
        with np.errstate(invalid="ignore", divide="ignore"):
            value = loc + scale * self._ppf(q, *shapes)
            plain_shapes = [concrete(s) for s in shapes]
            is_valid = self._shapes_are_valid(*plain_shapes) & (concrete(scale) > 0)
            # SciPy's values at q = 0 and 1 (the ends of the support), without derivative
            is_end = (q_plain == 0) | (q_plain == 1)
            if np.any(is_end):
                ends = self._scipy.ppf(q_plain, *plain_shapes, concrete(loc), concrete(scale))
                value = cnp.where(is_end, ends, value)
            is_invalid = ~(is_valid & (q_plain >= 0) & (q_plain <= 1))
        return fill(value, is_invalid, np.nan)


class ExponentialDistribution(ClosedFormDistribution):
    """The exponential distribution, SciPy's ``expon`` (support x >= loc)."""

    name = "expon"
    support = (0.0, np.inf)

    def _logpdf(self, z: Any) -> Any:
        return -z

    def _cdf(self, z: Any) -> Any:
        return -cnp.expm1(-z)

    def _logcdf(self, z: Any) -> Any:
        return _log_of_minus_expm1(-z)

    def _sf(self, z: Any) -> Any:
        return cnp.exp(-z)

    def _logsf(self, z: Any) -> Any:
        return -z

    def _ppf(self, q: Any) -> Any:
        return -cnp.log1p(-q)


class LaplaceDistribution(ClosedFormDistribution):
    """The Laplace (double exponential) distribution, SciPy's ``laplace``.

    Its density has a kink at loc: there the slope in x is 0, the average of the sides.
    """

    name = "laplace"

    def _logpdf(self, z: Any) -> Any:
        return -cnp.abs(z) - _LOG_2

    def _cdf(self, z: Any) -> Any:
        return _where(concrete(z) > 0, lambda: 1.0 - 0.5 * cnp.exp(-z), lambda: 0.5 * cnp.exp(z))

    def _sf(self, z: Any) -> Any:
        return self._cdf(-z)

    def _logcdf(self, z: Any) -> Any:
        return _where(concrete(z) > 0, lambda: cnp.log1p(-0.5 * cnp.exp(-z)), lambda: z - _LOG_2)

    def _logsf(self, z: Any) -> Any:
        return self._logcdf(-z)

    def _ppf(self, q: Any) -> Any:
        return _where(concrete(q) < 0.5, lambda: cnp.log(2.0 * q), lambda: -cnp.log(2.0 - 2.0 * q))


class LogisticDistribution(ClosedFormDistribution):
    """The logistic distribution, SciPy's ``logistic``."""

    name = "logistic"

    def _logpdf(self, z: Any) -> Any:
        # log(expit(z) expit(-z)), smooth at 0 and accurate in both tails
        return special.log_expit(z) + special.log_expit(-z)

    def _cdf(self, z: Any) -> Any:
        return special.expit(z)

    def _logcdf(self, z: Any) -> Any:
        return special.log_expit(z)

    def _sf(self, z: Any) -> Any:
        return special.expit(-z)

    def _logsf(self, z: Any) -> Any:
        return special.log_expit(-z)

    def _ppf(self, q: Any) -> Any:
        return special.logit(q)


class UniformDistribution(ClosedFormDistribution):
    """The uniform distribution on [loc, loc + scale], SciPy's ``uniform``."""

    name = "uniform"
    support = (0.0, 1.0)

    def _logpdf(self, z: Any) -> Any:
        return z * 0.0

    def _cdf(self, z: Any) -> Any:
        return z * 1.0

    def _logcdf(self, z: Any) -> Any:
        return cnp.log(z)

    def _sf(self, z: Any) -> Any:
        return 1.0 - z

    def _logsf(self, z: Any) -> Any:
        return cnp.log1p(-z)

    def _ppf(self, q: Any) -> Any:
        return q * 1.0


class CauchyDistribution(ClosedFormDistribution):
    """The Cauchy distribution, SciPy's ``cauchy``."""

    name = "cauchy"

    def _logpdf(self, z: Any) -> Any:
        return -_LOG_PI - cnp.log1p(z * z)

    def _cdf(self, z: Any) -> Any:
        return 0.5 + cnp.arctan(z) / np.pi

    def _sf(self, z: Any) -> Any:
        return 0.5 - cnp.arctan(z) / np.pi

    # -cot(pi q) below 1/2 and cot(pi (1 - q)) above: accurate in both tails.
    def _ppf(self, q: Any) -> Any:
        return _where(
            concrete(q) < 0.5,
            lambda: -1.0 / cnp.tan(np.pi * q),
            lambda: 1.0 / cnp.tan(np.pi * (1.0 - q)),
        )


class HalfNormalDistribution(ClosedFormDistribution):
    """The half-normal distribution, SciPy's ``halfnorm`` (support x >= loc)."""

    name = "halfnorm"
    support = (0.0, np.inf)

    def _logpdf(self, z: Any) -> Any:
        return _HALF_LOG_2_OVER_PI - z * z / 2.0

    def _cdf(self, z: Any) -> Any:
        return special.ndtr(z) * 2.0 - 1.0

    def _sf(self, z: Any) -> Any:
        return 2.0 * special.ndtr(-z)

    def _logsf(self, z: Any) -> Any:
        return _LOG_2 + special.log_ndtr(-z)

    def _ppf(self, q: Any) -> Any:
        return special.ndtri((1.0 + q) / 2.0)


class RayleighDistribution(ClosedFormDistribution):
    """The Rayleigh distribution, SciPy's ``rayleigh`` (support x >= loc)."""

    name = "rayleigh"
    support = (0.0, np.inf)

    def _logpdf(self, z: Any) -> Any:
        return _log_density_limit(z, cnp.log(z) - 0.5 * z * z, (0.0, np.inf))

    def _cdf(self, z: Any) -> Any:
        return -cnp.expm1(-0.5 * z * z)

    def _logcdf(self, z: Any) -> Any:
        return _log_of_minus_expm1(-0.5 * z * z)

    def _sf(self, z: Any) -> Any:
        return cnp.exp(-0.5 * z * z)

    def _logsf(self, z: Any) -> Any:
        return -0.5 * z * z

    def _ppf(self, q: Any) -> Any:
        return cnp.sqrt(-2.0 * cnp.log1p(-q))


class GumbelRightDistribution(ClosedFormDistribution):
    """The right-skewed Gumbel distribution, SciPy's ``gumbel_r``."""

    name = "gumbel_r"

    def _logpdf(self, z: Any) -> Any:
        return -z - cnp.exp(-z)

    def _cdf(self, z: Any) -> Any:
        return cnp.exp(-cnp.exp(-z))

    def _logcdf(self, z: Any) -> Any:
        return -cnp.exp(-z)

    def _sf(self, z: Any) -> Any:
        return -cnp.expm1(-cnp.exp(-z))

    def _logsf(self, z: Any) -> Any:
        return _log_of_minus_expm1(-cnp.exp(-z))

    def _ppf(self, q: Any) -> Any:
        return -cnp.log(-cnp.log(q))


class GumbelLeftDistribution(ClosedFormDistribution):
    """The left-skewed Gumbel distribution, SciPy's ``gumbel_l``."""

    name = "gumbel_l"

    def _logpdf(self, z: Any) -> Any:
        return z - cnp.exp(z)

    def _cdf(self, z: Any) -> Any:
        return -cnp.expm1(-cnp.exp(z))

    def _logcdf(self, z: Any) -> Any:
        return _log_of_minus_expm1(-cnp.exp(z))

    def _sf(self, z: Any) -> Any:
        return cnp.exp(-cnp.exp(z))

    def _logsf(self, z: Any) -> Any:
        return -cnp.exp(z)

    def _ppf(self, q: Any) -> Any:
        return cnp.log(-cnp.log1p(-q))


class LogNormalDistribution(ClosedFormDistribution):
    """The log-normal distribution with shape s, SciPy's ``lognorm`` (support x >= loc)."""

    name = "lognorm"
    shape_names = ("s",)
    support = (0.0, np.inf)

    def _shapes_are_valid(self, s: np.ndarray) -> Any:
        return s > 0

    def _logpdf(self, z: Any, s: Any) -> Any:
        log_z = cnp.log(z)
        log_density = -(log_z**2) / (2.0 * s**2) - cnp.log(s * z) - _HALF_LOG_2PI
        return _log_density_limit(z, log_density, (0.0, np.inf))

    def _cdf(self, z: Any, s: Any) -> Any:
        return special.ndtr(cnp.log(z) / s)

    def _logcdf(self, z: Any, s: Any) -> Any:
        return special.log_ndtr(cnp.log(z) / s)

    def _sf(self, z: Any, s: Any) -> Any:
        return special.ndtr(-cnp.log(z) / s)

    def _logsf(self, z: Any, s: Any) -> Any:
        return special.log_ndtr(-cnp.log(z) / s)

    def _ppf(self, q: Any, s: Any) -> Any:
        return cnp.exp(s * special.ndtri(q))


class WeibullMinDistribution(ClosedFormDistribution):
    """The Weibull (minimum) distribution with shape c, SciPy's ``weibull_min`` (x >= loc)."""

    name = "weibull_min"
    shape_names = ("c",)
    support = (0.0, np.inf)

    def _shapes_are_valid(self, c: np.ndarray) -> Any:
        return c > 0

    def _logpdf(self, z: Any, c: Any) -> Any:
        return cnp.log(c) + special.xlogy(c - 1.0, z) - z**c

    def _cdf(self, z: Any, c: Any) -> Any:
        return -cnp.expm1(-(z**c))

    def _logcdf(self, z: Any, c: Any) -> Any:
        return _log_of_minus_expm1(-(z**c))

    def _sf(self, z: Any, c: Any) -> Any:
        return cnp.exp(-(z**c))

    def _logsf(self, z: Any, c: Any) -> Any:
        return -(z**c)

    def _ppf(self, q: Any, c: Any) -> Any:
        return (-cnp.log1p(-q)) ** (1.0 / c)


class ParetoDistribution(ClosedFormDistribution):
    """The Pareto distribution with shape b, SciPy's ``pareto`` (support x >= loc + scale)."""

    name = "pareto"
    shape_names = ("b",)
    support = (1.0, np.inf)

    def _shapes_are_valid(self, b: np.ndarray) -> Any:
        return b > 0

    def _logpdf(self, z: Any, b: Any) -> Any:
        return cnp.log(b) - (b + 1.0) * cnp.log(z)

    def _cdf(self, z: Any, b: Any) -> Any:
        return -cnp.expm1(-b * cnp.log(z))

    def _logcdf(self, z: Any, b: Any) -> Any:
        return _log_of_minus_expm1(-b * cnp.log(z))

    def _sf(self, z: Any, b: Any) -> Any:
        return cnp.exp(-b * cnp.log(z))

    def _logsf(self, z: Any, b: Any) -> Any:
        return -b * cnp.log(z)

    def _ppf(self, q: Any, b: Any) -> Any:
        return cnp.exp(-cnp.log1p(-q) / b)


class InverseGammaDistribution(ClosedFormDistribution):
    """The inverse gamma distribution with shape a, SciPy's ``invgamma`` (x >= loc).

    cdf, logcdf, sf, logsf and ppf have no derivative in a (NotImplementedError); the
    densities do.
    """

    name = "invgamma"
    shape_names = ("a",)
    support = (0.0, np.inf)
    has_shape_derivatives = False

    def _shapes_are_valid(self, a: np.ndarray) -> Any:
        return a > 0

    def _logpdf(self, z: Any, a: Any) -> Any:
        log_density = -(a + 1.0) * cnp.log(z) - special.gammaln(a) - 1.0 / z
        return _log_density_limit(z, log_density, (0.0,))

    # P(X <= z) = Q(a, 1/z), the regularised upper incomplete gamma function.
    def _cdf(self, z: Any, a: Any) -> Any:
        return special.gammaincc(a, 1.0 / z)

    def _sf(self, z: Any, a: Any) -> Any:
        return special.gammainc(a, 1.0 / z)

    def _ppf(self, q: Any, a: Any) -> Any:
        return 1.0 / special.gammainccinv(a, q)


expon = ExponentialDistribution()
laplace = LaplaceDistribution()
logistic = LogisticDistribution()
uniform = UniformDistribution()
cauchy = CauchyDistribution()
halfnorm = HalfNormalDistribution()
rayleigh = RayleighDistribution()
gumbel_r = GumbelRightDistribution()
gumbel_l = GumbelLeftDistribution()
lognorm = LogNormalDistribution()
weibull_min = WeibullMinDistribution()
pareto = ParetoDistribution()
invgamma = InverseGammaDistribution()
