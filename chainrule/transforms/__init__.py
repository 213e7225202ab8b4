"""The public transforms: derivatives of whole functions, built on the engine."""

from chainrule.transforms.checkpoint import checkpoint
from chainrule.transforms.custom import custom_jvp, custom_vjp
from chainrule.transforms.differentiate import grad, jvp, value_and_grad, vjp
from chainrule.transforms.jacobian import hessian, hvp, jacfwd, jacobian, jacrev

__all__ = [
    "checkpoint",
    "custom_jvp",
    "custom_vjp",
    "grad",
    "hessian",
    "hvp",
    "jacfwd",
    "jacobian",
    "jacrev",
    "jvp",
    "value_and_grad",
    "vjp",
]
