"""Continuous distributions of chainrule.scipy.stats: norm, t, gamma, beta and chi2.

Each is a location-scale family with SciPy's methods and signatures,
``method(x, *shapes, loc=0, scale=1)``. Without traced arguments a method calls
scipy.stats; with them it composes chainrule's functions: z = (x - loc) / scale, the
standard density or distribution function at z, and SciPy's values outside the support
(-inf, 0 or 1) and for invalid parameters (NaN). Results are float64, as SciPy's are.

Densities (logpdf, pdf) are differentiable in every argument. The distribution functions
(cdf, logcdf, sf, logsf) are differentiable in x, loc and scale; their derivatives in the
shape parameters of t, gamma, beta and chi2 have no closed form, and tracing one raises
NotImplementedError. chi2 is the gamma distribution of shape df / 2 and scale 2, written as
SciPy writes it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.stats

import chainrule.numpy as cnp
from chainrule.scipy import special
from chainrule.scipy.stats.arguments import (
    as_float64,
    concrete,
    fill,
    is_any_traced,
    parse,
    refuse_traced,
    signature_of,
)

__all__ = ["beta", "chi2", "gamma", "norm", "t"]

# SciPy's constants, computed as SciPy computes them.
_LOG_SQRT_2PI = np.log(np.sqrt(2 * np.pi))
_SQRT_2PI = np.sqrt(2 * np.pi)
_LOG_2 = np.log(2)

# Values of the distribution functions (below the support, above it).
_LIMITS = {
    "cdf": (0.0, 1.0),
    "logcdf": (-np.inf, 0.0),
    "sf": (1.0, 0.0),
    "logsf": (0.0, -np.inf),
}


class ContinuousDistribution:
    """A location-scale family: the standard pieces below, SciPy's conventions around them."""

    name = ""
    shape_names: tuple[str, ...] = ()
    support = (-np.inf, np.inf)
    # Whether the distribution functions are differentiable in the shape parameters too.
    has_shape_derivatives = False

    def __init__(self) -> None:
        self._scipy = getattr(scipy.stats, self.name)
        self._signature = signature_of(self.shape_names, ("loc", "scale"))

    def __repr__(self) -> str:
        return f"<chainrule.scipy.stats.{self.name}>"

    # The standard distribution (loc 0, scale 1), on float64 values that may be traced.
    def _shapes_are_valid(self, *shapes: np.ndarray) -> Any:
        return np.True_

    def _logpdf(self, z: Any, *shapes: Any) -> Any:
        raise NotImplementedError

    def _pdf(self, z: Any, *shapes: Any) -> Any:
        return cnp.exp(self._logpdf(z, *shapes))

    def _cdf(self, z: Any, *shapes: Any) -> Any:
        raise NotImplementedError

    def _sf(self, z: Any, *shapes: Any) -> Any:
        raise NotImplementedError

    # SciPy's choice for the logarithms: log(cdf) below the median and log1p(-sf) above it
    # (log(sf) above it and log1p(-cdf) below it), accurate in both tails. The median is
    # read from the plain shape parameters.
    def _median(self, *shapes: Any) -> Any:
        return self._scipy.ppf(0.5, *(concrete(s) for s in shapes))

    def _logcdf(self, z: Any, *shapes: Any) -> Any:
        is_below = concrete(z) < self._median(*shapes)
        return _select(
            is_below,
            lambda: cnp.log(self._cdf(z, *shapes)),
            lambda: cnp.log1p(-self._sf(z, *shapes)),
        )

    def _logsf(self, z: Any, *shapes: Any) -> Any:
        is_above = concrete(z) > self._median(*shapes)
        return _select(
            is_above,
            lambda: cnp.log(self._sf(z, *shapes)),
            lambda: cnp.log1p(-self._cdf(z, *shapes)),
        )

    # SciPy's methods.
    def logpdf(self, x: Any, *args: Any, **kwds: Any) -> Any:
        """Log of the probability density at x; differentiable in every argument."""
        return self._evaluate("logpdf", x, args, kwds)

    def pdf(self, x: Any, *args: Any, **kwds: Any) -> Any:
        """Probability density at x; differentiable in every argument."""
        return self._evaluate("pdf", x, args, kwds)

    def cdf(self, x: Any, *args: Any, **kwds: Any) -> Any:
        """Cumulative distribution function at x; differentiable in x, loc and scale."""
        return self._evaluate("cdf", x, args, kwds)

    def logcdf(self, x: Any, *args: Any, **kwds: Any) -> Any:
        """Log of the cumulative distribution function; differentiable in x, loc and scale."""
        return self._evaluate("logcdf", x, args, kwds)

    def sf(self, x: Any, *args: Any, **kwds: Any) -> Any:
        """Survival function 1 - cdf at x; differentiable in x, loc and scale."""
        return self._evaluate("sf", x, args, kwds)

    def logsf(self, x: Any, *args: Any, **kwds: Any) -> Any:
        """Log of the survival function at x; differentiable in x, loc and scale."""
        return self._evaluate("logsf", x, args, kwds)

    def _evaluate(self, method: str, x: Any, args: tuple, kwds: dict) -> Any:
        if not is_any_traced(x, args, kwds):
            return getattr(self._scipy, method)(x, *args, **kwds)
        function = f"chainrule.scipy.stats.{self.name}.{method}"
        params = parse(function, self._signature, args, kwds)
        is_density = method in ("logpdf", "pdf")
        if not (is_density or self.has_shape_derivatives):
            for name in self.shape_names:
                refuse_traced(function, name, params[name], "it has no closed form")
        x, loc, scale = (as_float64(v) for v in (x, params["loc"], params["scale"]))
        shapes = [as_float64(params[name]) for name in self.shape_names]
        z = (x - loc) / scale
        z_plain = concrete(z)
        lower, upper = self.support
        with np.errstate(invalid="ignore"):
            is_valid = self._shapes_are_valid(*(concrete(s) for s in shapes))
            is_invalid = ~(is_valid & (concrete(scale) > 0)) | np.isnan(z_plain)
            if is_density:
                if method == "logpdf":
                    value = self._logpdf(z, *shapes) - cnp.log(scale)
                else:
                    value = self._pdf(z, *shapes) / scale
                outside = (z_plain < lower) | (z_plain > upper)
                value = fill(value, outside, -np.inf if method == "logpdf" else 0.0)
            else:
                value = getattr(self, f"_{method}")(z, *shapes)
                below, above = _LIMITS[method]
                value = fill(value, z_plain <= lower, below)
                value = fill(value, z_plain >= upper, above)
        return fill(value, is_invalid, np.nan)


def _select(mask: np.ndarray, when_true: Any, when_false: Any) -> Any:
    """where(mask, when_true(), when_false()), computing only the branches that are used."""
    if np.all(mask):
        return when_true()
    if not np.any(mask):
        return when_false()
    return cnp.where(mask, when_true(), when_false())


def _normal_logpdf(z: Any) -> Any:
    return -(z**2) / 2.0 - _LOG_SQRT_2PI


def _normal_pdf(z: Any) -> Any:
    return cnp.exp(-(z**2) / 2.0) / _SQRT_2PI


def _where_infinite(df: Any, when_infinite: Any, otherwise: Any) -> Any:
    """``otherwise``, with ``when_infinite`` where the plain df is +inf (the normal limit)."""
    is_infinite = concrete(df) == np.inf
    return cnp.where(is_infinite, when_infinite, otherwise) if np.any(is_infinite) else otherwise


class NormalDistribution(ContinuousDistribution):
    """The normal distribution N(loc, scale^2), SciPy's ``norm``.

    >>> import chainrule as cr
    >>> float(cr.grad(lambda m: norm.logpdf(1.0, loc=m, scale=2.0))(0.0))  # (x - loc) / scale^2
    0.25
    """

    name = "norm"

    def _logpdf(self, z: Any) -> Any:
        return _normal_logpdf(z)

    def _pdf(self, z: Any) -> Any:
        return _normal_pdf(z)

    def _cdf(self, z: Any) -> Any:
        return special.ndtr(z)

    def _logcdf(self, z: Any) -> Any:
        return special.log_ndtr(z)

    def _sf(self, z: Any) -> Any:
        return special.ndtr(-z)

    def _logsf(self, z: Any) -> Any:
        return special.log_ndtr(-z)


class StudentTDistribution(ContinuousDistribution):
    """Student's t distribution with df degrees of freedom, SciPy's ``t``; df = inf is normal.

    The distribution functions have no derivative in df (NotImplementedError); the
    densities do.
    """

    name = "t"
    shape_names = ("df",)

    def _shapes_are_valid(self, df: np.ndarray) -> Any:
        return df > 0

    def _logpdf(self, z: Any, df: Any) -> Any:
        # log Gamma((df+1)/2) - log Gamma(df/2) as log poch(df/2, 1/2): accurate for large df.
        t_logpdf = (
            cnp.log(special.poch(0.5 * df, 0.5))
            - 0.5 * (cnp.log(df) + np.log(np.pi))
            - (df + 1) / 2 * cnp.log1p(z * z / df)
        )
        return _where_infinite(df, _normal_logpdf(z), t_logpdf)

    def _pdf(self, z: Any, df: Any) -> Any:
        return _where_infinite(df, _normal_pdf(z), cnp.exp(self._logpdf(z, df)))

    def _cdf(self, z: Any, df: Any) -> Any:
        return special.stdtr(df, z)

    def _sf(self, z: Any, df: Any) -> Any:
        return special.stdtr(df, -z)


class GammaDistribution(ContinuousDistribution):
    """The gamma distribution with shape a, SciPy's ``gamma`` (support x >= loc).

    The distribution functions have no derivative in a (NotImplementedError); the
    densities do.
    """

    name = "gamma"
    shape_names = ("a",)
    support = (0.0, np.inf)

    def _shapes_are_valid(self, a: np.ndarray) -> Any:
        return a > 0

    def _logpdf(self, z: Any, a: Any) -> Any:
        return special.xlogy(a - 1.0, z) - z - special.gammaln(a)

    def _cdf(self, z: Any, a: Any) -> Any:
        return special.gammainc(a, z)

    def _sf(self, z: Any, a: Any) -> Any:
        return special.gammaincc(a, z)


class BetaDistribution(ContinuousDistribution):
    """The beta distribution with shapes a and b, SciPy's ``beta`` (support [loc, loc + scale]).

    The distribution functions have no derivative in a or b (NotImplementedError); the
    densities do.
    """

    name = "beta"
    shape_names = ("a", "b")
    support = (0.0, 1.0)

    def _shapes_are_valid(self, a: np.ndarray, b: np.ndarray) -> Any:
        return (a > 0) & (b > 0)

    def _logpdf(self, z: Any, a: Any, b: Any) -> Any:
        return special.xlog1py(b - 1.0, -z) + special.xlogy(a - 1.0, z) - special.betaln(a, b)

    def _cdf(self, z: Any, a: Any, b: Any) -> Any:
        return special.betainc(a, b, z)

    def _sf(self, z: Any, a: Any, b: Any) -> Any:
        # 1 - I_z(a, b) = I_(1-z)(b, a); 1 - z is exact where the sf is small (z >= 1/2).
        return special.betainc(b, a, 1.0 - z)


class ChiSquaredDistribution(ContinuousDistribution):
    """The chi-squared distribution with df degrees of freedom, SciPy's ``chi2`` (x >= loc).

    The distribution functions have no derivative in df (NotImplementedError); the
    densities do.

    >>> import chainrule as cr
    >>> float(cr.grad(lambda x: chi2.logpdf(x, 4.0))(2.0))  # (df/2 - 1) / x - 1/2
    0.0
    """

    name = "chi2"
    shape_names = ("df",)
    support = (0.0, np.inf)

    def _shapes_are_valid(self, df: np.ndarray) -> Any:
        return df > 0

    def _logpdf(self, z: Any, df: Any) -> Any:
        half_df = df / 2.0
        log_density = special.xlogy(half_df - 1, z) - z / 2.0 - special.gammaln(half_df)
        return log_density - (_LOG_2 * df) / 2.0

    # P(X <= z) = P(df/2, z/2), the regularised lower incomplete gamma function.
    def _cdf(self, z: Any, df: Any) -> Any:
        return special.gammainc(df / 2.0, z / 2.0)

    def _sf(self, z: Any, df: Any) -> Any:
        return special.gammaincc(df / 2.0, z / 2.0)


norm = NormalDistribution()
t = StudentTDistribution()
gamma = GammaDistribution()
beta = BetaDistribution()
chi2 = ChiSquaredDistribution()
