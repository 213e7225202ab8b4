"""Activation functions, written stably with chainrule.numpy so they differentiate to any order.

Each takes an array (or a traced value) and returns one of the same shape; `softmax` and
`log_softmax` work along ``axis`` (the last by default).
"""

from __future__ import annotations

from typing import Any

import numpy as np

import chainrule.numpy as cnp
from chainrule.primitives.control import stop_gradient_p


def relu(x: Any) -> Any:
    """max(x, 0). Its derivative at 0 is 0 (docs/conventions.md)."""
    return cnp.maximum(x, 0.0)


def leaky_relu(x: Any, negative_slope: float = 0.01) -> Any:
    """x for x > 0, ``negative_slope`` * x otherwise."""
    return cnp.where(x > 0, x, negative_slope * x)


def sigmoid(x: Any) -> Any:
    """1 / (1 + exp(-x)), as (1 + tanh(x / 2)) / 2: no overflow for large |x|."""
    return 0.5 * (cnp.tanh(0.5 * x) + 1.0)


def tanh(x: Any) -> Any:
    """The hyperbolic tangent."""
    return cnp.tanh(x)


def softplus(x: Any) -> Any:
    """log(1 + exp(x)), as logaddexp(0, x): exact for large x, no overflow."""
    return cnp.logaddexp(0.0, x)


def gelu(x: Any) -> Any:
    """The Gaussian error linear unit in its tanh approximation (as in GPT-2 and BERT)."""
    inner = np.sqrt(2.0 / np.pi) * (x + 0.044715 * x**3)
    return 0.5 * x * (1.0 + cnp.tanh(inner))


def log_softmax(x: Any, axis: int = -1) -> Any:
    """x - log(sum(exp(x))) along ``axis``, computed after subtracting the maximum.

    The maximum is held constant (the result does not depend on it), so its
    derivative, undefined at ties, never enters.
    """
    shift = stop_gradient_p(cnp.max(x, axis=axis, keepdims=True))
    shifted = x - shift
    return shifted - cnp.log(cnp.sum(cnp.exp(shifted), axis=axis, keepdims=True))


def softmax(x: Any, axis: int = -1) -> Any:
    """exp(x) / sum(exp(x)) along ``axis``, computed stably."""
    return cnp.exp(log_softmax(x, axis=axis))
