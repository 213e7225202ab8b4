"""The seed demonstration that `python -m chainrule` shows with no arguments.

f(x1, x2, x3) = sin(cos(x1 + x2))^2 + x3 at a point: its value, the gradient by
forward mode (one sweep per input) and by reverse mode (one sweep for all inputs),
the gradient derived by hand, and a finite-difference estimate with its error; then
the graph, the forward sweep for x2 and the reverse sweep step by step, and what
each mode costs (SEED-EXAMPLE.md made automatic).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import chainrule as cr
import chainrule.numpy as cnp


def seed_function(x1, x2, x3):
    """The seed example: f1 = x1 + x2, f2 = sin(cos(f1))^2, f3 = f2 + x3."""
    return cnp.sin(cnp.cos(x1 + x2)) ** 2 + x3


def seed_gradient_by_hand(x1: float, x2: float, x3: float) -> tuple[float, float, float]:
    """d f / d(x1, x2, x3) from the chain rule worked by hand.

    d f2 / d f1 = 2 sin(cos f1) cos(cos f1) (-sin f1) = -sin(2 cos f1) sin f1,
    and d f1 / d x1 = d f1 / d x2 = 1, d f / d x3 = 1.
    """
    f1 = x1 + x2
    slope = -math.sin(2 * math.cos(f1)) * math.sin(f1)
    return slope, slope, 1.0


def _forward_gradient(point: Sequence[float]) -> list[float]:
    gradient = []
    for i in range(3):  # one forward sweep per input direction
        direction = tuple(1.0 if j == i else 0.0 for j in range(3))
        gradient.append(float(cr.jvp(seed_function, tuple(point), direction)[1]))
    return gradient


def _finite_differences(point: Sequence[float], step: float) -> list[float]:
    base = float(seed_function(*point))
    estimate = []
    for i in range(3):  # forward differences, as in the article: one extra run per input
        moved = list(point)
        moved[i] += step
        estimate.append((float(seed_function(*moved)) - base) / step)
    return estimate


def demo(point: Sequence[float] = (1.0, 2.0, 3.0), step: float = 1e-6, sweeps: bool = True) -> str:
    """The demonstration text for the seed example at ``point``; with ``sweeps``, also
    the graph, both sweeps step by step and the cost comparison."""
    value, reverse = cr.value_and_grad(seed_function, argnums=(0, 1, 2))(*point)
    reverse = [float(g) for g in reverse]
    forward = _forward_gradient(point)
    exact = list(seed_gradient_by_hand(*point))
    numeric = _finite_differences(point, step)
    at = ", ".join(f"x{i + 1} = {v:g}" for i, v in enumerate(point))
    lines = [
        "chainrule: the seed example",
        "  f(x1, x2, x3) = sin(cos(x1 + x2))^2 + x3",
        f"  at {at}:  f = {float(value):.15g}",
        "",
        f"  {'':38}{'df/dx1':>20}{'df/dx2':>20}{'df/dx3':>20}",
    ]
    rows = [
        ("forward mode (3 sweeps, 1 per input)", forward),
        ("reverse mode (1 sweep, all inputs)", reverse),
        ("exact, derived by hand", exact),
        (f"finite differences (d = {step:g})", numeric),
        ("  error of finite differences", [n - e for n, e in zip(numeric, exact)]),
        ("  error of forward mode", [f - e for f, e in zip(forward, exact)]),
        ("  error of reverse mode", [r - e for r, e in zip(reverse, exact)]),
    ]
    for label, values in rows:
        lines.append(f"  {label:38}" + "".join(f"{v:>20.12g}" for v in values))
    lines += [
        "",
        "Both modes agree with the hand-derived gradient to rounding; finite differences",
        "are off in the 7th digit or so and need one extra run of f per input.",
    ]
    if sweeps:
        lines += ["", "", *_sweeps(point)]
    return "\n".join(lines)


def article_f(x1, x2, x3):
    """The seed example under the name the article gives it, f, for listings and tables."""
    return seed_function(x1, x2, x3)


article_f.__name__ = article_f.__qualname__ = "f"


def _sweeps(point: Sequence[float]) -> list[str]:
    graph = cr.capture(article_f)(*point)
    rule = "=" * 88
    return [
        rule,
        "The computational graph: the steps f ran, in order (f1 = t1, f2 = t2..t4, f3 = t5)",
        rule,
        str(graph),
        "",
        rule,
        "Forward mode for df/dx2: one tangent carried from x2 to the output",
        rule,
        str(cr.explain(article_f, *point, mode="forward", wrt="x2")),
        "",
        rule,
        "Reverse mode: one adjoint carried from the output back to every input",
        rule,
        str(cr.explain(article_f, *point, mode="reverse")),
        "",
        rule,
        "What each mode costs for the whole gradient",
        rule,
        str(cr.cost(article_f, *point, budget=0.2)),
        "",
        'See it for any expression: chainrule explain "sin(cos(x1 + x2))**2 + x3" '
        "--at x1=1 x2=2 x3=3 --html seed.html",
    ]
