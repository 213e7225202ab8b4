"""W2: one training step's value and gradient for a 784-256-256-10 tanh MLP.

Softmax cross-entropy with integer labels, averaged over a batch of 128, written with
a stable log-softmax: the row maximum is subtracted as a constant (stop_gradient,
detach, getval; the derivative is the same with or without it). Parameters are a dict
pytree; the gradient is taken with respect to all six arrays. Here large matrix
products dominate, so the framework's overhead per operation matters little.
"""

from __future__ import annotations

import numpy as np

import chainrule as cr
import chainrule.numpy as cnp
from benchmarks.harness import Bench
from benchmarks.peers import Peers

TITLE = "MLP 784-256-256-10, batch 128, value and gradient"
LAYERS = (784, 256, 256, 10)
BATCH = 128
NAMES = ("W1", "b1", "W2", "b2", "W3", "b3")


def make_problem(dtype: type) -> tuple[dict, np.ndarray, np.ndarray]:
    """Parameters (scaled so the tanh units are neither saturated nor linear), inputs, labels."""
    rng = np.random.default_rng(2)
    params = {}
    for layer, (fan_in, fan_out) in enumerate(zip(LAYERS[:-1], LAYERS[1:]), start=1):
        params[f"W{layer}"] = (rng.standard_normal((fan_in, fan_out)) / np.sqrt(fan_in)).astype(
            dtype
        )
        params[f"b{layer}"] = (0.1 * rng.standard_normal(fan_out)).astype(dtype)
    inputs = rng.standard_normal((BATCH, LAYERS[0])).astype(dtype)
    labels = rng.integers(0, LAYERS[-1], BATCH)
    return params, inputs, labels


def loss_and_grad_by_hand(params: dict, inputs: np.ndarray, labels: np.ndarray) -> tuple:
    """Forward pass, then backpropagation written out layer by layer."""
    hidden1 = np.tanh(inputs @ params["W1"] + params["b1"])
    hidden2 = np.tanh(hidden1 @ params["W2"] + params["b2"])
    logits = hidden2 @ params["W3"] + params["b3"]
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(BATCH)
    loss = -log_probs[rows, labels].mean()
    # d loss / d logits = (softmax - one_hot) / batch
    logits_bar = np.exp(log_probs)
    logits_bar[rows, labels] -= 1
    logits_bar /= BATCH
    # through tanh: d tanh(a) = (1 - tanh(a)^2) da
    pre2_bar = (logits_bar @ params["W3"].T) * (1 - hidden2**2)
    pre1_bar = (pre2_bar @ params["W2"].T) * (1 - hidden1**2)
    grads = {
        "W1": inputs.T @ pre1_bar,
        "b1": pre1_bar.sum(axis=0),
        "W2": hidden1.T @ pre2_bar,
        "b2": pre2_bar.sum(axis=0),
        "W3": hidden2.T @ logits_bar,
        "b3": logits_bar.sum(axis=0),
    }
    return loss, grads


def _loss_chainrule(params, inputs, labels):
    hidden1 = cnp.tanh(inputs @ params["W1"] + params["b1"])
    hidden2 = cnp.tanh(hidden1 @ params["W2"] + params["b2"])
    logits = hidden2 @ params["W3"] + params["b3"]
    shifted = logits - cr.stop_gradient(cnp.max(logits, axis=1, keepdims=True))
    log_probs = shifted - cnp.log(cnp.sum(cnp.exp(shifted), axis=1, keepdims=True))
    picked = cnp.take_along_axis(log_probs, labels[:, None], axis=1)
    return -cnp.mean(picked)


def _autograd_loss(anp, getval):
    def loss(params, inputs, labels):
        hidden1 = anp.tanh(anp.dot(inputs, params["W1"]) + params["b1"])
        hidden2 = anp.tanh(anp.dot(hidden1, params["W2"]) + params["b2"])
        logits = anp.dot(hidden2, params["W3"]) + params["b3"]
        shifted = logits - getval(anp.max(logits, axis=1, keepdims=True))
        log_probs = shifted - anp.log(anp.sum(anp.exp(shifted), axis=1, keepdims=True))
        picked = log_probs[np.arange(BATCH), labels]
        return -anp.mean(picked)

    return loss


def _jax_loss(jax, jnp):
    def loss(params, inputs, labels):
        hidden1 = jnp.tanh(inputs @ params["W1"] + params["b1"])
        hidden2 = jnp.tanh(hidden1 @ params["W2"] + params["b2"])
        logits = hidden2 @ params["W3"] + params["b3"]
        shifted = logits - jax.lax.stop_gradient(jnp.max(logits, axis=1, keepdims=True))
        log_probs = shifted - jnp.log(jnp.sum(jnp.exp(shifted), axis=1, keepdims=True))
        picked = jnp.take_along_axis(log_probs, labels[:, None], axis=1)
        return -jnp.mean(picked)

    return loss


def _torch_run(torch, params, inputs, labels):
    weights = {k: torch.from_numpy(v.copy()).requires_grad_() for k, v in params.items()}
    inputs, labels = torch.from_numpy(inputs), torch.from_numpy(labels)

    def value_and_grad():
        hidden1 = torch.tanh(inputs @ weights["W1"] + weights["b1"])
        hidden2 = torch.tanh(hidden1 @ weights["W2"] + weights["b2"])
        logits = hidden2 @ weights["W3"] + weights["b3"]
        shifted = logits - logits.max(dim=1, keepdim=True).values.detach()
        log_probs = shifted - torch.log(torch.sum(torch.exp(shifted), dim=1, keepdim=True))
        loss = -torch.mean(torch.take_along_dim(log_probs, labels[:, None], dim=1))
        grads = torch.autograd.grad(loss, [weights[name] for name in NAMES])
        return loss, dict(zip(NAMES, grads))

    return value_and_grad


def _run_dtype(bench: Bench, peers: Peers, dtype: type) -> None:
    case = np.dtype(dtype).name
    params, inputs, labels = make_problem(dtype)
    expected = loss_and_grad_by_hand(params, inputs, labels)

    def measure(framework, fn, **options):
        bench.measure("W2", case, framework, fn, expected, **options)

    measure("numpy (hand)", lambda: loss_and_grad_by_hand(params, inputs, labels), is_limit=True)
    chainrule_step = cr.value_and_grad(_loss_chainrule)
    measure("chainrule", lambda: chainrule_step(params, inputs, labels))
    if peers.torch is not None:
        measure("torch eager", _torch_run(peers.torch, params, inputs, labels))
    if peers.autograd is not None:
        from autograd.tracer import getval

        autograd_step = peers.autograd.value_and_grad(_autograd_loss(peers.anp, getval))
        measure("autograd", lambda: autograd_step(params, inputs, labels))
    if peers.jax is not None:
        jax, jnp = peers.jax, peers.jnp
        step = jax.value_and_grad(_jax_loss(jax, jnp))
        compiled = jax.jit(step)
        arrays = ({k: jnp.asarray(v) for k, v in params.items()}, jnp.asarray(inputs))
        jax_labels = jnp.asarray(labels)
        measure("jax eager", lambda: jax.block_until_ready(step(*arrays, jax_labels)))
        measure("jax jit", lambda: jax.block_until_ready(compiled(*arrays, jax_labels)))


def run(bench: Bench, peers: Peers) -> None:
    for dtype in (np.float32, np.float64):
        _run_dtype(bench, peers, dtype)
