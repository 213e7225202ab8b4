"""chainrule.scipy.stats against scipy.stats: values (to 1e-12, SciPy's special values at the
edges of the support and for invalid parameters included), derivatives in every
differentiable argument by check_grads (parameters broadcasting against x both ways), and
the messages of the refused derivatives. (dirichlet: test_stats_dirichlet.py.)"""

import numpy as np
import pytest
import scipy.stats as ss
from assertions import raises_with

import chainrule as cr
import chainrule.scipy.stats as cst
from chainrule.testing import check_grads

# name: (shape parameters, the domain of x that keeps z inside the support, methods)
_METHODS = ("logpdf", "pdf", "cdf", "logcdf", "sf", "logsf")
CONTINUOUS = {
    "norm": ((), (-2.0, 2.0), _METHODS),
    "t": ((3.5,), (-2.0, 2.0), _METHODS),
    "gamma": ((2.5,), (0.5, 3.0), _METHODS),
    "beta": ((2.5, 1.5), (0.35, 0.95), _METHODS),
    "chi2": ((3.5,), (0.5, 3.0), _METHODS),
}
CASES = [(name, method) for name, (_, _, methods) in CONTINUOUS.items() for method in methods]
CASE_IDS = [f"{name}.{method}" for name, method in CASES]
DENSITIES = ("logpdf", "pdf")
LOC, SCALE = np.array([0.1, -0.2, 0.3]), np.float64(0.8)
# Points around and outside every support once loc = 0.1 and scale = 1.3 are applied.
EDGES = np.array([-3.0, -0.5, 0.0, 0.1, 0.2, 0.75, 1.0, 1.4, 1.5, 3.0, np.nan, np.inf, -np.inf])


def _call(name, method, x, shapes, loc, scale, module=cst):
    return getattr(getattr(module, name), method)(x, *shapes, loc=loc, scale=scale)


def _traced_value(function, args):
    return cr.jvp(function, args, tuple(np.ones_like(a) for a in args))[0]


@pytest.mark.parametrize("name, method", CASES, ids=CASE_IDS)
@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")  # SciPy's own, at x = inf
def test_values_match_scipy(name, method, rng):
    shapes, domain, _ = CONTINUOUS[name]
    points = [rng.uniform(*domain, size=(2, 3)) * 0.8 + LOC, EDGES]
    for x in points:
        for loc, scale in [(LOC if x.shape == (2, 3) else 0.1, SCALE), (0.1, 1.3)]:
            expected = _call(name, method, x, shapes, loc, scale, module=ss)
            plain = _call(name, method, x, shapes, loc, scale)
            np.testing.assert_array_equal(plain, expected)  # SciPy itself
            traced = _traced_value(
                lambda x, loc, scale: _call(name, method, x, shapes, loc, scale),
                (x, np.asarray(loc, float), np.asarray(scale, float)),
            )
            assert traced.dtype == np.float64 and traced.shape == np.shape(expected)
            np.testing.assert_allclose(traced, expected, rtol=1e-12, atol=0)


@pytest.mark.parametrize("name, method", CASES, ids=CASE_IDS)
def test_invalid_parameters_give_nan_as_in_scipy(name, method):
    shapes, _, _ = CONTINUOUS[name]
    x = np.array([0.3, 0.6])
    invalid = [(shapes, 0.0, -1.0)] + [
        (shapes[:i] + (-1.0,) + shapes[i + 1 :], 0.0, 1.0) for i in range(len(shapes))
    ]
    for shape_values, loc, scale in invalid:
        expected = _call(name, method, x, shape_values, loc, scale, module=ss)
        traced = _traced_value(
            lambda x, shape_values=shape_values, loc=loc, scale=scale: _call(
                name, method, x, shape_values, loc, scale
            ),
            (x,),
        )
        np.testing.assert_array_equal(traced, expected)


@pytest.mark.parametrize("name, method", CASES, ids=CASE_IDS)
def test_derivatives(name, method, rng):
    shapes, domain, _ = CONTINUOUS[name]
    x = rng.uniform(*domain, size=(2, 3)) * SCALE + LOC

    def function(x, loc, scale, *shape_values):
        return _call(name, method, x, shape_values or shapes, loc, scale)

    args = (x, LOC, SCALE)
    if method in DENSITIES:  # differentiable in the shape parameters too
        args += tuple(np.float64(s) for s in shapes)
    check_grads(function, args, order=2)


@pytest.mark.parametrize("name, method", CASES, ids=CASE_IDS)
def test_float32_arguments_give_float64_values_as_in_scipy(name, method, rng):
    shapes, domain, _ = CONTINUOUS[name]
    x = rng.uniform(*domain, size=(3,)).astype(np.float32)
    expected = _call(name, method, x, shapes, 0.0, 1.0, module=ss)
    value, gradient = cr.value_and_grad(lambda x: _call(name, method, x, shapes, 0.0, 1.0).sum())(x)
    assert expected.dtype == np.float64 and value.dtype == np.float64
    assert gradient.dtype == np.float32
    np.testing.assert_allclose(value, expected.sum(), rtol=1e-12)


REFUSED = [
    (name, method, argument)
    for name, (shapes, _, methods) in CONTINUOUS.items()
    for method in methods
    if method not in DENSITIES
    for argument in {"t": ("df",), "gamma": ("a",), "beta": ("a", "b"), "chi2": ("df",)}.get(
        name, ()
    )
]


@pytest.mark.parametrize(
    "name, method, argument", REFUSED, ids=[f"{n}.{m}-{a}" for n, m, a in REFUSED]
)
def test_shape_derivatives_of_distribution_functions_are_refused(name, method, argument):
    shapes, _, _ = CONTINUOUS[name]
    index = {"df": 0, "a": 0, "b": 1}[argument]

    def function(value):
        shape_values = shapes[:index] + (value,) + shapes[index + 1 :]
        return _call(name, method, 0.4, shape_values, 0.0, 1.0)

    for differentiate in (cr.grad, cr.jacfwd):
        raises_with(
            NotImplementedError,
            lambda differentiate=differentiate: differentiate(function)(shapes[index]),
            f"chainrule.scipy.stats.{name}.{method}",
            f"with respect to {argument}",
            "no closed form",
        )


def test_arguments_are_parsed_as_in_scipy():
    x = np.array([0.2, 0.7])
    positional = _traced_value(lambda x: cst.t.logpdf(x, 3.0, 0.1, 2.0), (x,))
    keywords = _traced_value(lambda x: cst.t.logpdf(x, df=3.0, scale=2.0, loc=0.1), (x,))
    np.testing.assert_array_equal(positional, keywords)
    np.testing.assert_allclose(positional, ss.t.logpdf(x, 3.0, 0.1, 2.0), rtol=1e-14)
    raises_with(
        TypeError,
        lambda: cr.grad(lambda x: cst.norm.logpdf(x, shape=2.0))(0.5),
        "chainrule.scipy.stats.norm.logpdf",
        "shape",
    )
    raises_with(
        TypeError,
        lambda: cr.grad(lambda x: cst.gamma.pdf(x))(0.5),
        "chainrule.scipy.stats.gamma.pdf",
        "'a'",
    )


def test_closed_form_derivatives():
    # d/dx norm.logpdf = -(x - loc) / scale^2; d/dscale = -1/scale + (x - loc)^2 / scale^3
    gradient = cr.grad(lambda x, loc, scale: cst.norm.logpdf(x, loc, scale), argnums=(0, 1, 2))
    np.testing.assert_allclose(gradient(1.0, 0.5, 2.0), (-0.125, 0.125, -0.5 + 0.25 / 8))
    # d/dx cdf = pdf, d/dloc cdf = -pdf
    for name, shapes in [("t", (3.5,)), ("gamma", (2.5,)), ("beta", (2.5, 1.5))]:
        slope = cr.grad(
            lambda x, loc, name=name, shapes=shapes: _call(name, "cdf", x, shapes, loc, 1.2),
            argnums=(0, 1),
        )
        pdf = _call(name, "pdf", 0.9, shapes, 0.1, 1.2, module=ss)
        np.testing.assert_allclose(slope(0.9, 0.1), (pdf, -pdf), rtol=1e-12)


def test_normal_tails_stay_accurate():
    # logsf far in the upper tail and logcdf far in the lower one, with their slopes
    for method, x in [("logcdf", -30.0), ("logsf", 30.0)]:
        value, slope = cr.value_and_grad(getattr(cst.norm, method))(x)
        np.testing.assert_allclose(value, getattr(ss.norm, method)(x), rtol=1e-14)
        ratio = ss.norm.pdf(x) / ss.norm.cdf(-abs(x))
        np.testing.assert_allclose(slope, ratio if method == "logcdf" else -ratio, rtol=1e-13)


# (x's shape, the shape of loc, scale and the shape parameters): broadcasting both ways.
PARAMETER_SHAPES = [((), ()), ((3,), ()), ((), (3,)), ((3, 1), (1, 4)), ((2, 3), (3,))]


@pytest.mark.parametrize("shapes", PARAMETER_SHAPES, ids=str)
@pytest.mark.parametrize("name", CONTINUOUS)
def test_derivatives_with_broadcast_parameters(name, shapes, rng):
    shapes_at, domain, _ = CONTINUOUS[name]
    x_shape, parameter_shape = shapes
    low, high = domain
    # x in the middle of the domain, so that z = (x - loc) / scale stays inside the support
    x = rng.uniform(low + 0.25 * (high - low), high - 0.25 * (high - low), size=x_shape)
    loc = rng.uniform(-0.05, 0.05, size=parameter_shape)
    scale = rng.uniform(0.9, 1.1, size=parameter_shape)
    shape_values = tuple(s * rng.uniform(0.9, 1.1, size=parameter_shape) for s in shapes_at)

    def density(x, loc, scale, *shape_values):
        return _call(name, "logpdf", x, shape_values, loc, scale)

    check_grads(density, (x, loc, scale) + shape_values, order=2)
    for method in ("cdf", "logsf"):
        function = lambda x, loc, scale, method=method: _call(
            name, method, x, shape_values, loc, scale
        )
        expected = _call(name, method, x, shape_values, loc, scale, module=ss)
        value = _traced_value(function, (x, loc, scale))
        assert value.shape == np.shape(expected)
        np.testing.assert_allclose(value, expected, rtol=1e-12)
        check_grads(function, (x, loc, scale), order=2)


# ---------------------------------------------------------------------------------------
# poisson

POISSON_METHODS = ("pmf", "logpmf", "cdf", "sf")
COUNTS = np.array([0.0, 1.0, 2.0, 5.0, 12.0, -1.0, 2.5, np.inf, -np.inf, np.nan])


@pytest.mark.parametrize("method", POISSON_METHODS)
@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")  # SciPy's own, at k = inf
def test_poisson_values_and_derivatives(method, rng):
    function = getattr(cst.poisson, method)
    for mu in (np.float64(2.3), np.array([[0.5], [7.0]]), np.float64(0.0), np.float64(-1.0)):
        expected = getattr(ss.poisson, method)(COUNTS, mu, loc=1.0)
        assert np.array_equal(function(COUNTS, mu, loc=1.0), expected, equal_nan=True)
        traced = _traced_value(lambda mu: function(COUNTS, mu, loc=1.0), (mu,))
        np.testing.assert_allclose(traced, expected, rtol=1e-12, atol=0)
    check_grads(lambda mu: function(COUNTS[:5], mu), (rng.uniform(0.5, 6, size=(2, 1)),), order=2)


def test_poisson_cdf_slope_is_minus_the_mass():
    k = np.arange(6.0)
    slopes = cr.jacfwd(lambda mu: cst.poisson.cdf(k, mu))(3.0)
    np.testing.assert_allclose(slopes, -ss.poisson.pmf(k, 3.0), rtol=1e-13)


def test_poisson_counts_carry_no_derivative():
    for method in POISSON_METHODS:
        raises_with(
            TypeError,
            lambda method=method: cr.grad(lambda k: getattr(cst.poisson, method)(k, 2.0))(1.0),
            f"chainrule.scipy.stats.poisson.{method}",
            "k is traced",
        )
    raises_with(
        TypeError,
        lambda: cr.grad(lambda loc: cst.poisson.pmf(3.0, 2.0, loc=loc))(1.0),
        "loc is traced",
    )


# ---------------------------------------------------------------------------------------
# multivariate_normal

COV = np.array([[2.0, 0.5, 0.1], [0.5, 1.0, 0.2], [0.1, 0.2, 1.5]])
MEAN = np.array([0.1, -0.2, 0.3])
MVN_CASES = [
    ("full", (4, 3), MEAN, COV),
    ("one_point", (3,), MEAN, COV),
    ("batched", (2, 4, 3), MEAN, COV),
    ("diagonal", (4, 3), MEAN, np.array([2.0, 1.0, 0.5])),
    ("scalar", (4, 3), MEAN, np.float64(1.7)),
    ("dim_1_points", (5,), np.array([0.2]), np.array([[1.5]])),
    ("dim_1_scalar", (), np.float64(0.2), np.float64(1.5)),
]


@pytest.mark.parametrize("method", ["logpdf", "pdf"])
@pytest.mark.parametrize("case", MVN_CASES, ids=[c[0] for c in MVN_CASES])
def test_multivariate_normal(case, method, rng):
    _, x_shape, mean, cov = case
    x = rng.normal(size=x_shape)
    function = getattr(cst.multivariate_normal, method)
    expected = getattr(ss.multivariate_normal, method)(x, mean, cov)
    np.testing.assert_array_equal(function(x, mean, cov), expected)
    for traced in [(0,), (1,), (2,), (0, 1, 2)]:
        args = (x, mean, cov)

        def partial(*values, traced=traced, args=args):
            full = list(args)
            for i, value in zip(traced, values):
                full[i] = value
            return function(*full)

        value = _traced_value(partial, tuple(np.asarray(args[i], float) for i in traced))
        assert np.shape(value) == np.shape(expected)
        np.testing.assert_allclose(value, expected, rtol=1e-12)
    check_grads(function, (x, np.asarray(mean, float), np.asarray(cov, float)), order=2)


def test_multivariate_normal_derivatives_in_a_covariance_factor(rng):
    # cov = A A^T + I, a symmetric positive definite function of an unconstrained A
    x, a = rng.normal(size=(4, 3)), rng.normal(size=(3, 3))
    check_grads(
        lambda x, mean, a: cst.multivariate_normal.logpdf(x, mean, a @ a.T + np.eye(3)),
        (x, MEAN, a),
        order=2,
    )
    # d/dx = -cov^-1 (x - mean)
    slope = cr.grad(lambda x: cst.multivariate_normal.logpdf(x, MEAN, COV))(x[0])
    np.testing.assert_allclose(slope, -np.linalg.solve(COV, x[0] - MEAN), rtol=1e-13)


def test_multivariate_normal_entropy(rng):
    entropy = cst.multivariate_normal.entropy
    a = rng.normal(size=(3, 3))
    for cov in (COV, np.array([2.0, 1.0, 0.5]), np.float64(1.7), a @ a.T + np.eye(3)):
        expected = ss.multivariate_normal.entropy(MEAN, cov)
        np.testing.assert_allclose(_traced_value(lambda c: entropy(MEAN, c), (cov,)), expected)
        check_grads(lambda c: entropy(MEAN, c), (cov,), order=2)
    # d (log det cov) / 2 = tr(cov^-1 dcov) / 2; cov is read through its lower triangle (as
    # SciPy reads it), where each off-diagonal entry stands for two. The mean has no say.
    inverse = np.linalg.inv(COV)
    expected = np.tril(inverse) - np.diag(np.diag(inverse)) / 2
    gradient = cr.grad(lambda c: entropy(cov=c))(COV)
    np.testing.assert_allclose(gradient, expected, rtol=1e-13, atol=1e-15)
    np.testing.assert_array_equal(cr.grad(lambda m: entropy(m, COV))(MEAN), np.zeros(3))
    check_grads(lambda a: entropy(None, a @ a.T + np.eye(3)), (a,), order=2)


def test_multivariate_normal_errors():
    logpdf = cst.multivariate_normal.logpdf
    raises_with(
        ValueError,
        lambda: cr.grad(lambda m: logpdf(np.zeros(3), m, COV))(np.zeros(2)),
        "chainrule.scipy.stats.multivariate_normal.logpdf",
        "mean",
    )
    raises_with(
        ValueError,
        lambda: cr.grad(lambda c: logpdf(np.zeros(3), MEAN, c))(np.eye(2)),
        "cov of shape (2, 2)",
    )
    raises_with(
        ValueError,
        lambda: cr.grad(lambda x: logpdf(x, MEAN, COV).sum())(np.zeros((2, 4))),
        "x of shape (2, 4)",
    )
    not_positive = np.array([[1.0, 2.0], [2.0, 1.0]])
    raises_with(
        np.linalg.LinAlgError,
        lambda: cr.grad(lambda x: logpdf(x, np.zeros(2), not_positive))(np.zeros(2)),
        "cov is not positive definite",
    )
    for variances in (np.array([1.0, 0.0]), np.float64(-1.0)):
        raises_with(
            np.linalg.LinAlgError,
            lambda variances=variances: cr.grad(lambda x: logpdf(x, np.zeros(2), variances))(
                np.zeros(2)
            ),
            "cov is not positive definite",
        )
    # allow_singular=True with a nonsingular cov is the ordinary density
    value = _traced_value(lambda x: logpdf(x, MEAN, COV, allow_singular=True), (np.ones(3),))
    np.testing.assert_allclose(value, ss.multivariate_normal.logpdf(np.ones(3), MEAN, COV))
