"""Fit the four parameters of the Lotka-Volterra predator-prey equations to noisy data,
differentiating through a hand-written Runge-Kutta loop.

    python examples/ode_fit.py [--smoke]

    prey'     = a prey - b prey predator
    predator' = d prey predator - c predator

The model integrates the equations with classic fourth-order Runge-Kutta in a plain Python
loop over chainrule.numpy operations; `chainrule.optimize.least_squares` gets the exact
Jacobian of the residuals through every step of that loop (forward mode: 4 parameters,
many residuals).
"""

from __future__ import annotations

import argparse

import numpy as np

import chainrule.numpy as cnp
from chainrule.optimize import least_squares

TRUE = np.array([1.0, 0.1, 0.075, 1.5])  # a, b, d, c
START = np.array([10.0, 5.0])  # prey, predators at t = 0


def derivative(state, parameters):
    prey, predator = state[0], state[1]
    a, b, d, c = parameters[0], parameters[1], parameters[2], parameters[3]
    return cnp.stack([a * prey - b * prey * predator, d * prey * predator - c * predator])


def simulate(parameters, times, substeps: int = 4):
    """The state at each of ``times`` (evenly spaced, from 0), by RK4 with ``substeps``
    steps between observations."""
    h = (times[1] - times[0]) / substeps
    state = cnp.asarray(START)
    states = [state]
    for _ in range(len(times) - 1):
        for _ in range(substeps):
            k1 = derivative(state, parameters)
            k2 = derivative(state + 0.5 * h * k1, parameters)
            k3 = derivative(state + 0.5 * h * k2, parameters)
            k4 = derivative(state + h * k3, parameters)
            state = state + (h / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
        states.append(state)
    return cnp.stack(states)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="a shorter time span")
    args = parser.parse_args(argv)
    times = np.linspace(0.0, 6.0 if args.smoke else 10.0, 31 if args.smoke else 51)
    rng = np.random.default_rng(0)
    clean = np.asarray(simulate(TRUE, times))
    data = clean * (1 + 0.05 * rng.normal(size=clean.shape))  # 5% noise

    def residuals(parameters):
        return (simulate(parameters, times) - data).reshape(-1)

    guess = np.array([0.8, 0.15, 0.05, 1.2])
    result = least_squares(residuals, guess)
    print(f"{len(times)} observations of prey and predators, 5% noise")
    print(f"{'parameter':>10} {'true':>8} {'start':>8} {'fitted':>10}")
    for name, true, start, fitted in zip("abdc", TRUE, guess, result.x):
        print(f"{name:>10} {true:>8.4f} {start:>8.4f} {fitted:>10.4f}")
    print(f"{result.nfev} evaluations, {result.njev} Jacobians, cost {result.cost:.4f}")
    return {"result": result, "times": times, "data": data}


if __name__ == "__main__":
    main()
