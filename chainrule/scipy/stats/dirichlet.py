"""The Dirichlet distribution of chainrule.scipy.stats, differentiable in x and alpha.

SciPy's signatures, ``logpdf(x, alpha)`` and ``pdf(x, alpha)``, and its argument handling:
the components of x lie along its first axis (x has shape (K,) or (K, N) for K
concentrations); x may leave out its last component, which is then 1 - sum(x, axis=0);
points off the simplex raise ValueError. The density is made of gammaln and xlogy, so
its derivatives are exact in both arguments:

    log p(x; alpha) = gammaln(sum alpha) - sum gammaln(alpha) + sum (alpha - 1) log x.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.stats

import chainrule.numpy as cnp
from chainrule.scipy import special
from chainrule.scipy.stats.arguments import as_float64, concrete, is_any_traced

__all__ = ["dirichlet"]

# SciPy's tolerance on |sum(x) - 1| for a point of the simplex.
_SIMPLEX_TOLERANCE = 10e-10


class DirichletDistribution:
    """The Dirichlet distribution with concentrations alpha, SciPy's ``dirichlet``.

    >>> import chainrule as cr
    >>> alpha = np.array([2.0, 3.0, 4.0])
    >>> cr.grad(lambda x: dirichlet.logpdf(x, alpha))(np.array([0.25, 0.25]))  # x of 2 of 3
    array([-2.,  2.])
    """

    def __repr__(self) -> str:
        return "<chainrule.scipy.stats.dirichlet>"

    def logpdf(self, x: Any, alpha: Any) -> Any:
        """Log of the probability density at x; differentiable in x and alpha."""
        if not is_any_traced(x, alpha):
            return scipy.stats.dirichlet.logpdf(x, alpha)
        return cnp.squeeze(_log_density("logpdf", x, alpha))

    def pdf(self, x: Any, alpha: Any) -> Any:
        """Probability density at x; differentiable in x and alpha."""
        if not is_any_traced(x, alpha):
            return scipy.stats.dirichlet.pdf(x, alpha)
        return cnp.squeeze(cnp.exp(_log_density("pdf", x, alpha)))


def _log_density(method: str, x: Any, alpha: Any) -> Any:
    function = f"chainrule.scipy.stats.dirichlet.{method}"
    alpha = _concentrations(function, alpha)
    x = _points(function, as_float64(x), alpha)
    log_beta = cnp.sum(special.gammaln(alpha)) - special.gammaln(cnp.sum(alpha))
    # (alpha - 1) log x with the components on x's last axis, then summed over them.
    terms = cnp.transpose(special.xlogy(alpha - 1, cnp.transpose(x)))
    return -log_beta + cnp.sum(terms, axis=0)


def _concentrations(function: str, alpha: Any) -> Any:
    alpha = as_float64(alpha)
    plain = concrete(alpha)
    if plain.size == 0 or np.min(plain) <= 0:
        raise ValueError(f"{function}: every entry of alpha must be greater than 0 (as in SciPy).")
    if plain.ndim != 1:
        raise ValueError(
            f"{function}: alpha must be one-dimensional, but alpha.shape = {plain.shape}."
        )
    return alpha


def _points(function: str, x: Any, alpha: Any) -> Any:
    """x with all K components (the last one appended when left out), checked as SciPy does."""
    count = cnp.shape(alpha)[0]
    if cnp.ndim(x) == 0 or cnp.shape(x)[0] not in (count, count - 1):
        raise ValueError(
            f"{function}: x must have {count} or {count - 1} entries along its first axis "
            f"(one per concentration, the last one optional), but x.shape = {cnp.shape(x)}."
        )
    if cnp.shape(x)[0] == count - 1:
        if cnp.ndim(x) > 2:
            raise ValueError(
                f"{function}: x that leaves out its last component must have one or two "
                f"dimensions, but x.shape = {cnp.shape(x)}."
            )
        last = 1 - cnp.sum(x, axis=0)
        x = cnp.concatenate([x, cnp.reshape(last, (1,) + tuple(cnp.shape(x)[1:]))], axis=0)
    _check_simplex(function, concrete(x), concrete(alpha))
    return x


def _check_simplex(function: str, x: np.ndarray, alpha: np.ndarray) -> None:
    if np.min(x) < 0 or np.max(x) > 1:
        raise ValueError(f"{function}: every entry of x must lie in [0, 1] (as in SciPy).")
    is_small_alpha = np.reshape(alpha < 1, (-1,) + (1,) * (x.ndim - 1))
    if np.any((x == 0) & is_small_alpha):
        raise ValueError(
            f"{function}: an entry of x is 0 where its alpha is below 1 (the density is "
            f"infinite there); SciPy refuses it too."
        )
    if np.any(np.abs(np.sum(x, axis=0) - 1.0) > _SIMPLEX_TOLERANCE):
        raise ValueError(
            f"{function}: x must lie on the simplex (its entries along the first axis summing "
            f"to 1), but they sum to {np.sum(x, axis=0)}."
        )


dirichlet = DirichletDistribution()
