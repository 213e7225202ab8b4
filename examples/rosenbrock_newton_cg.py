"""Rosenbrock's function minimised by Newton-CG with exact Hessian-vector products, by BFGS,
and by plain gradient descent: how many iterations each needs.

    python examples/rosenbrock_newton_cg.py [--smoke]

Newton-CG gets `hessp` from `cr.hvp` (the Hessian times a vector without forming the
Hessian, a small multiple of a gradient's cost) through `chainrule.optimize.minimize`.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import chainrule as cr
import chainrule.optim as optim
from chainrule.optimize import minimize


def rosenbrock(x):
    return (100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2).sum()


def gradient_descent(x0, learning_rate: float, tolerance: float, max_steps: int):
    """Fixed-step gradient descent until the gradient's norm is below ``tolerance``."""
    optimizer = optim.sgd(learning_rate)
    state, x = optimizer.init(x0), x0
    gradient = cr.grad(rosenbrock)
    for step in range(1, max_steps + 1):
        g = gradient(x)
        if np.linalg.norm(g) < tolerance:
            return x, step - 1
        updates, state = optimizer.update(g, state, x)
        x = optim.apply_updates(x, updates)
    return x, max_steps


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="cap gradient descent early")
    args = parser.parse_args(argv)
    rows = []
    for x0 in (np.array([-1.2, 1.0]), np.full(100, -1.0)):
        for method, options in (("Newton-CG", {"xtol": 1e-8}), ("BFGS", {"gtol": 1e-6})):
            start = time.perf_counter()
            result = minimize(rosenbrock, x0, method=method, options=options)
            seconds = time.perf_counter() - start
            products = getattr(result, "nhev", 0)
            rows.append((len(x0), method, result.nit, result.nfev, result.njev, products,
                         np.abs(result.x - 1).max(), seconds))  # fmt: skip
    max_steps = 2_000 if args.smoke else 200_000
    start = time.perf_counter()
    x, steps = gradient_descent(np.array([-1.2, 1.0]), 1.5e-3, 1e-6, max_steps)
    rows.append((2, "gradient descent (step 1.5e-3)", steps, steps, steps, 0,
                 np.abs(x - 1).max(), time.perf_counter() - start))  # fmt: skip
    header = f"{'n':>4}  {'method':32} {'iterations':>10} {'f evals':>8} {'gradients':>9}"
    print(header + f" {'H·v':>6} {'max |x - 1|':>12} {'seconds':>8}")
    for n, method, nit, nfev, njev, nhev, error, seconds in rows:
        print(f"{n:>4}  {method:32} {nit:>10} {nfev:>8} {njev:>9} {nhev:>6} {error:>12.2e}"
              f" {seconds:>8.3f}")  # fmt: skip
    return {"rows": rows}


if __name__ == "__main__":
    main()
