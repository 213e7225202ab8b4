"""capture(f): run a function once and return its computational graph."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

from chainrule.core.graph import capture_flat
from chainrule.explainer.graph import Graph
from chainrule.tree import tree_flatten, tree_unflatten

_VALUE_TYPES = (np.ndarray, np.generic, float, int, complex, bool)


def capture(f: Callable[..., Any]) -> Callable[..., Graph]:
    """``capture(f)(*args)`` runs ``f`` once and returns the Graph of what it computed.

    Every float array or number among the positional arguments (pytree leaves included)
    is an input, named after ``f``'s parameters (``w[0]``, ``w[1]`` for a pytree
    argument); integers, booleans and other objects are passed through unchanged;
    the graph lists each primitive the run applied, with its values. Loops appear
    unrolled and branches as taken, as in every chainrule transform.

    >>> import chainrule as cr, chainrule.numpy as cnp
    >>> graph = cr.capture(lambda x1, x2, x3: cnp.sin(cnp.cos(x1 + x2)) ** 2 + x3)(1.0, 2.0, 3.0)
    >>> print(graph)
    f(x1, x2, x3):
      x1: f64[] = 1
      x2: f64[] = 2
      x3: f64[] = 3
      t1 = add(x1, x2)                        # f64[] 3
      t2 = cos(t1)                            # f64[] -0.989992
      t3 = sin(t2)                            # f64[] -0.836022
      t4 = power(t3, 2)                       # f64[] 0.698933
      t5 = add(t4, x3)                        # f64[] 3.69893
      return t5
    """

    @functools.wraps(f)
    def captured(*args: Any) -> Graph:
        names = _parameter_names(f, len(args))
        leaves, static, labels = [], [], []
        trees = []
        for name, arg in zip(names, args):
            arg_leaves, treedef = tree_flatten(arg)
            trees.append(treedef)
            for index, leaf in enumerate(arg_leaves):
                value = np.asarray(leaf) if isinstance(leaf, _VALUE_TYPES) else None
                if value is not None and value.dtype.kind in "fc":
                    leaves.append(value[()] if value.ndim == 0 else value)
                    labels.append(name if len(arg_leaves) == 1 else f"{name}[{index}]")
                    static.append(None)
                else:
                    static.append(leaf)

        def flat(*values: Any) -> list:
            values_iter = iter(values)
            filled = [next(values_iter) if s is None else s for s in static]
            rebuilt, start = [], 0
            for treedef in trees:
                rebuilt.append(tree_unflatten(treedef, filled[start : start + treedef.num_leaves]))
                start += treedef.num_leaves
            out_leaves, _ = tree_flatten(f(*rebuilt))
            return out_leaves

        inputs, equations, outputs = capture_flat(flat, leaves, labels)
        return Graph(_function_name(f), inputs, equations, outputs)

    return captured


def _parameter_names(f: Callable[..., Any], count: int) -> list[str]:
    try:
        parameters = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):
        parameters = []
    names = []
    for position in range(count):
        parameter = parameters[position] if position < len(parameters) else None
        if parameter is None or parameter.kind is inspect.Parameter.VAR_POSITIONAL:
            names.append(f"x{position + 1}")
        else:
            names.append(parameter.name)
    return names


def _function_name(f: Callable[..., Any]) -> str:
    name = getattr(f, "__name__", "")
    return name if name.isidentifier() else "f"  # '<lambda>' reads better as f
