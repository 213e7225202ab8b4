"""Tests of primitives/shape.py through chainrule.numpy: the array manipulation functions."""

from __future__ import annotations

import numpy as np
import pytest
from cases import SHAPE_PAIRS, SHAPES, Case

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.testing import check_grads


def _case(fn, name, arity=1, example_shapes=((2, 3),), **params):
    return Case(fn, name=name, params=params, arity=arity, example_shapes=example_shapes)


def _repeat_per_entry(a):
    # Counts 0, 1, 2, 0, 1, ... along axis 0: zero counts included.
    return cnp.repeat(a, np.arange(a.shape[0]) % 3, axis=0)


#: Functions defined at every shape, 0-d included.
ANY_SHAPE = [
    _case(cnp.flip, "flip"),
    _case(cnp.roll, "roll", shift=2),
    _case(cnp.repeat, "repeat", repeats=2),
    _case(cnp.repeat, "repeat_axis0", repeats=3, axis=0),
    _case(cnp.tile, "tile", reps=(2, 1, 2)),
    _case(cnp.atleast_1d, "atleast_1d"),
    _case(cnp.atleast_2d, "atleast_2d"),
    _case(cnp.atleast_3d, "atleast_3d"),
    _case(cnp.squeeze, "squeeze"),
    _case(cnp.pad, "pad_constant", pad_width=1, constant_values=0.5),
    _case(cnp.pad, "pad_edge", pad_width=2, mode="edge"),
    _case(cnp.pad, "pad_wrap", pad_width=(4, 1), mode="wrap"),
    _case(cnp.pad, "pad_reflect", pad_width=(1, 5), mode="reflect"),
    _case(cnp.pad, "pad_symmetric", pad_width=3, mode="symmetric"),
]

#: Shapes with at least two axes.
MATRIX_SHAPES = [(2, 3), (1, 4), (3, 3), (2, 3, 4)]

#: Functions of arrays with at least two axes.
MATRIX = [
    _case(cnp.swapaxes, "swapaxes", axis1=0, axis2=-1),
    _case(cnp.moveaxis, "moveaxis", source=0, destination=-1),
    _case(cnp.moveaxis, "moveaxis_pairs", source=(0, 1), destination=(1, 0)),
    _case(cnp.diagonal, "diagonal"),
    _case(cnp.diagonal, "diagonal_above", offset=1),
    _case(cnp.diagonal, "diagonal_below_axes", offset=-1, axis1=-1, axis2=0),
    _case(cnp.trace, "trace"),
    _case(cnp.trace, "trace_offset", offset=1, axis1=1, axis2=0),
    _case(cnp.triu, "triu"),
    _case(cnp.triu, "triu_above", k=1),
    _case(cnp.tril, "tril"),
    _case(cnp.tril, "tril_below", k=-1),
    _case(cnp.fliplr, "fliplr"),
    _case(cnp.flipud, "flipud"),
    _case(cnp.flip, "flip_axes", axis=(0, -1)),
    _case(cnp.roll, "roll_axes", shift=(1, -2, 5), axis=(0, 1, 0)),
    _case(cnp.repeat, "repeat_last", repeats=2, axis=-1),
    _case(_repeat_per_entry, "repeat_per_entry"),
    _case(cnp.tile, "tile_short_reps", reps=(3,)),
    _case(cnp.array_split, "array_split", indices_or_sections=2, axis=-1),
    _case(cnp.array_split, "array_split_indices", indices_or_sections=[1, -1, 9]),
    _case(cnp.split, "split", indices_or_sections=1, axis=1),
    _case(cnp.hsplit, "hsplit", indices_or_sections=[2]),
    _case(cnp.vsplit, "vsplit", indices_or_sections=[1]),
    _case(cnp.pad, "pad_reflect_wide", pad_width=(2, 7), mode="reflect"),
]

#: Functions of vectors and matrices only (diag) at the shapes each takes.
VECTOR_OR_MATRIX = [
    _case(cnp.diag, "diag", example_shapes=((3,),)),
    _case(cnp.diag, "diag_above", k=2, example_shapes=((3,),)),
    _case(cnp.diag, "diag_below", k=-1, example_shapes=((3,),)),
]
VECTOR_OR_MATRIX_SHAPES = [(1,), (3,), (2, 3), (3, 3)]


def _repeat_transpose(u):
    # The VJP of repeat with counts (2, 0, 3) along axis 0, as a function of its cotangent u:
    # it sums runs of u (the primitive sum_repeats, which only reverse mode reaches otherwise).
    x = np.zeros((3,) + u.shape[1:], u.dtype)
    return cr.vjp(lambda a: cnp.repeat(a, [2, 0, 3], axis=0), x)[1](u)[0]


#: Transposes of shape functions, as functions of the cotangent (first axis of length 5).
TRANSPOSES = [_case(_repeat_transpose, "repeat_transpose", example_shapes=((5, 2),))]
TRANSPOSE_SHAPES = [(5,), (5, 2)]


def _hstack(a, b):
    return cnp.hstack([a, b])


def _vstack(a, b):
    return cnp.vstack((a, b))


def _dstack(a, b):
    return cnp.dstack([a, b])


def _column_stack(a, b):
    return cnp.column_stack([a, b])


def _broadcast_arrays(a, b):
    return cnp.broadcast_arrays(a, b)


def _concatenate_constant(a, b):
    # A constant piece between two traced ones.
    return cnp.concatenate([a, np.ones((1,) + a.shape[1:], a.dtype), b])


#: Functions of two arrays, each with the shape pairs it accepts.
JOINS = [
    _case(_hstack, "hstack", 2, ((3,), (2,))),
    _case(_vstack, "vstack", 2, ((2, 3), (3,))),
    _case(_dstack, "dstack", 2, ((2, 3), (2, 3))),
    _case(_column_stack, "column_stack", 2, ((3,), (3, 2))),
    _case(_broadcast_arrays, "broadcast_arrays", 2, ((3, 1), (1, 4))),
    _case(_concatenate_constant, "concatenate_constant", 2, ((2, 3), (1, 3))),
]
JOIN_SHAPES = {
    "hstack": [((3,), (2,)), ((), (2,)), ((2, 3), (2, 1))],
    "vstack": [((), ()), ((3,), (3,)), ((2, 3), (3,))],
    "dstack": [((), ()), ((3,), (3,)), ((2, 3), (2, 3)), ((2, 3, 1), (2, 3, 2))],
    "column_stack": [((), ()), ((3,), (3, 2)), ((2,), (2,))],
    "broadcast_arrays": SHAPE_PAIRS,
    "concatenate_constant": [((2,), (3,)), ((2, 3), (1, 3))],
}
JOIN_PAIRS = [(case, shapes) for case in JOINS for shapes in JOIN_SHAPES[str(case)]]

ALL_CASES = (
    [(case, (shape,)) for case in ANY_SHAPE for shape in SHAPES]
    + [(case, (shape,)) for case in MATRIX for shape in MATRIX_SHAPES]
    + [(case, (shape,)) for case in VECTOR_OR_MATRIX for shape in VECTOR_OR_MATRIX_SHAPES]
    + [(case, (shape,)) for case in TRANSPOSES for shape in TRANSPOSE_SHAPES]
    + JOIN_PAIRS
)


@pytest.mark.parametrize("case", ANY_SHAPE, ids=str)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_any_shape_rules(case, shape, rng):
    check_grads(case.call, case.sample_args(rng, (shape,)), order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("case", MATRIX, ids=str)
@pytest.mark.parametrize("shape", MATRIX_SHAPES, ids=str)
def test_matrix_rules(case, shape, rng):
    check_grads(case.call, case.sample_args(rng, (shape,)), order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("case", VECTOR_OR_MATRIX, ids=str)
@pytest.mark.parametrize("shape", VECTOR_OR_MATRIX_SHAPES, ids=str)
def test_vector_or_matrix_rules(case, shape, rng):
    check_grads(case.call, case.sample_args(rng, (shape,)), order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("case", TRANSPOSES, ids=str)
@pytest.mark.parametrize("shape", TRANSPOSE_SHAPES, ids=str)
def test_transpose_rules(case, shape, rng):
    check_grads(case.call, case.sample_args(rng, (shape,)), order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize(("case", "shapes"), JOIN_PAIRS, ids=str)
def test_join_rules(case, shapes, rng):
    check_grads(case.call, case.sample_args(rng, shapes), order=2, modes=("fwd", "rev"))


def _leaves(tree):
    return list(tree) if isinstance(tree, (list, tuple)) else [tree]


@pytest.mark.parametrize(("case", "shapes"), ALL_CASES, ids=str)
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=str)
def test_values_and_dtypes_match_numpy(case, shapes, dtype, rng):
    args = case.sample_args(rng, shapes, dtype)
    expected = case.call(*args)  # plain arrays in: NumPy itself answers
    tangents = tuple(np.ones_like(a) for a in args)
    actual, tangent = cr.jvp(case.call, args, tangents)
    assert len(_leaves(actual)) == len(_leaves(expected)) == len(_leaves(tangent))
    for got, want, got_dot in zip(
        _leaves(actual), _leaves(expected), _leaves(tangent), strict=True
    ):
        assert np.shape(got) == np.shape(want) == np.shape(got_dot)
        assert np.result_type(got) == np.result_type(want) == np.result_type(got_dot) == dtype
        np.testing.assert_array_equal(got, want)


def test_repeat_gradient_sums_the_copies():
    x = np.array([1.0, 2.0, 3.0, 4.0])
    counts = [2, 0, 3, 1]
    grad = cr.grad(lambda a: cnp.sum(cnp.repeat(a, counts) * np.arange(6.0)))(x)
    # Copies of x[i] sit at positions 0-1, (none), 2-4 and 5.
    np.testing.assert_array_equal(grad, [0 + 1, 0, 2 + 3 + 4, 5])


def test_repeat_all_zero_counts_give_zero_gradient():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    out, vjp_fn = cr.vjp(lambda a: cnp.repeat(a, [0, 0], axis=1), x)
    assert out.shape == (2, 0)
    np.testing.assert_array_equal(vjp_fn(np.zeros((2, 0)))[0], np.zeros((2, 2)))


def test_diag_of_vector_and_back():
    v = np.array([1.0, 2.0])
    jac = cr.jacfwd(lambda a: cnp.diag(a, 1))(v)
    assert jac.shape == (3, 3, 2)
    np.testing.assert_array_equal(jac[0, 1], [1, 0])
    np.testing.assert_array_equal(jac[1, 2], [0, 1])
    assert jac.sum() == 2
    # diag of the matrix diag(v, 1) at offset 1 is v again: the Jacobian is the identity.
    np.testing.assert_array_equal(cr.jacrev(lambda a: cnp.diag(cnp.diag(a, 1), 1))(v), np.eye(2))


def test_trace_gradient_is_identity():
    a = np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(cr.grad(cnp.trace)(a), np.eye(3, 4))
    np.testing.assert_array_equal(cr.grad(lambda m: cnp.trace(m, -1))(a), np.eye(3, 4, -1))


def test_pad_traced_constant_values():
    x = np.ones((2, 3))
    # Every one of the 4*5 - 2*3 padded entries holds c.
    grad = cr.grad(lambda c: cnp.sum(cnp.pad(x, 1, constant_values=c)))(2.0)
    assert grad == 14.0
    grads = cr.grad(lambda a, c: cnp.sum(cnp.pad(a, 1, constant_values=c) ** 2), (0, 1))(x, 2.0)
    np.testing.assert_array_equal(grads[0], 2 * x)
    assert grads[1] == 14 * 2 * 2.0


@pytest.mark.parametrize("mode", ["constant", "edge", "wrap", "reflect", "symmetric"])
def test_pad_per_axis_widths(mode, rng):
    x = rng.standard_normal((2, 3))
    check_grads(lambda a: cnp.pad(a, ((1, 0), (5, 2)), mode=mode), (x,), order=2)
    out, _ = cr.jvp(lambda a: cnp.pad(a, ((1, 0), (5, 2)), mode=mode), (x,), (x,))
    np.testing.assert_array_equal(out, np.pad(x, ((1, 0), (5, 2)), mode=mode))


def test_pad_corners_follow_the_last_axis():
    x = np.ones((2, 2))
    values = ((5.0, 6.0), (7.0, 8.0))
    out, _ = cr.jvp(lambda a: cnp.pad(a, 1, constant_values=values), (x,), (x,))
    np.testing.assert_array_equal(out, np.pad(x, 1, constant_values=values))


def test_split_pieces():
    x = np.arange(7.0)
    pieces = cr.jvp(lambda a: tuple(cnp.array_split(a, 3)), (x,), (x,))[0]
    assert [p.tolist() for p in pieces] == [[0, 1, 2], [3, 4], [5, 6]]
    grad = cr.grad(lambda a: cnp.sum(cnp.split(a, [2, 5])[1] ** 2))(x)
    np.testing.assert_array_equal(grad, [0, 0, 4, 6, 8, 0, 0])


def test_concatenate_dtype_argument():
    x = np.ones(2, np.float32)
    out, tangent = cr.jvp(lambda a: cnp.concatenate([a, a], dtype=np.float64), (x,), (x,))
    assert out.dtype == tangent.dtype == np.float64


def test_tracer_methods():
    a = np.arange(6.0).reshape(2, 3, 1)

    def f(m):
        pieces = [
            m.squeeze(),
            m.squeeze(axis=2),
            m.swapaxes(0, 1),
            m.diagonal(0, 0, 1),
            m.trace(axis1=0, axis2=1),
            m.repeat(2, axis=1),
            m.mT,
            m.ravel(),
        ]
        return tuple(pieces)

    out = cr.jvp(f, (a,), (a,))[0]
    expected = (
        a.squeeze(),
        a.squeeze(axis=2),
        a.swapaxes(0, 1),
        a.diagonal(0, 0, 1),
        a.trace(axis1=0, axis2=1),
        a.repeat(2, axis=1),
        a.mT,
        a.ravel(),
    )
    for got, want in zip(out, expected, strict=True):
        np.testing.assert_array_equal(got, want)


def test_numpy_dispatch():
    x = np.arange(6.0).reshape(2, 3)
    functions = [
        lambda a: np.flip(a, 1),
        lambda a: np.roll(a, 1),
        lambda a: np.tril(a),
        lambda a: np.pad(a, 1, mode="edge"),
        lambda a: np.tile(a, 2),
        lambda a: np.moveaxis(a, 0, 1),
        lambda a: np.hstack([a, a]),
        lambda a: np.diag(a, 1),
        lambda a: np.fliplr(a),
        lambda a: np.atleast_3d(a),
    ]
    for function in functions:
        check_grads(function, (x,), order=1)


# (function, exception, message fragment); each is called on a traced (2, 3) array.
ERRORS = [
    (lambda a: cnp.swapaxes(a, 0, 2), np.exceptions.AxisError, "axis 2 is out of bounds"),
    (lambda a: cnp.moveaxis(a, (0, 1), 0), ValueError, "same number of elements"),
    (lambda a: cnp.moveaxis(a, (0, 0), (0, 1)), ValueError, "repeated axis in `source`"),
    (lambda a: cnp.moveaxis(a, 0, 3), np.exceptions.AxisError, "out of bounds"),
    (lambda a: cnp.squeeze(a, axis=1), ValueError, "size not equal to one"),
    (lambda a: cnp.squeeze(a, axis=2), np.exceptions.AxisError, "out of bounds"),
    (lambda a: cnp.broadcast_arrays(a, np.ones(4)), ValueError, "shape mismatch"),
    (lambda a: cnp.split(a, 2, axis=1), ValueError, "equal division"),
    (lambda a: cnp.split(a, 0), ValueError, "larger than 0"),
    (lambda a: cnp.array_split(a, -1), ValueError, "larger than 0"),
    (lambda a: cnp.split(a, 1, axis=2), np.exceptions.AxisError, "out of bounds"),
    (lambda a: cnp.dsplit(a, 1), ValueError, "dsplit only works on arrays of 3 or more"),
    (
        lambda a: cnp.vsplit(cnp.sum(a, axis=0), 1),
        ValueError,
        "vsplit only works on arrays of 2 or more",
    ),
    (lambda a: cnp.hsplit(a.sum(), 1), ValueError, "hsplit only works on arrays of 1 or more"),
    (lambda a: cnp.tile(a, -1), ValueError, "negative dimensions"),
    (lambda a: cnp.tile(a, 2.0), TypeError, "integer"),
    (lambda a: cnp.repeat(a, [1, 2], axis=1), ValueError, "could not be broadcast"),
    (lambda a: cnp.repeat(a, [-1, 2, 1], axis=1), ValueError, "negative values"),
    (lambda a: cnp.repeat(a, [[2]], axis=1), ValueError, "1-D"),
    (lambda a: cnp.repeat(a, 2, axis=2), np.exceptions.AxisError, "out of bounds"),
    (lambda a: cnp.flip(a, 2), np.exceptions.AxisError, "out of bounds"),
    (lambda a: cnp.flip(a, (0, 0)), ValueError, "repeated axis"),
    (lambda a: cnp.fliplr(cnp.sum(a, axis=0)), ValueError, "Input must be >= 2-d."),
    (lambda a: cnp.flipud(a.sum()), ValueError, "Input must be >= 1-d."),
    (lambda a: cnp.roll(a, 1, axis=2), np.exceptions.AxisError, "out of bounds"),
    (lambda a: cnp.roll(a, (1, 2, 3), axis=(0, 1)), ValueError, "broadcast"),
    (lambda a: cnp.diag(cnp.reshape(a, (1, 2, 3))), ValueError, "Input must be 1- or 2-d."),
    (lambda a: cnp.diag(a.sum()), ValueError, "Input must be 1- or 2-d."),
    (lambda a: cnp.diagonal(cnp.sum(a, axis=0)), ValueError, "at least two dimensions"),
    (lambda a: cnp.diagonal(a, axis1=1, axis2=-1), ValueError, "cannot be the same"),
    (lambda a: cnp.diagonal(a, axis1=2), np.exceptions.AxisError, "out of bounds"),
    (lambda a: cnp.trace(cnp.sum(a, axis=0)), ValueError, "at least two dimensions"),
    (lambda a: cnp.trace(a, out=np.zeros(())), TypeError, "out= is not supported"),
    (lambda a: cnp.triu(a.sum()), ValueError, "Input must be >= 1-d."),
    (lambda a: cnp.concatenate([a, cnp.sum(a, axis=0)]), ValueError, "same number of dimensions"),
    (lambda a: cnp.concatenate([a, a], dtype=np.int64), TypeError, "cannot cast"),
    (lambda a: cnp.pad(a, -1), ValueError, "negative values"),
    (lambda a: cnp.pad(a, 1.5), TypeError, "integral type"),
    (lambda a: cnp.pad(a, ((1, 2), (1, 2), (1, 2))), ValueError, "broadcast"),
    (
        lambda a: cnp.pad(cnp.repeat(a, 0, axis=1), 1, mode="wrap"),
        ValueError,
        "can't extend empty axis 1",
    ),
    (lambda a: cnp.pad(a, 1, mode="median"), NotImplementedError, "mode 'median'"),
    (lambda a: cnp.pad(a, 1, mode="edge", constant_values=3), ValueError, "unsupported keyword"),
    (lambda a: cnp.pad(a, 1, mode="reflect", reflect_type="odd"), NotImplementedError, "even"),
    (lambda a: cnp.pad(a, 1, constant_values=a), NotImplementedError, "must be a scalar"),
]


@pytest.mark.parametrize(("function", "error", "message"), ERRORS, ids=lambda e: str(e)[:40])
def test_errors(function, error, message):
    x = np.ones((2, 3))
    with pytest.raises(error, match=message):
        cr.jvp(function, (x,), (x,))
