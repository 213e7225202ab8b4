"""chainrule.scipy.stats distributions of continuous_closed_form.py against scipy.stats:
values (to 1e-12, SciPy's special values at the edges of the support and for invalid
parameters included), derivatives of every method in every argument by check_grads
(parameters broadcasting against x both ways), ppf, and invgamma's refused derivatives."""

import numpy as np
import pytest
import scipy.stats as ss
from assertions import raises_with

import chainrule as cr
import chainrule.scipy.stats as cst
from chainrule.testing import check_grads

# name: (shape parameters, the domain of x that keeps z inside the support)
CONTINUOUS = {
    "expon": ((), (0.3, 3.0)),
    "laplace": ((), (-2.0, 2.0)),
    "logistic": ((), (-2.0, 2.0)),
    "uniform": ((), (0.35, 0.95)),
    "cauchy": ((), (-2.0, 2.0)),
    "halfnorm": ((), (0.3, 2.5)),
    "rayleigh": ((), (0.3, 2.5)),
    "gumbel_r": ((), (-1.5, 2.5)),
    "gumbel_l": ((), (-2.5, 1.5)),
    "lognorm": ((0.7,), (0.3, 3.0)),
    "weibull_min": ((1.8,), (0.3, 2.5)),
    "pareto": ((2.5,), (1.6, 4.0)),
    "invgamma": ((2.5,), (0.3, 2.5)),
}
METHODS = ("logpdf", "pdf", "cdf", "logcdf", "sf", "logsf", "ppf")
CASES = [(name, method) for name in CONTINUOUS for method in METHODS]
CASE_IDS = [f"{name}.{method}" for name, method in CASES]
LOC, SCALE = np.array([0.1, -0.2, 0.3]), np.float64(0.8)
EDGES = np.array([-3.0, -0.5, 0.0, 0.1, 0.2, 0.75, 1.0, 1.4, 1.5, 3.0, np.nan, np.inf, -np.inf])
PROBABILITY_EDGES = np.array([0.0, 1e-300, 0.2, 0.5, 0.9, 1.0, -0.1, 1.5, np.nan])
# Shapes whose distribution functions (and ppf) have no derivative in them.
REFUSED_SHAPES = {"invgamma"}


def _call(name, method, x, shapes, loc, scale, module=cst):
    return getattr(getattr(module, name), method)(x, *shapes, loc=loc, scale=scale)


def _traced_value(function, args):
    return cr.jvp(function, args, tuple(np.ones_like(a) for a in args))[0]


def _points(name, method, rng):
    """Inside points, then the edges, of x (or q for ppf)."""
    if method == "ppf":
        return [rng.uniform(0.05, 0.95, size=(2, 3)), PROBABILITY_EDGES]
    return [rng.uniform(*CONTINUOUS[name][1], size=(2, 3)) * 0.8 + LOC, EDGES]


@pytest.mark.parametrize("name, method", CASES, ids=CASE_IDS)
@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # SciPy's own, at x = inf
def test_values_match_scipy(name, method, rng):
    shapes, _ = CONTINUOUS[name]
    for x in _points(name, method, rng):
        for loc, scale in [(LOC if x.shape == (2, 3) else 0.1, SCALE), (0.1, 1.3)]:
            expected = _call(name, method, x, shapes, loc, scale, module=ss)
            np.testing.assert_array_equal(_call(name, method, x, shapes, loc, scale), expected)
            traced = _traced_value(
                lambda x, loc, scale: _call(name, method, x, shapes, loc, scale),
                (x, np.asarray(loc, float), np.asarray(scale, float)),
            )
            assert traced.dtype == np.float64 and traced.shape == np.shape(expected)
            np.testing.assert_allclose(traced, expected, rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("name, method", CASES, ids=CASE_IDS)
def test_invalid_parameters_give_nan_as_in_scipy(name, method):
    shapes, _ = CONTINUOUS[name]
    x = np.array([0.3, 0.6]) if method == "ppf" else np.array([1.3, 1.6])
    invalid = [(shapes, 0.0, -1.0)] + [(shapes[:i] + (-1.0,), 0.0, 1.0) for i in range(len(shapes))]
    for shape_values, loc, scale in invalid:
        expected = _call(name, method, x, shape_values, loc, scale, module=ss)
        traced = _traced_value(
            lambda x, s=shape_values, loc=loc, scale=scale: _call(name, method, x, s, loc, scale),
            (x,),
        )
        np.testing.assert_array_equal(traced, expected)


# (x's shape, the shape of loc, scale and the shape parameters): broadcasting both ways.
PARAMETER_SHAPES = [((2, 3), (3,)), ((), (3,)), ((3, 1), (1, 4))]


@pytest.mark.parametrize("shapes", PARAMETER_SHAPES, ids=str)
@pytest.mark.parametrize("name, method", CASES, ids=CASE_IDS)
def test_derivatives(name, method, shapes, rng):
    shapes_at, (low, high) = CONTINUOUS[name]
    x_shape, parameter_shape = shapes
    if method == "ppf":
        x = rng.uniform(0.1, 0.9, size=x_shape)
    else:  # the middle of the domain, so that z stays inside the support
        x = rng.uniform(low + 0.25 * (high - low), high - 0.25 * (high - low), size=x_shape)
    loc = rng.uniform(-0.05, 0.05, size=parameter_shape)
    scale = rng.uniform(0.9, 1.1, size=parameter_shape)
    shape_values = tuple(s * rng.uniform(0.9, 1.1, size=parameter_shape) for s in shapes_at)
    is_density = method in ("logpdf", "pdf")
    if is_density or name not in REFUSED_SHAPES:
        function = lambda x, loc, scale, *shape_values: _call(
            name, method, x, shape_values, loc, scale
        )
        args = (x, loc, scale) + shape_values
    else:
        function = lambda x, loc, scale: _call(name, method, x, shape_values, loc, scale)
        args = (x, loc, scale)
    check_grads(function, args, order=2)


@pytest.mark.parametrize("name", CONTINUOUS)
def test_ppf_inverts_cdf_and_its_slope_is_the_reciprocal_density(name, rng):
    shapes, _ = CONTINUOUS[name]
    q = rng.uniform(0.05, 0.95, size=4)
    x = cst.__dict__[name].ppf(q, *shapes, loc=0.2, scale=1.5)
    slope = cr.jacfwd(lambda q: _call(name, "ppf", q, shapes, 0.2, 1.5))(q).diagonal()
    density = _call(name, "pdf", x, shapes, 0.2, 1.5, module=ss)
    np.testing.assert_allclose(slope, 1 / density, rtol=1e-10)


def test_float32_arguments_give_float64_values_as_in_scipy(rng):
    x = rng.uniform(0.3, 2.0, size=(3,)).astype(np.float32)
    for name, (shapes, _) in CONTINUOUS.items():
        expected = getattr(ss, name).logpdf(x + 1, *shapes)
        value, gradient = cr.value_and_grad(
            lambda x, name=name, shapes=shapes: getattr(cst, name).logpdf(x + 1, *shapes).sum()
        )(x)
        assert value.dtype == np.float64 and gradient.dtype == np.float32
        np.testing.assert_allclose(value, expected.sum(), rtol=1e-12)


def test_invgamma_shape_derivatives_of_distribution_functions_are_refused():
    for method in ("cdf", "logcdf", "sf", "logsf", "ppf"):
        for differentiate in (cr.grad, cr.jacfwd):
            raises_with(
                NotImplementedError,
                lambda method=method, differentiate=differentiate: differentiate(
                    lambda a: getattr(cst.invgamma, method)(0.4, a)
                )(2.5),
                f"chainrule.scipy.stats.invgamma.{method}",
                "with respect to a",
                "no closed form",
            )


def test_closed_form_slopes():
    # d/dc weibull_min.cdf(x, c) = x^c log(x) exp(-x^c); d/db pareto.logsf = -log x
    x, c = 1.7, 1.8
    np.testing.assert_allclose(
        cr.grad(lambda c: cst.weibull_min.cdf(x, c))(c), x**c * np.log(x) * np.exp(-(x**c))
    )
    np.testing.assert_allclose(cr.grad(lambda b: cst.pareto.logsf(x, b))(2.5), -np.log(x))
    # laplace's density has its kink at loc: the slope there is the average, 0
    assert cr.grad(lambda x: cst.laplace.logpdf(x, loc=0.3))(0.3) == 0.0
