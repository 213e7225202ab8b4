"""chainrule.scipy.stats: SciPy's distributions with SciPy's names, methods and signatures,
differentiable in their arguments (see each distribution for which derivatives exist).

Continuous location-scale families: norm, t, gamma, beta, chi2 (continuous.py); expon,
laplace, logistic, uniform, cauchy, halfnorm, rayleigh, gumbel_r, gumbel_l, lognorm,
weibull_min, pareto, invgamma, with ppf too (continuous_closed_form.py); discrete:
poisson (discrete.py); multivariate: multivariate_normal (multivariate.py), dirichlet
(dirichlet.py).
"""

from chainrule.scipy.stats.continuous import beta, chi2, gamma, norm, t
from chainrule.scipy.stats.continuous_closed_form import (
    cauchy,
    expon,
    gumbel_l,
    gumbel_r,
    halfnorm,
    invgamma,
    laplace,
    logistic,
    lognorm,
    pareto,
    rayleigh,
    uniform,
    weibull_min,
)
from chainrule.scipy.stats.dirichlet import dirichlet
from chainrule.scipy.stats.discrete import poisson
from chainrule.scipy.stats.multivariate import multivariate_normal

__all__ = [
    "beta",
    "cauchy",
    "chi2",
    "dirichlet",
    "expon",
    "gamma",
    "gumbel_l",
    "gumbel_r",
    "halfnorm",
    "invgamma",
    "laplace",
    "logistic",
    "lognorm",
    "multivariate_normal",
    "norm",
    "pareto",
    "poisson",
    "rayleigh",
    "t",
    "uniform",
    "weibull_min",
]
