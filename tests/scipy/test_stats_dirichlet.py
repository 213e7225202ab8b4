"""chainrule.scipy.stats.dirichlet against scipy.stats.dirichlet: values for every form of x
SciPy takes, derivatives in x and alpha by check_grads, closed forms, and SciPy's refusals
of points off the simplex, with messages naming the function."""

import numpy as np
import pytest
import scipy.stats as ss
from assertions import raises_with
from scipy.special import digamma

import chainrule as cr
import chainrule.scipy.stats as cst
from chainrule.testing import check_grads

ALPHA = np.array([1.5, 2.5, 0.7, 3.0])


def _points(rng, count):
    """``count`` points of the simplex (K = 4 components along the first axis)."""
    points = rng.dirichlet(ALPHA + 1.0, size=count).T
    return points[:, 0] if count == 1 else points


def _traced_value(function, args):
    return cr.jvp(function, args, tuple(np.ones_like(a) for a in args))[0]


# name: x as SciPy takes it (rng, ALPHA) -> x
POINTS = {
    "one_point": lambda rng: _points(rng, 1),
    "one_point_last_left_out": lambda rng: _points(rng, 1)[:-1],
    "points_as_columns": lambda rng: _points(rng, 5),
    "columns_last_left_out": lambda rng: _points(rng, 5)[:-1],
}


@pytest.mark.parametrize("method", ["logpdf", "pdf"])
@pytest.mark.parametrize("form", POINTS)
def test_values_and_derivatives(form, method, rng):
    x = POINTS[form](rng)
    function = getattr(cst.dirichlet, method)
    expected = getattr(ss.dirichlet, method)(x, ALPHA)
    np.testing.assert_array_equal(function(x, ALPHA), expected)  # SciPy itself
    for value in (
        _traced_value(lambda x: function(x, ALPHA), (x,)),
        _traced_value(lambda alpha: function(x, alpha), (ALPHA,)),
    ):
        assert np.shape(value) == np.shape(expected) and value.dtype == np.float64
        np.testing.assert_allclose(value, expected, rtol=1e-13)
    check_grads(lambda alpha: function(x, alpha), (ALPHA,), order=2)
    if form.endswith("left_out"):  # the free coordinates of the simplex
        check_grads(function, (x, ALPHA), order=2)
    else:  # all K components: move along the simplex, x / sum(x)
        check_grads(lambda x, alpha: function(x / x.sum(axis=0), alpha), (x, ALPHA), order=2)


def test_closed_forms(rng):
    x = _points(rng, 1)
    # d/dalpha_i = log x_i + digamma(sum alpha) - digamma(alpha_i); d/dx_i = (alpha_i - 1) / x_i
    slope_alpha = cr.grad(lambda alpha: cst.dirichlet.logpdf(x, alpha))(ALPHA)
    expected = np.log(x) + digamma(ALPHA.sum()) - digamma(ALPHA)
    np.testing.assert_allclose(slope_alpha, expected, rtol=1e-13)
    slope_x = cr.grad(lambda x: cst.dirichlet.logpdf(x, ALPHA))(x)
    np.testing.assert_allclose(slope_x, (ALPHA - 1) / x, rtol=1e-13)
    # with the last component left out it is 1 - sum(x): the chain rule subtracts its slope
    free = cr.grad(lambda x: cst.dirichlet.logpdf(x, ALPHA))(x[:-1])
    np.testing.assert_allclose(free, slope_x[:-1] - slope_x[-1], rtol=1e-13)


def test_float32_points_give_float64_values_as_in_scipy(rng):
    x = _points(rng, 1)[:-1].astype(np.float32)
    value, gradient = cr.value_and_grad(lambda x: cst.dirichlet.logpdf(x, ALPHA))(x)
    assert value.dtype == ss.dirichlet.logpdf(x, ALPHA).dtype == np.float64
    assert gradient.dtype == np.float32


def test_points_off_the_simplex_and_bad_concentrations_are_refused():
    x = np.array([0.2, 0.3, 0.1, 0.4])

    def refused(x, alpha, *fragments, traced="x"):
        def call():
            if traced == "x":
                return cr.grad(lambda x: cst.dirichlet.logpdf(x, alpha))(x)
            return cr.grad(lambda alpha: cst.dirichlet.logpdf(x, alpha))(alpha)

        raises_with(ValueError, call, "chainrule.scipy.stats.dirichlet.logpdf", *fragments)
        with pytest.raises(ValueError):  # SciPy refuses the same
            ss.dirichlet.logpdf(x, alpha)

    refused(x, np.array([1.0, 2.0, 0.0, 1.0]), "alpha", "greater than 0", traced="alpha")
    refused(x, np.ones((2, 2)), "one-dimensional", traced="alpha")
    refused(x[:2], ALPHA, "4 or 3 entries")
    refused(np.array([0.2, 0.3, 0.1, 0.5]), ALPHA, "simplex")
    refused(np.array([1.2, -0.3, 0.1, 0.0]), ALPHA, "[0, 1]")
    refused(np.array([0.2, 0.3, 0.0, 0.5]), ALPHA, "alpha is below 1")
    refused(np.full((3, 2, 2), 0.25), ALPHA, "one or two dimensions")
