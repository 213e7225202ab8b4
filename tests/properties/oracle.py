"""The float64 oracle of the property tests: derivatives by central differences with
Richardson extrapolation, computed on plain arrays (NumPy and SciPy alone), and the
comparisons of chainrule's JVPs and VJPs with them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import chainrule as cr

TOLERANCE = 1e-7  # relative to 1 + the largest entry of the expected derivative


def richardson_derivative(f: Callable, args: Sequence, directions: Sequence, h: float = 1e-3):
    """d/dt f(args + t directions) at t = 0: central differences, Richardson to O(h**6).

    >>> float(richardson_derivative(np.sin, (0.5,), (2.0,)))  # 2 cos(0.5)
    1.755165123781
    """

    def central(step):
        plus = f(*[a + step * d for a, d in zip(args, directions)])
        minus = f(*[a - step * d for a, d in zip(args, directions)])
        return (np.asarray(plus) - np.asarray(minus)) / (2 * step)

    return _extrapolate([central(h), central(h / 2), central(h / 4)])


def richardson_second_derivative(
    f: Callable, args: Sequence, u: Sequence, w: Sequence, h: float = 4e-3
):
    """d2/ds dt f(args + s u + t w) at 0 (= u^T H w): mixed central differences, O(h**6).

    >>> float(richardson_second_derivative(lambda a, b: a * a * b, (1.0, 2.0), (1.0, 0.0),
    ...                                    (0.0, 1.0)))  # d2/da db (a^2 b) = 2a
    2.0
    """

    def mixed(step):
        def at(s, t):
            return f(*[a + s * du + t * dw for a, du, dw in zip(args, u, w)])

        return (at(step, step) - at(step, -step) - at(-step, step) + at(-step, -step)) / (
            4 * step * step
        )

    return _extrapolate([mixed(h), mixed(h / 2), mixed(h / 4)])


def _extrapolate(estimates):
    """Richardson's table for an error series in h**2, h**4: halving h each time."""
    first = [(4 * fine - coarse) / 3 for coarse, fine in zip(estimates, estimates[1:])]
    return (16 * first[1] - first[0]) / 15


def assert_close(actual: Any, expected: Any, what: str, tolerance: float = TOLERANCE) -> None:
    """Equal shapes, and entries within ``tolerance`` of the scale 1 + max|expected|."""
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} vs {expected.shape}"
    scale = 1.0 + np.max(np.abs(expected), initial=0.0)
    error = np.max(np.abs(actual - expected), initial=0.0)
    assert error <= tolerance * scale, f"{what}: error {error:.3g} at scale {scale:.3g}"


def inner(a: Sequence, b: Sequence) -> float:
    """The real inner product sum_i <a_i, b_i> of two tuples of real arrays."""
    return float(sum(np.vdot(np.asarray(p), np.asarray(q)) for p, q in zip(a, b)))


def scalar_or_array(value: np.ndarray) -> Any:
    """A 0-d array as a NumPy scalar (the way users pass scalars), others unchanged."""
    return value[()] if np.ndim(value) == 0 else value


def random_like(rng: np.random.Generator, *values: Any) -> tuple:
    """Standard normal arrays (or scalars) of the shapes of ``values``."""
    return tuple(scalar_or_array(rng.standard_normal(np.shape(v))) for v in values)


def check_jvp_and_vjp(
    program: Callable, args: tuple, rng: np.random.Generator, value_rtol: float = 1e-13
) -> None:
    """The program's value equals its plain-array run; its JVP in a random direction equals
    the oracle's; its VJP satisfies <J^T c, u> = <c, J u> with J u from the oracle."""
    directions = random_like(rng, *args)
    expected_out = program(*args)  # plain arrays: NumPy and SciPy alone
    expected_tangent = richardson_derivative(program, args, directions)

    out, tangent = cr.jvp(program, args, directions)
    np.testing.assert_allclose(out, expected_out, rtol=value_rtol, atol=value_rtol / 10)
    assert_close(tangent, expected_tangent, "jvp")

    out, vjp_fn = cr.vjp(program, *args)
    (cotangent,) = random_like(rng, out)
    pulled_back = vjp_fn(cotangent)
    assert [np.shape(a) for a in pulled_back] == [np.shape(a) for a in args]
    expected = inner((cotangent,), (expected_tangent,))
    assert_close(inner(pulled_back, directions), expected, "vjp")
