"""Finite differences and grid sums (chainrule/numpy/differences.py): diff, ediff1d,
gradient, trapezoid.

Derivatives in every array argument by check_grads in both modes, values and dtypes
against NumPy, errors, and the NumPy functions called on tracers.
"""

import functools

import numpy as np
import pytest
from assertions import raises_with
from cases import Case

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.testing import check_grads


def _grid(rng, n):
    """Increasing, unevenly spaced coordinates."""
    return np.cumsum(rng.uniform(0.5, 1.5, n))


def _stacked(gradient):
    """gradient's components as one array (one axis gives an array, several a tuple)."""
    return cnp.stack(gradient) if isinstance(gradient, tuple) else gradient


# One array argument; crossed with the shapes below.
DIFFERENCES = [
    Case(cnp.diff, name="diff"),
    Case(cnp.diff, params={"n": 2, "axis": 0}, name="diff_n2_axis0"),
    Case(cnp.diff, params={"n": 0}, name="diff_n0"),
    Case(cnp.diff, params={"prepend": 1.5, "append": -2.0}, name="diff_prepend_append"),
    Case(cnp.ediff1d),
    Case(cnp.ediff1d, params={"to_begin": [1.0, 2.0], "to_end": 3.0}, name="ediff1d_padded"),
    Case(cnp.trapezoid),
    Case(cnp.trapezoid, params={"dx": 0.3, "axis": 0}, name="trapezoid_dx_axis0"),
    Case(lambda f: cnp.gradient(f, axis=-1), name="gradient"),
    Case(lambda f: cnp.gradient(f, 0.4, axis=0, edge_order=2), name="gradient_edge_order2"),
    Case(lambda f: _stacked(cnp.gradient(f, 0.5)), name="gradient_all_axes"),
]
DIFFERENCE_SHAPES = [(3,), (4, 3), (3, 5)]

# Several differentiable arrays (values and spacings, coordinates or padding).
SEVERAL_ARGUMENTS = [
    Case(
        lambda a, p, q: cnp.diff(a, axis=0, prepend=p, append=q),
        arity=3,
        example_shapes=((3, 4), (1, 4), (2, 4)),
        name="diff_traced_padding",
    ),
    Case(
        lambda a, b, e: cnp.ediff1d(a, to_begin=b, to_end=e),
        arity=3,
        example_shapes=((2, 3), (), (2,)),
        name="ediff1d_traced_padding",
    ),
    Case(
        lambda y, dx: cnp.trapezoid(y, dx=dx),
        arity=2,
        example_shapes=((2, 4), ()),
        name="trapezoid_dx",
    ),
]


@pytest.mark.parametrize("case", DIFFERENCES, ids=str)
@pytest.mark.parametrize("shape", DIFFERENCE_SHAPES, ids=str)
def test_difference_rules(case, shape, rng):
    check_grads(case.call, (case.sample(rng, shape),), order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("case", SEVERAL_ARGUMENTS, ids=str)
def test_rules_in_several_arguments(case, rng):
    check_grads(case.call, case.sample_args(rng, case.example_shapes), order=2)


@pytest.mark.parametrize("edge_order", [1, 2])
def test_gradient_and_trapezoid_are_differentiable_in_the_coordinates(edge_order, rng):
    f, x, y = rng.normal(size=(4, 5)), _grid(rng, 5), _grid(rng, 4)
    check_grads(lambda f, x: cnp.gradient(f, x, axis=1, edge_order=edge_order), (f, x), order=2)
    check_grads(
        lambda f, y, x: cnp.stack(cnp.gradient(f, y, x, edge_order=edge_order)), (f, y, x), order=2
    )
    check_grads(lambda f, x: cnp.trapezoid(f, x), (f, x), order=2)
    check_grads(lambda f, y: cnp.trapezoid(f, y, axis=0), (f, y), order=2)
    check_grads(
        lambda f, g: cnp.trapezoid(f, g, axis=0), (f, f + 3 * np.arange(4)[:, None]), order=2
    )


def test_traced_even_coordinates_give_each_coordinate_its_derivative():
    # NumPy reduces evenly spaced plain coordinates to one step; traced ones keep them all.
    f = np.array([1.0, 4.0, 9.0, 16.0])
    for edge_order in (1, 2):
        check_grads(lambda x, e=edge_order: cnp.gradient(f, x, edge_order=e), (np.arange(4.0),))
    jacobian = cr.jacfwd(lambda x: cnp.gradient(f, x))(np.arange(4.0))
    np.testing.assert_array_equal(jacobian[3], [0.0, 0.0, 7.0, -7.0])  # -(16 - 9) / dx**2


def _compare(function, args, kwargs, dtype):
    numpy_function = getattr(np, function)
    expected = numpy_function(*args, **kwargs)
    traced = [i for i, a in enumerate(args) if isinstance(a, np.ndarray) and a.dtype.kind == "f"]

    def f(*values):
        full = list(args)
        for i, value in zip(traced, values):
            full[i] = value
        return getattr(cnp, function)(*full, **kwargs)

    actual, _ = cr.vjp(f, *[args[i] for i in traced])
    for a, e in zip(*(x if isinstance(x, tuple) else (x,) for x in (actual, expected))):
        assert a.shape == e.shape and a.dtype == e.dtype, (function, kwargs)
        np.testing.assert_allclose(a, e, rtol=1e-5 if dtype == np.float32 else 1e-13)


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=str)
def test_values_and_dtypes_match_numpy(dtype, rng):
    f = rng.normal(size=(4, 5)).astype(dtype)
    x, y = _grid(rng, 5).astype(dtype), _grid(rng, 4)
    for function, args, kwargs in [
        ("diff", (f,), {}),
        ("diff", (f,), {"n": 3, "axis": 0}),
        ("diff", (f,), {"prepend": 0.5, "append": f[:, :2]}),
        ("diff", (f,), {"axis": 0, "prepend": f[:1]}),
        ("ediff1d", (f,), {}),
        ("ediff1d", (f,), {"to_begin": np.float64(1.0), "to_end": [2.0, 3.0]}),
        ("trapezoid", (f,), {}),
        ("trapezoid", (f, x), {}),
        ("trapezoid", (f, y), {"axis": 0}),
        ("trapezoid", (f,), {"dx": 0.25, "axis": -2}),
        ("gradient", (f,), {}),
        ("gradient", (f, y, x), {}),
        ("gradient", (f, 0.5), {"axis": (1, 0), "edge_order": 2}),
        ("gradient", (f, x), {"axis": -1, "edge_order": 2}),
        ("gradient", (f, np.arange(5)), {"axis": 1}),
    ]:
        _compare(function, args, kwargs, dtype)


def test_numpy_functions_on_tracers_dispatch_here(rng):
    f, x = rng.normal(size=(3, 4)), _grid(rng, 4)
    for numpy_call, cnp_call in [
        (lambda v: np.diff(v, 2), lambda v: cnp.diff(v, 2)),
        (lambda v: np.ediff1d(v, to_end=v[0]), lambda v: cnp.ediff1d(v, to_end=v[0])),
        (lambda v: np.trapezoid(v, x), lambda v: cnp.trapezoid(v, x)),
        (lambda v: np.gradient(v, x, axis=1), lambda v: cnp.gradient(v, x, axis=1)),
        (lambda v: np.diff(f, append=v), lambda v: cnp.diff(f, append=v)),
    ]:
        expected = cr.grad(lambda v, g=cnp_call: cnp.sum(cnp.sin(g(v))))(f)
        actual = cr.grad(lambda v, g=numpy_call: np.sum(np.sin(g(v))))(f)
        np.testing.assert_array_equal(actual, expected)
        assert np.any(expected != 0)


def test_errors_name_the_function_and_the_fix(rng):
    f = rng.normal(size=(3, 4))

    def grad_of(g, value=f):
        return lambda: cr.grad(lambda v: cnp.sum(g(v)))(value)

    raises_with(ValueError, grad_of(cnp.diff, np.float64(1.0)), "diff", "at least one dimensional")
    raises_with(ValueError, grad_of(functools.partial(cnp.diff, n=-1)), "non-negative")
    raises_with(
        TypeError,
        grad_of(lambda v: cnp.ediff1d(v.astype(np.float32), to_end=np.array([1 + 2j]))),
        "ediff1d",
        "to_end",
        "same_kind",
    )
    raises_with(
        ValueError,
        grad_of(lambda v: cnp.gradient(v[:, :2], axis=1, edge_order=2)),
        "edge_order + 1",
    )
    raises_with(
        ValueError, grad_of(lambda v: cnp.gradient(v, edge_order=3)), "edge_order must be 1 or 2"
    )
    raises_with(
        TypeError,
        grad_of(lambda v: cnp.stack(cnp.gradient(v, 1.0, 2.0, 3.0))),
        "3 spacing arguments",
    )
    raises_with(
        ValueError, grad_of(lambda v: cnp.gradient(v, np.arange(3.0), axis=1)), "must match"
    )
    raises_with(
        ValueError, grad_of(lambda v: cnp.gradient(v, np.ones((4, 1)), axis=1)), "scalars or 1d"
    )
    raises_with(ValueError, grad_of(lambda v: cnp.gradient(v, axis=(1, -1))), "repeats")
    raises_with(np.exceptions.AxisError, grad_of(lambda v: cnp.trapezoid(v, axis=2)), "trapezoid")
