"""Gradient-descent optimisers (SGD, Adam, AdamW, RMSprop, Adagrad) as pure init/update pairs.

Parameters, gradients and states are pytrees of NumPy arrays. ``update`` returns the updates
to add to the parameters and a new state; it never writes into an array the caller holds.
The equations are PyTorch's (torch.optim); ``t = state.step + 1`` numbers the updates from 1.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from chainrule.tree import TreeDef, tree_flatten, tree_unflatten

LearningRate = float | Callable[[int], float]


class Optimizer(NamedTuple):
    """A gradient transformation: ``init(params) -> state`` and
    ``update(grads, state, params=None) -> (updates, new_state)``."""

    init: Callable[[Any], Any]
    update: Callable[..., tuple[Any, Any]]


class SGDState(NamedTuple):
    """State of :func:`sgd`: updates done, momentum buffer (None when momentum is 0)."""

    step: int
    momentum_buffer: Any


class AdamState(NamedTuple):
    """State of :func:`adam` and :func:`adamw`: the moments (the max only with amsgrad)."""

    step: int
    first_moment: Any
    second_moment: Any
    max_second_moment: Any


class RMSpropState(NamedTuple):
    """State of :func:`rmsprop`; gradient average (centered only) and buffer may be None."""

    step: int
    square_average: Any
    gradient_average: Any
    momentum_buffer: Any


class AdagradState(NamedTuple):
    """State of :func:`adagrad`: updates done and the running sum of squared gradients."""

    step: int
    sum_of_squares: Any


def _check_arguments(function, learning_rate, decay_rates=None, **nonnegative) -> None:
    """Reject a learning rate that is neither a number nor a schedule, negative values, and
    decay rates outside [0, 1)."""
    if not callable(learning_rate) and not isinstance(learning_rate, numbers.Real):
        raise TypeError(
            f"{function}: learning_rate is a {type(learning_rate).__name__}; pass a float "
            f"or a schedule (a callable step -> float) such as optim.exponential_decay(...)."
        )
    if not callable(learning_rate):
        nonnegative = {"learning_rate": learning_rate, **nonnegative}
    for argument, value in nonnegative.items():
        if not value >= 0:  # also rejects NaN
            raise ValueError(f"{function}: {argument}={value!r} must be >= 0; pass a value >= 0.")
    for argument, value in (decay_rates or {}).items():
        if not 0.0 <= value < 1.0:
            raise ValueError(f"{function}: {argument}={value!r} is not in [0, 1); pass e.g. 0.9.")


def _learning_rate_at(function: str, learning_rate: LearningRate, step: int) -> float:
    if not callable(learning_rate):
        return float(learning_rate)
    value = float(learning_rate(step))
    if not value >= 0:
        raise ValueError(
            f"{function}: the learning_rate schedule returned {value!r} at step {step}; "
            f"a schedule must return values >= 0."
        )
    return value


def _float_leaves(function: str, params: Any) -> tuple[list, TreeDef]:
    """The leaves of ``params`` and its structure, after checking every leaf is real float."""
    leaves, treedef = tree_flatten(params)
    for index, leaf in enumerate(leaves):
        dtype = np.asarray(leaf).dtype
        if not np.issubdtype(dtype, np.floating):
            raise TypeError(
                f"{function}: params leaf {index} of {treedef} has dtype {dtype}; parameters "
                f"must be real float arrays. Convert it first, e.g. np.asarray(x, dtype=float)."
            )
    return leaves, treedef


def _matching_leaves(function, treedef, leaves, tree, first, second) -> list:
    """The leaves of ``tree`` (named ``second``), checked against ``leaves`` (named ``first``)."""
    other_leaves, other_def = tree_flatten(tree)
    if other_def != treedef:
        raise ValueError(
            f"{function}: {first} have the tree structure {treedef} but {second} has "
            f"{other_def}; pass trees of the same structure (gradients shaped like the params)."
        )
    for index, (leaf, other) in enumerate(zip(leaves, other_leaves)):
        if np.shape(leaf) != np.shape(other):
            raise ValueError(
                f"{function}: {first} leaf {index} has shape {np.shape(leaf)} but {second} leaf "
                f"{index} has shape {np.shape(other)}; pass one array per parameter, of its shape."
            )
    return other_leaves


def _map_leaves(function, leaf, grads, params, states, weight_decay, decoupled_decay=0.0) -> list:
    """Run ``leaf(grad, *state_leaves) -> (update, *new_state_leaves)`` leaf by leaf.

    Checks grads against the state trees (a None tree gives None leaves) and params, adds
    ``weight_decay * param`` to each gradient and ``-decoupled_decay * param`` to each update.
    Returns the update tree and one new tree per state tree, None where that tree is None.
    """
    grad_leaves, treedef = tree_flatten(grads)
    state_leaves = [
        [None] * len(grad_leaves)
        if tree is None
        else _matching_leaves(function, treedef, grad_leaves, tree, "grads", "the state")
        for tree in states
    ]
    if params is not None:
        _float_leaves(function, params)
        param_leaves = _matching_leaves(function, treedef, grad_leaves, params, "grads", "params")
        if weight_decay:
            grad_leaves = [g + weight_decay * p for g, p in zip(grad_leaves, param_leaves)]
    elif weight_decay or decoupled_decay:
        raise ValueError(
            f"{function}: weight decay needs params; call update(grads, state, params)."
        )
    rows = [leaf(*args) for args in zip(grad_leaves, *state_leaves)]
    columns = list(zip(*rows)) if rows else [()] * (1 + len(states))
    if decoupled_decay:
        columns[0] = [u - decoupled_decay * p for u, p in zip(columns[0], param_leaves)]
    trees = [tree_unflatten(treedef, column) for column in columns]
    return [trees[0]] + [None if old is None else new for old, new in zip(states, trees[1:])]


def _state_trees(function: str, params: Any, *is_needed: bool, value: float = 0.0) -> list:
    """One tree shaped like ``params`` and filled with ``value`` per flag, None where False."""
    leaves, treedef = _float_leaves(function, params)
    return [
        tree_unflatten(treedef, [np.full_like(leaf, value) for leaf in leaves]) if needed else None
        for needed in is_needed
    ]


def sgd(
    learning_rate: LearningRate,
    momentum: float = 0.0,
    nesterov: bool = False,
    weight_decay: float = 0.0,
    dampening: float = 0.0,
) -> Optimizer:
    """Stochastic gradient descent, with optional (Nesterov) momentum, as torch.optim.SGD.

    Weight decay first adds ``weight_decay * p`` to the gradient ``g``. With momentum the
    buffer ``b`` is ``g`` itself on the first update and ``momentum * b + (1 - dampening) * g``
    afterwards; the direction is then ``g + momentum * b`` (nesterov) or ``b``, else ``g``.
    The update is ``-lr * direction``.

    Raises ValueError for a negative learning_rate, momentum or weight_decay, and for
    nesterov=True without momentum > 0 and dampening=0 (PyTorch's rule).

    >>> opt = sgd(0.1, momentum=0.9)
    >>> [float(u) for u in opt.update([2.0], opt.init([1.0]))[0]]
    [-0.2]
    """
    _check_arguments("sgd", learning_rate, None, momentum=momentum, weight_decay=weight_decay)
    if nesterov and (momentum <= 0 or dampening != 0):
        raise ValueError(
            f"sgd: nesterov=True needs momentum > 0 and dampening=0 (got momentum={momentum!r}, "
            f"dampening={dampening!r}); pass momentum=0.9, say, or nesterov=False."
        )

    def init(params: Any) -> SGDState:
        return SGDState(0, *_state_trees("sgd.init", params, momentum != 0))

    def update(grads: Any, state: SGDState, params: Any = None) -> tuple[Any, SGDState]:
        lr = _learning_rate_at("sgd.update", learning_rate, state.step)

        def leaf(grad: Any, buffer: Any) -> tuple:
            if momentum:
                if state.step == 0:
                    buffer = np.array(grad)  # a copy: the caller may reuse its gradient array
                else:
                    buffer = momentum * buffer + (1 - dampening) * grad
                grad = grad + momentum * buffer if nesterov else buffer
            return -lr * grad, buffer

        updates, buffer = _map_leaves(
            "sgd.update", leaf, grads, params, [state.momentum_buffer], weight_decay
        )
        return updates, SGDState(state.step + 1, buffer)

    return Optimizer(init, update)


def adam(
    learning_rate: LearningRate = 1e-3,
    b1: float = 0.9,
    b2: float = 0.999,
    eps: float = 1e-8,
    weight_decay: float = 0.0,
    amsgrad: bool = False,
) -> Optimizer:
    """Adam, as torch.optim.Adam; weight_decay is an L2 term added to the gradient.

    ``g <- g + weight_decay * p``; the moments, from 0, become ``m = b1 * m + (1 - b1) * g``
    and ``v = b2 * v + (1 - b2) * g**2``; with amsgrad ``v`` is replaced by the largest ``v``
    so far. The bias-corrected ``m_hat = m / (1 - b1**t)`` and ``v_hat = v / (1 - b2**t)``
    give the update ``-lr * m_hat / (sqrt(v_hat) + eps)``.

    Raises ValueError for a negative learning_rate, eps or weight_decay, or b1, b2 not in [0, 1).

    >>> opt = adam(0.1)
    >>> [round(float(u), 6) for u in opt.update([2.0], opt.init([1.0]))[0]]  # size lr, whatever g
    [-0.1]
    """
    return _adam("adam", learning_rate, b1, b2, eps, weight_decay, amsgrad, decoupled=False)


def adamw(
    learning_rate: LearningRate = 1e-3,
    b1: float = 0.9,
    b2: float = 0.999,
    eps: float = 1e-8,
    weight_decay: float = 1e-2,
) -> Optimizer:
    """AdamW, as torch.optim.AdamW: Adam with the weight decay decoupled from the gradient.

    The parameters shrink by ``lr * weight_decay * p`` and take the step of :func:`adam`
    computed from the gradient alone: ``-lr * weight_decay * p - lr * m_hat / (sqrt(v_hat) +
    eps)``.

    Raises ValueError for a negative learning_rate, eps or weight_decay, or b1, b2 not in [0, 1).

    >>> opt = adamw(0.1, weight_decay=0.5)
    >>> [round(float(u), 6) for u in opt.update([2.0], opt.init([1.0]), [1.0])[0]]  # -0.05 - 0.1
    [-0.15]
    """
    return _adam("adamw", learning_rate, b1, b2, eps, weight_decay, False, decoupled=True)


def _adam(name, learning_rate, b1, b2, eps, weight_decay, amsgrad, decoupled) -> Optimizer:
    _check_arguments(name, learning_rate, {"b1": b1, "b2": b2}, eps=eps, weight_decay=weight_decay)

    def init(params: Any) -> AdamState:
        return AdamState(0, *_state_trees(f"{name}.init", params, True, True, amsgrad))

    def update(grads: Any, state: AdamState, params: Any = None) -> tuple[Any, AdamState]:
        lr = _learning_rate_at(f"{name}.update", learning_rate, state.step)
        t = state.step + 1
        decays = (0.0, lr * weight_decay) if decoupled else (weight_decay, 0.0)

        def leaf(grad: Any, first: Any, second: Any, max_second: Any) -> tuple:
            first = b1 * first + (1 - b1) * grad
            second = b2 * second + (1 - b2) * grad * grad
            if amsgrad:
                max_second = np.maximum(max_second, second)
            first_hat = first / (1 - b1**t)
            second_hat = (max_second if amsgrad else second) / (1 - b2**t)
            return -lr * first_hat / (np.sqrt(second_hat) + eps), first, second, max_second

        states = [state.first_moment, state.second_moment, state.max_second_moment]
        updates, *moments = _map_leaves(f"{name}.update", leaf, grads, params, states, *decays)
        return updates, AdamState(t, *moments)

    return Optimizer(init, update)


def rmsprop(
    learning_rate: LearningRate = 1e-2,
    alpha: float = 0.99,
    eps: float = 1e-8,
    momentum: float = 0.0,
    centered: bool = False,
    weight_decay: float = 0.0,
) -> Optimizer:
    """RMSprop, as torch.optim.RMSprop, optionally centered and with momentum.

    ``g <- g + weight_decay * p``; the square average, from 0, becomes ``v = alpha * v +
    (1 - alpha) * g**2``. The denominator is ``sqrt(v) + eps``, or when centered
    ``sqrt(v - a**2) + eps`` with the gradient average ``a = alpha * a + (1 - alpha) * g``.
    The update is ``-lr * g / denominator``; with momentum the buffer, from 0, becomes
    ``b = momentum * b + g / denominator`` and the update ``-lr * b``.

    Raises ValueError for a negative learning_rate, eps, momentum or weight_decay, or alpha not
    in [0, 1).

    >>> opt = rmsprop(0.01, alpha=0.75)
    >>> [round(float(u), 6) for u in opt.update([2.0], opt.init([1.0]))[0]]  # -0.01 * 2 / 2
    [-0.02]
    """
    nonnegative = {"eps": eps, "momentum": momentum, "weight_decay": weight_decay}
    _check_arguments("rmsprop", learning_rate, {"alpha": alpha}, **nonnegative)

    def init(params: Any) -> RMSpropState:
        return RMSpropState(0, *_state_trees("rmsprop.init", params, True, centered, momentum != 0))

    def update(grads: Any, state: RMSpropState, params: Any = None) -> tuple[Any, RMSpropState]:
        lr = _learning_rate_at("rmsprop.update", learning_rate, state.step)

        def leaf(grad: Any, square: Any, average: Any, buffer: Any) -> tuple:
            square = alpha * square + (1 - alpha) * grad * grad
            if centered:
                average = alpha * average + (1 - alpha) * grad
                # v - a**2 >= 0 in exact arithmetic; rounding could dip below 0 and give NaN.
                denominator = np.sqrt(np.maximum(square - average * average, 0)) + eps
            else:
                denominator = np.sqrt(square) + eps
            if not momentum:
                return -lr * grad / denominator, square, average, buffer
            buffer = momentum * buffer + grad / denominator
            return -lr * buffer, square, average, buffer

        states = [state.square_average, state.gradient_average, state.momentum_buffer]
        updates, *averages = _map_leaves(
            "rmsprop.update", leaf, grads, params, states, weight_decay
        )
        return updates, RMSpropState(state.step + 1, *averages)

    return Optimizer(init, update)


def adagrad(
    learning_rate: LearningRate = 1e-2,
    lr_decay: float = 0.0,
    eps: float = 1e-10,
    weight_decay: float = 0.0,
    initial_accumulator_value: float = 0.0,
) -> Optimizer:
    """Adagrad, as torch.optim.Adagrad.

    Update ``t`` has step size ``lr / (1 + (t - 1) * lr_decay)``; ``g <- g + weight_decay *
    p``; the sum ``s``, from initial_accumulator_value, grows by ``g**2``; the update is
    ``-step_size * g / (sqrt(s) + eps)``.

    Raises ValueError for a negative learning_rate, lr_decay, eps, weight_decay or
    initial_accumulator_value.

    >>> opt = adagrad(0.1)
    >>> [round(float(u), 6) for u in opt.update([2.0], opt.init([1.0]))[0]]  # -0.1 * 2 / sqrt(4)
    [-0.1]
    """
    nonnegative = {"lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay}
    nonnegative["initial_accumulator_value"] = initial_accumulator_value
    _check_arguments("adagrad", learning_rate, **nonnegative)

    def init(params: Any) -> AdagradState:
        value = initial_accumulator_value
        return AdagradState(0, *_state_trees("adagrad.init", params, True, value=value))

    def update(grads: Any, state: AdagradState, params: Any = None) -> tuple[Any, AdagradState]:
        lr = _learning_rate_at("adagrad.update", learning_rate, state.step)
        step_size = lr / (1 + state.step * lr_decay)

        def leaf(grad: Any, total: Any) -> tuple:
            total = total + grad * grad
            return -step_size * grad / (np.sqrt(total) + eps), total

        updates, total = _map_leaves(
            "adagrad.update", leaf, grads, params, [state.sum_of_squares], weight_decay
        )
        return updates, AdagradState(state.step + 1, total)

    return Optimizer(init, update)


def apply_updates(params: Any, updates: Any) -> Any:
    """``params + updates`` leaf by leaf; each parameter keeps its dtype and shape.

    Raises ValueError when the two trees differ in structure or in a leaf's shape.

    >>> apply_updates({"w": 1.0}, {"w": -0.25})
    {'w': array(0.75)}
    """
    param_leaves, treedef = tree_flatten(params)
    update_leaves = _matching_leaves(
        "apply_updates", treedef, param_leaves, updates, "params", "updates"
    )
    new_leaves = [
        np.asarray(param + update, dtype=np.asarray(param).dtype)
        for param, update in zip(param_leaves, update_leaves)
    ]
    return tree_unflatten(treedef, new_leaves)
