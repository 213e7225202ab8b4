"""chainrule.optim: gradient-descent optimisers, learning-rate schedules and gradient clipping.

Functional, in the spirit of optax: parameters are plain pytrees of float arrays, an
optimiser is an ``(init, update)`` pair and its state is an immutable value that ``update``
returns anew. The update equations are PyTorch's (torch.optim), with its argument names.

>>> import numpy as np
>>> import chainrule as cr
>>> import chainrule.numpy as cnp
>>> import chainrule.optim as optim
>>> def loss(params):
...     return cnp.sum((params["w"] - 3.0) ** 2) + params["b"] ** 2
>>> params = {"w": np.zeros(2), "b": 1.0}
>>> opt = optim.adam(learning_rate=optim.exponential_decay(0.1, gamma=0.99))
>>> state = opt.init(params)
>>> for _ in range(500):
...     grads = cr.grad(loss)(params)
...     updates, state = opt.update(grads, state, params)
...     params = optim.apply_updates(params, updates)
>>> np.round(params["w"], 3), round(float(params["b"]), 3)
(array([3., 3.]), 0.0)
"""

from chainrule.optim.clipping import EmptyState, chain, clip_by_global_norm, global_norm
from chainrule.optim.optimizers import (
    AdagradState,
    AdamState,
    LearningRate,
    Optimizer,
    RMSpropState,
    SGDState,
    adagrad,
    adam,
    adamw,
    apply_updates,
    rmsprop,
    sgd,
)
from chainrule.optim.schedules import (
    Schedule,
    constant,
    cosine_decay,
    exponential_decay,
    step_decay,
    warmup,
)

__all__ = [
    "AdagradState",
    "AdamState",
    "EmptyState",
    "LearningRate",
    "Optimizer",
    "RMSpropState",
    "SGDState",
    "Schedule",
    "adagrad",
    "adam",
    "adamw",
    "apply_updates",
    "chain",
    "clip_by_global_norm",
    "constant",
    "cosine_decay",
    "exponential_decay",
    "global_norm",
    "rmsprop",
    "sgd",
    "step_decay",
    "warmup",
]
