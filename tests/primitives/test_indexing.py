"""Tests of primitives/indexing.py through chainrule.numpy: x[index], x.at[index], take, sort."""

from __future__ import annotations

import numpy as np
import pytest
from cases import Case

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.testing import check_grads

at = cnp.IndexUpdater

MASK_5 = np.array([True, False, True, True, False])
MASK_34 = np.array(
    [[True, False, True, True], [False, False, True, False], [True, True, False, False]]
)
MASK_234 = np.arange(24).reshape(2, 3, 4) % 3 == 1


def _describe(index) -> str:
    entries = index if isinstance(index, tuple) else (index,)
    words = []
    for entry in entries:
        if isinstance(entry, slice):
            bounds = [entry.start, entry.stop] + ([] if entry.step is None else [entry.step])
            words.append(":".join("" if b is None else str(b) for b in bounds))
        elif entry is Ellipsis:
            words.append("...")
        elif isinstance(entry, np.ndarray) and entry.dtype == bool:
            words.append(f"mask{entry.shape}")
        else:
            words.append(str(np.asarray(entry).tolist()).replace(" ", ""))
    return ",".join(words)


def _getitem_case(shape: tuple, index) -> Case:
    return Case(
        lambda x: x[index], name=f"getitem{shape}[{_describe(index)}]", example_shapes=(shape,)
    )


# (shape, index): every kind of index NumPy accepts, at the shapes where it means something.
_GETITEM_INDICES = [
    *[
        (shape, index)
        for shape in [(), (5,), (3, 4), (2, 3, 4)]
        for index in [..., None, (..., None)]
    ],
    ((), ()),
    ((), np.True_),
    ((5,), 2),
    ((5,), -1),
    ((5,), slice(1, 4)),
    ((5,), slice(None, None, -2)),
    ((5,), slice(4, 0, -3)),
    ((5,), [0, 0, 3, 0]),
    ((5,), np.array([[1, 4], [4, -1]])),
    ((5,), MASK_5),
    ((5,), []),
    ((3, 4), 1),
    ((3, 4), (-1, 2)),
    ((3, 4), (slice(None), [0, 2])),
    ((3, 4), ([0, 2, 2], [1, 1, 3])),
    ((3, 4), ([[0], [2]], [1, 3, 1])),
    ((3, 4), MASK_34),
    ((3, 4), (MASK_34[:, 0],)),
    ((3, 4), (1, MASK_34[0])),
    ((3, 4), (..., -1)),
    ((3, 4), (None, slice(None, None, -1), 1)),
    ((3, 4), (slice(1, None), None, [3, 0, 3])),
    ((2, 3, 4), (0, ..., 1)),
    ((2, 3, 4), (slice(None), [0, 2], slice(None, None, 2))),
    ((2, 3, 4), ([1, 0], slice(None), [3, 3])),
    ((2, 3, 4), (..., [1, 1], None)),
    ((2, 3, 4), (slice(None), MASK_34)),
    ((2, 3, 4), MASK_234),
    ((2, 3, 4), (1, slice(None, None, -1), [0, -1])),
]
GETITEM = [_getitem_case(shape, index) for shape, index in _GETITEM_INDICES]


def _update_case(method: str, shapes: tuple, index) -> Case:
    def update(x, values):
        return getattr(at(x)[index], method)(values)

    name = f"at{shapes[0]}[{_describe(index)}].{method}(v{shapes[1]})"
    return Case(update, name=name, arity=2, example_shapes=shapes)


# (method, (x shape, values shape), index); values broadcast to x[index].shape.
_UPDATES = [
    *[
        (method, shapes, index)
        for method in ["set", "add", "multiply"]
        for shapes, index in [
            (((), ()), ()),
            (((5,), ()), slice(1, None, 2)),
            (((5,), (2,)), [4, 0]),
            (((3, 4), (4,)), 1),
            (((3, 4), (3, 1)), (slice(None), [0, 2])),
            (((3, 4), ()), MASK_34),
            (((2, 3, 4), (2, 1, 2)), (..., [1, 2], slice(None, None, -2))),
        ]
    ],
    ("set", ((5,), (4,)), [0, 3, 0, 3]),
    ("set", ((3, 4), (3, 4)), ([0, 0, 2], slice(None))),
    ("set", ((3, 4), (4,)), [2, 2]),
    ("add", ((5,), (4,)), [0, 3, 0, 3]),
    ("add", ((3, 4), (2, 1)), ([[1], [1]], [0, 0])),
]
UPDATES = [_update_case(method, shapes, index) for method, shapes, index in _UPDATES]

# Functions built on getitem: take, take_along_axis, sort, compress, extract.
_ORDER_34 = np.array([[2, 0, 1, 0], [1, 1, 0, 2]])
GATHERS = [
    Case(lambda x: cnp.take(x, [3, 0, 3]), name="take(flat)", example_shapes=((3, 4),)),
    Case(lambda x: cnp.take(x, [[1], [0]], axis=1), name="take(axis=1)", example_shapes=((3, 4),)),
    Case(
        lambda x: cnp.take(x, [-1, 7], axis=0, mode="wrap"),
        name="take(wrap)",
        example_shapes=((5,),),
    ),
    Case(lambda x: cnp.take(x, [-1, 7], mode="clip"), name="take(clip)", example_shapes=((5,),)),
    Case(lambda x: cnp.take(x, 2, axis=-1), name="take(scalar)", example_shapes=((3, 4),)),
    Case(
        lambda x: cnp.take_along_axis(x, _ORDER_34, axis=0),
        name="take_along_axis(0)",
        example_shapes=((3, 4),),
    ),
    Case(
        lambda x: cnp.take_along_axis(x, np.array([[3, 3, 0]]), axis=1),
        name="take_along_axis(broadcast)",
        example_shapes=((3, 4),),
    ),
    Case(
        lambda x: cnp.take_along_axis(x, np.array([4, 0, 0]), axis=None),
        name="take_along_axis(None)",
        example_shapes=((5,),),
    ),
    Case(cnp.sort, name="sort(5)", example_shapes=((5,),)),
    Case(lambda x: cnp.sort(x, axis=0), name="sort(axis=0)", example_shapes=((3, 4),)),
    Case(lambda x: cnp.sort(x, axis=None), name="sort(axis=None)", example_shapes=((2, 3, 4),)),
    Case(lambda x: cnp.sort(x), name="sort(3d)", example_shapes=((2, 3, 4),)),
    Case(
        lambda x: cnp.compress([True, False, True], x, axis=0),
        name="compress(axis=0)",
        example_shapes=((3, 4),),
    ),
    Case(lambda x: cnp.compress(MASK_5[:3], x), name="compress(flat)", example_shapes=((5,),)),
    Case(lambda x: cnp.extract(MASK_34, x), name="extract", example_shapes=((3, 4),)),
]


@pytest.mark.parametrize("case", GETITEM + GATHERS, ids=str)
def test_gather_rules(case, rng):
    # sin(.) makes the second derivative nonzero, so order 2 checks the rules of the rules.
    args = case.sample_args(rng, case.example_shapes)
    check_grads(lambda *a: cnp.sin(case.call(*a)), args, order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("case", UPDATES, ids=str)
def test_update_rules(case, rng):
    args = case.sample_args(rng, case.example_shapes)
    check_grads(lambda *a: cnp.sin(case.call(*a)), args, order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("case", GETITEM + GATHERS + UPDATES, ids=str)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_values_and_dtypes_match_numpy(case, dtype, rng):
    args = case.sample_args(rng, case.example_shapes, dtype)
    expected = case.call(*args)  # plain arrays: NumPy itself computes this
    traced, tangent = cr.jvp(case.call, args, tuple(np.ones_like(a) for a in args))
    np.testing.assert_array_equal(traced, expected)
    assert np.asarray(traced).dtype == np.asarray(expected).dtype == dtype
    assert np.asarray(tangent).dtype == dtype
    gradients = cr.grad(lambda *a: cnp.sum(case.call(*a)), argnums=tuple(range(len(args))))(*args)
    assert [g.dtype for g in map(np.asarray, gradients)] == [dtype] * len(args)


def test_plain_updates_match_numpy_and_leave_x_alone(rng):
    x = rng.standard_normal((3, 4))
    before = x.copy()
    index = ([0, 0, 2], slice(1, 3))
    values = rng.standard_normal((3, 2))
    expected_set, expected_add, expected_multiply = x.copy(), x.copy(), x.copy()
    expected_set[index] = values
    np.add.at(expected_add, index, values)
    np.multiply.at(expected_multiply, index, values)
    np.testing.assert_array_equal(at(x)[index].set(values), expected_set)
    np.testing.assert_array_equal(at(x)[index].add(values), expected_add)
    np.testing.assert_array_equal(at(x)[index].multiply(values), expected_multiply)
    np.testing.assert_array_equal(at(x)[index].get(), x[index])
    np.testing.assert_array_equal(x, before)


def test_traced_updates_leave_x_alone(rng):
    x = rng.standard_normal(5)
    before = x.copy()

    def f(x):
        y = x.at[[1, 2]].set(0.0).at[0].add(x[4]).at[3].multiply(2.0)
        return (x * y).sum() + y.at[2].get() + y.at[3].get()

    value, gradient = cr.value_and_grad(f)(x)
    y = x.copy()
    y[[1, 2]] = 0.0
    y[0] += x[4]
    y[3] *= 2.0
    assert value == pytest.approx((x * y).sum() + y[3])
    np.testing.assert_allclose(gradient, [2 * x[0] + x[4], 0, 0, 4 * x[3] + 2, 2 * x[4] + x[0]])
    np.testing.assert_array_equal(x, before)


def test_repeated_indices_accumulate_gradients():
    x = np.array([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(cr.grad(lambda x: x[[0, 0, 2, 0]].sum())(x), [3.0, 0.0, 1.0])
    np.testing.assert_array_equal(
        cr.jacfwd(lambda x: x[[2, 2]])(x), [[0.0, 0.0, 1.0], [0.0, 0.0, 1.0]]
    )


def test_add_with_repeated_indices_adds_every_update():
    x, values = np.zeros(3), np.array([1.0, 2.0, 4.0])
    out, pullback = cr.vjp(lambda x, v: at(x)[[0, 0, 2]].add(v), x, values)
    np.testing.assert_array_equal(out, [3.0, 0.0, 4.0])
    x_bar, values_bar = pullback(np.array([10.0, 20.0, 30.0]))
    np.testing.assert_array_equal(x_bar, [10.0, 20.0, 30.0])
    np.testing.assert_array_equal(values_bar, [10.0, 10.0, 30.0])


def test_set_with_repeated_indices_last_write_wins():
    # NumPy keeps the last write; only that write receives a derivative.
    x, values = np.zeros(4), np.array([1.0, 2.0, 3.0, 4.0])
    out, pullback = cr.vjp(lambda x, v: at(x)[[3, 0, 3, 0]].set(v), x, values)
    expected = np.zeros(4)
    expected[[3, 0, 3, 0]] = values
    np.testing.assert_array_equal(out, expected)
    np.testing.assert_array_equal(out, [4.0, 0.0, 0.0, 3.0])
    x_bar, values_bar = pullback(np.array([10.0, 20.0, 30.0, 40.0]))
    np.testing.assert_array_equal(x_bar, [0.0, 20.0, 30.0, 0.0])
    np.testing.assert_array_equal(values_bar, [0.0, 0.0, 40.0, 10.0])
    _, tangent = cr.jvp(lambda v: at(x)[[3, 0, 3, 0]].set(v), (values,), (np.ones(4),))
    np.testing.assert_array_equal(tangent, [1.0, 0.0, 0.0, 1.0])


def test_set_broadcast_value_gets_the_sum_of_its_copies():
    gradient = cr.grad(
        lambda v: (at(np.zeros((3, 4)))[:, 1:].set(v) * np.arange(12.0).reshape(3, 4)).sum()
    )
    assert gradient(2.0) == pytest.approx(sum(range(12)) - (0 + 4 + 8))


def test_sort_ties_follow_stable_argsort():
    # At a tie the derivative goes to the element the stable argsort puts there.
    np.testing.assert_array_equal(
        cr.grad(lambda x: cnp.sort(x)[0])(np.array([1.0, 1.0, 1.0])), [1, 0, 0]
    )
    np.testing.assert_array_equal(
        cr.grad(lambda x: cnp.sort(x)[1])(np.array([2.0, 1.0, 1.0])), [0, 0, 1]
    )
    np.testing.assert_array_equal(
        cr.jacrev(cnp.sort)(np.array([3.0, 1.0, 2.0])), [[0, 1, 0], [0, 0, 1], [1, 0, 0]]
    )


def test_position_functions_return_plain_integers(rng):
    x = rng.standard_normal((3, 4))
    x[1, 2] = 0.0

    def positions(x):
        results = [cnp.argsort(x, axis=0), x.argsort(), cnp.flatnonzero(x), cnp.argwhere(x)]
        results += list(cnp.nonzero(x)) + list(x.nonzero())
        for result in results:
            assert isinstance(result, np.ndarray) and result.dtype.kind == "i"
        return results

    expected = [np.argsort(x, axis=0), np.argsort(x), np.flatnonzero(x), np.argwhere(x)]
    expected += list(np.nonzero(x)) * 2
    out, _ = cr.jvp(positions, (x,), (np.ones_like(x),))
    for actual, wanted in zip(out, expected, strict=True):
        np.testing.assert_array_equal(actual, wanted)


def test_tracer_methods_use_indexing(rng):
    x = rng.standard_normal((3, 4))
    taken_twice = np.zeros((3, 4))
    taken_twice[:, 0] = 2.0
    np.testing.assert_allclose(cr.grad(lambda x: x.take([0, 0], axis=1).sum())(x), taken_twice)
    np.testing.assert_allclose(
        cr.grad(lambda x: cnp.sort(x, axis=0)[-1].sum())(x), x == x.max(axis=0)
    )
    assert [float(r) for r in cr.jvp(lambda x: list(x), (np.arange(2.0),), (np.ones(2),))[1]] == [
        1,
        1,
    ]


def test_nested_derivative_through_updates():
    # f(x) = x0^2 x1 written with updates; d2f/dx0 dx1 = 2 x0.
    def f(x):
        y = x.at[0].set(x[0] ** 2)
        return y.at[1].multiply(y[0])[1]

    hessian = cr.hessian(f)(np.array([3.0, 5.0]))
    np.testing.assert_allclose(hessian, [[10.0, 6.0], [6.0, 0.0]])


def test_inplace_assignment_on_traced_array_points_to_at():
    def f(x):
        x[0] = 1.0
        return x

    with pytest.raises(TypeError, match=r"x\.at\[index\]\.set\(value\)"):
        cr.grad(lambda x: f(x).sum())(np.ones(3))


@pytest.mark.parametrize(
    "use_index",
    [
        lambda x: x[x[0]],
        lambda x: x[[0, x[1]]],
        lambda x: x[1 : x[0]],
        lambda x: cnp.getitem(np.ones(3), x[0]),
        lambda x: cnp.getitem(np.ones(3), (0, [x[0]])),
        lambda x: cnp.take(x, x),
        lambda x: cnp.take_along_axis(x, x, axis=0),
        lambda x: x.at[x[0]].set(1.0),
    ],
    ids=[
        "scalar",
        "in-list",
        "slice-bound",
        "plain-array",
        "plain-array-tuple",
        "take",
        "take_along_axis",
        "at",
    ],
)
def test_traced_index_is_a_type_error(use_index):
    with pytest.raises(TypeError, match="indices carry no derivative"):
        cr.grad(lambda x: cnp.sum(use_index(x)))(np.array([1.0, 0.0, 2.0]))


def test_multiply_with_repeated_indices_and_traced_values_is_refused():
    with pytest.raises(NotImplementedError, match=r"repeats a position and values is traced"):
        cr.grad(lambda v: at(np.ones(3))[[0, 0]].multiply(v).sum())(np.array([2.0, 3.0]))
    # With constant values it is fine: the derivative in x is the product of the factors.
    gradient = cr.grad(lambda x: at(x)[[0, 0]].multiply(np.array([2.0, 3.0])).sum())(np.ones(3))
    np.testing.assert_array_equal(gradient, [6.0, 1.0, 1.0])


def test_update_dtype_errors():
    with pytest.raises(TypeError, match=r"dtype int64.*Cast x first"):
        cr.grad(lambda v: at(np.zeros(3, dtype=np.int64))[0].set(v).sum())(1.0)
    with pytest.raises(TypeError, match="complex values cannot be written into real x"):
        cr.jvp(lambda v: at(np.zeros(3))[0].add(v), (1j,), (1.0 + 0j,))


def test_gather_argument_errors():
    def through_grad(f):
        return cr.grad(lambda x: cnp.sum(f(x)))(np.ones((2, 3)))

    with pytest.raises(ValueError, match="mode must be 'raise', 'wrap' or 'clip'"):
        through_grad(lambda x: cnp.take(x, [0], mode="nearest"))
    with pytest.raises(IndexError, match="indices must be integers"):
        through_grad(lambda x: cnp.take(x, [0.5]))
    with pytest.raises(ValueError, match="must have the same number"):
        through_grad(lambda x: cnp.take_along_axis(x, np.array([0]), axis=1))
    with pytest.raises(TypeError, match="order= .* is not supported"):
        through_grad(lambda x: cnp.sort(x, order="a"))
    with pytest.raises(TypeError, match="out= is not supported"):
        through_grad(lambda x: cnp.take(x, [0], out=np.zeros(1)))
    with pytest.raises(IndexError):
        through_grad(lambda x: x[2])


def test_static_index_equality_and_hash():
    from chainrule.numpy.indexing import static_index

    first = static_index((slice(1, None), [0, 2], None, ...))
    second = static_index((slice(1, None), np.array([0, 2]), None, Ellipsis))
    assert first == second and hash(first) == hash(second)
    assert first != static_index((slice(1, None), [0, 3], None, ...))
    assert static_index([0, 1]) != static_index(np.array([True, True]))
    # The static index holds a copy: changing the caller's array later changes nothing.
    positions = np.array([0, 1])
    index = static_index(positions)
    positions[0] = 5
    assert index == static_index([0, 1])
