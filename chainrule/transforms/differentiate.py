"""The basic transforms: grad and value_and_grad (reverse mode), vjp, jvp (forward mode)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from chainrule.core import jvp_flat, spec_of, vjp_flat
from chainrule.transforms.arguments import (
    FlatFunction,
    check_same_structure,
    matching_leaf,
    normalize_argnums,
    scalar_or_array,
    zeros_like_leaf,
)
from chainrule.tree import tree_flatten, tree_unflatten


def value_and_grad(
    f: Callable[..., Any], argnums: int | Sequence[int] = 0, has_aux: bool = False
) -> Callable[..., Any]:
    """A function returning ``(f(*args), gradient)``, or ``((f(*args), aux), gradient)``.

    The gradient has the structure, shapes and dtypes of the arguments in ``argnums``
    (a tuple of them when ``argnums`` is a tuple). ``f`` must return a real scalar.

    >>> import chainrule as cr, chainrule.numpy as cnp
    >>> cr.value_and_grad(lambda x: cnp.sum(x ** 2))(np.array([1.0, 2.0]))
    (np.float64(5.0), array([2., 4.]))
    """

    @functools.wraps(f)
    def value_and_grad_f(*args: Any, **kwargs: Any) -> Any:
        numbers = normalize_argnums(argnums, len(args), "grad")
        flat = FlatFunction(f, args, kwargs, numbers, has_aux, "grad")
        flat_out, pullback = vjp_flat(flat, flat.primals, "grad")
        outs, aux = flat.split(flat_out)
        value = _scalar_output(outs, flat)
        seed = np.ones((), spec_of(value).dtype)[()]
        cotangents = pullback([seed], keep_tape=False)
        grads = [
            zeros_like_leaf(p) if c is None else scalar_or_array(c)
            for p, c in zip(flat.primals, cotangents)
        ]
        gradient = flat.rebuild_inputs(grads, isinstance(argnums, (tuple, list)))
        value = scalar_or_array(value)
        return ((value, aux) if has_aux else value), gradient

    return value_and_grad_f


def grad(
    f: Callable[..., Any], argnums: int | Sequence[int] = 0, has_aux: bool = False
) -> Callable[..., Any]:
    """The gradient of a real scalar function by reverse mode (one backward sweep).

    >>> import chainrule as cr, chainrule.numpy as cnp
    >>> cr.grad(lambda x: cnp.sin(x) * x)(0.0)
    np.float64(0.0)
    """
    value_and_grad_f = value_and_grad(f, argnums, has_aux)

    @functools.wraps(f)
    def grad_f(*args: Any, **kwargs: Any) -> Any:
        value, gradient = value_and_grad_f(*args, **kwargs)
        return (gradient, value[1]) if has_aux else gradient

    return grad_f


def _scalar_output(outs: list, flat: FlatFunction) -> Any:
    if len(outs) != 1:
        raise TypeError(
            f"grad: the function must return one scalar, but it returned a pytree with "
            f"{len(outs)} arrays ({flat.out_tree}). Reduce it to a scalar (e.g. .sum()), "
            f"use has_aux=True to return extra values, or use cr.jacobian / cr.vjp."
        )
    spec = spec_of(outs[0])
    if spec.shape != ():
        raise TypeError(
            f"grad: the function must return a scalar, but it returned an array of shape "
            f"{tuple(spec.shape)}. Reduce it to a scalar (e.g. .sum()), or use "
            f"cr.jacobian / cr.vjp for non-scalar outputs."
        )
    if spec.dtype.kind != "f":
        raise TypeError(
            f"grad: the function must return a real floating-point scalar, but it returned "
            f"dtype {spec.dtype}. Return a float (take .real or abs() of a complex value); "
            f"a result that does not depend on the inputs must still be a float."
        )
    return outs[0]


def vjp(f: Callable[..., Any], *primals: Any, has_aux: bool = False) -> tuple:
    """``(f(*primals), vjp_fn)``: ``vjp_fn(cotangent)`` is a tuple, one entry per primal.

    The cotangent has the structure, shapes and dtypes of ``f``'s output. ``vjp_fn``
    may be called many times; the recorded run is kept as long as it is referenced.

    >>> import chainrule as cr
    >>> out, vjp_fn = cr.vjp(lambda x, y: x * y, 2.0, 3.0)
    >>> vjp_fn(1.0)
    (np.float64(3.0), np.float64(2.0))
    """
    flat = FlatFunction(f, primals, {}, tuple(range(len(primals))), has_aux, "vjp")
    flat_out, pullback = vjp_flat(flat, flat.primals, "vjp")
    outs, aux = flat.split(flat_out)
    outs = [scalar_or_array(o) for o in outs]
    out_tree = flat.out_tree

    def vjp_fn(cotangent: Any) -> tuple:
        leaves = check_same_structure(cotangent, out_tree, "vjp", "the cotangent", "the output")
        leaves = [
            matching_leaf(c, o, "vjp", f"the cotangent (leaf {i})")
            for i, (c, o) in enumerate(zip(leaves, outs))
        ]
        cotangents = pullback(leaves, keep_tape=True)
        grads = [
            zeros_like_leaf(p) if c is None else scalar_or_array(c)
            for p, c in zip(flat.primals, cotangents)
        ]
        return flat.rebuild_inputs(grads, many=True)

    out = tree_unflatten(out_tree, outs)
    return (out, vjp_fn, aux) if has_aux else (out, vjp_fn)


def jvp(
    f: Callable[..., Any], primals: Sequence[Any], tangents: Sequence[Any], has_aux: bool = False
) -> tuple:
    """``(f(*primals), J t)``: the output and its directional derivative along ``tangents``.

    ``primals`` and ``tangents`` are tuples (or lists) of the same structure, shapes
    and dtypes. One forward sweep, no tape.

    >>> import chainrule as cr, chainrule.numpy as cnp
    >>> cr.jvp(cnp.sin, (0.0,), (2.0,))
    (np.float64(0.0), np.float64(2.0))
    """
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise TypeError(
            "jvp: primals and tangents must be tuples (or lists), one entry per argument "
            "of the function: cr.jvp(f, (x,), (v,))."
        )
    if len(primals) != len(tangents):
        raise ValueError(
            f"jvp: {len(primals)} primals but {len(tangents)} tangents; give one tangent "
            f"per primal."
        )
    flat = FlatFunction(f, primals, {}, tuple(range(len(primals))), has_aux, "jvp")
    _, in_tree = tree_flatten(tuple(primals))
    tangent_leaves = check_same_structure(tuple(tangents), in_tree, "jvp", "tangents", "primals")
    tangent_leaves = [
        matching_leaf(t, p, "jvp", f"the tangent (leaf {i})")
        for i, (t, p) in enumerate(zip(tangent_leaves, flat.primals))
    ]
    flat_out, flat_tangents = jvp_flat(flat, flat.primals, tangent_leaves, "jvp")
    outs, aux = flat.split(flat_out)
    out_tangents = [
        zeros_like_leaf(o) if t is None else scalar_or_array(t)
        for o, t in zip(outs, flat_tangents[: flat.n_out])
    ]
    out = tree_unflatten(flat.out_tree, [scalar_or_array(o) for o in outs])
    out_tangent = tree_unflatten(flat.out_tree, out_tangents)
    return (out, out_tangent, aux) if has_aux else (out, out_tangent)
