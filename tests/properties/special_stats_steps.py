"""Steps of the random scientific programs from scipy.special and scipy.stats, each on
arguments mapped into its smooth domain (positive via softplus, in (0, 1) via expit)."""

from __future__ import annotations

from hypothesis import strategies as st
from properties.programs import (
    Shapes,
    Step,
    draw_matrices,
    drawn_axis,
    gather,
    operand,
    special,
    stats,
    step_maker,
)


def _softplus(a, xp):
    return xp.logaddexp(a, 0.0)


def _unit_interval(a, sp):
    """expit(a) squeezed into [0.05, 0.95]: away from the poles of logit and ndtri."""
    return 0.05 + 0.9 * sp("expit", a)(a)


# Functions of two operands a and b and of xp; sp(name, *values) picks SciPy's function
# or chainrule's (programs.special).
ELEMENTWISE = {
    "erf": lambda a, b, xp, sp: sp("erf", a)(a),
    "erfc": lambda a, b, xp, sp: sp("erfc", a)(a),
    "expit": lambda a, b, xp, sp: sp("expit", a)(a),
    "log_expit": lambda a, b, xp, sp: sp("log_expit", a)(a),
    "ndtr": lambda a, b, xp, sp: sp("ndtr", a)(a),
    "log_ndtr": lambda a, b, xp, sp: sp("log_ndtr", a)(a),
    "erfcx(softplus(a))": lambda a, b, xp, sp: sp("erfcx", a)(_softplus(a, xp)),
    "erfinv(0.9 tanh(a))": lambda a, b, xp, sp: sp("erfinv", a)(0.9 * xp.tanh(a)),
    "ndtri(unit(a))": lambda a, b, xp, sp: sp("ndtri", a)(_unit_interval(a, sp)),
    "logit(unit(a))": lambda a, b, xp, sp: sp("logit", a)(_unit_interval(a, sp)),
    # i0e(t) = exp(-|t|) I0(t) has a kink at 0: keep t >= 1.
    "i0e(1 + a*a)": lambda a, b, xp, sp: sp("i0e", a)(1 + a * a),
    "i1e(1 + a*a)": lambda a, b, xp, sp: sp("i1e", a)(1 + a * a),
    "gammaln(0.3 + softplus(a))": lambda a, b, xp, sp: sp("gammaln", a)(0.3 + _softplus(a, xp)),
    "digamma(0.3 + softplus(a))": lambda a, b, xp, sp: sp("digamma", a)(0.3 + _softplus(a, xp)),
    "gammainc(2.5, softplus(a))": lambda a, b, xp, sp: sp("gammainc", a)(2.5, _softplus(a, xp)),
    "xlogy(a, 0.5 + b*b)": lambda a, b, xp, sp: sp("xlogy", a, b)(a, 0.5 + b * b),
    "xlog1py(b, softplus(a))": lambda a, b, xp, sp: sp("xlog1py", a, b)(b, _softplus(a, xp)),
    "betaln(0.5 + a*a, 1 + b*b)": lambda a, b, xp, sp: sp("betaln", a, b)(0.5 + a * a, 1 + b * b),
}


@step_maker(*sorted(ELEMENTWISE))
def _elementwise(draw, shapes: Shapes, name: str) -> Step:
    a = operand(draw, shapes, min_ndim=0)
    b = gather(draw, shapes, a.shape(shapes))
    fn = ELEMENTWISE[name]

    def step(v, x, y, xp):
        def sp(function, *values):
            return special(xp, function, *values)

        return fn(a(v, x, y, xp), b(v, x, y, xp), xp, sp)

    return Step(f"{name} with a={a}, b={b}", step)


@step_maker("logsumexp", "logsumexp(b=)", "softmax", "log_softmax")
def _reductions(draw, shapes: Shapes, name: str) -> Step:
    a = operand(draw, shapes)
    ndim = len(a.shape(shapes))
    axis = draw(st.sampled_from([None, drawn_axis(draw, ndim)]))
    if name == "logsumexp":
        keepdims = draw(st.booleans())
        return Step(
            f"logsumexp({a}, axis={axis}, keepdims={keepdims})",
            lambda v, x, y, xp: _logsumexp(xp, a(v, x, y, xp), axis=axis, keepdims=keepdims),
        )
    if name == "logsumexp(b=)":
        b = gather(draw, shapes, a.shape(shapes))
        # Positive weights 0.5 + b*b: the sum stays positive (no sign flips).
        return Step(
            f"logsumexp({a}, axis={axis}, b=0.5 + {b}**2)",
            lambda v, x, y, xp: _logsumexp(
                xp, a(v, x, y, xp), axis=axis, b=0.5 + b(v, x, y, xp) ** 2
            ),
        )

    def normalized(v, x, y, xp):
        av = a(v, x, y, xp)
        return special(xp, name, av)(av, axis=axis)

    return Step(f"{name}({a}, axis={axis})", normalized)


def _logsumexp(xp, a, **kwargs):
    return special(xp, "logsumexp", a, *kwargs.values())(a, **kwargs)


DISTRIBUTION_METHODS = ("logpdf", "pdf", "cdf", "logcdf", "sf", "logsf")


@step_maker(*[f"{f}.{m}" for f in ("norm", "t", "gamma", "beta") for m in DISTRIBUTION_METHODS])
def _univariate(draw, shapes: Shapes, choice: str) -> Step:
    a = operand(draw, shapes, min_ndim=0)
    shape = a.shape(shapes)
    b, c = gather(draw, shapes, shape), gather(draw, shapes, shape[-1:])
    family, method = choice.split(".")
    # Densities are differentiated in the shape parameters too; the distribution
    # functions have no derivative in them in chainrule, so those get plain numbers.
    is_density = method in ("logpdf", "pdf")

    def fn(v, x, y, xp):
        av, bv, cv = a(v, x, y, xp), b(v, x, y, xp), c(v, x, y, xp)
        function = getattr(getattr(stats(av, bv, cv), family), method)
        positive = 0.5 + _softplus(bv, xp)
        scale = 0.5 + _softplus(cv, xp)
        if family == "norm":
            return function(av, loc=0.5 * xp.tanh(bv), scale=scale)
        if family == "t":
            df = positive if is_density else 3.5
            return function(av, df, loc=0.2 * xp.tanh(cv), scale=1.5)
        if family == "gamma":
            at = 0.2 + _softplus(av, xp)
            return function(at, positive if is_density else 2.5, scale=scale)
        at = 0.05 + 0.9 / (1 + xp.exp(-av))  # in (0, 1), where beta's density is smooth
        if is_density:
            return function(at, positive, scale)
        return function(at, 2.0, 3.5, loc=-0.1 * xp.tanh(cv), scale=1.2)

    return Step(f"{choice} with x={a}, parameters from {b}, {c}", fn)


@step_maker("logpdf", "pdf", "logpdf with mean 0")
def _multivariate_normal(draw, shapes: Shapes, kind: str) -> Step:
    n = draw(st.integers(1, 4))
    points = gather(draw, shapes, draw(st.sampled_from([(n,), (2, n), (1, 3, n)])))
    mean = gather(draw, shapes, (n,))
    cov = draw_matrices(draw, shapes, n, n, symmetric=True)

    def fn(v, x, y, xp):
        values = points(v, x, y, xp), mean(v, x, y, xp), cov(v, x, y, xp)
        distribution = stats(*values).multivariate_normal
        if kind == "logpdf with mean 0":
            return distribution.logpdf(values[0], cov=values[2])
        return getattr(distribution, kind)(values[0], mean=values[1], cov=values[2])

    return Step(f"multivariate_normal.{kind}({points}, mean={mean}, cov={cov})", fn)


SPECIAL_STATS_STEPS = [_elementwise, _reductions, _univariate, _multivariate_normal]
