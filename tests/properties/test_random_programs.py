"""Randomly generated NumPy programs: derivatives against an independent float64 oracle.

Hypothesis composes programs from smooth elementwise functions, broadcasting binary
operations with the two inputs, reductions over random axes, reshapes, transposes,
slicing and integer-array indexing, matmul and einsum, concatenation, stacking and
small loops, written with either `np` (through NumPy's protocols) or `cnp`. The oracle
runs the same program on plain arrays (NumPy alone) and takes central differences
with Richardson extrapolation; JVPs, VJPs, gradients and Hessians must agree with it
to about 1e-7 relative to the size of the derivative.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from properties.oracle import (
    assert_close,
    check_jvp_and_vjp,
    inner,
    random_like,
    richardson_derivative,
    richardson_second_derivative,
    scalar_or_array,
)

import chainrule as cr
import chainrule.numpy as cnp

SETTINGS = settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
MAX_SIZE = 48  # largest intermediate array a program may build
MAX_NDIM = 5


# ---------------------------------------------------------------- the programs


@dataclass(frozen=True)
class Step:
    """One step ``v -> fn(v, x, y, xp)``; ``text`` is what Hypothesis prints."""

    text: str
    fn: Callable[..., Any]

    def __repr__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Program:
    """A chain of steps applied to the first input; steps may also read both inputs."""

    steps: tuple
    xp: Any

    def __call__(self, x: Any, y: Any) -> Any:
        v = x
        for step in self.steps:
            v = step.fn(v, x, y, self.xp)
        return v

    def __repr__(self) -> str:
        return f"Program(xp={self.xp.__name__}, steps={list(self.steps)})"


# Functions that are smooth and of moderate growth on the whole real line.
UNARY = {
    "sin": lambda v, xp: xp.sin(v),
    "cos": lambda v, xp: xp.cos(v),
    "tanh": lambda v, xp: xp.tanh(v),
    "arctan": lambda v, xp: xp.arctan(v),
    "arcsinh": lambda v, xp: xp.arcsinh(v),
    "softplus": lambda v, xp: xp.logaddexp(v, 0.0),
    "log1p(v*v)": lambda v, xp: xp.log1p(v * v),
    "sqrt(1+v**2)": lambda v, xp: xp.sqrt(1.0 + v**2),
    "exp(tanh)": lambda v, xp: xp.exp(xp.tanh(v)),
    "v/(1+v*v)": lambda v, xp: v / (1.0 + v * v),
    "v*sin(v)": lambda v, xp: v * xp.sin(v),
    "exp(-v**2/2)": lambda v, xp: xp.exp(-0.5 * xp.square(v)),
}

# Binary operations between the running value and an input (broadcasting).
BINARY = {
    "+": lambda v, o, xp: v + o,
    "-": lambda v, o, xp: v - xp.sin(o),
    "*": lambda v, o, xp: v * o,
    "/(2+o*o)": lambda v, o, xp: v / (2.0 + o * o),
    "hypot(v,1+o*o)": lambda v, o, xp: xp.hypot(v, 1.0 + o * o),
    "arctan2(v,2+o*o)": lambda v, o, xp: xp.arctan2(v, 2.0 + o * o),
}

REDUCTIONS = {
    "sum": lambda v, xp, **k: xp.sum(v, **k),
    "mean": lambda v, xp, **k: xp.mean(v, **k),
    "prod": lambda v, xp, **k: xp.prod(v, **k),
}

LETTERS = "abcdef"


def _unary(draw, shape):
    name = draw(st.sampled_from(sorted(UNARY)))
    fn = UNARY[name]
    return Step(name, lambda v, x, y, xp: fn(v, xp))


def _binary(draw, shape, input_shapes):
    usable = [i for i, s in enumerate(input_shapes) if _broadcasts(shape, s)]
    if not usable:
        return _unary(draw, shape)
    which = draw(st.sampled_from(usable))
    name = draw(st.sampled_from(sorted(BINARY)))
    fn = BINARY[name]
    return Step(f"v {name} {'xy'[which]}", lambda v, x, y, xp: fn(v, (x, y)[which], xp))


def _reduction(draw, shape):
    name = draw(st.sampled_from(sorted(REDUCTIONS)))
    fn = REDUCTIONS[name]
    ndim = len(shape)
    axis = draw(
        st.one_of(
            st.none(),
            st.integers(-ndim, ndim - 1) if ndim else st.none(),
            st.lists(st.integers(0, max(ndim - 1, 0)), unique=True, max_size=ndim).map(tuple),
        )
    )
    keepdims = draw(st.booleans())
    return Step(
        f"{name}(axis={axis}, keepdims={keepdims})",
        lambda v, x, y, xp: fn(v, xp, axis=axis, keepdims=keepdims),
    )


def _reshape(draw, shape):
    size = int(np.prod(shape, dtype=int))
    squeezed = tuple(n for n in shape if n != 1)
    options = [(-1,), tuple(reversed(shape)), (1,) + tuple(shape), squeezed]
    if size % 2 == 0:
        options.append((2, -1))
    new_shape = draw(st.sampled_from(options))
    return Step(f"reshape{new_shape}", lambda v, x, y, xp: xp.reshape(v, new_shape))


def _transpose(draw, shape):
    axes = tuple(draw(st.permutations(range(len(shape)))))
    return Step(f"transpose{axes}", lambda v, x, y, xp: xp.transpose(v, axes))


def _index(draw, shape):
    n = shape[0]
    kind = draw(st.sampled_from(["int", "slice", "int_array", "last_axis_array", "mask"]))
    if kind == "int":
        index = draw(st.integers(-n, n - 1))
    elif kind == "slice":
        start = draw(st.one_of(st.none(), st.integers(-n, n - 1)))
        stop = draw(st.one_of(st.none(), st.integers(-n, n)))
        step = draw(st.sampled_from([None, 1, 2, -1]))
        index = slice(start, stop, step)
        if not range(n)[index]:
            index = slice(None, None, -1)
    elif kind == "int_array" or len(shape) < 2:
        index = np.array(draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=4)))
    elif kind == "last_axis_array":
        m = shape[-1]
        positions = np.array(draw(st.lists(st.integers(-m, m - 1), min_size=1, max_size=3)))
        index = (Ellipsis, positions)
    else:
        flat = draw(st.lists(st.booleans(), min_size=n, max_size=n))
        index = np.array(flat) if any(flat) else np.ones(n, bool)
    return Step(f"v[{_show(index)}]", lambda v, x, y, xp: v[index])


def _matmul(draw, shape):
    columns = draw(st.integers(1, 3))
    rng = np.random.default_rng(draw(st.integers(0, 1000)))
    w = rng.standard_normal((shape[-1], columns)) / np.sqrt(shape[-1])
    return Step(f"v @ W{w.shape}", lambda v, x, y, xp: v @ w)


def _einsum(draw, shape):
    s = LETTERS[: len(shape)]
    if draw(st.booleans()):  # a quadratic form over the last axis
        subscripts = f"{s},{s}->{s[:-1]}"
        return Step(
            f"einsum({subscripts!r}, v, v)",
            lambda v, x, y, xp: xp.einsum(subscripts, v, v) / shape[-1],
        )
    rng = np.random.default_rng(draw(st.integers(0, 1000)))
    w = rng.standard_normal((shape[-1], 2)) / np.sqrt(shape[-1])
    subscripts = f"{s},{s[-1]}z->z{s[:-1]}"
    return Step(f"einsum({subscripts!r}, v, W)", lambda v, x, y, xp: xp.einsum(subscripts, v, w))


def _join(draw, shape):
    ndim = len(shape)
    if draw(st.booleans()):
        axis = draw(st.integers(-ndim, ndim - 1))
        return Step(
            f"concatenate([v, cos(v)], axis={axis})",
            lambda v, x, y, xp: xp.concatenate([v, xp.cos(v)], axis=axis),
        )
    axis = draw(st.integers(-ndim - 1, ndim))
    return Step(
        f"stack([v, tanh(v)], axis={axis})",
        lambda v, x, y, xp: xp.stack([v, xp.tanh(v)], axis=axis),
    )


def _loop(draw, shape):
    count = draw(st.integers(2, 4))

    def fn(v, x, y, xp):
        for _ in range(count):
            v = 0.8 * v + 0.2 * xp.sin(v)
        return v

    return Step(f"{count} x (v = 0.8 v + 0.2 sin v)", fn)


STEP_MAKERS = {
    "unary": _unary,
    "loop": _loop,
    "reduction": _reduction,
    "reshape": _reshape,
    "transpose": _transpose,
    "index": _index,
    "matmul": _matmul,
    "einsum": _einsum,
    "join": _join,
}


def _broadcasts(a, b):
    try:
        np.broadcast_shapes(a, b)
    except ValueError:
        return False
    return True


def _show(index):
    if isinstance(index, tuple):
        return ", ".join(_show(i) for i in index)
    if isinstance(index, np.ndarray):
        return f"np.array({index.tolist()})"
    if index is Ellipsis:
        return "..."
    return repr(index)


@st.composite
def input_shapes(draw):
    x_shape = tuple(draw(st.lists(st.integers(1, 3), max_size=3)))
    # y broadcasts against x: trailing axes of x, some of them set to 1.
    kept = x_shape[draw(st.integers(0, len(x_shape))) :]
    y_shape = tuple(1 if draw(st.booleans()) else n for n in kept)
    return x_shape, y_shape


@st.composite
def programs(draw):
    x_shape, y_shape = draw(input_shapes())
    probes = (np.full(x_shape, 0.5), np.full(y_shape, 0.5))
    value = probes[0]
    steps = []
    for _ in range(draw(st.integers(1, 6))):
        shape = np.shape(value)
        kinds = ["unary", "binary", "loop", "reduction", "reshape"]
        if len(shape) >= 1:
            kinds += ["transpose", "index", "matmul", "einsum", "join"]
        kind = draw(st.sampled_from(kinds))
        if kind == "binary":
            step = _binary(draw, shape, (x_shape, y_shape))
        else:
            step = STEP_MAKERS[kind](draw, shape)
        new_value = step.fn(value, *probes, np)
        if not 0 < np.size(new_value) <= MAX_SIZE or np.ndim(new_value) > MAX_NDIM:
            continue
        steps.append(step)
        value = new_value
    steps.append(_unary(draw, np.shape(value)))  # end on a nonlinear step
    xp = draw(st.sampled_from([np, cnp]))
    return Program(tuple(steps), xp), x_shape, y_shape


@st.composite
def cases(draw):
    program, x_shape, y_shape = draw(programs())
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = scalar_or_array(rng.uniform(-1.5, 1.5, x_shape))
    y = scalar_or_array(rng.uniform(-1.5, 1.5, y_shape))
    return program, x, y, rng


# ---------------------------------------------------------------- the properties


@SETTINGS
@given(cases())
def test_jvp_and_vjp_match_finite_differences(case):
    program, x, y, rng = case
    check_jvp_and_vjp(program, (x, y), rng)


@SETTINGS
@given(cases())
def test_gradient_and_hessian_match_finite_differences(case):
    program, x, y, rng = case
    (weights,) = random_like(rng, program(x, y))

    def loss(x, y):
        out = program(x, y)
        return cnp.sum(weights * out + 0.25 * out * out)

    u, w = random_like(rng, x, y)
    grad_x, grad_y = cr.grad(loss, argnums=(0, 1))(x, y)
    assert_close(
        inner((grad_x, grad_y), (u, w)), richardson_derivative(loss, (x, y), (u, w)), "grad"
    )

    blocks = cr.hessian(loss, argnums=(0, 1))(x, y)
    sizes = (np.size(x), np.size(y))
    hessian = np.block(
        [[np.reshape(blocks[i][j], (sizes[i], sizes[j])) for j in range(2)] for i in range(2)]
    )
    np.testing.assert_allclose(hessian, hessian.T, rtol=1e-9, atol=1e-9 * (1 + abs(hessian).max()))
    for _ in range(2):
        (u, w), (p, q) = random_like(rng, x, y), random_like(rng, x, y)
        left = np.concatenate([np.ravel(u), np.ravel(w)])
        right = np.concatenate([np.ravel(p), np.ravel(q)])
        assert_close(
            left @ hessian @ right,
            richardson_second_derivative(loss, (x, y), (u, w), (p, q)),
            "hessian",
        )
