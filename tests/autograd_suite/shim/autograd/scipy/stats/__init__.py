"""autograd.scipy.stats: one module per distribution, as autograd has them."""

from autograd.scipy.stats import (  # noqa: F401,E402
    beta,
    chi2,
    dirichlet,
    gamma,
    multivariate_normal,
    norm,
    poisson,
    t,
)
