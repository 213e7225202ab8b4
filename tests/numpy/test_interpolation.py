"""interp (chainrule/numpy/interpolation.py): derivatives in x, xp, fp, left and right,
the one-sided convention at sample points, values against NumPy, errors, np.interp."""

import numpy as np
import pytest
from assertions import raises_with
from cases import Case

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.testing import check_grads

XP = np.array([-1.5, -0.4, 0.3, 0.9, 1.7])
FP = np.array([0.5, -1.0, 2.0, 0.25, 1.5])


def _inside(x):
    """Points too close to a sample point for central differences (a kink is there)."""
    return np.min(np.abs(np.asarray(x)[..., None] - XP), axis=-1) < 1e-3


# x inside and outside the sample range; crossed with the shapes below.
INTERPOLATIONS = [
    Case(lambda x: cnp.interp(x, XP, FP), domain=(-2.5, 2.5), avoid=_inside, name="interp_x"),
    Case(
        lambda x: cnp.interp(x, XP, FP, left=-3.0, right=4.0),
        domain=(-2.5, 2.5),
        avoid=_inside,
        name="interp_x_left_right",
    ),
    Case(lambda x: cnp.interp(x, XP, FP, period=2.0), avoid=_inside, name="interp_x_periodic"),
]
SHAPES = [(), (4,), (2, 3)]
POINTS = np.linspace(-2.0, 2.0, 7)
# The sample values and the sample points, at points x inside and outside their range.
SAMPLES = [
    Case(lambda fp: cnp.interp(POINTS, XP, fp), example_shapes=((5,),), name="interp_fp"),
    Case(
        lambda xp: cnp.interp(POINTS, xp + XP, FP),
        domain=(-0.01, 0.01),
        example_shapes=((5,),),
        name="interp_xp",
    ),
]


@pytest.mark.parametrize("case", INTERPOLATIONS, ids=str)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_interp_rules(case, shape, rng):
    check_grads(case.fn, (case.sample(rng, shape),), order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("case", SAMPLES, ids=str)
def test_interp_rules_in_the_samples(case, rng):
    check_grads(case.fn, case.sample_args(rng, case.example_shapes), order=2, modes=("fwd", "rev"))


def test_interp_in_all_arguments_at_once(rng):
    x = rng.uniform(-2.5, 2.5, (2, 4))
    check_grads(
        lambda x, xp, fp, left, right: cnp.interp(x, xp, fp, left, right),
        (x, XP, FP, -3.0, 4.0),
        order=2,
    )
    check_grads(lambda x, xp, fp: cnp.interp(x, xp, fp, period=3.0), (x, XP, FP), order=2)


def test_derivative_at_sample_points_is_right_sided():
    xp, fp = [0.0, 1.0, 3.0], [0.0, 2.0, 3.0]
    slope = cr.grad(lambda x: cnp.interp(x, xp, fp))
    assert slope(0.0) == 2.0  # the segment to the right
    assert slope(1.0) == 0.5
    assert slope(3.0) == 0.0  # beyond the last point the value is the constant fp[-1]
    assert slope(-1.0) == 0.0 and slope(4.0) == 0.0
    assert cr.jacfwd(lambda x: cnp.interp(x, xp, fp))(1.0) == 0.5
    np.testing.assert_array_equal(
        cr.grad(lambda f: cnp.interp(1.0, xp, f))(np.array(fp)), [0, 1, 0]
    )


@pytest.mark.parametrize("x_dtype", [np.float64, np.float32], ids=str)
def test_values_and_dtypes_match_numpy(x_dtype, rng):
    x = rng.uniform(-2.5, 2.5, (3, 4)).astype(x_dtype)
    x[0, :3] = XP[[0, 2, 4]]  # exactly on sample points, the last one included
    duplicated = np.array([-1.0, 0.0, 0.0, 1.0, 1.0])
    for xp, fp, options in [
        (XP, FP, {}),
        (XP, FP, {"left": -3.0, "right": 4.0}),
        (XP, FP, {"period": 2.0}),
        (XP, FP, {"period": -2.5}),
        (XP, FP + 1j * FP[::-1], {}),
        (duplicated, FP, {}),
        (np.array([0.5]), np.array([2.0]), {"left": 1.0}),
    ]:
        expected = np.interp(x, xp, fp, **options)
        actual, _ = cr.vjp(lambda v, xp=xp, fp=fp, o=options: cnp.interp(v, xp, fp, **o), x)
        assert actual.dtype == expected.dtype and actual.shape == expected.shape
        np.testing.assert_allclose(actual, expected, rtol=1e-14, atol=1e-15)
    scalar, _ = cr.vjp(lambda v: cnp.interp(v, XP, FP), 0.1)
    assert scalar.shape == () and scalar == np.interp(0.1, XP, FP)


def test_np_interp_on_tracers_dispatches_here(rng):
    x = rng.uniform(-2, 2, 5)
    for argnums in (0, 1, 2):
        expected = cr.grad(lambda *a: cnp.sum(cnp.interp(*a) ** 2), argnums=argnums)(x, XP, FP)
        actual = cr.grad(lambda *a: np.sum(np.interp(*a) ** 2), argnums=argnums)(x, XP, FP)
        np.testing.assert_array_equal(actual, expected)
        assert np.any(expected != 0)


def test_errors_name_the_function_and_the_fix():
    def grad_of(f):
        return lambda: cr.grad(lambda v: cnp.sum(f(v)))(np.array([0.5, 1.0]))

    raises_with(
        TypeError, grad_of(lambda v: cnp.interp(0.3, XP, FP, period=v[0])), "period is traced"
    )
    raises_with(ValueError, grad_of(lambda v: cnp.interp(v, XP, FP, period=0)), "non-zero")
    raises_with(ValueError, grad_of(lambda v: cnp.interp(v, XP[:3], FP)), "same length")
    raises_with(ValueError, grad_of(lambda v: cnp.interp(v, XP[None], FP[None])), "1-D")
    raises_with(ValueError, grad_of(lambda v: cnp.interp(v, [], [])), "empty")
