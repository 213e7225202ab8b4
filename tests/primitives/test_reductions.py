"""Reductions: derivative rules, zeros in products, ties, dtypes and values against NumPy."""

import functools
import itertools
import math
import warnings

import numpy as np
import pytest
from cases import SHAPES, Case

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.primitives import reductions as red
from chainrule.testing import check_grads

# Every differentiable reduction that takes axis= and keepdims=.
REDUCTIONS = [
    Case(cnp.sum),
    Case(cnp.mean),
    Case(cnp.prod),
    Case(cnp.max),
    Case(cnp.min),
    Case(cnp.amax),
    Case(cnp.amin),
    Case(cnp.ptp),
    Case(cnp.var),
    Case(cnp.std, domain=(0.5, 3.0)),
    Case(cnp.var, name="var_ddof1", params={"ddof": 1}),
    Case(cnp.std, name="std_ddof1", params={"ddof": 1}),
    Case(cnp.average),
    Case(cnp.nansum),
    Case(cnp.nanmean),
    Case(cnp.nanmax),
    Case(cnp.nanmin),
    Case(cnp.nanprod),
    Case(cnp.nanvar),
    Case(cnp.nanstd, domain=(0.5, 3.0)),
    Case(cnp.nanvar, name="nanvar_ddof1", params={"ddof": 1}),
    Case(cnp.nanstd, name="nanstd_ddof1", params={"ddof": 1}),
]

# Scans along one axis (axis=None flattens).
CUMULATIVE = [Case(cnp.cumsum), Case(cnp.cumprod)]

# Functions of two differentiable arrays.
WEIGHTED = [
    Case(
        lambda a, w: cnp.average(a, weights=w),
        name="average_weights",
        domain=(0.5, 2.0),
        arity=2,
        example_shapes=((2, 3), (2, 3)),
    ),
    Case(
        lambda a, w: cnp.average(a, axis=1, weights=w),
        name="average_weights_axis",
        domain=(0.5, 2.0),
        arity=2,
        example_shapes=((2, 3), (3,)),
    ),
    Case(
        lambda a, b: red.linear_recurrence_p(a, b, axis=0, reverse=False),
        name="linear_recurrence",
        arity=2,
        example_shapes=((4, 2), (4, 2)),
    ),
    Case(
        lambda a, b: red.linear_recurrence_p(a, b, axis=1, reverse=True),
        name="linear_recurrence_reverse",
        arity=2,
        example_shapes=((2, 4), (2, 4)),
    ),
]

# Integer and boolean results, combined with x so that each case has a derivative to check.
NON_DIFFERENTIABLE = [
    Case(lambda x: x + cnp.argmax(x), name="argmax"),
    Case(lambda x: x + cnp.argmin(x), name="argmin"),
    Case(lambda x: x * cnp.any(x), name="any"),
    Case(lambda x: x * cnp.all(x), name="all"),
    Case(lambda x: x * cnp.count_nonzero(x), name="count_nonzero"),
]


def axis_choices(shape):
    """Axis arguments to check at ``shape``: None, ints, negatives and tuples."""
    choices = {0: [None, ()], 1: [None, 0, -1], 2: [None, 0, -1, (0, 1), (-1, 0)]}
    return choices[len(shape)]


def reduced_count(shape, axis):
    axes = range(len(shape)) if axis is None else np.atleast_1d(axis)
    return math.prod(shape[a] for a in axes)


@pytest.mark.parametrize("case", REDUCTIONS, ids=str)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_reduction_rules(case, shape, rng):
    for axis, keepdims in itertools.product(axis_choices(shape), (False, True)):
        if case.params.get("ddof") and reduced_count(shape, axis) <= 1:
            continue  # N - ddof = 0: NumPy's answer is nan
        params = {**case.params, "axis": axis, "keepdims": keepdims}
        x = case.sample(rng, shape)
        check_grads(
            functools.partial(case.fn, **params), (x,), order=case.order, modes=("fwd", "rev")
        )


@pytest.mark.parametrize("case", CUMULATIVE, ids=str)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_cumulative_rules(case, shape, rng):
    axes = [None] if shape == () else [None, 0, -1] + ([1] if len(shape) == 2 else [])
    for axis in axes:
        x = case.sample(rng, shape)
        check_grads(functools.partial(case.fn, axis=axis), (x,), order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("case", WEIGHTED, ids=str)
def test_two_argument_rules(case, rng):
    check_grads(case.call, case.sample_args(rng, case.example_shapes), order=2)


@pytest.mark.parametrize("case", NON_DIFFERENTIABLE, ids=str)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_non_differentiable_reductions_pass_no_derivative(case, shape, rng):
    check_grads(case.fn, (case.sample(rng, shape),), order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize(
    "a_shape, w_shape, axis",
    [((3,), (3,), None), ((2, 3), (2,), 0), ((2, 3), (3, 2), (1, 0)), ((1, 4), (1, 4), -1)],
)
def test_average_is_differentiable_in_values_and_weights(a_shape, w_shape, axis, rng):
    a, w = rng.uniform(-2, 2, a_shape), rng.uniform(0.5, 2, w_shape)
    expected = np.average(a, axis=axis, weights=w)
    out, _ = cr.vjp(lambda a, w: cnp.average(a, axis=axis, weights=w), a, w)
    np.testing.assert_allclose(out, expected, rtol=1e-14)
    check_grads(lambda a, w: cnp.average(a, axis=axis, weights=w), (a, w), order=2)


def test_average_returned_gives_the_weight_sums(rng):
    a, w = rng.uniform(-2, 2, (2, 3)), rng.uniform(0.5, 2, (3,))
    (average, scale), _ = cr.vjp(lambda a: cnp.average(a, 1, w, returned=True), a)
    expected_average, expected_scale = np.average(a, 1, w, returned=True)
    np.testing.assert_allclose(average, expected_average, rtol=1e-14)
    np.testing.assert_allclose(scale, expected_scale, rtol=1e-14)


# Zeros in products: hand-computed derivatives, with no division anywhere.


def _product_jacobian(x):
    """d prod(x) / d x[k] = product of the other elements, by explicit loops."""
    return np.array([math.prod(x[j] for j in range(len(x)) if j != k) for k in range(len(x))])


def _product_hessian(x):
    n = len(x)
    return np.array(
        [
            [
                0.0 if k == m else math.prod(x[j] for j in range(n) if j not in (k, m))
                for m in range(n)
            ]
            for k in range(n)
        ]
    )


def _cumprod_jacobian(x):
    """d cumprod(x)[i] / d x[k] = product of x[j] for j <= i, j != k (zero for k > i)."""
    n = len(x)
    return np.array(
        [
            [math.prod(x[j] for j in range(i + 1) if j != k) if k <= i else 0.0 for k in range(n)]
            for i in range(n)
        ]
    )


ZERO_POINTS = [
    np.array([2.0, 0.0, 3.0, 0.5]),  # one zero
    np.array([0.0, 1.5, 0.0, -2.0]),  # two zeros
    np.array([0.0, 0.0, 0.0]),  # only zeros
    np.array([0.0]),
]


@pytest.mark.parametrize("x", ZERO_POINTS, ids=str)
def test_prod_with_zeros_matches_hand_derivation(x):
    np.testing.assert_array_equal(cr.grad(cnp.prod)(x), _product_jacobian(x))
    np.testing.assert_array_equal(cr.jacfwd(cnp.prod)(x), _product_jacobian(x))
    np.testing.assert_array_equal(cr.hessian(cnp.prod)(x), _product_hessian(x))
    check_grads(cnp.prod, (x,), order=3, modes=("fwd", "rev"))


@pytest.mark.parametrize("x", ZERO_POINTS, ids=str)
def test_cumprod_with_zeros_matches_hand_derivation(x):
    np.testing.assert_allclose(cr.jacrev(cnp.cumprod)(x), _cumprod_jacobian(x), rtol=1e-15)
    np.testing.assert_allclose(cr.jacfwd(cnp.cumprod)(x), _cumprod_jacobian(x), rtol=1e-15)
    check_grads(cnp.cumprod, (x,), order=3, modes=("fwd", "rev"))


def test_prod_and_cumprod_with_zeros_along_several_axes():
    x = np.array([[2.0, 0.0, 3.0], [0.0, 1.5, 0.0]])
    for axis in (0, 1, -1, (0, 1), None):
        check_grads(functools.partial(cnp.prod, axis=axis), (x,), order=2)
    for axis in (0, 1):
        check_grads(functools.partial(cnp.cumprod, axis=axis), (x,), order=2)
    rows = cr.grad(lambda v: cnp.sum(cnp.prod(v, axis=1)))(x)
    np.testing.assert_array_equal(rows, [[0.0, 6.0, 0.0], [0.0, 0.0, 0.0]])


def test_cumprod_rules_away_from_the_vectorised_range():
    # Partial products near 1e-300 make the recurrence leave its vectorised path.
    x = np.array([1e-100, 1e-100, 1e-100, 2.0, 0.5])
    expected = _cumprod_jacobian(x)
    np.testing.assert_allclose(cr.jacrev(cnp.cumprod)(x), expected, rtol=1e-13)
    np.testing.assert_allclose(cr.jacfwd(cnp.cumprod)(x), expected, rtol=1e-13)


@pytest.mark.parametrize("reverse", [False, True])
def test_linear_recurrence_matches_its_definition(reverse, rng):
    for scale in (1.0, 1e-120):  # the vectorised path, then the loop
        a, b = scale * rng.uniform(-2, 2, (5, 3)), rng.uniform(-2, 2, (5, 3))
        expected = np.zeros_like(b)
        steps = range(4, -1, -1) if reverse else range(5)
        previous = np.zeros(3)
        for i in steps:
            previous = expected[i] = a[i] * previous + b[i]
        actual = red.linear_recurrence_p(a, b, axis=0, reverse=reverse)
        np.testing.assert_allclose(actual, expected, rtol=1e-13, atol=1e-300)


# Ties, constant slices and NaNs.


def test_max_and_min_split_ties_evenly_in_both_modes():
    x = np.array([3.0, 1.0, 3.0, 3.0])
    third = 1 / 3
    np.testing.assert_allclose(cr.grad(cnp.max)(x), [third, 0, third, third])
    np.testing.assert_allclose(cr.jacfwd(cnp.max)(x), [third, 0, third, third])
    np.testing.assert_allclose(cr.grad(cnp.min)(-x), [third, 0, third, third])
    rows = np.array([[1.0, 1.0, 0.0], [2.0, 5.0, 5.0]])
    np.testing.assert_allclose(
        cr.jacrev(lambda v: cnp.max(v, axis=1))(rows),
        [[[0.5, 0.5, 0], [0, 0, 0]], [[0, 0, 0], [0, 0.5, 0.5]]],
    )
    columns = np.array([[1.0, 5.0, 0.0], [1.0, 2.0, 0.0]])
    np.testing.assert_allclose(
        cr.grad(lambda v: cnp.min(v, axis=0).sum())(columns), [[0.5, 0, 0.5], [0.5, 1, 0.5]]
    )
    # max(x, x, ...) of one value has slope 1 whatever the number of copies.
    assert cr.grad(lambda t: cnp.max(cnp.stack([t, t, t])))(2.0) == 1.0


def test_ptp_of_a_constant_slice_has_zero_derivative():
    np.testing.assert_array_equal(cr.grad(cnp.ptp)(np.full(3, 2.0)), np.zeros(3))


@pytest.mark.parametrize("ddof", [0, 1])
def test_std_of_a_constant_has_zero_gradient_not_nan(ddof):
    for x in (np.full(4, 2.0), np.full((2, 3), -0.5)):
        np.testing.assert_array_equal(
            cr.grad(lambda v: cnp.std(v, ddof=ddof))(x), np.zeros(x.shape)
        )
        np.testing.assert_array_equal(
            cr.jacfwd(lambda v: cnp.std(v, ddof=ddof))(x), np.zeros(x.shape)
        )
    rows = np.array([[1.0, 1.0, 1.0], [1.0, 2.0, 3.0]])
    gradient = cr.grad(lambda v: cnp.std(v, axis=1).sum())(rows)
    assert np.all(np.isfinite(gradient))
    np.testing.assert_array_equal(gradient[0], np.zeros(3))


def test_nan_reductions_ignore_nans_and_give_them_zero_derivative():
    x = np.array([[1.0, np.nan, 4.0], [np.nan, np.nan, np.nan]])
    for name in ("nansum", "nanmean", "nanmax", "nanmin", "nanprod", "nanvar", "nanstd"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # NumPy warns on all-NaN rows
            expected = getattr(np, name)(x, axis=1)
        out, pullback = cr.vjp(functools.partial(getattr(cnp, name), axis=1), x)
        np.testing.assert_array_equal(out, expected)
        (x_bar,) = pullback(np.ones(2))
        assert np.all(x_bar[np.isnan(x)] == 0), name
    np.testing.assert_array_equal(cr.grad(lambda v: cnp.nanmax(v))(x), [[0, 0, 1], [0, 0, 0]])


@pytest.mark.parametrize("name", ["nanprod", "nanvar", "nanstd", "nanmean"])
def test_nan_reductions_with_nans_match_finite_differences(name, rng):
    x = rng.uniform(0.5, 2.0, (3, 4))
    x[0, 1] = x[2, 3] = np.nan
    for axis in (None, 0, 1):
        check_grads(functools.partial(getattr(cnp, name), axis=axis), (x,), order=2)


def test_nanargmax_and_nanargmin_are_numpys_on_traced_values(rng):
    x = rng.standard_normal((3, 4))
    x[0, 1] = x[1, 0] = np.nan
    for name in ("nanargmax", "nanargmin"):
        out = cr.jvp(lambda v, name=name: getattr(np, name)(v, axis=1), (x,), (x,))[0]
        np.testing.assert_array_equal(out, getattr(np, name)(x, axis=1))


def test_max_of_a_slice_with_nan_sends_the_derivative_to_the_nan():
    x = np.array([1.0, np.nan, 3.0])
    np.testing.assert_array_equal(cr.grad(cnp.max)(x), [0.0, 1.0, 0.0])


# Values and dtypes against NumPy.

VALUE_FUNCTIONS = [
    "sum",
    "mean",
    "prod",
    "max",
    "min",
    "amax",
    "amin",
    "ptp",
    "var",
    "std",
    "average",
    "nansum",
    "nanmean",
    "nanmax",
    "nanmin",
    "nanprod",
    "nanvar",
    "nanstd",
]


@pytest.mark.parametrize("name", VALUE_FUNCTIONS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=str)
def test_values_and_dtypes_match_numpy(name, dtype, rng):
    x = rng.uniform(-2, 2, (2, 3)).astype(dtype)
    for axis, keepdims in itertools.product([None, 0, -1, (0, 1)], (False, True)):
        f = functools.partial(getattr(cnp, name), axis=axis, keepdims=keepdims)
        expected = getattr(np, name)(x, axis=axis, keepdims=keepdims)
        out, pullback = cr.vjp(f, x)
        np.testing.assert_allclose(out, expected, rtol=1e-6 if dtype == np.float32 else 1e-14)
        assert out.dtype == expected.dtype == dtype
        assert np.shape(out) == np.shape(expected)
        assert pullback(np.ones_like(expected))[0].dtype == dtype


@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=str)
def test_cumulative_values_and_dtypes_match_numpy(name, dtype, rng):
    for shape, axis in [((), None), ((), 0), ((2, 3), None), ((2, 3), 0), ((2, 3), -1)]:
        x = np.asarray(rng.uniform(-2, 2, shape).astype(dtype))
        expected = getattr(np, name)(x, axis=axis)
        out, _ = cr.jvp(functools.partial(getattr(cnp, name), axis=axis), (x,), (np.ones_like(x),))
        np.testing.assert_allclose(out, expected, rtol=1e-6 if dtype == np.float32 else 1e-14)
        assert out.dtype == dtype and out.shape == expected.shape
    assert cr.grad(lambda v: getattr(cnp, name)(v).sum())(np.float32(1.5)).dtype == np.float32


def test_dtype_argument_casts_before_reducing():
    x = np.array([1.0, 2.0], dtype=np.float32)
    assert cr.jvp(lambda v: cnp.sum(v, dtype=np.float64), (x,), (x,))[0].dtype == np.float64
    assert cr.jvp(lambda v: cnp.cumprod(v, dtype=np.float64), (x,), (x,))[0].dtype == np.float64


def test_initial_and_where_match_numpy(rng):
    x = rng.uniform(-2, 2, (2, 3))
    mask = np.array([[True, False, True], [False, False, True]])
    for name, options in [
        ("sum", {"initial": 1.5, "where": mask}),
        ("prod", {"initial": 2.0, "where": mask}),
        ("max", {"initial": -1.0, "where": mask}),
        ("min", {"initial": 0.5}),
        ("mean", {"where": mask}),
    ]:
        f = functools.partial(getattr(cnp, name), axis=1, **options)
        np.testing.assert_allclose(cr.vjp(f, x)[0], getattr(np, name)(x, axis=1, **options))
        check_grads(f, (x,), order=2)


def test_non_differentiable_reductions_give_plain_numpy_results(rng):
    x = rng.uniform(-2, 2, (2, 3))
    x[0, 1] = 0.0
    seen = {}

    def f(v):
        for name, options in [
            ("argmax", {}),
            ("argmin", {"axis": -1}),
            ("argmax", {"axis": 0, "keepdims": True}),
            ("any", {"axis": 1}),
            ("all", {}),
            ("count_nonzero", {"axis": 0}),
            ("all", {"where": x > 0}),
            ("count_nonzero", {}),
        ]:
            seen[name, str(options)] = (
                getattr(cnp, name)(v, **options),
                getattr(np, name)(x, **options),
            )
        return cnp.sum(v)

    cr.grad(f)(x)
    cr.jvp(f, (x,), (x,))
    for key, (actual, expected) in seen.items():
        # A plain result of NumPy's own type (count_nonzero without an axis is a Python
        # int before NumPy 2.3, a NumPy integer after), never a traced value.
        assert type(actual) is type(expected), key
        np.testing.assert_array_equal(actual, expected)
        assert np.asarray(actual).dtype == np.asarray(expected).dtype, key
    assert cr.jvp(lambda v: cnp.argmax(v, axis=0) + v, (np.float64(1.0),), (1.0,))[0] == 1.0


def test_numpy_functions_and_methods_dispatch_to_these_rules(rng):
    x = rng.uniform(0.5, 2, (2, 3))
    for f in [np.sum, np.prod, np.max, np.amin, np.mean, np.std, np.var, np.cumsum, np.cumprod]:
        np.testing.assert_allclose(
            cr.grad(lambda v, f=f: f(v).sum())(x),
            cr.grad(lambda v, f=f: getattr(cnp, f.__name__)(v).sum())(x),
        )
    np.testing.assert_allclose(
        cr.grad(lambda v: v.prod(axis=1).max())(x),
        cr.grad(lambda v: cnp.max(cnp.prod(v, axis=1)))(x),
    )


# Errors.


@pytest.mark.parametrize(
    "name",
    [
        "sum",
        "prod",
        "mean",
        "max",
        "min",
        "var",
        "std",
        "cumsum",
        "cumprod",
        "ptp",
        "nansum",
        "nanprod",
        "nanvar",
        "nanstd",
        "argmax",
        "any",
    ],
)
def test_out_is_refused_on_traced_values(name):
    def f(v):
        return getattr(cnp, name)(v, out=np.empty(()))

    with pytest.raises(TypeError, match=rf"chainrule.numpy.{name}: out= is not supported"):
        cr.grad(lambda v: cnp.sum(f(v)))(np.ones(3))


def test_unsupported_keywords_are_refused_by_name():
    with pytest.raises(
        TypeError, match=r"chainrule.numpy.var: the keyword argument\(s\) \['where'\]"
    ):
        cr.grad(lambda v: cnp.var(v, where=v > 0))(np.ones(3))
    with pytest.raises(ValueError, match="chainrule.numpy.max: where= needs initial="):
        cr.grad(lambda v: cnp.max(v, where=np.array([True, False, True])))(np.ones(3))


def test_average_errors_name_the_problem():
    a = np.ones((2, 3))
    with pytest.raises(TypeError, match="axis must be given"):
        cr.grad(lambda w: cnp.average(a, weights=w))(np.ones(3))
    with pytest.raises(ValueError, match="the shape of weights must be"):
        cr.grad(lambda w: cnp.average(a, axis=0, weights=w))(np.ones(3))
    with pytest.raises(ZeroDivisionError, match="weights sum to zero"):
        cr.grad(lambda w: cnp.average(a, axis=1, weights=w).sum())(np.array([1.0, -1.0, 0.0]))


def test_axis_out_of_bounds_is_an_axis_error():
    with pytest.raises(np.exceptions.AxisError, match="prod: axis 2 is out of bounds"):
        cr.grad(lambda v: cnp.prod(v, axis=2).sum())(np.ones((2, 3)))
    with pytest.raises(np.exceptions.AxisError, match="cumsum: axis -3 is out of bounds"):
        cr.grad(lambda v: cnp.cumsum(v, axis=-3).sum())(np.ones((2, 3)))


def test_lists_holding_traced_values_are_reduced():
    assert cr.grad(lambda t: cnp.prod([t, 2 * t, 1.0]))(3.0) == 12.0
    assert cr.grad(lambda t: cnp.max((t, 2 * t)))(3.0) == 2.0
