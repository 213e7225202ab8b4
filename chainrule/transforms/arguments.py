"""What every transform does with its arguments: pick them by argnums, flatten, check.

Bad input gets an exception that names the transform, the argument and the fix.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from chainrule.core import Tracer, spec_of
from chainrule.tree import TreeDef, tree_flatten, tree_unflatten

_ARRAY_LEAVES = (Tracer, np.ndarray, np.generic, float, int, complex, bool)


def normalize_argnums(argnums: Any, n_args: int, transform: str) -> tuple[int, ...]:
    """``argnums`` (an int or a tuple of ints, negative allowed) checked against the call."""
    many = isinstance(argnums, (tuple, list))
    numbers = tuple(argnums) if many else (argnums,)
    result = []
    for number in numbers:
        try:
            number = operator.index(number)
        except TypeError:
            raise TypeError(
                f"{transform}: argnums must be an int or a tuple of ints, got {argnums!r}"
            ) from None
        if not -n_args <= number < n_args:
            raise ValueError(
                f"{transform}: argnums={argnums!r} asks for argument {number}, but the "
                f"function was called with {n_args} positional argument(s). Pass that "
                f"argument positionally or change argnums."
            )
        result.append(number % n_args)
    if len(set(result)) != len(result):
        raise ValueError(f"{transform}: argnums={argnums!r} names an argument twice")
    return tuple(result)


def differentiable_leaf(leaf: Any, transform: str, where: str) -> Any:
    """A leaf to differentiate with respect to, as a NumPy array or scalar (or a tracer)."""
    if isinstance(leaf, Tracer):
        value = leaf
    elif isinstance(leaf, _ARRAY_LEAVES) or isinstance(leaf, (list, tuple)):
        value = np.asarray(leaf)
        if value.ndim == 0:
            value = value[()]
    else:
        raise TypeError(
            f"{transform}: {where} is a {type(leaf).__name__}, not an array. Differentiate "
            f"with respect to arrays or numbers (register other containers with "
            f"cr.tree.register_pytree_node), or move it out of argnums."
        )
    dtype = spec_of(value).dtype
    if dtype.kind not in "fc":
        kind = "boolean" if dtype.kind == "b" else "integer"
        raise TypeError(
            f"{transform}: {where} has {kind} dtype {dtype}; derivatives need float or "
            f"complex inputs. Pass a float value (e.g. np.asarray(x, dtype=float) or 1.0 "
            f"instead of 1), or leave it out of argnums."
        )
    return value


def describe(argnum: int, treedef: TreeDef, index: int) -> str:
    """'argument 0' or 'argument 0, leaf 2' for error messages."""
    return f"argument {argnum}" if treedef.num_leaves == 1 else f"argument {argnum}, leaf {index}"


class FlatFunction:
    """``f`` as a function of the flat leaves of the arguments in ``argnums``.

    Calling it rebuilds the arguments, calls ``f`` and returns its flat output leaves
    (followed by the aux leaves with ``has_aux``); the output structures are kept.
    """

    def __init__(
        self,
        f: Callable[..., Any],
        args: Sequence[Any],
        kwargs: dict,
        argnums: tuple[int, ...],
        has_aux: bool,
        transform: str,
    ) -> None:
        self.f, self.args, self.kwargs = f, list(args), kwargs
        self.argnums, self.has_aux, self.transform = argnums, has_aux, transform
        self.primals: list = []
        self.in_trees: list[TreeDef] = []
        for argnum in argnums:
            leaves, treedef = tree_flatten(args[argnum])
            self.in_trees.append(treedef)
            for i, leaf in enumerate(leaves):
                if type(leaf) is np.ndarray and leaf.ndim and leaf.dtype.kind in "fc":
                    self.primals.append(leaf)  # the common case, nothing to convert or check
                else:
                    where = describe(argnum, treedef, i)
                    self.primals.append(differentiable_leaf(leaf, transform, where))
        self.out_tree: TreeDef | None = None
        self.aux_tree: TreeDef | None = None
        self.n_out = 0

    def __call__(self, *leaves: Any) -> list:
        args = list(self.args)
        start = 0
        for argnum, treedef in zip(self.argnums, self.in_trees):
            args[argnum] = tree_unflatten(treedef, leaves[start : start + treedef.num_leaves])
            start += treedef.num_leaves
        result = self.f(*args, **self.kwargs)
        if self.has_aux:
            if not isinstance(result, (tuple, list)) or len(result) != 2:
                raise TypeError(
                    f"{self.transform}: with has_aux=True the function must return a pair "
                    f"(output, aux), but it returned {_describe(result)}. Return "
                    f"(output, aux), or drop has_aux=True."
                )
            result, aux = result
            aux_leaves, self.aux_tree = tree_flatten(aux)
        else:
            aux_leaves = []
        out_leaves, self.out_tree = tree_flatten(result)
        for leaf in out_leaves:
            if not isinstance(leaf, _ARRAY_LEAVES):
                raise TypeError(
                    f"{self.transform}: the function returned {_describe(leaf)} where an "
                    f"array was expected. Return arrays or numbers (or pytrees of them)."
                )
        if not out_leaves:
            raise TypeError(
                f"{self.transform}: the function returned {result!r}, which holds no array. "
                f"Return the value to differentiate."
            )
        self.n_out = len(out_leaves)
        return out_leaves + aux_leaves

    def split(self, flat_out: list) -> tuple[list, Any]:
        """Output leaves and the rebuilt aux (plain values) from a flat output list."""
        outs = flat_out[: self.n_out]
        if not self.has_aux:
            return outs, None
        return outs, tree_unflatten(self.aux_tree, flat_out[self.n_out :])

    def rebuild_inputs(self, leaves: Sequence[Any], many: bool) -> Any:
        """Per-argument pytrees from flat input-shaped leaves: one tree, or a tuple."""
        trees, start = [], 0
        for treedef in self.in_trees:
            trees.append(tree_unflatten(treedef, leaves[start : start + treedef.num_leaves]))
            start += treedef.num_leaves
        return tuple(trees) if many else trees[0]


def _describe(value: Any) -> str:
    """A value as error messages name it: 'an array of shape (3,)', 'a tuple of length 3'."""
    if isinstance(value, (Tracer, np.ndarray)):
        return f"an array of shape {tuple(value.shape)}"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of length {len(value)}"
    return f"a value of type {type(value).__name__}"


def scalar_or_array(value: Any) -> Any:
    """0-d arrays as NumPy scalars, as NumPy's own functions return them."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value[()]
    return value


def zeros_like_leaf(value: Any) -> Any:
    """Plain zeros with the shape and dtype of ``value``."""
    spec = spec_of(value)
    return scalar_or_array(np.zeros(spec.shape, spec.dtype))


def check_same_structure(
    given: Any, expected_tree: TreeDef, transform: str, what: str, expected: str
) -> list:
    """Leaves of ``given`` after checking that it has the structure ``expected_tree``."""
    leaves, treedef = tree_flatten(given)
    if treedef != expected_tree:
        raise ValueError(
            f"{transform}: {what} has structure {treedef}, but {expected} has structure "
            f"{expected_tree}. Pass {what} with the same nesting of tuples, lists and dicts."
        )
    return leaves


def matching_leaf(value: Any, reference: Any, transform: str, what: str) -> Any:
    """``value`` as an array with the shape and dtype of ``reference``, or a clear error."""
    expected = spec_of(reference)
    if not isinstance(value, Tracer):
        is_python_number = isinstance(value, (float, int, complex)) and not isinstance(value, bool)
        value = np.asarray(value)
        if is_python_number and value.dtype.kind in "fiuc" and expected.dtype.kind in "fc":
            value = value.astype(expected.dtype)  # Python numbers take the primal's dtype
        value = scalar_or_array(value)
    actual = spec_of(value)
    # A tangent pairs with an input (its primal), a cotangent with an output.
    partner = "the function's output" if "cotangent" in what else "its primal"
    if tuple(actual.shape) != tuple(expected.shape):
        raise ValueError(
            f"{transform}: {what} has shape {tuple(actual.shape)}, but it must match the "
            f"shape {tuple(expected.shape)} of {partner}. Pass an array of that shape."
        )
    if actual.dtype != expected.dtype:
        raise TypeError(
            f"{transform}: {what} has dtype {actual.dtype}, but {partner} has dtype "
            f"{expected.dtype}. Cast it with .astype({expected.dtype.name!r})."
        )
    return value
