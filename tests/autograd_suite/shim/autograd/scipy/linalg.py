"""autograd.scipy.linalg: chainrule.scipy.linalg where it exists, SciPy's for the rest."""

import importlib

_reference = importlib.import_module("scipy.linalg") if "linalg" != "misc" else None
try:
    _ours = importlib.import_module("chainrule.scipy.linalg")
except ImportError:
    _ours = None


def __getattr__(name):
    value = getattr(_ours, name, None)
    if value is None and "linalg" == "misc":
        value = getattr(importlib.import_module("chainrule.scipy.special"), name, None)
    return value if value is not None else getattr(_reference, name)
