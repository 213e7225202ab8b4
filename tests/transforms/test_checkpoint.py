"""checkpoint: same values and derivatives in every mode and order, less memory, one re-run."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp


def _step(w, h, x):
    return cnp.tanh(w @ h + x)


def _segment(w, h, x, steps):
    for _ in range(steps):
        h = _step(w, h, x)
    return h


def _rnn_loss(w, x, h0, steps=12, segment=_segment, every=4):
    h = h0
    for start in range(0, steps, every):
        h = segment(w, h, x, min(every, steps - start))
    return cnp.sum(h**2)


@pytest.fixture
def rnn(rng):
    n = 5
    return rng.standard_normal((n, n)) / np.sqrt(n), rng.standard_normal(n), rng.standard_normal(n)


def test_gradient_is_the_same(rnn):
    w, x, h0 = rnn
    kept = cr.grad(_rnn_loss, argnums=(0, 1, 2))(w, x, h0)
    recomputed = cr.grad(
        lambda *a: _rnn_loss(*a, segment=cr.checkpoint(_segment)), argnums=(0, 1, 2)
    )(w, x, h0)
    for a, b in zip(kept, recomputed):
        np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize(
    "transform",
    [
        lambda f: cr.hessian(f),
        lambda f: cr.jacfwd(cr.grad(f)),
        lambda f: cr.jacrev(cr.grad(f)),
        lambda f: lambda x: cr.hvp(f, (x,), (np.linspace(-1, 1, x.size),))[0],
        lambda f: lambda x: cr.jvp(cr.grad(f), (x,), (np.linspace(-1, 1, x.size),))[1],
        lambda f: cr.jacfwd(f),
    ],
    ids=["hessian", "jacfwd(grad)", "jacrev(grad)", "hvp", "jvp(grad)", "jacfwd"],
)
def test_second_order_and_forward_mode(rnn, transform):
    w, x, h0 = rnn

    def plain(h):
        return _rnn_loss(w, x, h)

    def checkpointed(h):
        return _rnn_loss(w, x, h, segment=cr.checkpoint(_segment))

    np.testing.assert_allclose(
        transform(checkpointed)(h0), transform(plain)(h0), rtol=1e-12, atol=1e-14
    )


def test_against_finite_differences(rnn):
    w, x, h0 = rnn
    f = lambda w, x, h0: _rnn_loss(w, x, h0, segment=cr.checkpoint(_segment))
    cr.check_grads(f, (w, x, h0), order=2, modes=("fwd", "rev"))


def test_pytrees_keywords_and_static_arguments(rng):
    @cr.checkpoint
    def block(params, h, *, scale, repeat):
        for _ in range(repeat):
            h = cnp.sin(params["a"] * h) + params["b"]
        return {"h": h * scale, "norm": cnp.sum(h**2)}

    def loss(params, h):
        out = block(params, h, scale=2.0, repeat=3)
        return cnp.sum(out["h"]) + out["norm"]

    def loss_plain(params, h):
        out = block.__wrapped__(params, h, scale=2.0, repeat=3)
        return cnp.sum(out["h"]) + out["norm"]

    params = {"a": rng.standard_normal(3), "b": 0.5}
    h = rng.standard_normal(3)
    got = cr.grad(loss, argnums=(0, 1))(params, h)
    want = cr.grad(loss_plain, argnums=(0, 1))(params, h)
    np.testing.assert_allclose(got[0]["a"], want[0]["a"], rtol=1e-13)
    np.testing.assert_allclose(got[0]["b"], want[0]["b"], rtol=1e-13)
    np.testing.assert_allclose(got[1], want[1], rtol=1e-13)


def test_runs_once_more_on_the_backward_sweep_only():
    calls = []

    @cr.checkpoint
    def square(x):
        calls.append(1)
        return x * x

    assert square(3.0) == 9.0 and len(calls) == 1  # no transform: a plain call
    calls.clear()
    assert cr.grad(square)(3.0) == 6.0
    assert len(calls) == 2  # the forward pass and the recomputation
    calls.clear()
    assert cr.jvp(square, (3.0,), (1.0,))[1] == 6.0
    assert len(calls) == 1  # forward mode keeps nothing, so nothing is recomputed


def _peak_bytes(function, *args):
    tracemalloc.start()
    try:
        function(*args)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_grows_as_the_square_root_of_the_steps(rng):
    n = 200
    w = rng.standard_normal((n, n)) * 0.9 / np.sqrt(n)
    x, h0 = rng.standard_normal(n) * 0.1, rng.standard_normal(n) * 0.1
    segment = cr.checkpoint(_segment)

    def peaks(steps):
        every = int(np.sqrt(steps))
        plain = lambda w: _rnn_loss(w, x, h0, steps=steps, every=steps)
        ckpt = lambda w: _rnn_loss(w, x, h0, steps=steps, segment=segment, every=every)
        return _peak_bytes(cr.grad(plain), w), _peak_bytes(cr.grad(ckpt), w)

    plain_small, ckpt_small = peaks(100)
    plain_large, ckpt_large = peaks(1600)
    matrix = w.nbytes  # the gradient itself and one outer-product term are this large
    # Without checkpoints the tape grows with the steps (16x the steps, about 16x the
    # memory above the matrices); with them, as sqrt(steps) (4x).
    assert plain_large - 3 * matrix > 8 * (plain_small - 3 * matrix)
    assert ckpt_large - 3 * matrix < 6 * (ckpt_small - 3 * matrix)
    assert ckpt_large - 3 * matrix < (plain_large - 3 * matrix) / 3
