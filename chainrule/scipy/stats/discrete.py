"""Discrete distributions of chainrule.scipy.stats: poisson, differentiable in its mean.

SciPy's methods and signatures, ``method(k, mu, loc=0)``. Without traced arguments each
method calls scipy.stats. The count k and the shift loc are integers and carry no
derivative (tracing one raises TypeError); mu does, in every method: the cdf of a count k
is Q(k + 1, mu), the regularised upper incomplete gamma function, whose derivative in mu
is minus the probability of k.
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
    refuse_discrete,
    signature_of,
)

__all__ = ["poisson"]


class PoissonDistribution:
    """The Poisson distribution with mean mu, SciPy's ``poisson``.

    >>> import chainrule as cr
    >>> float(cr.grad(lambda mu: poisson.logpmf(3, mu))(2.0))  # k / mu - 1
    0.5
    """

    name = "poisson"

    def __init__(self) -> None:
        self._scipy = scipy.stats.poisson
        self._signature = signature_of(("mu",), ("loc",))

    def __repr__(self) -> str:
        return "<chainrule.scipy.stats.poisson>"

    def logpmf(self, k: Any, *args: Any, **kwds: Any) -> Any:
        """Log of the probability of k; differentiable in mu."""
        return self._evaluate("logpmf", k, args, kwds)

    def pmf(self, k: Any, *args: Any, **kwds: Any) -> Any:
        """Probability of k; differentiable in mu."""
        return self._evaluate("pmf", k, args, kwds)

    def cdf(self, k: Any, *args: Any, **kwds: Any) -> Any:
        """Probability of at most k; differentiable in mu."""
        return self._evaluate("cdf", k, args, kwds)

    def sf(self, k: Any, *args: Any, **kwds: Any) -> Any:
        """Probability of more than k; differentiable in mu."""
        return self._evaluate("sf", k, args, kwds)

    def _evaluate(self, method: str, k: Any, args: tuple, kwds: dict) -> Any:
        if not is_any_traced(k, args, kwds):
            return getattr(self._scipy, method)(k, *args, **kwds)
        function = f"chainrule.scipy.stats.poisson.{method}"
        params = parse(function, self._signature, args, kwds)
        refuse_discrete(function, "k", k)
        refuse_discrete(function, "loc", params["loc"])
        mu = as_float64(params["mu"])
        k = as_float64(k) - as_float64(params["loc"])
        with np.errstate(invalid="ignore"):
            is_invalid = ~(concrete(mu) >= 0) | np.isnan(k)
            if method in ("logpmf", "pmf"):
                value = self._mass(method, k, mu)
            else:
                value = self._tail(method, np.floor(k), mu)
        return fill(value, is_invalid, np.nan)

    @staticmethod
    def _mass(method: str, k: np.ndarray, mu: Any) -> Any:
        # log P(k) = k log(mu) - log(k!) - mu, for whole k >= 0.
        is_count = (k >= 0) & (np.floor(k) == k)
        count = np.where(is_count, k, 0.0)
        log_mass = special.xlogy(count, mu) - special.gammaln(count + 1) - mu
        if method == "logpmf":
            return fill(log_mass, ~is_count, -np.inf)
        return fill(cnp.exp(log_mass), ~is_count, 0.0)

    @staticmethod
    def _tail(method: str, k: np.ndarray, mu: Any) -> Any:
        # P(K <= k) = Q(k + 1, mu) and P(K > k) = P(k + 1, mu), for whole k >= 0.
        is_inside = (k >= 0) & np.isfinite(k)
        count = np.where(is_inside, k, 0.0)
        if method == "cdf":
            value, below, above = special.gammaincc(count + 1, mu), 0.0, 1.0
        else:
            value, below, above = special.gammainc(count + 1, mu), 1.0, 0.0
        value = fill(value, k < 0, below)
        return fill(value, k == np.inf, above)


poisson = PoissonDistribution()
