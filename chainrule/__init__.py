"""chainrule: exact derivatives of Python + NumPy code, forward and reverse mode, any order.

>>> import chainrule as cr, chainrule.numpy as cnp
>>> f = lambda x1, x2, x3: cnp.sin(cnp.cos(x1 + x2)) ** 2 + x3
>>> [round(float(g), 6) for g in cr.grad(f, argnums=(0, 1, 2))(1.0, 2.0, 3.0)]
[0.12947, 0.12947, 1.0]
"""

from typing import Any

import chainrule.numpy  # noqa: F401  (installs the array interface of traced values)
from chainrule import tree
from chainrule.explainer import (
    CostReport,
    Explanation,
    Graph,
    capture,
    cost,
    explain,
    html_report,
)
from chainrule.primitives.control import stop_gradient_p
from chainrule.testing import check_grads
from chainrule.transforms import (
    checkpoint,
    custom_jvp,
    custom_vjp,
    grad,
    hessian,
    hvp,
    jacfwd,
    jacobian,
    jacrev,
    jvp,
    value_and_grad,
    vjp,
)

__version__ = "0.1.0"


def stop_gradient(x: Any) -> Any:
    """``x`` as a constant: no derivative flows through it, at any level (pytrees too).

    >>> import chainrule as cr
    >>> float(cr.grad(lambda x: x * cr.stop_gradient(x))(3.0))
    3.0
    """
    return tree.tree_map(stop_gradient_p, x)


__all__ = [
    "CostReport",
    "Explanation",
    "Graph",
    "capture",
    "check_grads",
    "checkpoint",
    "cost",
    "custom_jvp",
    "custom_vjp",
    "explain",
    "grad",
    "hessian",
    "html_report",
    "hvp",
    "jacfwd",
    "jacobian",
    "jacrev",
    "jvp",
    "stop_gradient",
    "tree",
    "value_and_grad",
    "vjp",
]
