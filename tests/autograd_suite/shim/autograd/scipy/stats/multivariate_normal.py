"""autograd.scipy.stats.multivariate_normal: chainrule's methods where they exist, else SciPy's."""

import scipy.stats as _stats

try:
    import chainrule.scipy.stats as _chainrule_stats

    _ours = getattr(_chainrule_stats, "multivariate_normal", None)
except ImportError:
    _ours = None
_reference = _stats.multivariate_normal


def __getattr__(name):
    value = getattr(_ours, name, None)
    return value if value is not None else getattr(_reference, name)
