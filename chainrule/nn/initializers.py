"""Random initial weights: Glorot (Xavier) for tanh and sigmoid layers, He for ReLU layers.

Each takes a NumPy ``Generator`` and a shape ``(fan_in, fan_out, ...)`` and returns a
float64 array; the scale follows Glorot & Bengio (2010) and He et al. (2015).
"""

from __future__ import annotations

import numpy as np


def _fans(shape: tuple[int, ...], caller: str) -> tuple[int, int]:
    if len(shape) < 2:
        raise ValueError(
            f"{caller}: shape {shape} has no fan-in and fan-out; pass (fan_in, fan_out), "
            f"and use zeros() for biases"
        )
    receptive = int(np.prod(shape[2:])) if len(shape) > 2 else 1
    return shape[0] * receptive, shape[1] * receptive


def glorot_uniform(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Uniform on [-a, a] with a = sqrt(6 / (fan_in + fan_out))."""
    fan_in, fan_out = _fans(tuple(shape), "glorot_uniform")
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape)


def glorot_normal(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Normal with standard deviation sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = _fans(tuple(shape), "glorot_normal")
    return rng.normal(0.0, np.sqrt(2.0 / (fan_in + fan_out)), size=shape)


def he_uniform(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Uniform on [-a, a] with a = sqrt(6 / fan_in)."""
    fan_in, _ = _fans(tuple(shape), "he_uniform")
    limit = np.sqrt(6.0 / fan_in)
    return rng.uniform(-limit, limit, size=shape)


def he_normal(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Normal with standard deviation sqrt(2 / fan_in)."""
    fan_in, _ = _fans(tuple(shape), "he_normal")
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=shape)


def zeros(shape: tuple[int, ...]) -> np.ndarray:
    """Zeros, for biases."""
    return np.zeros(shape)
