"""autograd.scipy.stats.chi2: chainrule's methods where they exist, else SciPy's."""

import scipy.stats as _stats

try:
    import chainrule.scipy.stats as _chainrule_stats

    _ours = getattr(_chainrule_stats, "chi2", None)
except ImportError:
    _ours = None
_reference = _stats.chi2


def __getattr__(name):
    value = getattr(_ours, name, None)
    return value if value is not None else getattr(_reference, name)
