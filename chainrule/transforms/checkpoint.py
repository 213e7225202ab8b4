"""checkpoint: trade recomputation for memory in reverse mode.

Reverse mode keeps, for every primitive, the values its VJP rule reads until the
backward sweep reaches it. A checkpointed function is recorded as one node that keeps
only the function's inputs; when the backward sweep reaches that node it runs the
function again under a fresh reverse level and sweeps through it at once. Splitting a
loop of n steps into about sqrt(n) checkpointed segments keeps O(sqrt(n)) values
alive instead of O(n), for one extra forward pass.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from chainrule.core import JVPTrace, Primitive, Tracer, jvp_flat, vjp_flat
from chainrule.tree import tree_flatten, tree_unflatten


def checkpoint(fun: Callable[..., Any]) -> Callable[..., Any]:
    """``fun``, recorded by reverse mode as one step that stores only its inputs.

    The values are the same as ``fun``'s; derivatives are the same to every order.
    Under reverse mode (``grad``, ``vjp``, ``jacrev``, the inner level of ``hessian``)
    the intermediates of ``fun`` are recomputed on the backward sweep instead of being
    kept. Under forward mode alone there is nothing to store, and ``fun`` simply runs.

    >>> import chainrule as cr, chainrule.numpy as cnp
    >>> def step(h, w):
    ...     return cnp.tanh(w * h)
    >>> def loop(w, step):
    ...     h = 0.5
    ...     for _ in range(10):
    ...         h = step(h, w)
    ...     return h
    >>> kept = cr.grad(loop)(1.5, step)
    >>> recomputed = cr.grad(loop)(1.5, cr.checkpoint(step))
    >>> bool(kept == recomputed)
    True
    """

    @functools.wraps(fun)
    def checkpointed(*args: Any, **kwargs: Any) -> Any:
        leaves, in_tree = tree_flatten((args, kwargs))
        top = None
        for leaf in leaves:
            if isinstance(leaf, Tracer) and (top is None or leaf._trace.level > top.level):
                top = leaf._trace
        if top is None or isinstance(top, JVPTrace):
            return fun(*args, **kwargs)
        out_tree: list = [None]

        def flat_fun(*values: Any) -> list:
            call_args, call_kwargs = tree_unflatten(in_tree, values)
            out_leaves, treedef = tree_flatten(fun(*call_args, **call_kwargs))
            out_tree[0] = treedef
            return out_leaves

        primitive = _checkpoint_primitive(fun, flat_fun)
        flat_out = primitive(*leaves)
        return tree_unflatten(out_tree[0], flat_out)

    checkpointed.__wrapped__ = fun
    return checkpointed


def _checkpoint_primitive(fun: Callable[..., Any], flat_fun: Callable[..., list]) -> Primitive:
    def impl(*values: Any) -> tuple:
        return tuple(flat_fun(*values))

    def jvp(tangents, primals, out):
        # Reached only when a forward level encloses the reverse one (forward over
        # reverse): push the tangents through a re-run of the function.
        moving = [i for i, t in enumerate(tangents) if t is not None]
        _, out_tangents = jvp_flat(
            _restricted(flat_fun, primals, moving),
            [primals[i] for i in moving],
            [tangents[i] for i in moving],
            "checkpoint",
        )
        return tuple(out_tangents)

    def vjp(out_bars, primals, out, wanted):
        # The recomputation: run the function again on its stored inputs, then sweep.
        moving = [i for i, w in enumerate(wanted) if w]
        _, pullback = vjp_flat(
            _restricted(flat_fun, primals, moving), [primals[i] for i in moving], "checkpoint"
        )
        bars = pullback(list(out_bars), keep_tape=False)
        result: list = [None] * len(primals)
        for i, bar in zip(moving, bars):
            result[i] = bar
        return tuple(result)

    return Primitive(
        f"checkpoint:{getattr(fun, '__name__', 'function')}",
        impl,
        jvp=jvp,
        vjp=vjp,
        family="checkpoint",
        multiple_results=True,
        saves=("inputs",),
        register=False,
    )


def _restricted(flat_fun: Callable[..., list], primals: tuple, moving: list) -> Callable:
    """``flat_fun`` as a function of the inputs at positions ``moving``, others fixed."""

    def restricted(*values: Any) -> list:
        full = list(primals)
        for i, value in zip(moving, values):
            full[i] = value
        return flat_fun(*full)

    return restricted
