"""Steps of the random scientific programs from the rest of NumPy: differences, gradients
and integrals, cumulative sums and products, convolution and correlation, polynomials,
Vandermonde, Kronecker and cross products, interpolation and weighted averages."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from properties.programs import Shapes, Step, drawn_axis, gather, operand, seeded, step_maker


def _long_enough(draw, shapes: Shapes, length: int):
    """An operand with at least ``length`` entries along a drawn axis, and that axis."""
    a = operand(draw, shapes)
    shape = a.shape(shapes)
    axes = [i for i, n in enumerate(shape) if n >= length]
    if not axes:
        shape = tuple(draw(st.lists(st.integers(1, 3), max_size=2))) + (length,)
        a, axes = gather(draw, shapes, shape), [len(shape) - 1]
    return a, shape, draw(st.sampled_from(axes))


@step_maker("diff", "ediff1d", "gradient", "trapezoid")
def _differences(draw, shapes: Shapes, kind: str) -> Step:
    a, shape, axis = _long_enough(draw, shapes, 3)
    if kind == "diff":
        n = draw(st.integers(1, 2))
        prepend = draw(st.sampled_from([None, 0.5]))
        kwargs = {} if prepend is None else {"prepend": prepend}
        return Step(
            f"diff({a}, n={n}, axis={axis}, prepend={prepend})",
            lambda v, x, y, xp: xp.diff(a(v, x, y, xp), n=n, axis=axis, **kwargs),
        )
    if kind == "ediff1d":
        ends = draw(st.sampled_from([{}, {"to_begin": 1.0}, {"to_end": [0.5, -2.0]}]))
        return Step(f"ediff1d({a}, {ends})", lambda v, x, y, xp: xp.ediff1d(a(v, x, y, xp), **ends))
    # Sample points: increasing, 0.5 to 1.5 apart.
    points = np.cumsum(seeded(draw).uniform(0.5, 1.5, shape[axis]))
    spacing = draw(st.sampled_from([(), (0.5,), (points,)]))
    if kind == "gradient":
        edge_order = draw(st.integers(1, 2))
        return Step(
            f"gradient({a}, *{spacing}, axis={axis}, edge_order={edge_order})",
            lambda v, x, y, xp: xp.gradient(
                a(v, x, y, xp), *spacing, axis=axis, edge_order=edge_order
            ),
        )
    if draw(st.booleans()):
        b = gather(draw, shapes, (shape[axis],))

        def traced_points(v, x, y, xp):  # increasing sample points that depend on v
            return xp.cumsum(1 + 0.4 * xp.tanh(b(v, x, y, xp)))

        return Step(
            f"trapezoid({a}, x=cumsum(1 + 0.4 tanh({b})), axis={axis})",
            lambda v, x, y, xp: xp.trapezoid(
                a(v, x, y, xp), x=traced_points(v, x, y, xp), axis=axis
            ),
        )
    kwargs = {"x": spacing[0]} if spacing and np.ndim(spacing[0]) else {"dx": 0.5}
    return Step(
        f"trapezoid({a}, {kwargs}, axis={axis})",
        lambda v, x, y, xp: xp.trapezoid(a(v, x, y, xp), axis=axis, **kwargs),
    )


@step_maker("cumsum", "cumprod", "cumulative_sum", "cumulative_prod")
def _cumulative(draw, shapes: Shapes, kind: str) -> Step:
    a = operand(draw, shapes)
    axis = drawn_axis(draw, len(a.shape(shapes)))
    if kind.endswith("sum"):
        text, terms = f"{a}", a
    else:
        # Factors in [0.5, 1.5], zero-free: a product of up to 48 of them stays moderate.
        text = f"1 + 0.5 sin({a})"

        def terms(v, x, y, xp):
            return 1 + 0.5 * xp.sin(a(v, x, y, xp))

    function = kind
    kwargs = {"include_initial": draw(st.booleans())} if kind.startswith("cumulative") else {}
    return Step(
        f"{kind}({text}, axis={axis}, {kwargs})",
        lambda v, x, y, xp: getattr(xp, function)(terms(v, x, y, xp), axis=axis, **kwargs),
    )


@step_maker("convolve", "correlate", "polyval", "polyder", "polyint", "vander", "kron", "cross")
def _products(draw, shapes: Shapes, kind: str) -> Step:
    p = gather(draw, shapes, (draw(st.integers(1, 5)),))
    if kind in ("convolve", "correlate"):
        q = gather(draw, shapes, (draw(st.integers(1, 4)),))
        mode = draw(st.sampled_from(["full", "same", "valid"]))
        function = kind
        return Step(
            f"{kind}({p}, {q}, mode={mode!r})",
            lambda v, x, y, xp: getattr(xp, function)(p(v, x, y, xp), q(v, x, y, xp), mode=mode),
        )
    if kind == "polyval":
        at = operand(draw, shapes, min_ndim=0)
        return Step(
            f"polyval({p}, tanh({at}))",
            lambda v, x, y, xp: xp.polyval(p(v, x, y, xp), xp.tanh(at(v, x, y, xp))),
        )
    if kind == "polyder":
        m = draw(st.integers(1, 2))
        return Step(f"polyder({p}, {m})", lambda v, x, y, xp: xp.polyder(p(v, x, y, xp), m))
    if kind == "polyint":
        m, k = draw(st.integers(1, 2)), draw(st.sampled_from([0.0, 1.5]))
        return Step(
            f"polyint({p}, {m}, k={k})", lambda v, x, y, xp: xp.polyint(p(v, x, y, xp), m, k)
        )
    if kind == "vander":
        columns, increasing = draw(st.sampled_from([None, 2, 4])), draw(st.booleans())
        return Step(
            f"vander(tanh({p}), {columns}, increasing={increasing})",
            lambda v, x, y, xp: xp.vander(xp.tanh(p(v, x, y, xp)), columns, increasing),
        )
    if kind == "kron":
        shape_a = tuple(draw(st.lists(st.integers(1, 3), min_size=1, max_size=2)))
        shape_b = tuple(draw(st.lists(st.integers(1, 3), min_size=1, max_size=2)))
        a, b = gather(draw, shapes, shape_a), gather(draw, shapes, shape_b)
        return Step(f"kron({a}, {b})", lambda v, x, y, xp: xp.kron(a(v, x, y, xp), b(v, x, y, xp)))
    batch = draw(st.sampled_from([(), (2,), (2, 1)]))
    a, b = gather(draw, shapes, batch + (3,)), gather(draw, shapes, (3,))
    return Step(f"cross({a}, {b})", lambda v, x, y, xp: xp.cross(a(v, x, y, xp), b(v, x, y, xp)))


@step_maker()
def _interpolation(draw, shapes: Shapes, kind: str) -> Step:
    k = draw(st.integers(2, 5))
    rng = seeded(draw)
    knots, values = gather(draw, shapes, (k,)), gather(draw, shapes, (k,))
    at = operand(draw, shapes, min_ndim=0)
    # Knots 0, 1, ..., k-1 moved by at most 0.1; each query point 0.5 + 0.3 tanh(a) from
    # the middle of a fixed interval (or from -0.5 or k - 0.5, outside): always at least
    # 0.1 from a knot, where interp is not differentiable.
    interval = rng.integers(-1, k, at.shape(shapes)).astype(float)

    def fn(v, x, y, xp):
        queries = interval + 0.5 + 0.3 * xp.tanh(at(v, x, y, xp))
        moved_knots = np.arange(k) + 0.1 * xp.tanh(knots(v, x, y, xp))
        return xp.interp(queries, moved_knots, values(v, x, y, xp))

    return Step(f"interp(query from {at}, knots from {knots}, values {values})", fn)


@step_maker("weights", "weights along the axis", "returned")
def _average(draw, shapes: Shapes, kind: str) -> Step:
    a = operand(draw, shapes)
    shape = a.shape(shapes)
    axis = draw(st.sampled_from([None, drawn_axis(draw, len(shape))]))
    if kind == "weights along the axis":
        axis = drawn_axis(draw, len(shape)) if axis is None else axis
    w = gather(draw, shapes, (shape[axis],) if kind == "weights along the axis" else shape)

    def fn(v, x, y, xp):
        # Positive weights 0.5 + expit(w): the total weight is never zero.
        weights = 0.5 + 1 / (1 + xp.exp(-w(v, x, y, xp)))
        if kind != "returned":
            return xp.average(a(v, x, y, xp), axis=axis, weights=weights)
        mean, total = xp.average(a(v, x, y, xp), axis=axis, weights=weights, returned=True)
        return mean * total

    return Step(f"average({a}, axis={axis}, weights=0.5 + expit({w})) {kind}", fn)


NUMPY_STEPS = [_differences, _cumulative, _products, _interpolation, _average]
