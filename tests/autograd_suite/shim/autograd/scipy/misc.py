"""autograd.scipy.misc: chainrule.scipy.misc where it exists, SciPy's for the rest."""

import importlib

_reference = importlib.import_module("scipy.misc") if "misc" != "misc" else None
try:
    _ours = importlib.import_module("chainrule.scipy.misc")
except ImportError:
    _ours = None


def __getattr__(name):
    value = getattr(_ours, name, None)
    if value is None and "misc" == "misc":
        value = getattr(importlib.import_module("chainrule.scipy.special"), name, None)
    return value if value is not None else getattr(_reference, name)
