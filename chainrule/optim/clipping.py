"""Gradient clipping by global norm, and ``chain`` to compose gradient transformations.

A transformation is an :class:`Optimizer` whose updates are not necessarily steps: clipping
rescales the gradients, and ``chain`` feeds each transformation's output to the next.
"""

from __future__ import annotations

import numbers
from typing import Any, NamedTuple

import numpy as np

from chainrule.optim.optimizers import Optimizer
from chainrule.tree import tree_leaves, tree_map


class EmptyState(NamedTuple):
    """The state of a transformation that keeps none, such as :func:`clip_by_global_norm`."""


def global_norm(tree: Any) -> float:
    """The Euclidean norm of all the leaves of ``tree`` together: sqrt of the sum of squares.

    >>> global_norm({"a": [3.0], "b": (4.0,)})
    5.0
    """
    total = 0.0
    for leaf in tree_leaves(tree):
        magnitude = np.abs(np.asarray(leaf)).astype(np.float64)  # float64: no overflow in squares
        total += float(np.sum(magnitude * magnitude))
    return float(np.sqrt(total))


def clip_by_global_norm(max_norm: float) -> Optimizer:
    """A transformation that scales the whole gradient tree by ``min(1, max_norm / norm)``,
    ``norm`` being its :func:`global_norm`; the direction is kept, the length capped.

    Raises TypeError unless max_norm is a number, ValueError unless it is > 0.

    >>> clip = clip_by_global_norm(1.0)
    >>> updates, state = clip.update([3.0, 4.0], clip.init(None))
    >>> [round(float(u), 12) for u in updates]
    [0.6, 0.8]
    """
    if isinstance(max_norm, bool) or not isinstance(max_norm, numbers.Real):
        raise TypeError(
            f"clip_by_global_norm: max_norm is a {type(max_norm).__name__}; pass a number > 0."
        )
    if not max_norm > 0:
        raise ValueError(f"clip_by_global_norm: max_norm={max_norm!r} is not > 0; pass e.g. 1.0.")

    def init(params: Any) -> EmptyState:
        return EmptyState()

    def update(grads: Any, state: EmptyState, params: Any = None) -> tuple[Any, EmptyState]:
        norm = global_norm(grads)
        if norm <= max_norm:
            return grads, state
        scale = max_norm / norm
        return tree_map(lambda grad: grad * scale, grads), state

    return Optimizer(init, update)


def chain(*optimizers: Optimizer) -> Optimizer:
    """Compose transformations left to right: each ``update`` receives the previous one's
    updates (the first receives the gradients); the state is the tuple of their states.

    Raises TypeError when an argument is not an Optimizer (an ``(init, update)`` pair).

    >>> import chainrule.optim as optim
    >>> opt = chain(optim.clip_by_global_norm(1.0), optim.sgd(0.5))
    >>> updates, state = opt.update([3.0, 4.0], opt.init([0.0, 0.0]))
    >>> [round(float(u), 12) for u in updates]
    [-0.3, -0.4]
    """
    for index, optimizer in enumerate(optimizers):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(
                f"chain: argument {index} is a {type(optimizer).__name__}, not an Optimizer; "
                f"pass transformations such as optim.clip_by_global_norm(1.0), optim.adam()."
            )

    def init(params: Any) -> tuple:
        return tuple(optimizer.init(params) for optimizer in optimizers)

    def update(grads: Any, state: tuple, params: Any = None) -> tuple[Any, tuple]:
        if type(state) is not tuple or len(state) != len(optimizers):
            raise ValueError(
                f"chain.update: state must be the tuple of {len(optimizers)} states that "
                f"chain's init returned; pass the state from init or the last update."
            )
        new_states = []
        for optimizer, inner_state in zip(optimizers, state):
            grads, inner_state = optimizer.update(grads, inner_state, params)
            new_states.append(inner_state)
        return grads, tuple(new_states)

    return Optimizer(init, update)
