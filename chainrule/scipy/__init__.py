"""chainrule.scipy: SciPy's special functions, distributions and linear algebra, differentiable.

SciPy is an optional dependency (``pip install 'chainrule[scipy]'``); chainrule itself
needs only NumPy.
"""

import sys


def _module_being_imported() -> str:
    """The chainrule.scipy module whose import brought us here (for the error message)."""
    frame = sys._getframe()
    requested = __name__
    while frame is not None:
        # importlib's _find_and_load(name, ...) frames are on the stack during an import.
        name = frame.f_locals.get("name") if frame.f_code.co_name == "_find_and_load" else None
        if isinstance(name, str) and name.startswith(__name__ + "."):
            requested = name
        frame = frame.f_back
    return requested


try:
    import scipy  # noqa: F401
except ImportError as error:
    raise ImportError(
        f"{__name__} needs SciPy: pip install 'chainrule[scipy]' (while importing "
        f"{_module_being_imported()})"
    ) from error

from chainrule.scipy import integrate, linalg, signal, special, stats  # noqa: E402

__all__ = ["integrate", "linalg", "signal", "special", "stats"]
