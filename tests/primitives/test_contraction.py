"""Tests of primitives/contraction.py (matmul, einsum) and the products built on them."""

from __future__ import annotations

import numpy as np
import pytest
from cases import Case

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.primitives import contraction as ct
from chainrule.testing import check_grads

MATMUL_SHAPES = [
    ((3,), (3,)),
    ((2, 3), (3,)),
    ((3,), (3, 4)),
    ((2, 3), (3, 4)),
    ((5, 2, 3), (3, 4)),
    ((2, 1, 2, 3), (3, 3, 4)),
    ((1, 2, 3), (4, 3, 2)),
    ((3, 4), (2, 4, 2)),
    ((3,), (2, 3, 2)),
]
DOT_SHAPES = [
    ((), (3,)),
    ((2, 3), ()),
    ((3,), (3,)),
    ((2, 3), (3,)),
    ((3,), (3, 4)),
    ((2, 3), (3, 4)),
    ((2, 2, 3), (3,)),
    ((2, 2, 3), (3, 4)),
    ((3,), (2, 3, 4)),
    ((2, 3), (2, 3, 4)),
    ((2, 2, 3), (2, 3, 2)),
]
INNER_SHAPES = [
    ((), (3,)),
    ((3,), (3,)),
    ((2, 3), (3,)),
    ((3,), (2, 3)),
    ((2, 3), (4, 3)),
    ((2, 2, 3), (2, 3)),
]
OUTER_SHAPES = [((3,), (4,)), ((2, 3), (2,)), ((), (3,))]
VDOT_SHAPES = [((3,), (3,)), ((2, 3), (3, 2))]
VECDOT_SHAPES = [((3,), (3,)), ((2, 3), (3,)), ((2, 1, 3), (4, 3))]
MATVEC_SHAPES = [((2, 3), (3,)), ((4, 2, 3), (3,)), ((2, 3), (4, 3))]
VECMAT_SHAPES = [((2,), (2, 3)), ((4, 2), (2, 3)), ((2,), (4, 2, 3))]

PRODUCTS = [
    Case(cnp.matmul, arity=2, example_shapes=((2, 3), (3, 4))),
    Case(cnp.dot, arity=2, example_shapes=((2, 3), (3, 4))),
    Case(cnp.inner, arity=2, example_shapes=((2, 3), (4, 3))),
    Case(cnp.outer, arity=2, example_shapes=((3,), (4,))),
    Case(cnp.vdot, arity=2, example_shapes=((2, 3), (3, 2))),
    Case(cnp.vecdot, arity=2, example_shapes=((2, 3), (3,))),
    Case(cnp.matvec, arity=2, example_shapes=((4, 2, 3), (3,))),
    Case(cnp.vecmat, arity=2, example_shapes=((4, 2), (2, 3))),
]
# The shape pairs each product is checked at, by name.
PRODUCT_SHAPES = {
    "matmul": MATMUL_SHAPES,
    "dot": DOT_SHAPES,
    "inner": INNER_SHAPES,
    "outer": OUTER_SHAPES,
    "vdot": VDOT_SHAPES,
    "vecdot": VECDOT_SHAPES,
    "matvec": MATVEC_SHAPES,
    "vecmat": VECMAT_SHAPES,
}
_PRODUCT_CHECKS = [(case, shapes) for case in PRODUCTS for shapes in PRODUCT_SHAPES[str(case)]]


def _tensordot_case(axes, shapes):
    return Case(
        cnp.tensordot,
        params={"axes": axes},
        name=f"tensordot axes={axes}",
        arity=2,
        example_shapes=shapes,
    )


TENSORDOTS = [
    _tensordot_case(2, ((2, 3, 4), (3, 4, 2))),
    _tensordot_case(1, ((2, 3), (3, 4))),
    _tensordot_case(0, ((2,), (3,))),
    _tensordot_case(0, ((), (3,))),
    _tensordot_case(([1, 0], [0, 1]), ((2, 3, 4), (3, 2, 2))),
    _tensordot_case(([-1], [0]), ((2, 3), (3,))),
    _tensordot_case((1, 0), ((3, 4), (4, 2))),
    _tensordot_case(([0, 2], [2, 1]), ((2, 3, 4), (3, 4, 2))),
]


def _einsum(*operands, subscripts):
    return cnp.einsum(subscripts, *operands)


def _einsum_case(subscripts, *shapes):
    return Case(
        _einsum,
        params={"subscripts": subscripts},
        name=f"einsum {subscripts!r}",
        arity=len(shapes),
        example_shapes=shapes,
    )


EINSUMS = [
    _einsum_case("ij,jk->ik", (2, 3), (3, 4)),
    _einsum_case("ij,jk", (2, 3), (3, 4)),
    _einsum_case("ij,kj", (2, 3), (4, 3)),
    _einsum_case("i,i->", (3,), (3,)),
    _einsum_case("i,j->ij", (2,), (3,)),
    _einsum_case("ij,ij->ij", (2, 3), (2, 3)),
    _einsum_case("ij->ji", (2, 3)),
    _einsum_case("ij->", (2, 3)),
    _einsum_case("ij->j", (2, 3)),
    _einsum_case("ii->i", (3, 3)),
    _einsum_case("ii->", (3, 3)),
    _einsum_case("ii", (3, 3)),
    _einsum_case("iij->j", (2, 2, 3)),
    _einsum_case("iji->j", (3, 2, 3)),
    _einsum_case("iii->i", (2, 2, 2)),
    _einsum_case("ij,k->k", (2, 3), (4,)),
    _einsum_case("ij,jk->k", (2, 3), (3, 4)),
    _einsum_case("ii,ij->j", (3, 3), (3, 2)),
    _einsum_case(",->", (), ()),
    _einsum_case("i,->i", (3,), ()),
    _einsum_case("bij,bjk->bik", (2, 2, 3), (2, 3, 4)),
    _einsum_case("...ij,...jk->...ik", (5, 2, 3), (3, 4)),
    _einsum_case("...ij,...jk", (2, 1, 2, 3), (3, 3, 4)),
    _einsum_case("...i,...i->...", (2, 3), (1, 3)),
    _einsum_case("i...->...", (3, 2, 2)),
    _einsum_case("ij,jk,kl->il", (2, 3), (3, 4), (4, 2)),
    _einsum_case("i,ij,j->", (2,), (2, 3), (3,)),
    _einsum_case("iij,jk,k->i", (2, 2, 3), (3, 4), (4,)),
    _einsum_case("ij,jk,kl,l", (2, 3), (3, 2), (2, 2), (2,)),
]


@pytest.mark.parametrize("case, shapes", _PRODUCT_CHECKS, ids=lambda v: str(v))
def test_product_rules(case, shapes, rng):
    check_grads(case.call, case.sample_args(rng, shapes), order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("case", TENSORDOTS + EINSUMS, ids=str)
def test_contraction_rules(case, rng):
    check_grads(
        case.call, case.sample_args(rng, case.example_shapes), order=2, modes=("fwd", "rev")
    )


def _traced_value(function, args):
    """``function(*args)`` computed with every argument traced (forward mode)."""
    tangents = tuple(np.zeros_like(a) for a in args)
    return cr.jvp(function, args, tangents)[0]


def _numpy_twin(case):
    if case.fn is _einsum:
        return lambda *ops: np.einsum(case.params["subscripts"], *ops)
    return lambda *ops: getattr(np, case.fn.__name__)(*ops, **case.params)


_ALL_CHECKS = _PRODUCT_CHECKS + [(case, case.example_shapes) for case in TENSORDOTS + EINSUMS]


@pytest.mark.parametrize("case, shapes", _ALL_CHECKS, ids=lambda v: str(v))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_values_and_dtypes_match_numpy(case, shapes, dtype, rng):
    args = case.sample_args(rng, shapes, dtype)
    expected = _numpy_twin(case)(*args)
    actual = _traced_value(case.call, args)
    assert np.shape(actual) == np.shape(expected)
    assert np.result_type(actual) == np.result_type(expected) == dtype
    np.testing.assert_allclose(actual, expected, rtol=1e-5 if dtype == np.float32 else 1e-12)


@pytest.mark.parametrize("function", [cnp.matmul, cnp.dot, cnp.inner, cnp.vdot])
def test_float32_gradients_stay_float32(function, rng):
    a = rng.standard_normal((3, 3)).astype(np.float32)
    b = rng.standard_normal(3).astype(np.float32)
    if function is cnp.vdot:
        b = rng.standard_normal((3, 3)).astype(np.float32)
    grads = cr.grad(lambda a, b: cnp.sum(function(a, b)), argnums=(0, 1))(a, b)
    assert [g.dtype for g in grads] == [np.float32, np.float32]


@pytest.mark.parametrize("shapes", [((2, 3), (3,)), ((3,), (3, 2)), ((2, 3), (3, 4))])
def test_mixed_precision_promotes_like_numpy(shapes, rng):
    a = rng.standard_normal(shapes[0]).astype(np.float32)
    b = rng.standard_normal(shapes[1])
    out, grads = cr.value_and_grad(lambda a, b: cnp.sum(a @ b), argnums=(0, 1))(a, b)
    assert np.result_type(out) == np.float64
    assert grads[0].dtype == np.float32 and grads[1].dtype == np.float64


def test_quadratic_form_gradient_and_hessian_are_exact(rng):
    A = rng.standard_normal((4, 4))
    x = rng.standard_normal(4)

    def f(x):
        return x @ A @ x

    symmetric = A + A.T
    np.testing.assert_allclose(cr.grad(f)(x), symmetric @ x, rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(cr.hessian(f)(x), symmetric, rtol=1e-14, atol=1e-14)
    np.testing.assert_allclose(cr.jacfwd(cr.grad(f))(x), symmetric, rtol=1e-14, atol=1e-14)
    np.testing.assert_allclose(cr.jacrev(cr.grad(f))(x), symmetric, rtol=1e-14, atol=1e-14)


def test_plain_numpy_calls_route_to_chainrule(rng):
    A = rng.standard_normal((3, 3))
    x = rng.standard_normal(3)

    def f(x):
        return np.dot(A @ x, x) + np.einsum("i,ij,j", x, A, x) + np.matmul(x, A) @ x

    np.testing.assert_allclose(cr.grad(f)(x), 3 * (A + A.T) @ x, rtol=1e-12)


def test_constant_operand_gets_no_cotangent(rng, monkeypatch):
    calls = []
    impl = ct.matmul_p.impl

    def counting_impl(a, b):
        calls.append((np.shape(a), np.shape(b)))
        return impl(a, b)

    monkeypatch.setattr(ct.matmul_p, "impl", counting_impl)
    W = rng.standard_normal((3, 4))
    x = rng.standard_normal((5, 2, 3))
    grad = cr.grad(lambda x: cnp.sum(x @ W))(x)
    np.testing.assert_allclose(grad, np.broadcast_to(W.sum(axis=1), x.shape), rtol=1e-13)
    assert len(calls) == 2  # the product and x's cotangent; W's is never formed


@pytest.mark.parametrize(
    "subscripts, shapes",
    [
        ("Ba,aC", ((2, 3), (3, 4))),
        ("bA,AC", ((2, 3), (3, 4))),
        ("i...,...j", ((3, 2), (2, 4))),
        ("i->...i", ((3,),)),
        (" ij , jk -> ki ", ((2, 3), (3, 4))),
        ("...,...", ((2, 1), (3,))),
        ("i,i->i", ((1,), (3,))),
        ("ij,ij->ij", ((0, 3), (1, 3))),
    ],
)
def test_einsum_forms_match_numpy(subscripts, shapes, rng):
    args = tuple(rng.standard_normal(s) for s in shapes)
    expected = np.einsum(subscripts, *args)
    actual = _traced_value(lambda *ops: cnp.einsum(subscripts, *ops), args)
    assert np.shape(actual) == np.shape(expected)
    np.testing.assert_allclose(actual, expected, rtol=1e-12)
    check_grads(lambda *ops: cnp.einsum(subscripts, *ops), args, order=1)


def test_large_einsum_values_and_gradient(rng):
    # Large enough that the contraction order is planned (optimize="greedy").
    a, b, c = rng.standard_normal((20, 30)), rng.standard_normal((30, 40)), rng.standard_normal(40)

    def f(a, b):
        return cnp.sum(cnp.einsum("ij,jk,k->i", a, b, c) ** 2)

    out, (a_bar, b_bar) = cr.value_and_grad(f, argnums=(0, 1))(a, b)
    y = a @ b @ c
    np.testing.assert_allclose(out, y @ y, rtol=1e-12)
    np.testing.assert_allclose(a_bar, 2 * np.outer(y, b @ c), rtol=1e-12)
    np.testing.assert_allclose(b_bar, 2 * np.outer(a.T @ y, c), rtol=1e-12)


def test_array_method_dot(rng):
    x, A = rng.standard_normal(3), rng.standard_normal((3, 3))
    np.testing.assert_allclose(cr.grad(lambda x: x.dot(A).dot(x))(x), (A + A.T) @ x, rtol=1e-12)


def test_einsum_interleaved_form(rng):
    a, b = rng.standard_normal((2, 3)), rng.standard_normal((3, 4))

    def f(a, b):
        return cnp.einsum(a, [0, 1], b, [1, Ellipsis], [Ellipsis, 0])

    np.testing.assert_allclose(_traced_value(f, (a, b)), (a @ b).T, rtol=1e-12)
    check_grads(f, (a, b), order=2)


def test_einsum_dtype_keyword(rng):
    a = rng.standard_normal((2, 3)).astype(np.float32)
    out = _traced_value(lambda a: cnp.einsum("ij->i", a, dtype=np.float64), (a,))
    assert out.dtype == np.float64


def test_plain_arguments_call_numpy():
    a = np.arange(6.0).reshape(2, 3)
    assert cnp.einsum("ij->", a) == 15.0
    assert cnp.matmul(a, np.ones(3)).tolist() == [3.0, 12.0]
    assert cnp.tensordot(a, a, axes=2) == 55.0


def _raises(function, args, error, match):
    traced = lambda *a: function(*a)  # noqa: E731
    with pytest.raises(error, match=match):
        cr.jvp(traced, args, tuple(np.zeros_like(a) for a in args))


@pytest.mark.parametrize(
    "function, shapes, match",
    [
        (cnp.matmul, ((2, 3), (4, 2)), "matmul: shapes .* do not match"),
        (cnp.matmul, ((3,), (2,)), "only axis of operand 1"),
        (cnp.matmul, ((), (3,)), "operand 0 is 0-d"),
        (cnp.matmul, ((2, 2, 3), (3, 3, 4)), "batch axes .* do not broadcast"),
        (cnp.dot, ((2, 3), (4, 2)), r"dot: shapes \(2, 3\) and \(4, 2\) not aligned"),
        (cnp.inner, ((2, 3), (2, 4)), "inner: shapes .* not aligned"),
        (cnp.vdot, ((2, 3), (4,)), "vdot: the arrays have 6 and 4 elements"),
        (cnp.tensordot, ((2, 3), (4, 2)), "tensordot: shape-mismatch for sum"),
        (cnp.vecdot, ((), (3,)), "vecdot: both operands need at least one axis"),
        (cnp.matvec, ((3,), (3,)), "matvec: an operand has 1 axes; it needs at least 2"),
    ],
)
def test_shape_errors(function, shapes, match):
    _raises(function, tuple(np.ones(s) for s in shapes), ValueError, match)


def test_tensordot_axes_errors():
    a = np.ones((2, 3))
    _raises(lambda a: cnp.tensordot(a, a, axes=3), (a,), ValueError, "axes=3 must be between")
    _raises(
        lambda a: cnp.tensordot(a, a, axes=([0, 1], [0])),
        (a,),
        ValueError,
        "shape-mismatch for sum: 2 axes of a",
    )
    _raises(lambda a: cnp.tensordot(a, a, axes="x"), (a,), TypeError, "pair of sequences")


@pytest.mark.parametrize(
    "subscripts, shapes, match",
    [
        ("ij,jk", ((2, 3),), "name 2 operand"),
        ("i-j", ((2, 3),), "invalid subscript"),
        ("ij->ik", ((2, 3),), "'k' in 'ij->ik' appears in no operand"),
        ("ij->ii", ((2, 3),), "'i' appears more than once"),
        ("ijk", ((2, 3),), "do not match an operand with 2"),
        ("ij,jk", ((2, 3), (4, 2)), "'j' has lengths 3 and 4"),
        ("ii", ((2, 3),), "repeated subscript 'i'"),
        ("...i->i", ((2, 3),), "add '...' to the output"),
        ("i->i->i", ((3,),), "more than once"),
    ],
)
def test_einsum_errors(subscripts, shapes, match):
    args = tuple(np.ones(s) for s in shapes)
    _raises(lambda *ops: cnp.einsum(subscripts, *ops), args, ValueError, match)


def test_out_keyword_is_refused():
    a = np.ones((2, 2))
    _raises(lambda a: cnp.matmul(a, a, out=np.empty((2, 2))), (a,), TypeError, "out")
    _raises(lambda a: cnp.einsum("ij", a, out=np.empty((2, 2))), (a,), TypeError, "out")
