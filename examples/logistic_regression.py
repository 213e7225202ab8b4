"""Logistic regression, fitted three ways: SciPy's BFGS and Newton-CG with chainrule's exact
derivatives, and plain gradient descent with chainrule.optim.

    python examples/logistic_regression.py [--smoke]

The data are 400 labelled points of two overlapping Gaussian clouds; the loss is the mean
logistic loss plus an L2 penalty on the weights. When scikit-learn is installed its
LogisticRegression, with the same penalty, is fitted too as a check.
"""

from __future__ import annotations

import argparse

import numpy as np

import chainrule as cr
import chainrule.nn as nn
import chainrule.numpy as cnp
import chainrule.optim as optim
from chainrule.optimize import minimize

PENALTY = 1e-2  # L2 strength on the weights (not the bias)


def make_data(n: int = 400, seed: int = 0):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, n)
    centres = np.array([[-1.0, 0.5], [1.0, -0.5]])
    x = centres[labels] + rng.normal(scale=1.2, size=(n, 2))
    return x, labels.astype(np.float64)


def loss(params, x, y):
    logits = x @ params["w"] + params["b"]
    return nn.binary_cross_entropy_with_logits(logits, y) + 0.5 * PENALTY * cnp.sum(
        params["w"] ** 2
    )


def fit_gradient_descent(x, y, steps: int):
    params = {"w": np.zeros(2), "b": 0.0}
    optimizer = optim.sgd(learning_rate=0.5, momentum=0.9, nesterov=True)
    state = optimizer.init(params)
    gradient = cr.grad(loss)
    for _ in range(steps):
        updates, state = optimizer.update(gradient(params, x, y), state, params)
        params = optim.apply_updates(params, updates)
    return params


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="fewer gradient-descent steps")
    args = parser.parse_args(argv)
    x, y = make_data()
    x0 = {"w": np.zeros(2), "b": 0.0}
    results = {
        "BFGS": minimize(loss, x0, args=(x, y), method="BFGS", options={"gtol": 1e-9}),
        "Newton-CG (exact Hessian-vector products)": minimize(
            loss, x0, args=(x, y), method="Newton-CG", options={"xtol": 1e-10}
        ),
    }
    print(f"{'method':45} {'iterations':>10} {'loss':>12}   w, b")
    for name, result in results.items():
        w, b = result.x["w"], float(result.x["b"])
        print(f"{name:45} {result.nit:>10} {result.fun:>12.8f}   {np.round(w, 6)}, {b:.6f}")
    steps = 50 if args.smoke else 300
    descent = fit_gradient_descent(x, y, steps)
    value = float(loss(descent, x, y))
    print(
        f"{f'gradient descent (SGD, Nesterov, {steps} steps)':45} {steps:>10} {value:>12.8f}"
        f"   {np.round(descent['w'], 6)}, {float(descent['b']):.6f}"
    )
    best = results["BFGS"].x
    accuracy = nn.accuracy(
        np.stack([-(x @ best["w"] + best["b"]), x @ best["w"] + best["b"]], 1), y
    )
    print(f"training accuracy {accuracy:.1%}")
    out = {"results": results, "descent": descent, "accuracy": accuracy}
    try:
        from sklearn.linear_model import LogisticRegression
    except ImportError:
        return out
    # scikit-learn minimises 0.5 |w|^2 + C sum(log-loss): C = 1 / (PENALTY * n) is the same.
    model = LogisticRegression(C=1 / (PENALTY * len(y)), tol=1e-10, max_iter=10_000).fit(x, y)
    print(f"scikit-learn LogisticRegression: w = {np.round(model.coef_[0], 6)}, "
          f"b = {model.intercept_[0]:.6f}")  # fmt: skip
    out["sklearn"] = (model.coef_[0], model.intercept_[0])
    return out


if __name__ == "__main__":
    main()
