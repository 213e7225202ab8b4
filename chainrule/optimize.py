"""A thin bridge to scipy.optimize: minimize, least_squares and root with exact derivatives.

Each function calls its SciPy namesake with derivatives from chainrule (the gradient, a
Hessian-vector product or Hessian, Jacobians of residuals and constraints) and lets ``x0``
be a pytree. SciPy is an optional dependency: ``pip install "chainrule[scipy]"``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

import chainrule.numpy as cnp
from chainrule.transforms import hessian as hessian_of
from chainrule.transforms import hvp, jacobian, value_and_grad
from chainrule.transforms.arguments import scalar_or_array
from chainrule.tree import TreeDef, tree_flatten, tree_leaves, tree_unflatten

try:
    import scipy.optimize as scipy_optimize
except ImportError as error:
    raise ImportError(
        "chainrule.optimize needs SciPy, which is not installed. Install it with: "
        'pip install "chainrule[scipy]"'
    ) from error

# Which minimize methods take which second derivative (SciPy's minimize documentation).
_HESSP_METHODS = ("Newton-CG", "trust-ncg", "trust-krylov", "trust-constr")
_HESS_REQUIRED = ("dogleg", "trust-exact")
_HESS_METHODS = _HESSP_METHODS + _HESS_REQUIRED
_GRADIENT_FREE = ("nelder-mead", "powell", "cobyla", "cobyqa")
_ROOT_JACOBIAN_METHODS = ("hybr", "lm")  # the other root methods ignore jac


class _Packing:
    """How ``x0``'s pytree maps to SciPy's flat float64 vector and back."""

    def __init__(self, x0: Any, caller: str) -> None:
        leaves, self.treedef = tree_flatten(x0)
        arrays = [_float_leaf(leaf, caller, i) for i, leaf in enumerate(leaves)]
        self.shapes = [a.shape for a in arrays]
        self.sizes = [a.size for a in arrays]
        self.flat = np.concatenate([a.ravel() for a in arrays]) if arrays else np.zeros(0)
        self.size = self.flat.size
        # A lone 1-D array is SciPy's own case: passed through untouched, both ways.
        self.is_flat = self.treedef.kind is None and arrays[0].ndim == 1

    def unravel(self, flat: Any) -> Any:
        """The pytree like ``x0`` from a flat vector (traced or not)."""
        if self.is_flat:
            return flat
        leaves = [cnp.reshape(piece, shape) for piece, shape in self._pieces(flat)]
        return tree_unflatten(self.treedef, leaves)

    def restore(self, flat: np.ndarray) -> Any:
        """A result vector as a pytree like ``x0`` of fresh arrays (NumPy scalars for 0-d)."""
        if self.is_flat:
            return flat
        leaves = [scalar_or_array(np.array(p).reshape(s)) for p, s in self._pieces(flat)]
        return tree_unflatten(self.treedef, leaves)

    def _pieces(self, flat: Any) -> Any:
        starts = np.cumsum([0] + self.sizes)
        return ((flat[a:b], s) for a, b, s in zip(starts[:-1], starts[1:], self.shapes))


def _float_leaf(leaf: Any, caller: str, index: int) -> np.ndarray:
    value = np.asarray(leaf)
    if value.dtype.kind not in "iuf":
        raise TypeError(
            f"{caller}: x0 leaf {index} has dtype {value.dtype}; SciPy optimizes real "
            f"numbers. Pass float (or integer) arrays and numbers; split a complex "
            f"parameter into its real and imaginary parts."
        )
    return value.astype(np.float64)


def _ravel_output(out: Any) -> Any:
    """A function's output pytree as one 1-D vector (traced or not)."""
    leaves = tree_leaves(out)
    if len(leaves) == 1 and getattr(leaves[0], "ndim", 0) == 1:
        return leaves[0]
    return cnp.concatenate([cnp.ravel(leaf) for leaf in leaves])


def _restore_result(result: Any, packing: _Packing, fields: tuple[str, ...]) -> Any:
    for field in fields:
        value = result.get(field)
        if isinstance(value, np.ndarray) and value.shape == (packing.size,):
            result[field] = packing.restore(value)
    return result


def _pytree_callback(callback: Callable | None, packing: _Packing) -> Callable | None:
    """A callback that sees x as a pytree like ``x0``, with the signature SciPy inspects."""
    if callback is None or packing.is_flat:
        return callback
    if set(inspect.signature(callback).parameters) == {"intermediate_result"}:

        def restored_result(intermediate_result: Any) -> Any:
            copy = scipy_optimize.OptimizeResult(intermediate_result)
            return callback(intermediate_result=_restore_result(copy, packing, ("x",)))

        return restored_result

    def restored_x(xk: np.ndarray, *rest: Any) -> Any:
        return callback(packing.restore(xk), *rest)

    return restored_x


class _Objective:
    """The scalar objective on SciPy's flat vector, and its derivatives."""

    def __init__(self, fun: Callable, packing: _Packing) -> None:
        self.fun, self.packing = fun, packing

    def flat(self, flat: Any, *args: Any) -> Any:
        value = self.fun(self.packing.unravel(flat), *args)
        shape = getattr(value, "shape", None)
        if isinstance(value, (float, int)) or shape == ():
            return value
        if shape is not None and int(np.prod(shape)) == 1:
            return cnp.reshape(value, ())  # SciPy also accepts one-element arrays
        what = f"an array of shape {tuple(shape)}" if shape is not None else repr(type(value))
        raise ValueError(
            f"minimize: fun must return one number, but it returned {what}. Return one "
            f"number, e.g. the sum of squares cnp.sum(r ** 2) of residuals r (or fit "
            f"residuals with chainrule.optimize.least_squares)."
        )

    def value_and_grad(self, flat: np.ndarray, *args: Any) -> tuple:
        return value_and_grad(self.flat)(flat, *args)

    def hessp(self, flat: np.ndarray, direction: np.ndarray, *args: Any) -> np.ndarray:
        # SciPy probes with an int8 vector to learn the operator's dtype.
        direction = np.asarray(direction, dtype=np.float64)
        return hvp(lambda x: self.flat(x, *args), (flat,), (direction,))[0]

    def hessian(self, flat: np.ndarray, *args: Any) -> np.ndarray:
        return hessian_of(self.flat)(flat, *args)


class _Residuals:
    """A vector function on SciPy's flat vector (residuals, constraints), and its Jacobian."""

    def __init__(self, fun: Callable, packing: _Packing) -> None:
        self.fun, self.packing = fun, packing
        self.n_outputs: int | None = None

    def flat(self, flat: Any, *args: Any, **kwargs: Any) -> Any:
        return _ravel_output(self.fun(self.packing.unravel(flat), *args, **kwargs))

    def value(self, flat: np.ndarray, *args: Any, **kwargs: Any) -> np.ndarray:
        out = self.flat(flat, *args, **kwargs)
        self.n_outputs = out.size
        return out

    def jacobian(self, flat: np.ndarray, *args: Any, **kwargs: Any) -> np.ndarray:
        # SciPy evaluates the function before its Jacobian, so the output size is known.
        n_outputs = self.n_outputs
        mode = "auto" if n_outputs is None else _jacobian_mode(self.packing.size, n_outputs)
        return jacobian(self.flat, mode=mode)(flat, *args, **kwargs)


def _jacobian_mode(n_params: int, n_residuals: int) -> str:
    """Forward mode when there are fewer parameters than residuals (fewer sweeps), else reverse."""
    return "forward" if n_params < n_residuals else "reverse"


def _method_name(method: Any, bounds: Any, constraints: list) -> str:
    """The lower-case name of the method SciPy will run (its own default when None)."""
    if callable(method):
        return "_custom"
    if method is None:
        return "slsqp" if constraints else "l-bfgs-b" if bounds is not None else "bfgs"
    return method.lower()


def _hessian_kind(hessian: Any, name: str) -> str | None:
    if hessian not in ("auto", "hessp", "hess", None):
        raise ValueError(
            f"minimize: hessian={hessian!r} is not one of 'auto', 'hessp', 'hess' or None."
        )
    if hessian == "auto":
        if name in _lower(_HESSP_METHODS):
            return "hessp"
        return "hess" if name in _lower(_HESS_REQUIRED) else None
    accepted = _HESSP_METHODS if hessian == "hessp" else _HESS_METHODS
    if hessian is not None and name not in _lower(accepted) + ("_custom",):
        raise ValueError(
            f"minimize: hessian={hessian!r}, but method {name!r} does not take {hessian}; "
            f"SciPy accepts it for {', '.join(accepted)}. Pass hessian='auto' or None, "
            f"or pick one of those methods."
        )
    return hessian


def _lower(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(name.lower() for name in names)


def _flat_bounds(bounds: Any, packing: _Packing) -> Any:
    if bounds is None or isinstance(bounds, scipy_optimize.Bounds):
        return bounds
    if _is_list_of_pairs(bounds, packing.size):  # SciPy's own format, for the flat vector
        return bounds
    leaves, bounds_def = tree_flatten(bounds)
    try:
        pairs = _bounds_per_leaf(packing.treedef, bounds_def, iter(leaves))
        lower, upper = zip(*(_leaf_bounds(p, s) for p, s in zip(pairs, packing.shapes)))
    except (TypeError, ValueError):
        raise ValueError(
            f"minimize: bounds must be scipy.optimize.Bounds, a list of {packing.size} "
            f"(lo, hi) pairs (one per element of the flat x), or a pytree like x0 "
            f"(structure {packing.treedef}) with None or a (lo, hi) pair at each leaf; got "
            f"{bounds!r}. Use None in a pair for no bound."
        ) from None
    return scipy_optimize.Bounds(np.concatenate(lower), np.concatenate(upper))


def _is_list_of_pairs(bounds: Any, size: int) -> bool:
    """SciPy's own format: one (lo, hi) pair of numbers or None per element of x."""
    return (
        isinstance(bounds, (list, tuple))
        and len(bounds) == size
        and all(
            isinstance(pair, (list, tuple))
            and len(pair) == 2
            and all(b is None or np.ndim(b) == 0 for b in pair)
            for pair in bounds
        )
    )


def _bounds_per_leaf(x_def: TreeDef, bounds_def: TreeDef, leaves: Any) -> list:
    """The bound given at each leaf position of x0 (None, or a (lo, hi) pair)."""
    if x_def.kind is None:
        return [tree_unflatten(bounds_def, [next(leaves) for _ in range(bounds_def.num_leaves)])]
    node = (bounds_def.kind, bounds_def.aux, len(bounds_def.children))
    if node != (x_def.kind, x_def.aux, len(x_def.children)):
        raise ValueError("bounds do not follow x0's structure")
    pairs = []
    for x_child, bounds_child in zip(x_def.children, bounds_def.children):
        pairs.extend(_bounds_per_leaf(x_child, bounds_child, leaves))
    return pairs


def _leaf_bounds(pair: Any, shape: tuple) -> tuple[np.ndarray, np.ndarray]:
    if pair is None:
        pair = (None, None)
    if not isinstance(pair, (list, tuple)) or len(pair) != 2:
        raise ValueError("a leaf's bound must be None or a (lo, hi) pair")
    lo = np.asarray(-np.inf if pair[0] is None else pair[0], np.float64)
    hi = np.asarray(np.inf if pair[1] is None else pair[1], np.float64)
    return np.broadcast_to(lo, shape).ravel(), np.broadcast_to(hi, shape).ravel()


def _flat_constraints(constraints: Any, packing: _Packing) -> list:
    single = (dict, scipy_optimize.NonlinearConstraint, scipy_optimize.LinearConstraint)
    if isinstance(constraints, single):
        constraints = [constraints]
    return [_flat_constraint(c, packing) for c in constraints]


def _flat_constraint(constraint: Any, packing: _Packing) -> Any:
    if isinstance(constraint, scipy_optimize.LinearConstraint):
        return constraint  # its matrix acts on the flat vector already
    if isinstance(constraint, dict) and "fun" in constraint:
        residuals = _Residuals(constraint["fun"], packing)
        converted = dict(constraint, fun=residuals.flat)
        given_jac = constraint.get("jac")
        converted["jac"] = _on_pytree(given_jac, packing) if given_jac else residuals.jacobian
        return converted
    if isinstance(constraint, scipy_optimize.NonlinearConstraint):
        residuals, jac, hess = _Residuals(constraint.fun, packing), constraint.jac, constraint.hess
        return scipy_optimize.NonlinearConstraint(
            residuals.flat,
            constraint.lb,
            constraint.ub,
            jac=_on_pytree(jac, packing) if callable(jac) else residuals.jacobian,
            hess=_on_pytree(hess, packing) if callable(hess) else hess,
            keep_feasible=constraint.keep_feasible,
            finite_diff_rel_step=constraint.finite_diff_rel_step,
            finite_diff_jac_sparsity=constraint.finite_diff_jac_sparsity,
        )
    raise TypeError(
        f"minimize: each of constraints must be a dict with 'type' and 'fun', a "
        f"scipy.optimize.NonlinearConstraint or a LinearConstraint; got {constraint!r}."
    )


def _on_pytree(function: Callable, packing: _Packing) -> Callable:
    """A user's derivative function, given x like x0 instead of the flat vector."""
    return lambda flat, *rest: function(packing.unravel(flat), *rest)


def minimize(
    fun: Callable[..., Any],
    x0: Any,
    args: tuple = (),
    method: str | Callable | None = None,
    bounds: Any = None,
    constraints: Any = (),
    tol: float | None = None,
    callback: Callable | None = None,
    options: dict | None = None,
    hessian: str | None = "auto",
) -> Any:
    """``scipy.optimize.minimize`` with the exact gradient, and Hessian where it helps.

    ``fun(x, *args)`` returns one number, written with ``chainrule.numpy`` (or plain
    NumPy). ``x0`` is an array, a number or a pytree of them (dicts, lists, tuples,
    nested; a list is a pytree, so pass ``np.array([...])`` for a vector). Its leaves
    are converted to float64 (integers too) and packed into the flat vector SciPy
    works on; ``fun`` receives them unpacked, with their shapes.

    The value and gradient come from one reverse-mode run (``cr.value_and_grad``, given
    to SciPy as ``jac=True``) for every method that uses a gradient. ``hessian="auto"``
    adds ``hessp`` (``cr.hvp``, no Hessian formed) for Newton-CG, trust-ncg,
    trust-krylov and trust-constr, and ``hess`` (``cr.hessian``) for dogleg and
    trust-exact, which need it; ``"hessp"`` or ``"hess"`` forces one, None gives neither.

    ``bounds``: ``scipy.optimize.Bounds`` or a list of (lo, hi) pairs for the flat
    vector, or a pytree like ``x0`` with None or a (lo, hi) pair at each leaf (lo, hi:
    numbers or arrays broadcastable to the leaf, None for no bound). ``constraints``:
    dicts ``{'type': 'eq' | 'ineq', 'fun': c, 'args': ...}`` and
    ``NonlinearConstraint(c, lb, ub)``, ``c`` taking x like ``x0`` and returning a
    number, an array or a pytree (flattened); each gets the exact ``jac``
    (``cr.jacobian``) unless it has its own, which then takes x like ``x0`` and returns
    the Jacobian for the flat vector. A NonlinearConstraint keeps its ``hess`` (by
    default SciPy's BFGS approximation); a LinearConstraint, on the flat vector, passes
    through. ``callback`` receives x like ``x0``.

    Returns SciPy's ``OptimizeResult``, with ``x`` and ``jac`` (for trust-constr
    ``grad`` and ``lagrangian_grad``) shaped like ``x0``; the rest (``hess_inv``...)
    is SciPy's, for the flat vector. Raises ValueError when ``fun`` returns more than
    one number or ``bounds`` or ``hessian`` do not fit; TypeError for complex leaves.

    >>> import chainrule.numpy as cnp
    >>> loss = lambda p: (p["a"] - 1.0) ** 2 + cnp.sum((p["b"] + 2.0) ** 2)
    >>> result = minimize(loss, {"a": 0.0, "b": np.zeros(2)}, method="Newton-CG")
    >>> round(float(result.x["a"]), 6), np.round(result.x["b"], 6)
    (1.0, array([-2., -2.]))
    """
    packing = _Packing(x0, "minimize")
    args = args if isinstance(args, tuple) else (args,)
    bounds = _flat_bounds(bounds, packing)
    constraints = _flat_constraints(constraints, packing)
    name = _method_name(method, bounds, constraints)
    kind = _hessian_kind(hessian, name)
    objective = _Objective(fun, packing)
    if name in _GRADIENT_FREE:
        scipy_fun, jac = objective.flat, None
    else:
        scipy_fun, jac = objective.value_and_grad, True
    result = scipy_optimize.minimize(
        scipy_fun,
        packing.flat,
        args=args,
        method=method,
        jac=jac,
        hess=objective.hessian if kind == "hess" else None,
        hessp=objective.hessp if kind == "hessp" else None,
        bounds=bounds,
        constraints=constraints,
        tol=tol,
        callback=_pytree_callback(callback, packing),
        options=options,
    )
    return _restore_result(result, packing, ("x", "jac", "grad", "lagrangian_grad"))


def least_squares(
    fun: Callable[..., Any],
    x0: Any,
    args: tuple = (),
    method: str = "trf",
    bounds: Any = (-np.inf, np.inf),
    **kwargs: Any,
) -> Any:
    """``scipy.optimize.least_squares`` with the exact Jacobian of the residuals.

    ``fun(x, *args)`` returns the residuals: a vector, or a pytree of arrays that is
    flattened into one. ``x0`` is a pytree as for :func:`minimize`; ``bounds`` is
    SciPy's, for the flat vector. The Jacobian comes from forward mode (``cr.jacfwd``,
    one sweep per parameter) when there are fewer parameters than residuals, else from
    reverse mode (``cr.jacrev``, one sweep per residual). Other keyword arguments go to
    SciPy unchanged, except ``jac``, which chainrule supplies. Returns SciPy's result
    with ``x`` shaped like ``x0``.

    >>> import chainrule.numpy as cnp
    >>> t = np.linspace(0.0, 1.0, 5)
    >>> residuals = lambda p: p["a"] * cnp.exp(p["b"] * t) - 2 * np.exp(t)
    >>> result = least_squares(residuals, {"a": 1.0, "b": 0.0})
    >>> round(float(result.x["a"]), 6), round(float(result.x["b"]), 6)
    (2.0, 1.0)
    """
    packing, residuals = _vector_problem(fun, x0, kwargs, "least_squares")
    kwargs.update(jac=residuals.jacobian, bounds=bounds, method=method, args=args)
    result = scipy_optimize.least_squares(residuals.value, packing.flat, **kwargs)
    return _restore_result(result, packing, ("x",))


def root(
    fun: Callable[..., Any], x0: Any, args: tuple = (), method: str = "hybr", **kwargs: Any
) -> Any:
    """``scipy.optimize.root`` with the exact Jacobian for the methods that use one.

    ``fun(x, *args)`` returns a vector, or a pytree like ``x0`` (both are flattened);
    ``x0`` is a pytree as for :func:`minimize`. hybr and lm get ``jac`` from
    ``cr.jacobian``; the quasi-Newton methods (broyden1, krylov, df-sane, ...) build
    their own approximation and get none. Other keyword arguments go to SciPy
    unchanged, except ``jac``, which chainrule supplies; a ``callback`` receives x like
    ``x0``. Returns SciPy's result with ``x`` shaped like ``x0``.

    >>> system = lambda p: {"u": p["u"] ** 3 - 8.0, "v": p["v"] - p["u"]}
    >>> result = root(system, {"u": 1.0, "v": 0.0})
    >>> round(float(result.x["u"]), 6), round(float(result.x["v"]), 6)
    (2.0, 2.0)
    """
    packing, residuals = _vector_problem(fun, x0, kwargs, "root")
    jac = residuals.jacobian if method.lower() in _ROOT_JACOBIAN_METHODS else None
    kwargs.update(args=args, method=method, jac=jac)
    result = scipy_optimize.root(residuals.value, packing.flat, **kwargs)
    return _restore_result(result, packing, ("x",))


def _vector_problem(fun: Callable, x0: Any, kwargs: dict, caller: str) -> tuple:
    """The packing and residuals for least_squares or root; wraps kwargs' callback."""
    if "jac" in kwargs:
        raise TypeError(
            f"{caller}: jac is computed by chainrule; remove the jac argument, or call "
            f"scipy.optimize.{caller} directly to use your own."
        )
    packing = _Packing(x0, caller)
    if "callback" in kwargs:
        kwargs["callback"] = _pytree_callback(kwargs["callback"], packing)
    return packing, _Residuals(fun, packing)


__all__ = ["least_squares", "minimize", "root"]
