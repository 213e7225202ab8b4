"""A small neural-network toolkit in chainrule's functional style.

Parameters are plain pytrees (dicts and lists of arrays), layers are functions of
``(params, x)``, losses are functions of arrays: `cr.grad` differentiates them and
`chainrule.optim` updates them. Only what the examples need; no framework.

>>> import numpy as np, chainrule as cr, chainrule.nn as nn
>>> rng = np.random.default_rng(0)
>>> params = nn.mlp_init(rng, [4, 8, 3])
>>> x, labels = rng.normal(size=(5, 4)), np.array([0, 2, 1, 0, 2])
>>> loss = lambda p: nn.softmax_cross_entropy(nn.mlp(p, x), labels)
>>> grads = cr.grad(loss)(params)
>>> [g["w"].shape for g in grads]
[(4, 8), (8, 3)]
"""

from chainrule.nn.activations import (
    gelu,
    leaky_relu,
    log_softmax,
    relu,
    sigmoid,
    softmax,
    softplus,
    tanh,
)
from chainrule.nn.batching import batches
from chainrule.nn.initializers import glorot_normal, glorot_uniform, he_normal, he_uniform, zeros
from chainrule.nn.layers import dense, dense_init, mlp, mlp_init
from chainrule.nn.losses import (
    accuracy,
    binary_cross_entropy_with_logits,
    mse,
    softmax_cross_entropy,
)

__all__ = [
    "accuracy",
    "batches",
    "binary_cross_entropy_with_logits",
    "dense",
    "dense_init",
    "gelu",
    "glorot_normal",
    "glorot_uniform",
    "he_normal",
    "he_uniform",
    "leaky_relu",
    "log_softmax",
    "mlp",
    "mlp_init",
    "mse",
    "relu",
    "sigmoid",
    "softmax",
    "softmax_cross_entropy",
    "softplus",
    "tanh",
    "zeros",
]
