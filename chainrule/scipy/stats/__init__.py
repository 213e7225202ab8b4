"""chainrule.scipy.stats: SciPy's distributions with SciPy's names, methods and signatures,
differentiable in their arguments (see each distribution for which derivatives exist).

Continuous location-scale families: norm, t, gamma, beta, chi2 (continuous.py); discrete:
poisson (discrete.py); multivariate: multivariate_normal (multivariate.py), dirichlet
(dirichlet.py).
"""

from chainrule.scipy.stats.continuous import beta, chi2, gamma, norm, t
from chainrule.scipy.stats.dirichlet import dirichlet
from chainrule.scipy.stats.discrete import poisson
from chainrule.scipy.stats.multivariate import multivariate_normal

__all__ = ["beta", "chi2", "dirichlet", "gamma", "multivariate_normal", "norm", "poisson", "t"]
