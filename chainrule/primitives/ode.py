"""The solution of an ordinary differential equation (scipy.integrate.odeint) as a primitive.

``odeint_p(y0, t, *args, func, options, is_rule_solve)`` is the (len(t), n) array of y(t_i), where
dy/dt = func(y, t, *args) and y(t_0) = y0. ``func`` (a static parameter: functions are
hashable) is called on plain arrays by the implementation, and on traced values by the
rules, so it must be written with chainrule.numpy (or plain ``np.`` calls, which tracers
dispatch there). ``options`` is a sorted tuple of scipy.integrate.odeint's keyword items.
``is_rule_solve`` marks the rules' own solves, which raise where SciPy would only warn.

Both rules solve another ODE with odeint_p itself, so they differentiate again, to any order:

- JVP by forward sensitivities. s = dy carries the tangent: ds/dt = J_y f s + J_args f
  args_dot, with s(t_0) = y0_dot - f(y0, t_0) t0_dot, since moving the start time moves the
  whole trajectory. The right-hand side of the system [y, s] is a forward sweep through
  ``func``. Moving t_i (i >= 1) moves only where y is read: the tangent gains
  f(y(t_i), t_i) t_i_dot.
- VJP by the adjoint method. Between consecutive times, backwards from t_i to t_{i-1}, the
  system [y, a, a_args] with da/dt = -a^T J_y f and d a_args/dt = -a^T J_args f is solved
  from [y(t_i), a, 0]; a starts at the last output's cotangent, and each output's
  cotangent is added when its time is reached; y0_bar = a(t_0), args_bar = the sum of the
  a_args increments. The right-hand side is a reverse sweep through ``func``. For the
  times, t_i_bar = <y_bar_i, f(y(t_i), t_i)> for i >= 1, and t_0_bar = -<a, f(y0, t_0)>
  with a the adjoint reaching t_0 before y_bar_0 is added (the first output is y0 itself).
  The adjoint is preferred to the transpose of the sensitivity JVP because it costs
  len(t) - 1 solves of size 2n + p instead of n + p solves; both are exact up to the
  solver's tolerances. y restarts at every t_i from a forward solve, so errors of
  integrating y backwards (unstable for decaying systems) cannot accumulate across steps.

No conjugation appears anywhere: the adjoint is the plain transpose of the sensitivity map.
The rules never read ``out``: their solves (the trajectory too) use rtol and atol of at
most 1e-10, so a derivative is accurate even when the primal was solved loosely (SciPy's
default is 1.5e-8), and differentiating it again, or by finite differences, does not see
the loose solve's step-size noise. The augmented systems drop the options that describe
the user's system only (Dfun, col_deriv, ml, mu, tfirst); the backward solves drop tcrit.
SciPy is imported on first use (it is an optional dependency).
"""

from __future__ import annotations

import warnings

import numpy as np

from chainrule.core import Primitive, is_inexact, jvp_flat, spec_of, vjp_flat
from chainrule.primitives.declare import zeros_for
from chainrule.primitives.reductions import sum_p
from chainrule.primitives.shape import concatenate_p, flip_p, reshape_p, slice_p

_NAME = "chainrule.scipy.integrate.odeint"
# Options about the user's own system (its Jacobian, band, argument order): the rules'
# augmented systems are different systems, so these are not passed to their solves.
_SYSTEM_OPTIONS = ("Dfun", "col_deriv", "ml", "mu", "tfirst")
_RULE_TOLERANCE = 1e-10


def _odeint_impl(y0, t, *args, func, options, is_rule_solve=False):
    import scipy.integrate

    if not is_rule_solve:  # the user's own solve: SciPy's behaviour, warnings included
        return scipy.integrate.odeint(func, y0, t, args=args, **dict(options))
    # A failed solve inside a rule would be a silently wrong derivative: raise instead.
    with warnings.catch_warnings():
        warnings.simplefilter("error", scipy.integrate.ODEintWarning)
        try:
            return scipy.integrate.odeint(func, y0, t, args=args, **dict(options))
        except scipy.integrate.ODEintWarning as failure:
            raise RuntimeError(
                f"{_NAME}: the solver failed in a solve that computes a derivative "
                f"({failure}). Reverse mode integrates y backward in time, which is unstable "
                "for stiff or strongly decaying systems: use forward mode (cr.jvp, cr.jacfwd) "
                "there; otherwise pass a larger mxstep."
            ) from None


def _evaluate(func, options, y, t, args):
    """func(y, t, *args) as the vector dy/dt (tfirst=True puts t first, as in SciPy)."""
    if dict(options).get("tfirst"):
        value = func(t, y, *args)
    else:
        value = func(y, t, *args)
    n = spec_of(y).shape[0]
    if isinstance(value, (list, tuple)):
        return concatenate_p(*[reshape_p(v, shape=(1,)) for v in value], axis=0)
    return reshape_p(value, shape=(n,))


def _tightened(options):
    """``options`` with rtol and atol at most the rules' tolerance (see the module docstring)."""
    given = dict(options)
    given.pop("printmessg", None)  # a success message would read as a failure in a rule
    for name in ("rtol", "atol"):
        value = given.get(name)
        given[name] = _RULE_TOLERANCE if value is None else min(np.min(value), _RULE_TOLERANCE)
    return tuple(sorted(given.items()))


def _augmented(options, backward: bool):
    """The options for the rules' augmented systems (see the module docstring)."""
    dropped = _SYSTEM_OPTIONS + (("tcrit",) if backward else ())
    return tuple((name, value) for name, value in _tightened(options) if name not in dropped)


def _size(value) -> int:
    return int(np.prod(spec_of(value).shape, dtype=np.int64))


def _row(value, i: int, width: int):
    """Row i of a (m, width) array, as a vector."""
    return reshape_p(slice_p(value, start=i, stop=i + 1, axis=0), shape=(width,))


def _entry(value, i: int):
    """Entry i of a vector, as a 0-d value."""
    return reshape_p(slice_p(value, start=i, stop=i + 1, axis=0), shape=())


def _with_active(args, active, values):
    """``args`` with the entries at positions ``active`` replaced by ``values``."""
    full = list(args)
    for i, value in zip(active, values):
        full[i] = value
    return full


def _sensitivity_system(func, options, n: int, n_args: int, active: tuple):
    """d[y, s]/dt = [f, J_y f s + J_args f args_dot]; called as (z, t, *args, *args_dot)."""

    def system(z, t, *values):
        args, args_dot = values[:n_args], values[n_args:]
        y, s = slice_p(z, start=0, stop=n, axis=0), slice_p(z, start=n, stop=2 * n, axis=0)

        def rate(y, *active_args):
            return [_evaluate(func, options, y, t, _with_active(args, active, active_args))]

        primals = [y] + [args[i] for i in active]
        (f,), (f_dot,) = jvp_flat(rate, primals, [s, *args_dot], _NAME)
        return concatenate_p(f, zeros_for(f) if f_dot is None else f_dot, axis=0)

    return system


def _adjoint_system(func, options, n: int, n_args: int, active: tuple):
    """d[y, a, a_args]/dt = [f, -a^T J_y f, -a^T J_args f]; called as (z, t, *args)."""

    def system(z, t, *args):
        y, a = slice_p(z, start=0, stop=n, axis=0), slice_p(z, start=n, stop=2 * n, axis=0)

        def rate(y, *active_args):
            return [_evaluate(func, options, y, t, _with_active(args, active, active_args))]

        primals = [y] + [args[i] for i in active]
        (f,), pullback = vjp_flat(rate, primals, _NAME)
        bars = pullback([a], keep_tape=False)
        pieces = [f]
        for primal, bar in zip(primals, bars):
            bar = zeros_for(primal) if bar is None else bar
            pieces.append(-reshape_p(bar, shape=(_size(primal),)))
        return concatenate_p(*pieces, axis=0)

    return system


def _rates(func, options, ys, t, args, count: int, n: int):
    """The (count, n) array of f(y_i, t_i) for the rows y_i of ``ys``."""
    rows = [
        reshape_p(_evaluate(func, options, _row(ys, i, n), _entry(t, i), args), shape=(1, n))
        for i in range(count)
    ]
    return rows[0] if count == 1 else concatenate_p(*rows, axis=0)


def _odeint_jvp(tangents, primals, out, func, options, is_rule_solve=False):
    y0_dot, t_dot, *args_dot = tangents
    y0, t, *args = primals
    m, n = spec_of(out).shape
    active = tuple(i for i, arg_dot in enumerate(args_dot) if arg_dot is not None)
    start = y0_dot
    if t_dot is not None:
        # Starting later by dt0 shifts the trajectory: s(t_0) gains -f(y0, t_0) dt0.
        shift = -_evaluate(func, options, y0, _entry(t, 0), args) * _entry(t_dot, 0)
        start = shift if start is None else start + shift
    if start is None and not active:
        return None
    system = _sensitivity_system(func, options, n, len(args), active)
    z0 = concatenate_p(y0, zeros_for(y0) if start is None else start, axis=0)
    solved = odeint_p(
        z0,
        t,
        *args,
        *(args_dot[i] for i in active),
        func=system,
        options=_augmented(options, backward=False),
        is_rule_solve=True,
    )
    out_dot = slice_p(solved, start=n, stop=2 * n, axis=1)
    if t_dot is None:
        return out_dot
    # y(t_i) is read at t_i: moving t_i by dt_i moves the value by f(y(t_i), t_i) dt_i. The
    # y of the sensitivity solve (at the rules' tolerance) is used rather than ``out``.
    ys = slice_p(solved, start=0, stop=n, axis=1)
    rates = _rates(func, options, ys, t, args, m, n)
    return out_dot + rates * reshape_p(t_dot, shape=(m, 1))


def _odeint_vjp(out_bar, primals, out, wanted, func, options, is_rule_solve=False):
    y0, t, *args = primals
    m, n = spec_of(out).shape
    active = tuple(
        i for i, arg in enumerate(args) if wanted[2 + i] and is_inexact(spec_of(arg).dtype)
    )
    specs = [spec_of(args[i]) for i in active]
    sizes = [_size(args[i]) for i in active]
    system = _adjoint_system(func, options, n, len(args), active)
    backward = _augmented(options, backward=True)
    # The trajectory again, at the rules' tolerance (``out`` may be a looser solve).
    ys = odeint_p(y0, t, *args, func=func, options=_tightened(options), is_rule_solve=True)
    adjoint, args_bar, t_bars = None, None, [None] * m
    for i in range(m - 1, 0, -1):
        y_bar = _row(out_bar, i, n)
        adjoint = y_bar if adjoint is None else adjoint + y_bar
        here = _row(ys, i, n)
        if wanted[1]:
            rate = _evaluate(func, options, here, _entry(t, i), args)
            t_bars[i] = sum_p(y_bar * rate, axis=(0,), keepdims=True)
        z0 = concatenate_p(here, adjoint, np.zeros(sum(sizes)), axis=0)
        times = flip_p(slice_p(t, start=i - 1, stop=i + 1, axis=0), axes=(0,))
        solved = odeint_p(z0, times, *args, func=system, options=backward, is_rule_solve=True)
        reached = _row(solved, 1, 2 * n + sum(sizes))
        adjoint = slice_p(reached, start=n, stop=2 * n, axis=0)
        if active:
            increment = slice_p(reached, start=2 * n, stop=2 * n + sum(sizes), axis=0)
            args_bar = increment if args_bar is None else args_bar + increment
    if wanted[1]:
        if adjoint is None:
            t_bars[0] = np.zeros(1)
        else:
            rate = _evaluate(func, options, y0, _entry(t, 0), args)
            t_bars[0] = -sum_p(adjoint * rate, axis=(0,), keepdims=True)
    first = _row(out_bar, 0, n)
    y0_bar = first if adjoint is None else adjoint + first
    bars = [y0_bar if wanted[0] else None]
    bars.append(concatenate_p(*t_bars, axis=0) if wanted[1] else None)
    arg_bars = [None] * len(args)
    offset = 0
    for i, spec, size in zip(active, specs, sizes):
        if args_bar is None:
            arg_bars[i] = zeros_for(args[i])
        else:
            piece = slice_p(args_bar, start=offset, stop=offset + size, axis=0)
            arg_bars[i] = reshape_p(piece, shape=spec.shape)
        offset += size
    return tuple(bars + arg_bars)


# The VJP re-solves the trajectory rather than reading ``out``, so the tape keeps only inputs.
odeint_p = Primitive(
    "odeint", _odeint_impl, jvp=_odeint_jvp, vjp=_odeint_vjp, family="ode", saves=("inputs",)
)
