"""Dense layers and a multi-layer perceptron: parameters in, a function of ``(params, x)`` out."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from chainrule.nn.activations import relu
from chainrule.nn.initializers import glorot_uniform, he_normal, zeros


def dense_init(
    rng: np.random.Generator,
    n_in: int,
    n_out: int,
    init: Callable[[np.random.Generator, tuple], np.ndarray] = glorot_uniform,
) -> dict[str, np.ndarray]:
    """Parameters of a dense layer: ``{"w": (n_in, n_out), "b": (n_out,)}``."""
    return {"w": init(rng, (n_in, n_out)), "b": zeros((n_out,))}


def dense(params: dict[str, Any], x: Any) -> Any:
    """x @ w + b, for ``x`` of shape (batch, n_in) or (n_in,)."""
    return x @ params["w"] + params["b"]


def mlp_init(
    rng: np.random.Generator,
    sizes: Sequence[int],
    init: Callable[[np.random.Generator, tuple], np.ndarray] = he_normal,
) -> list[dict[str, np.ndarray]]:
    """Parameters of a perceptron with layer widths ``sizes`` (inputs first, outputs last).

    He initialisation by default, which suits the ReLU hidden layers of `mlp`.
    """
    if len(sizes) < 2:
        raise ValueError(f"mlp_init: sizes={list(sizes)} needs an input and an output width")
    return [dense_init(rng, n_in, n_out, init) for n_in, n_out in zip(sizes[:-1], sizes[1:])]


def mlp(
    params: Sequence[dict[str, Any]],
    x: Any,
    activation: Callable[[Any], Any] = relu,
) -> Any:
    """The perceptron's outputs (logits): ``activation`` after every layer but the last."""
    for layer in params[:-1]:
        x = activation(dense(layer, x))
    return dense(params[-1], x)
