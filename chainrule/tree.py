"""Pytrees: nested tuples, lists, dicts, None and registered classes, flattened to leaves.

A transform flattens its arguments and results to lists of arrays (the leaves),
works on those, and rebuilds the same structure; a gradient therefore has the
structure of its argument. This module depends on nothing else in chainrule.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

_Flatten = Callable[[Any], tuple[Iterable[Any], Any]]
_Unflatten = Callable[[Any, list], Any]
_registry: dict[type, tuple[_Flatten, _Unflatten]] = {}


def register_pytree_node(cls: type, flatten: _Flatten, unflatten: _Unflatten) -> None:
    """Make instances of ``cls`` containers: ``flatten(obj) -> (children, aux)`` and
    ``unflatten(aux, children) -> obj``; ``aux`` must be hashable and comparable.

    >>> class Pair:
    ...     def __init__(self, a, b): self.a, self.b = a, b
    >>> register_pytree_node(Pair, lambda p: ((p.a, p.b), None), lambda _, c: Pair(*c))
    >>> tree_leaves(Pair(1.0, (2.0, 3.0)))
    [1.0, 2.0, 3.0]
    """
    _registry[cls] = (flatten, unflatten)


def register_dataclass(cls: type) -> type:
    """Register a dataclass whose fields are all children; usable as a decorator."""
    names = tuple(f.name for f in dataclasses.fields(cls))
    register_pytree_node(
        cls,
        lambda obj: ([getattr(obj, n) for n in names], None),
        lambda _, children: cls(**dict(zip(names, children))),
    )
    return cls


def _dict_keys(d: dict) -> tuple:
    try:
        return tuple(sorted(d))
    except TypeError:
        return tuple(d)


register_pytree_node(tuple, lambda t: (t, None), lambda _, c: tuple(c))
register_pytree_node(list, lambda t: (t, None), lambda _, c: list(c))
register_pytree_node(
    dict,
    lambda d: ([d[k] for k in _dict_keys(d)], _dict_keys(d)),
    lambda keys, c: dict(zip(keys, c)),
)
register_pytree_node(type(None), lambda _: ((), None), lambda _, c: None)


def _node_type(value: Any) -> type | None:
    kind = type(value)
    if kind in _registry:
        return kind
    if isinstance(value, tuple) and hasattr(kind, "_fields"):
        return kind  # a namedtuple
    return None


class TreeDef:
    """The structure of a pytree without its leaves; equal structures compare equal."""

    __slots__ = ("kind", "aux", "children", "num_leaves")

    def __init__(self, kind: type | None, aux: Any, children: tuple) -> None:
        self.kind = kind
        self.aux = aux
        self.children = children
        self.num_leaves = 1 if kind is None else sum(c.num_leaves for c in children)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, TreeDef)
            and self.kind is other.kind
            and self.aux == other.aux
            and self.children == other.children
        )

    def __hash__(self) -> int:
        return hash((self.kind, self.children))

    def __repr__(self) -> str:
        if self.kind is None:
            return "*"
        inner = ", ".join(repr(c) for c in self.children)
        if self.kind is tuple:
            return f"({inner}{',' if len(self.children) == 1 else ''})"
        if self.kind is list:
            return f"[{inner}]"
        if self.kind is dict:
            return "{" + ", ".join(f"{k!r}: {c!r}" for k, c in zip(self.aux, self.children)) + "}"
        if self.kind is type(None):
            return "None"
        return f"{self.kind.__name__}({inner})"


_LEAF = TreeDef(None, None, ())


def _flatten_into(value: Any, leaves: list) -> TreeDef:
    kind = _node_type(value)
    if kind is None:
        leaves.append(value)
        return _LEAF
    if kind in _registry:
        children, aux = _registry[kind][0](value)
    else:
        children, aux = tuple(value), None
    return TreeDef(kind, aux, tuple(_flatten_into(c, leaves) for c in children))


def tree_flatten(tree: Any) -> tuple[list, TreeDef]:
    """The leaves of ``tree`` in order, and its structure.

    >>> leaves, treedef = tree_flatten({"b": (1, 2), "a": [3]})
    >>> leaves
    [3, 1, 2]
    """
    leaves: list = []
    treedef = _flatten_into(tree, leaves)
    return leaves, treedef


def tree_unflatten(treedef: TreeDef, leaves: Iterable[Any]) -> Any:
    """Rebuild a pytree of structure ``treedef`` from ``leaves``."""
    iterator = iter(leaves)
    tree = _build(treedef, iterator)
    if next(iterator, _LEAF) is not _LEAF:
        raise ValueError(f"tree_unflatten: too many leaves for the structure {treedef}")
    return tree


def _build(treedef: TreeDef, leaves: Any) -> Any:
    if treedef.kind is None:
        try:
            return next(leaves)
        except StopIteration:
            raise ValueError("tree_unflatten: too few leaves for the structure") from None
    children = [_build(c, leaves) for c in treedef.children]
    if treedef.kind in _registry:
        return _registry[treedef.kind][1](treedef.aux, children)
    return treedef.kind(*children)  # a namedtuple


def tree_leaves(tree: Any) -> list:
    """The leaves of ``tree``, in flattening order."""
    return tree_flatten(tree)[0]


def tree_structure(tree: Any) -> TreeDef:
    """The structure of ``tree``."""
    return tree_flatten(tree)[1]


def tree_map(function: Callable[..., Any], tree: Any, *rest: Any) -> Any:
    """Apply ``function`` leaf by leaf to ``tree`` and trees of the same structure."""
    leaves, treedef = tree_flatten(tree)
    others = []
    for other in rest:
        other_leaves, other_def = tree_flatten(other)
        if other_def != treedef:
            raise ValueError(
                f"tree_map: tree structures differ: {treedef} and {other_def}. Pass trees "
                f"with the same nesting of tuples, lists and dicts."
            )
        others.append(other_leaves)
    return tree_unflatten(treedef, [function(*args) for args in zip(leaves, *others)])


__all__ = [
    "TreeDef",
    "register_dataclass",
    "register_pytree_node",
    "tree_flatten",
    "tree_leaves",
    "tree_map",
    "tree_structure",
    "tree_unflatten",
]
