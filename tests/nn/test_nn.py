"""The neural-network toolkit: values against closed forms, derivatives against finite
differences in both modes to second order, stability at extreme inputs, and errors."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
import chainrule.nn as nn

X = np.array([[-2.0, -0.3, 0.4, 1.7], [0.9, -1.1, 2.5, -0.6]])


@pytest.mark.parametrize(
    ("activation", "closed_form"),
    [
        (nn.relu, lambda x: np.maximum(x, 0)),
        (nn.leaky_relu, lambda x: np.where(x > 0, x, 0.01 * x)),
        (nn.sigmoid, lambda x: 1 / (1 + np.exp(-x))),
        (nn.tanh, np.tanh),
        (nn.softplus, lambda x: np.log1p(np.exp(x))),
        (
            nn.gelu,
            lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3))),
        ),
        (nn.softmax, lambda x: np.exp(x) / np.exp(x).sum(axis=-1, keepdims=True)),
        (nn.log_softmax, lambda x: x - np.log(np.exp(x).sum(axis=-1, keepdims=True))),
    ],
)
def test_activations_match_their_closed_forms_and_derivatives(activation, closed_form):
    np.testing.assert_allclose(activation(X), closed_form(X), rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(activation(X[0, 1]), closed_form(X[0, 1]), rtol=1e-14)
    order = 1 if activation in (nn.relu, nn.leaky_relu) else 2  # kinks: first order only
    cr.check_grads(activation, (X,), order=order)


def test_stable_at_extreme_inputs():
    big = np.array([[1000.0, -1000.0, 0.0]])
    assert np.all(np.isfinite(nn.log_softmax(big)))
    np.testing.assert_allclose(nn.softmax(big), [[1.0, 0.0, 0.0]], atol=1e-300)
    assert nn.sigmoid(-800.0) == 0.0 and nn.sigmoid(800.0) == 1.0
    assert nn.softplus(800.0) == 800.0
    gradient = cr.grad(lambda z: nn.softmax_cross_entropy(z, np.array([1])))(big)
    np.testing.assert_allclose(gradient, [[1.0, -1.0, 0.0]], atol=1e-300)
    loss = nn.binary_cross_entropy_with_logits(np.array([-800.0, 800.0]), np.array([1.0, 0.0]))
    assert loss == 800.0  # exact, where log(sigmoid) would give inf


def test_softmax_cross_entropy_with_indices_and_one_hot():
    labels = np.array([3, 0])
    expected = -np.mean(np.log(np.exp(X) / np.exp(X).sum(1, keepdims=True))[[0, 1], labels])
    assert nn.softmax_cross_entropy(X, labels) == pytest.approx(expected, rel=1e-14)
    assert nn.softmax_cross_entropy(X, np.eye(4)[labels]) == pytest.approx(expected, rel=1e-14)
    # d loss / d logits = (softmax - one_hot) / batch
    softmax = np.exp(X) / np.exp(X).sum(1, keepdims=True)
    gradient = cr.grad(nn.softmax_cross_entropy)(X, labels)
    np.testing.assert_allclose(gradient, (softmax - np.eye(4)[labels]) / 2, rtol=1e-13)
    cr.check_grads(lambda z: nn.softmax_cross_entropy(z, labels), (X,), order=2)


def test_other_losses_and_accuracy():
    targets = np.array([1.0, 0.0, 1.0])
    logits = np.array([0.3, -1.2, 2.0])
    p = 1 / (1 + np.exp(-logits))
    expected = -np.mean(targets * np.log(p) + (1 - targets) * np.log(1 - p))
    assert nn.binary_cross_entropy_with_logits(logits, targets) == pytest.approx(expected)
    cr.check_grads(lambda z: nn.binary_cross_entropy_with_logits(z, targets), (logits,))
    assert nn.mse(np.array([1.0, 3.0]), np.array([0.0, 1.0])) == 2.5
    assert nn.accuracy(X, np.array([3, 2])) == 1.0
    assert nn.accuracy(X, np.eye(4)[[0, 2]]) == 0.5


def test_mlp_shapes_gradients_and_initialisers():
    rng = np.random.default_rng(1)
    params = nn.mlp_init(rng, [4, 16, 3])
    assert [(p["w"].shape, p["b"].shape) for p in params] == [((4, 16), (16,)), ((16, 3), (3,))]
    assert np.all(params[0]["b"] == 0)
    out = nn.mlp(params, X)
    hidden = np.maximum(X @ params[0]["w"] + params[0]["b"], 0)
    np.testing.assert_allclose(out, hidden @ params[1]["w"] + params[1]["b"], rtol=1e-14)
    labels = np.array([0, 2])
    grads = cr.grad(lambda p: nn.softmax_cross_entropy(nn.mlp(p, X), labels))(params)
    step = 1e-6
    bumped = [dict(layer) for layer in params]
    bumped[1] = {**params[1], "b": params[1]["b"] + np.array([step, 0, 0])}
    lowered = [dict(layer) for layer in params]
    lowered[1] = {**params[1], "b": params[1]["b"] - np.array([step, 0, 0])}
    numeric = (
        nn.softmax_cross_entropy(nn.mlp(bumped, X), labels)
        - nn.softmax_cross_entropy(nn.mlp(lowered, X), labels)
    ) / (2 * step)
    assert grads[1]["b"][0] == pytest.approx(numeric, rel=1e-7)

    big = np.random.default_rng(2)
    w = nn.he_normal(big, (400, 300))
    assert w.std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    w = nn.glorot_uniform(big, (400, 300))
    assert np.abs(w).max() <= np.sqrt(6 / 700) and w.std() == pytest.approx(
        np.sqrt(2 / 700), rel=0.02
    )
    assert nn.he_uniform(big, (50, 20)).max() <= np.sqrt(6 / 50)
    assert nn.glorot_normal(big, (300, 300)).std() == pytest.approx(np.sqrt(1 / 300), rel=0.03)


def test_batches_cover_the_data_once_per_epoch():
    x, y = np.arange(20.0).reshape(10, 2), np.arange(10)
    rng = np.random.default_rng(0)
    seen = [b for b in nn.batches(rng, x, y, batch_size=3)]
    assert [len(b[1]) for b in seen] == [3, 3, 3, 1]
    assert sorted(np.concatenate([b[1] for b in seen]).tolist()) == list(range(10))
    for bx, by in seen:
        np.testing.assert_array_equal(bx[:, 0], 2 * by)  # rows stay paired
    assert [len(b[0]) for b in nn.batches(rng, y, batch_size=3, drop_last=True)] == [3, 3, 3]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: nn.softmax_cross_entropy(X, np.array([0, 4])), r"labels must lie in \[0, 4\)"),
        (lambda: nn.softmax_cross_entropy(X, np.zeros((2, 3))), "fit neither"),
        (lambda: nn.mlp_init(np.random.default_rng(), [3]), "needs an input and an output"),
        (lambda: nn.he_normal(np.random.default_rng(), (3,)), "use zeros"),
        (lambda: list(nn.batches(None, np.ones(3), np.ones(4), batch_size=2)), "lengths"),
        (lambda: list(nn.batches(None, np.ones(3), batch_size=0)), "positive integer"),
    ],
)
def test_errors_say_what_to_do(call, message):
    with pytest.raises(ValueError, match=message):
        call()
