"""The multivariate normal distribution of chainrule.scipy.stats, differentiable in x, mean
and cov.

SciPy's signatures, ``logpdf(x, mean=None, cov=1, allow_singular=False)``, ``pdf`` and
``entropy(mean=None, cov=1)``, and its argument handling: cov may be a scalar (times the
identity), a vector (the diagonal) or a matrix; the last axis of x holds the components;
the result is squeezed. Without traced arguments the methods call scipy.stats. With them
a full cov goes through its Cholesky factor L = cholesky(cov) (chainrule.numpy.linalg,
which reads the lower triangle, as SciPy does): log det cov = 2 sum(log diag L), and the
Mahalanobis term is |L^-1 (x - mean)|^2.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import scipy.stats

import chainrule.numpy as cnp
from chainrule.scipy.stats.arguments import as_float64, concrete, is_any_traced

__all__ = ["multivariate_normal"]

_LOG_2PI = np.log(2 * np.pi)  # SciPy's constant


class MultivariateNormalDistribution:
    """The multivariate normal distribution N(mean, cov), SciPy's ``multivariate_normal``.

    >>> import chainrule as cr
    >>> cov = np.array([[2.0, 0.5], [0.5, 1.0]])
    >>> cr.grad(lambda x: multivariate_normal.logpdf(x, cov=cov))(np.ones(2))  # -cov^-1 x
    array([-0.28571429, -0.85714286])
    """

    def __repr__(self) -> str:
        return "<chainrule.scipy.stats.multivariate_normal>"

    def logpdf(self, x: Any, mean: Any = None, cov: Any = 1, allow_singular: bool = False) -> Any:
        """Log of the probability density at x; differentiable in x, mean and cov.

        A singular cov (allow_singular=True) is supported only without traced arguments.
        """
        if not is_any_traced(x, mean, cov):
            return scipy.stats.multivariate_normal.logpdf(x, mean, cov, allow_singular)
        return cnp.squeeze(self._logpdf("logpdf", x, mean, cov))

    def pdf(self, x: Any, mean: Any = None, cov: Any = 1, allow_singular: bool = False) -> Any:
        """Probability density at x; differentiable in x, mean and cov."""
        if not is_any_traced(x, mean, cov):
            return scipy.stats.multivariate_normal.pdf(x, mean, cov, allow_singular)
        return cnp.squeeze(cnp.exp(self._logpdf("pdf", x, mean, cov)))

    def entropy(self, mean: Any = None, cov: Any = 1) -> Any:
        """Differential entropy (dim (log(2 pi) + 1) + log det cov) / 2; differentiable in cov.

        >>> import chainrule as cr
        >>> cr.grad(lambda cov: multivariate_normal.entropy(cov=cov))(np.eye(2))  # cov^-1 / 2
        array([[0.5, 0. ],
               [0. , 0.5]])
        """
        if not is_any_traced(mean, cov):
            return scipy.stats.multivariate_normal.entropy(mean, cov)
        function = "chainrule.scipy.stats.multivariate_normal.entropy"
        dim, _, cov = _parameters(function, mean, cov)
        log_det, _ = _covariance_terms(function, cov, dim)
        return 0.5 * (dim * (_LOG_2PI + 1) + log_det)

    def _logpdf(self, method: str, x: Any, mean: Any, cov: Any) -> Any:
        function = f"chainrule.scipy.stats.multivariate_normal.{method}"
        dim, mean, cov = _parameters(function, mean, cov)
        x = _quantiles(function, x, dim)
        deviation = x - mean
        leading = tuple(cnp.shape(deviation)[:-1])
        points = cnp.reshape(deviation, (math.prod(leading), dim))
        log_det, mahalanobis = _covariance_terms(function, cov, dim)
        log_density = -0.5 * (dim * _LOG_2PI + log_det + mahalanobis(points))
        return cnp.reshape(log_density, leading)


def _covariance_terms(function: str, cov: Any, dim: int) -> tuple[Any, Any]:
    """log det cov, and the map from points (rows) to their squared norms p^T cov^-1 p."""
    if cnp.ndim(cov) < 2:  # a scalar or the diagonal: no factorisation needed
        variances = cov * np.ones(dim) if cnp.ndim(cov) == 0 else cov
        if np.any(concrete(variances) <= 0):
            raise _not_positive_definite(function)
        return cnp.sum(cnp.log(variances)), lambda points: cnp.sum(points**2 / variances, axis=-1)
    factor = _cholesky(function, cov)

    def mahalanobis(points: Any) -> Any:
        whitened = cnp.linalg.solve(factor, cnp.transpose(points))  # L^-1 (x - mean)
        return cnp.sum(whitened**2, axis=0)

    return 2 * cnp.sum(cnp.log(cnp.diagonal(factor))), mahalanobis


def _not_positive_definite(function: str) -> np.linalg.LinAlgError:
    return np.linalg.LinAlgError(
        f"{function}: cov is not positive definite. A singular cov is supported only "
        f"without traced arguments (in SciPy itself, with allow_singular=True)."
    )


def _cholesky(function: str, cov: Any) -> Any:
    try:
        return cnp.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        raise _not_positive_definite(function) from None


def _parameters(function: str, mean: Any, cov: Any) -> tuple[int, Any, Any]:
    """SciPy's dimension, mean and cov; cov stays a scalar or a vector when given as one."""
    if mean is None:
        dim = 1 if cnp.ndim(cov) < 2 else cnp.shape(cov)[0]
        mean = np.zeros(dim)
    else:
        dim = math.prod(cnp.shape(mean))
    mean, cov = as_float64(mean), as_float64(cov)
    if dim == 1:
        mean = cnp.reshape(mean, (1,))
        if math.prod(cnp.shape(cov)) != 1:
            raise ValueError(f"{function}: cov of shape {cnp.shape(cov)} does not match dim 1.")
        cov = cnp.reshape(cov, ())
    if cnp.ndim(mean) != 1 or cnp.shape(mean)[0] != dim:
        raise ValueError(f"{function}: Array 'mean' must be a vector of length {dim}.")
    if cnp.ndim(cov) > 2 or cnp.shape(cov) not in ((), (dim,), (dim, dim)):
        raise ValueError(
            f"{function}: cov of shape {cnp.shape(cov)} does not match mean of length {dim}: "
            f"give a scalar, a vector of {dim} variances or a ({dim}, {dim}) matrix."
        )
    return dim, mean, cov


def _quantiles(function: str, x: Any, dim: int) -> Any:
    """x with the components on its last axis, as SciPy reads it."""
    x = as_float64(x)
    if cnp.ndim(x) == 0:
        x = cnp.reshape(x, (1,))
    elif cnp.ndim(x) == 1:
        x = cnp.reshape(x, (-1, 1) if dim == 1 else (1, -1))
    if cnp.shape(x)[-1] != dim:
        raise ValueError(
            f"{function}: x of shape {cnp.shape(x)} does not have {dim} components on its "
            f"last axis."
        )
    return x


multivariate_normal = MultivariateNormalDistribution()
