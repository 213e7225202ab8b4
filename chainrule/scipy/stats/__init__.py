"""chainrule.scipy.stats: SciPy's distributions with SciPy's names, methods and signatures,
differentiable in their arguments (see each distribution for which derivatives exist).

Continuous location-scale families: norm, t, gamma, beta (continuous.py); discrete: poisson
(discrete.py); multivariate: multivariate_normal (multivariate.py).
"""

from chainrule.scipy.stats.continuous import beta, gamma, norm, t
from chainrule.scipy.stats.discrete import poisson
from chainrule.scipy.stats.multivariate import multivariate_normal

__all__ = ["beta", "gamma", "multivariate_normal", "norm", "poisson", "t"]
