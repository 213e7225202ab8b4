"""Losses (means over the batch) and accuracy."""

from __future__ import annotations

from typing import Any

import numpy as np

import chainrule.numpy as cnp
from chainrule.nn.activations import log_softmax


def softmax_cross_entropy(logits: Any, labels: Any) -> Any:
    """Mean of -log softmax(logits)[label] over the batch.

    ``logits`` has shape (batch, classes); ``labels`` are class indices (batch,) or
    one-hot / probability rows (batch, classes).
    """
    log_probabilities = log_softmax(logits, axis=-1)
    labels = np.asarray(labels)
    if labels.ndim == np.ndim(logits) - 1 and labels.dtype.kind in "iu":
        classes = np.shape(logits)[-1]
        if labels.size and (labels.min() < 0 or labels.max() >= classes):
            raise ValueError(
                f"softmax_cross_entropy: labels must lie in [0, {classes}), the number of "
                f"classes of logits; got {labels.min()} to {labels.max()}"
            )
        labels = np.eye(classes)[labels]
    elif labels.shape != np.shape(logits):
        raise ValueError(
            f"softmax_cross_entropy: labels of shape {labels.shape} fit neither logits "
            f"{np.shape(logits)} (one-hot) nor {np.shape(logits)[:-1]} (class indices)"
        )
    return -cnp.mean(cnp.sum(labels * log_probabilities, axis=-1))


def binary_cross_entropy_with_logits(logits: Any, targets: Any) -> Any:
    """Mean of the logistic loss, -t log sigmoid(z) - (1 - t) log(1 - sigmoid(z)),
    as softplus(z) - t z: no overflow and no log(0)."""
    return cnp.mean(cnp.logaddexp(0.0, logits) - targets * logits)


def mse(predictions: Any, targets: Any) -> Any:
    """Mean of the squared differences."""
    return cnp.mean((predictions - targets) ** 2)


def accuracy(logits: Any, labels: Any) -> float:
    """The fraction of rows whose largest logit is at the label (plain arrays)."""
    logits, labels = np.asarray(logits), np.asarray(labels)
    if labels.ndim == logits.ndim:  # one-hot rows
        labels = labels.argmax(axis=-1)
    return float(np.mean(logits.argmax(axis=-1) == labels))
