"""Steps of the random scientific programs that order values: sorting, partitioning,
quantiles, extremes and spreads, and NaN-ignoring reductions. They act on values at
least 0.4 apart (0.3 tanh(a) plus distinct integers), so that no tie is ever met."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from properties.programs import (
    Operand,
    Shapes,
    Step,
    distinct_offsets,
    drawn_axis,
    gather,
    operand,
    seeded,
    step_maker,
)


def distinct(draw, shapes: Shapes, a: Operand | None = None):
    """(text, function, shape): 0.3 tanh(a) + (0, 1, 2, ... in random order), a an operand."""
    a = operand(draw, shapes) if a is None else a
    offsets = distinct_offsets(seeded(draw), a.shape(shapes))

    def fn(v, x, y, xp):
        return 0.3 * xp.tanh(a(v, x, y, xp)) + offsets

    return f"distinct({a})", fn, offsets.shape


def ramp(shape: tuple, axis) -> np.ndarray:
    """1, 1.5, 2, ... along ``axis`` (along the flattened array for None), so that a later
    sum still sees the order the values were put in."""
    length = int(np.prod(shape, dtype=int)) if axis is None else shape[axis]
    values = 1 + 0.5 * np.arange(length)
    if axis is None:
        return values
    return values.reshape([length if i == axis % len(shape) else 1 for i in range(len(shape))])


@step_maker("sort", "take_along_axis", "partition")
def _sorting(draw, shapes: Shapes, kind: str) -> Step:
    text, values, shape = distinct(draw, shapes)
    axis = draw(st.sampled_from([None, drawn_axis(draw, len(shape))]))
    weights = ramp(shape, axis)
    if kind == "sort":
        return Step(
            f"sort({text}, axis={axis}) * ramp",
            lambda v, x, y, xp: xp.sort(values(v, x, y, xp), axis=axis) * weights,
        )
    if kind == "partition":
        length = weights.shape[0] if axis is None else shape[axis]
        kth = draw(st.integers(-length, length - 1) | st.just((0, length - 1)))
        return Step(
            f"partition({text}, {kth}, axis={axis}) * ramp",
            lambda v, x, y, xp: xp.partition(values(v, x, y, xp), kth, axis=axis) * weights,
        )
    b = gather(draw, shapes, shape)

    def reordered(v, x, y, xp):
        order = xp.argsort(values(v, x, y, xp), axis=axis)  # integers: no derivative
        other = b(v, x, y, xp)
        if axis is None:
            other = xp.ravel(other)
        return xp.take_along_axis(other, order, axis=axis) * weights

    return Step(f"take_along_axis({b}, argsort({text}), axis={axis}) * ramp", reordered)


QUANTILE_METHODS = ["linear", "midpoint", "lower", "higher", "nearest", "hazen", "weibull"]


@step_maker("quantile", "percentile", "median", "ptp", "max", "min")
def _order_statistics(draw, shapes: Shapes, kind: str) -> Step:
    text, values, shape = distinct(draw, shapes)
    axis = draw(st.sampled_from([None, drawn_axis(draw, len(shape))]))
    keepdims = draw(st.booleans())
    if kind in ("median", "ptp", "max", "min"):
        function = kind
        return Step(
            f"{kind}({text}, axis={axis}, keepdims={keepdims})",
            lambda v, x, y, xp: getattr(xp, function)(
                values(v, x, y, xp), axis=axis, keepdims=keepdims
            ),
        )
    q = draw(st.sampled_from([0.3, 0.5, 0.9, (0.1, 0.75), 0.0, 1.0]))
    q = np.array(q) if isinstance(q, tuple) else q
    if kind == "percentile":
        q = 100 * q
    method = draw(st.sampled_from(QUANTILE_METHODS))
    function = kind
    return Step(
        f"{kind}({text}, {q}, axis={axis}, method={method!r}, keepdims={keepdims})",
        lambda v, x, y, xp: getattr(xp, function)(
            values(v, x, y, xp), q, axis=axis, method=method, keepdims=keepdims
        ),
    )


def _at_least_two(draw) -> tuple:
    """A shape whose last axis has at least two entries."""
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    return shape[:-1] + (max(shape[-1], 2),)


@step_maker("var", "std")
def _spread(draw, shapes: Shapes, kind: str) -> Step:
    # Over two or more distinct values the variance is positive, so std is smooth.
    text, values, shape = distinct(draw, shapes, gather(draw, shapes, _at_least_two(draw)))
    axis = draw(st.sampled_from([None] + [i for i, n in enumerate(shape) if n >= 2]))
    ddof = draw(st.integers(0, 1))
    function = kind
    return Step(
        f"{kind}({text}, axis={axis}, ddof={ddof})",
        lambda v, x, y, xp: getattr(xp, function)(values(v, x, y, xp), axis=axis, ddof=ddof),
    )


NAN_KINDS = (
    "nansum nanmean nanprod nanvar nanstd nanmedian nanquantile nanpercentile nanmax nanmin "
    "nancumsum nancumprod"
).split()


@step_maker(*NAN_KINDS)
def _nan_reductions(draw, shapes: Shapes, kind: str) -> Step:
    a = gather(draw, shapes, _at_least_two(draw))
    text, values, shape = distinct(draw, shapes, a)
    axis = draw(st.sampled_from([None] + [i for i, n in enumerate(shape) if n >= 2]))
    # At least two numbers in every reduced slice (nanstd with ddof=1 needs two).
    mask = seeded(draw).random(shape) < 0.6
    mask |= np.sum(mask, axis=axis, keepdims=True) < 2
    if kind in ("nanprod", "nancumprod"):
        text = f"1 + 0.5 sin({a})"  # factors in [0.5, 1.5]: products stay moderate
        values = _bounded_factors(a)
    kwargs = {}
    if kind in ("nanvar", "nanstd"):
        kwargs["ddof"] = draw(st.integers(0, 1))
    if kind in ("nanquantile", "nanpercentile"):
        q = draw(st.sampled_from([0.3, 0.5, 0.8]))
        kwargs["q"] = 100 * q if kind == "nanpercentile" else q
    function = kind
    return Step(
        f"{kind}(where(mask, {text}, nan), axis={axis}, {kwargs})",
        lambda v, x, y, xp: getattr(xp, function)(
            xp.where(mask, values(v, x, y, xp), np.nan), axis=axis, **kwargs
        ),
    )


def _bounded_factors(a: Operand):
    def fn(v, x, y, xp):
        return 1 + 0.5 * xp.sin(a(v, x, y, xp))

    return fn


ORDER_STATISTICS_STEPS = [_sorting, _order_statistics, _spread, _nan_reductions]
