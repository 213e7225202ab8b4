"""autograd.scipy.stats.poisson: chainrule's methods where they exist, else SciPy's."""

import scipy.stats as _stats

try:
    import chainrule.scipy.stats as _chainrule_stats

    _ours = getattr(_chainrule_stats, "poisson", None)
except ImportError:
    _ours = None
_reference = _stats.poisson


def __getattr__(name):
    value = getattr(_ours, name, None)
    return value if value is not None else getattr(_reference, name)
