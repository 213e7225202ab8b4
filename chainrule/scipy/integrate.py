"""chainrule.scipy.integrate: scipy.integrate.odeint, differentiable in y0, t and args.

The rules live with the primitive, chainrule/primitives/ode.py. SciPy's own odeint turns
its inputs into plain arrays, so calling scipy.integrate.odeint on a traced value cannot
reach chainrule: call chainrule.scipy.integrate.odeint.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.integrate

import chainrule.numpy as cnp
from chainrule.core import Tracer
from chainrule.primitives.ode import odeint_p

_NAME = "chainrule.scipy.integrate.odeint"
# scipy.integrate.odeint's keyword arguments after args, with SciPy's defaults.
_SOLVER_OPTIONS = (
    "Dfun",
    "col_deriv",
    "full_output",
    "ml",
    "mu",
    "rtol",
    "atol",
    "tcrit",
    "h0",
    "hmax",
    "hmin",
    "ixpr",
    "mxstep",
    "mxhnil",
    "mxordn",
    "mxords",
    "printmessg",
    "tfirst",
)


def _is_traced(value: Any) -> bool:
    if isinstance(value, Tracer):
        return True
    if isinstance(value, (list, tuple)):
        return any(_is_traced(item) for item in value)
    return False


def _hashable(value: Any) -> Any:
    """An option value as a static parameter: arrays become tuples of floats."""
    if isinstance(value, (np.ndarray, list, tuple)):
        return tuple(float(v) for v in np.ravel(value))
    return value


def odeint(
    func: Callable[..., Any], y0: Any, t: Any, args: tuple = (), **solver_options: Any
) -> Any:
    """scipy.integrate.odeint, differentiable in ``y0``, ``t`` and every array in ``args``.

    Solves dy/dt = func(y, t, *args) with y(t[0]) = y0 and returns the (len(t), len(y0))
    array of y(t_i), like SciPy. The solver options (rtol, atol, mxstep, tfirst, ...) are
    SciPy's and go to scipy.integrate.odeint. Derivatives come from solving the
    forward-sensitivity (forward mode) or adjoint (reverse mode) equations with the same
    solver (chainrule/primitives/ode.py), to any order; they are exact up to the solver's
    tolerances, so pass tight ones (rtol=1e-10, atol=1e-10) when comparing with finite
    differences. ``func`` is called with traced values while differentiating, so write it
    with chainrule.numpy (or ``np.`` functions, which tracers dispatch) and return an
    array or a list of values. With no traced input this is SciPy's odeint, keyword for
    keyword (full_output included). Results are float64, as SciPy's. Reverse mode
    integrates y backward in time (the adjoint method), which fails for stiff or strongly
    decaying systems; the failure raises RuntimeError, and forward mode works there.

    Raises:
        TypeError: an unknown keyword, args not a tuple, a traced solver option, complex y0.
        ValueError: y0 with more than one dimension, t not one-dimensional.
        NotImplementedError: full_output=True with a traced input.
        RuntimeError: a solve computing a derivative failed (see above).

    >>> import chainrule as cr
    >>> decay = lambda y, t, k: -k * y
    >>> float(cr.grad(lambda k: odeint(decay, [1.0], [0.0, 1.0], (k,))[1, 0])(2.0))  # -e^-2
    -0.135335283
    """
    unknown = sorted(set(solver_options) - set(_SOLVER_OPTIONS))
    if unknown:
        raise TypeError(
            f"{_NAME}: unknown keyword argument(s) {unknown}; the solver options are "
            f"scipy.integrate.odeint's: {', '.join(_SOLVER_OPTIONS)}"
        )
    for name, value in solver_options.items():
        if _is_traced(value):
            raise TypeError(
                f"{_NAME}: the solver option {name} is traced; solver options carry no "
                "derivative. Pass a plain value (cr.stop_gradient(...) if needed)."
            )
    if not isinstance(args, tuple):
        raise TypeError(
            f"{_NAME}: args must be a tuple, got {type(args).__name__}; write args=(x,)"
        )
    if not (_is_traced(y0) or _is_traced(t) or _is_traced(args)):
        return scipy.integrate.odeint(func, y0, t, args=args, **solver_options)
    if solver_options.get("full_output"):
        raise NotImplementedError(
            f"{_NAME}: full_output=True is not supported on traced inputs (the solver's "
            "diagnostics have no derivative). Call it on plain values to get the info dict, "
            "e.g. with cr.stop_gradient(...) on the inputs."
        )
    y0, t = cnp.asarray(y0), cnp.asarray(t)
    if y0.dtype.kind == "c":
        raise TypeError(f"{_NAME}: y0 is complex; odeint solves real systems only")
    if y0.dtype.kind != "f":
        y0 = y0.astype(np.float64)
    if y0.ndim > 1:
        raise ValueError(
            f"{_NAME}: y0 must be one-dimensional, got shape {y0.shape}; ravel the state "
            "and reshape it inside func"
        )
    if y0.ndim == 0:
        y0 = cnp.reshape(y0, (1,))
    if t.ndim != 1:
        raise ValueError(
            f"{_NAME}: t must be a one-dimensional sequence of times, got shape {t.shape}"
        )
    args = tuple(cnp.asarray(arg) if _is_traced(arg) else arg for arg in args)
    options = tuple(sorted((name, _hashable(value)) for name, value in solver_options.items()))
    return odeint_p(y0, t, *args, func=func, options=options)


__all__ = ["odeint"]
