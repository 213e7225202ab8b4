"""User-defined derivative rules: custom_jvp and custom_vjp.

A decorated function becomes a primitive of its own while it is traced. Its rule
applies at every level, and the missing direction comes from the rule itself: the
VJP of a custom JVP rule is the transpose of that (linear) rule, and the JVP of a
custom VJP rule is the transpose of the backward function, each obtained by one
reverse sweep over the rule. So both kinds work in both modes and to any order,
provided the rules are written with chainrule operations.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from chainrule.core import Primitive, Tracer, vjp_flat
from chainrule.primitives.declare import zeros_for
from chainrule.tree import TreeDef, tree_flatten, tree_unflatten


class _CustomCall:
    """What custom_jvp and custom_vjp share: splitting arguments, flattening, checking."""

    kind = ""

    def __init__(self, fun: Callable[..., Any], nondiff_argnums: Sequence[int] = ()) -> None:
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.nondiff_argnums = tuple(nondiff_argnums)

    def _split(self, args: tuple) -> tuple[list, list]:
        static = [a for i, a in enumerate(args) if i in self.nondiff_argnums]
        dynamic = [a for i, a in enumerate(args) if i not in self.nondiff_argnums]
        return static, dynamic

    def _merge(self, static: list, dynamic: Sequence[Any]) -> list:
        static_iter, dynamic_iter = iter(static), iter(dynamic)
        n = len(static) + len(dynamic)
        return [
            next(static_iter) if i in self.nondiff_argnums else next(dynamic_iter) for i in range(n)
        ]

    def _flat_out(self, result: Any, out_tree: list) -> tuple:
        leaves, treedef = tree_flatten(result)
        if out_tree[0] is None:
            out_tree[0] = treedef
        elif treedef != out_tree[0]:
            raise TypeError(
                f"{self.kind} {self.__name__}: the rule returned structure {treedef}, but the "
                f"function returns {out_tree[0]}. Make the rule return the same structure."
            )
        return tuple(leaves)

    def _missing_rule(self, what: str) -> TypeError:
        return TypeError(
            f"{self.kind} {self.__name__}: no derivative rule was defined. Call "
            f"{self.__name__}.{what}(...) after decorating it."
        )

    def _run(
        self,
        args: tuple,
        jvp: Callable,
        vjp: Callable,
        residuals: Callable | None,
        out_tree: list,
        in_tree: TreeDef,
        static: list,
        leaves: list,
    ) -> Any:
        def impl(*values: Any) -> tuple:
            dynamic = tree_unflatten(in_tree, values)
            return self._flat_out(self.fun(*self._merge(static, dynamic)), out_tree)

        primitive = Primitive(
            f"{self.kind}:{self.__name__}",
            impl,
            jvp=jvp,
            vjp=vjp,
            family="custom",
            multiple_results=True,
            residuals=residuals,
            register=False,
        )
        flat_out = primitive(*leaves)  # sets out_tree[0]
        return tree_unflatten(out_tree[0], flat_out)


def _filled(values: Sequence[Any], like: Sequence[Any]) -> list:
    """``values`` with each ``None`` (a structural zero) replaced by zeros like ``like``."""
    return [zeros_for(r) if v is None else v for v, r in zip(values, like)]


def _transpose(
    linear_map: Callable[..., Sequence[Any]], inputs_like: Sequence[Any], cotangents: Sequence[Any]
) -> list:
    """Apply the transpose of a linear map to ``cotangents``, by one reverse sweep."""
    _, pullback = vjp_flat(linear_map, [zeros_for(v) for v in inputs_like], "transpose")
    return pullback(list(cotangents), keep_tape=False)


class custom_jvp(_CustomCall):  # noqa: N801 - the public name follows JAX's
    """A function with a user-defined JVP rule (used in forward and in reverse mode).

    >>> import chainrule as cr, chainrule.numpy as cnp
    >>> @cr.custom_jvp
    ... def log1pexp(x):
    ...     return cnp.log1p(cnp.exp(x))
    >>> @log1pexp.defjvp
    ... def log1pexp_jvp(primals, tangents):
    ...     (x,), (x_dot,) = primals, tangents
    ...     return log1pexp(x), x_dot * (1 - 1 / (1 + cnp.exp(x)))
    >>> round(float(cr.grad(log1pexp)(3.0)), 12)
    0.952574126822
    """

    kind = "custom_jvp"

    def __init__(self, fun: Callable[..., Any], nondiff_argnums: Sequence[int] = ()) -> None:
        super().__init__(fun, nondiff_argnums)
        self.jvp_rule: Callable[..., Any] | None = None

    def defjvp(self, jvp_rule: Callable[..., Any]) -> Callable[..., Any]:
        """Set ``jvp_rule(*nondiff_args, primals, tangents) -> (out, out_tangent)``."""
        self.jvp_rule = jvp_rule
        return jvp_rule

    def __call__(self, *args: Any) -> Any:
        if self.jvp_rule is None:
            raise self._missing_rule("defjvp")
        static, dynamic = self._split(args)
        leaves, in_tree = tree_flatten(dynamic)
        if not any(isinstance(v, Tracer) for v in leaves):
            return self.fun(*args)
        out_tree: list = [None]
        rule = self.jvp_rule

        def tangent_map(primals: Sequence[Any], tangents: Sequence[Any]) -> tuple:
            primal_args = tuple(tree_unflatten(in_tree, primals))
            tangent_args = tuple(tree_unflatten(in_tree, tangents))
            _, out_tangent = rule(*static, primal_args, tangent_args)
            return self._flat_out(out_tangent, out_tree)

        def jvp(tangents, primals, out):
            return tangent_map(primals, _filled(tangents, primals))

        def vjp(out_bars, primals, out, wanted):
            return tuple(
                _transpose(lambda *t: tangent_map(primals, t), primals, _filled(out_bars, out))
            )

        return self._run(args, jvp, vjp, None, out_tree, in_tree, static, leaves)


class custom_vjp(_CustomCall):  # noqa: N801 - the public name follows JAX's
    """A function with a user-defined VJP rule (used in reverse and in forward mode).

    ``fwd(*args) -> (out, residuals)`` and ``bwd(residuals, out_bar) -> tuple`` with one
    cotangent per differentiable argument (``None`` for zero).

    >>> import chainrule as cr, chainrule.numpy as cnp
    >>> @cr.custom_vjp
    ... def clip_gradient(x):
    ...     return x
    >>> clip_gradient.defvjp(lambda x: (x, None), lambda _, g: (cnp.clip(g, -1.0, 1.0),))
    >>> float(cr.grad(lambda x: 5 * clip_gradient(x))(2.0))
    1.0
    """

    kind = "custom_vjp"

    def __init__(self, fun: Callable[..., Any], nondiff_argnums: Sequence[int] = ()) -> None:
        super().__init__(fun, nondiff_argnums)
        self.fwd: Callable[..., Any] | None = None
        self.bwd: Callable[..., Any] | None = None

    def defvjp(self, fwd: Callable[..., Any], bwd: Callable[..., Any]) -> None:
        """Set the forward function (output and residuals) and the backward function."""
        self.fwd, self.bwd = fwd, bwd

    def __call__(self, *args: Any) -> Any:
        if self.fwd is None or self.bwd is None:
            raise self._missing_rule("defvjp")
        static, dynamic = self._split(args)
        leaves, in_tree = tree_flatten(dynamic)
        if not any(isinstance(v, Tracer) for v in leaves):
            return self.fun(*args)
        out_tree: list = [None]
        fwd, bwd = self.fwd, self.bwd

        def run_fwd(primals: Sequence[Any]) -> tuple:
            out, res = fwd(*self._merge(static, tree_unflatten(in_tree, primals)))
            return self._flat_out(out, out_tree), res

        def cotangent_map(res: Any, out_bars: Sequence[Any], primals: Sequence[Any]) -> list:
            bars = bwd(*static, res, tree_unflatten(out_tree[0], list(out_bars)))
            if not isinstance(bars, (tuple, list)) or len(bars) != len(dynamic):
                raise TypeError(
                    f"custom_vjp {self.__name__}: bwd must return a tuple with one cotangent "
                    f"per differentiable argument ({len(dynamic)}), got {bars!r:.80}."
                )
            flat_bars = []
            for bar, arg in zip(bars, dynamic):
                arg_leaves = tree_flatten(arg)[0]
                flat_bars.extend([None] * len(arg_leaves) if bar is None else tree_flatten(bar)[0])
            return _filled(flat_bars, primals)

        def residuals(*values):
            out, res = run_fwd(values)
            return out, {"residuals": res}

        def vjp(out_bars, primals, out, wanted, residuals=None):
            if residuals is None:
                _, residuals = run_fwd(primals)
            return tuple(cotangent_map(residuals, _filled(out_bars, out), primals))

        def jvp(tangents, primals, out):
            _, res = run_fwd(primals)
            return tuple(
                _transpose(
                    lambda *bars: cotangent_map(res, bars, primals), out, _filled(tangents, primals)
                )
            )

        return self._run(args, jvp, vjp, residuals, out_tree, in_tree, static, leaves)
