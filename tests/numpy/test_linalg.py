"""chainrule.numpy.linalg against numpy.linalg: values, dtypes and batching on traced
inputs, NumPy's own functions dispatching on tracers, and every error message.
(The derivative rules are checked in tests/primitives/test_linalg.py and
test_decompositions.py.)"""

from __future__ import annotations

import numpy as np
import pytest
from assertions import raises_with
from matrices import sample_matrix

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.tree import tree_flatten

linalg = cnp.linalg

# name, function on (xp.linalg, *args), structures, shapes
VALUES = [
    ("solve vector", lambda la, a, b: la.solve(a, b), ("general", "plain"), ((3, 3), (3,))),
    ("solve matrix", lambda la, a, b: la.solve(a, b), ("general", "plain"), ((3, 3), (3, 2))),
    ("solve batched", lambda la, a, b: la.solve(a, b), ("general", "plain"), ((2, 3, 3), (3, 4))),
    (
        "solve batched vector",
        lambda la, a, b: la.solve(a, b),
        ("general", "plain"),
        ((2, 3, 3), (3,)),
    ),
    ("inv", lambda la, a: la.inv(a), ("general",), ((2, 3, 3),)),
    ("pinv", lambda la, a: la.pinv(a), ("plain",), ((2, 4, 3),)),
    ("pinv hermitian", lambda la, a: la.pinv(a, hermitian=True), ("spd",), ((3, 3),)),
    ("pinv rtol", lambda la, a: la.pinv(a, rtol=0.5), ("plain",), ((4, 3),)),
    ("det", lambda la, a: la.det(a), ("general",), ((2, 3, 3),)),
    ("slogdet", lambda la, a: tuple(la.slogdet(a)), ("plain",), ((2, 3, 3),)),
    ("cholesky", lambda la, a: la.cholesky(a), ("spd",), ((2, 3, 3),)),
    ("cholesky upper", lambda la, a: la.cholesky(a, upper=True), ("spd",), ((3, 3),)),
    ("eigh", lambda la, a: tuple(la.eigh(a)), ("plain",), ((2, 3, 3),)),
    ("eigh UPLO=U", lambda la, a: tuple(la.eigh(a, UPLO="U")), ("plain",), ((3, 3),)),
    ("eigvalsh", lambda la, a: la.eigvalsh(a), ("plain",), ((2, 3, 3),)),
    ("eig", lambda la, a: tuple(la.eig(a)), ("complex_spectrum",), ((2, 4, 4),)),
    ("eig real spectrum", lambda la, a: tuple(la.eig(a)), ("real_spectrum",), ((3, 3),)),
    ("eigvals", lambda la, a: la.eigvals(a), ("plain",), ((3, 3),)),
    ("svd square", lambda la, a: tuple(la.svd(a)), ("plain",), ((2, 3, 3),)),
    ("svd reduced", lambda la, a: tuple(la.svd(a, full_matrices=False)), ("plain",), ((4, 3),)),
    ("svd values", lambda la, a: la.svd(a, compute_uv=False), ("plain",), ((2, 3, 5),)),
    ("svd hermitian", lambda la, a: tuple(la.svd(a, hermitian=True)), ("plain",), ((2, 3, 3),)),
    ("svdvals", lambda la, a: la.svdvals(a), ("plain",), ((3, 2),)),
    ("qr", lambda la, a: tuple(la.qr(a)), ("plain",), ((2, 4, 3),)),
    ("qr wide", lambda la, a: tuple(la.qr(a)), ("plain",), ((3, 5),)),
    ("qr r", lambda la, a: la.qr(a, mode="r"), ("plain",), ((4, 3),)),
    ("qr complete wide", lambda la, a: tuple(la.qr(a, mode="complete")), ("plain",), ((2, 3),)),
    ("lstsq", lambda la, a, b: tuple(la.lstsq(a, b)), ("plain", "plain"), ((5, 3), (5,))),
    ("lstsq matrix", lambda la, a, b: tuple(la.lstsq(a, b)), ("plain", "plain"), ((5, 3), (5, 2))),
    ("lstsq wide", lambda la, a, b: tuple(la.lstsq(a, b)), ("plain", "plain"), ((2, 3), (2,))),
    ("matrix_power 5", lambda la, a: la.matrix_power(a, 5), ("general",), ((2, 3, 3),)),
    ("matrix_power -3", lambda la, a: la.matrix_power(a, -3), ("general",), ((3, 3),)),
    ("matrix_power 0", lambda la, a: la.matrix_power(a, 0), ("general",), ((2, 3, 3),)),
    ("multi_dot", lambda la, *m: la.multi_dot(m), ("plain",) * 4, ((3,), (3, 5), (5, 2), (2,))),
    (
        "multi_dot matrices",
        lambda la, *m: la.multi_dot(m),
        ("plain",) * 3,
        ((2, 5), (5, 3), (3, 4)),
    ),
    ("tensorsolve", lambda la, a, b: la.tensorsolve(a, b), ("plain", "plain"), ((6, 2, 3), (6,))),
    (
        "tensorsolve axes",
        lambda la, a, b: la.tensorsolve(a, b, axes=(0,)),
        ("plain", "plain"),
        ((6, 2, 3), (2, 3)),
    ),
    ("tensorinv", lambda la, a: la.tensorinv(a, ind=1), ("plain",), ((6, 2, 3),)),
    ("norm", lambda la, x: la.norm(x), ("plain",), ((2, 3, 4),)),
    ("norm keepdims", lambda la, x: la.norm(x, keepdims=True), ("plain",), ((2, 3),)),
    ("norm vector inf", lambda la, x: la.norm(x, np.inf), ("plain",), ((4,),)),
    ("norm vector 0", lambda la, x: la.norm(x, 0), ("plain",), ((4,),)),
    ("norm vector p", lambda la, x: la.norm(x, 3.5, axis=-1, keepdims=True), ("plain",), ((2, 4),)),
    ("norm matrix nuc", lambda la, x: la.norm(x, "nuc", axis=(2, 0)), ("plain",), ((3, 2, 4),)),
    (
        "norm matrix -2",
        lambda la, x: la.norm(x, -2, axis=(0, 2), keepdims=True),
        ("plain",),
        ((3, 2, 4),),
    ),
    ("norm matrix 1", lambda la, x: la.norm(x, 1, axis=(2, 1)), ("plain",), ((2, 3, 4),)),
    ("norm matrix -inf", lambda la, x: la.norm(x, -np.inf, axis=(2, 0)), ("plain",), ((3, 2, 4),)),
    ("vector_norm", lambda la, x: la.vector_norm(x, keepdims=True), ("plain",), ((2, 3),)),
    (
        "vector_norm axes",
        lambda la, x: la.vector_norm(x, axis=(0, 2), ord=1),
        ("plain",),
        ((2, 3, 4),),
    ),
    ("vector_norm 0-d", lambda la, x: la.vector_norm(x, ord=3), ("plain",), ((),)),
    (
        "matrix_norm",
        lambda la, x: la.matrix_norm(x, keepdims=True, ord=np.inf),
        ("plain",),
        ((2, 3, 4),),
    ),
    ("cond", lambda la, x: la.cond(x), ("general",), ((2, 3, 3),)),
    ("cond -2", lambda la, x: la.cond(x, -2), ("plain",), ((3, 4),)),
    ("cond 1", lambda la, x: la.cond(x, 1), ("general",), ((3, 3),)),
    ("trace", lambda la, x: la.trace(x, offset=1), ("plain",), ((2, 3, 4),)),
    ("diagonal", lambda la, x: la.diagonal(x, offset=-1), ("plain",), ((2, 3, 4),)),
    ("matrix_transpose", lambda la, x: la.matrix_transpose(x), ("plain",), ((2, 3, 4),)),
    ("outer", lambda la, x, y: la.outer(x, y), ("plain", "plain"), ((3,), (4,))),
    ("cross", lambda la, x, y: la.cross(x, y), ("plain", "plain"), ((2, 3), (3,))),
    (
        "cross axis",
        lambda la, x, y: la.cross(x, y, axis=0),
        ("plain", "plain"),
        ((3, 2, 4), (3, 2, 4)),
    ),
    ("matmul", lambda la, x, y: la.matmul(x, y), ("plain", "plain"), ((2, 3, 4), (4,))),
    (
        "tensordot",
        lambda la, x, y: la.tensordot(x, y, axes=1),
        ("plain", "plain"),
        ((2, 3), (3, 4)),
    ),
    ("vecdot", lambda la, x, y: la.vecdot(x, y, axis=0), ("plain", "plain"), ((3, 2), (3, 1))),
]


def _traced(function, args):
    """``function(*args)`` with every argument traced (forward mode), as plain leaves."""
    out = cr.jvp(lambda *a: function(*a), args, tuple(np.zeros_like(a) for a in args))[0]
    return tree_flatten(out)[0]


def _assert_same(actual_leaves, expected, rtol):
    expected_leaves = tree_flatten(expected)[0]
    assert len(actual_leaves) == len(expected_leaves)
    for actual, wanted in zip(actual_leaves, expected_leaves, strict=True):
        assert np.shape(actual) == np.shape(wanted)
        assert np.result_type(actual) == np.result_type(wanted)
        np.testing.assert_allclose(actual, wanted, rtol=rtol, atol=rtol)


@pytest.mark.parametrize("name, function, structures, shapes", VALUES, ids=[v[0] for v in VALUES])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_values_and_dtypes_match_numpy(name, function, structures, shapes, dtype, rng):
    args = tuple(
        sample_matrix(rng, shape, structure, dtype)
        for shape, structure in zip(shapes, structures, strict=True)
    )
    expected = function(np.linalg, *args)
    rtol = 2e-4 if dtype == np.float32 else 1e-9
    _assert_same(_traced(lambda *a: function(cnp.linalg, *a), args), expected, rtol)
    # numpy.linalg's own functions dispatch to chainrule.numpy.linalg on tracers.
    _assert_same(_traced(lambda *a: function(np.linalg, *a), args), expected, rtol)


def test_every_numpy_linalg_function_has_a_chainrule_twin():
    names = [n for n in dir(np.linalg) if not n.startswith("_") and n != "test"]
    missing = [n for n in names if not hasattr(linalg, n)]
    assert not missing, missing


@pytest.mark.parametrize(
    "function",
    [np.linalg.solve, np.linalg.inv, np.linalg.det, np.linalg.eigvalsh, np.linalg.cholesky],
)
def test_numpy_functions_on_tracers_give_chainrule_gradients(function, rng):
    a = sample_matrix(rng, (3, 3), "spd")

    def loss(module, a):
        result = function(a, np.ones(3)) if function is np.linalg.solve else function(a)
        return module.sum(result * result)

    np.testing.assert_allclose(
        cr.grad(lambda a: loss(np, a))(a), cr.grad(lambda a: loss(cnp, a))(a), rtol=1e-12
    )


@pytest.mark.parametrize("structure, function", [
    ("general", lambda a: cnp.linalg.solve(a, np.ones(3, np.float32))),
    ("general", lambda a: cnp.linalg.slogdet(a)[1]),
    ("spd", cnp.linalg.cholesky),
    ("spd", lambda a: cnp.linalg.eigh(a)[1]),
    ("plain", lambda a: cnp.linalg.svd(a)[2]),
    ("plain", lambda a: cnp.linalg.qr(a)[0]),
    ("plain", lambda a: cnp.linalg.norm(a, "nuc")),
    ("plain", lambda a: cnp.abs(cnp.linalg.eig(a)[1])),
])  # fmt: skip
def test_float32_gradients_stay_float32(structure, function, rng):
    a = sample_matrix(rng, (3, 3), structure, np.float32)
    grad = cr.grad(lambda a: cnp.sum(function(a)))(a)
    assert grad.dtype == np.float32
    assert np.all(np.isfinite(grad))


def test_logdet_hessian_is_exact(rng):
    # d^2 log det A / dA_ij dA_kl = -(A^-1)_jk (A^-1)_li.
    a = sample_matrix(rng, (3, 3), "general")
    inverse = np.linalg.inv(a)
    expected = -np.einsum("jk,li->ijkl", inverse, inverse)
    logabsdet = lambda a: linalg.slogdet(a)[1]
    for hessian in (
        cr.hessian(logabsdet),
        cr.jacfwd(cr.jacfwd(logabsdet)),
        cr.jacrev(cr.jacrev(logabsdet)),
    ):
        np.testing.assert_allclose(hessian(a), expected, atol=1e-10)


def test_lstsq_returns_numpy_s_tuple(rng):
    a, b = rng.standard_normal((5, 3)), rng.standard_normal((5, 2))
    x, residuals, rank, s = _traced(lambda a, b: tuple(linalg.lstsq(a, b)), (a, b))
    assert rank == 3 and residuals.shape == (2,) and s.shape == (3,)
    rank_deficient = np.column_stack([a[:, 0], a[:, 0], a[:, 1]])
    _, residuals, rank, _ = _traced(lambda a: tuple(linalg.lstsq(a, b)), (rank_deficient,))
    assert rank == 2 and residuals.shape == (0,)


def test_matrix_rank_is_a_plain_integer(rng):
    a = rng.standard_normal((4, 3))
    rank = cr.jvp(lambda a: a * linalg.matrix_rank(a), (a,), (a,))[0]
    np.testing.assert_allclose(rank, 3 * a)


def _traced_call(function, *args):
    return lambda: cr.jvp(function, args, tuple(np.ones_like(a) for a in args))


SQUARE, WIDE = np.eye(3) + 1.0, np.ones((2, 3))

ERRORS = [
    (lambda a: linalg.solve(a, np.ones(2)), (WIDE,), "linalg.solve", "square"),
    (lambda a: linalg.solve(a, np.ones(4)), (SQUARE,), "linalg.solve", "(3,) or (..., 3, K)"),
    (lambda a: linalg.solve(a, np.ones((4, 3, 1))), (np.stack([SQUARE] * 2),), "do not broadcast"),
    (linalg.inv, (np.ones(3),), "linalg.inv", "at least two dimensions"),
    (lambda a: linalg.svd(a), (WIDE,), "linalg.svd", "full_matrices=False"),
    (lambda a: linalg.qr(a, mode="raw"), (WIDE,), "linalg.qr", "mode='reduced'"),
    (lambda a: linalg.qr(a, mode="complete"), (WIDE.T,), "linalg.qr", "m <= n"),
    (lambda a: linalg.eigh(a, UPLO="X"), (SQUARE,), "linalg.eigh", "UPLO"),
    (lambda a: linalg.pinv(a, rcond=np.ones(2)), (WIDE,), "linalg.pinv", "one plain number"),
    (lambda a: linalg.pinv(a, rcond=0.1, rtol=0.1), (WIDE,), "rcond or rtol"),
    (lambda a: linalg.matrix_power(a, 1.5), (SQUARE,), "matrix_power", "integer"),
    (lambda a: linalg.matrix_power(a, 2), (WIDE,), "matrix_power", "square"),
    (lambda a: linalg.multi_dot([a]), (SQUARE,), "multi_dot", "at least two"),
    (lambda a: linalg.multi_dot([a, np.ones((3, 3, 3))]), (SQUARE,), "multi_dot", "2-D"),
    (lambda a: linalg.tensorsolve(a, np.ones(2)), (np.ones((2, 3)),), "tensorsolve", "square"),
    (lambda a: linalg.tensorinv(a, ind=1), (np.ones((2, 3)),), "tensorinv", "square"),
    (lambda a: linalg.tensorinv(a, ind=0), (np.ones((2, 2)),), "tensorinv", "positive"),
    (lambda a: linalg.cross(a, a), (np.ones(2),), "linalg.cross", "3-dimensional"),
    (lambda a: linalg.outer(a, a), (WIDE,), "linalg.outer", "one-dimensional"),
    (linalg.matrix_transpose, (np.ones(3),), "matrix_transpose", "at least"),
    (lambda a: linalg.lstsq(a, np.ones(3)), (WIDE,), "linalg.lstsq", "(M,) or (M, K)"),
    (lambda a: linalg.norm(a, "fro"), (np.ones(3),), "linalg.norm", "'fro' for vectors"),
    (lambda a: linalg.norm(a, 3), (WIDE,), "linalg.norm", "for matrices"),
    (lambda a: linalg.norm(a, axis=(0, 0)), (WIDE,), "linalg.norm", "duplicate axes"),
    (lambda a: linalg.norm(a, axis="x"), (WIDE,), "linalg.norm", "'axis' must be"),
    (lambda a: linalg.norm(a, 2), (np.ones((2, 2, 2)),), "linalg.norm", "improper number"),
    (lambda a: linalg.cond(a, 1), (WIDE,), "linalg.cond", "square"),
    (linalg.cond, (np.ones(3),), "linalg.cond", "matrix"),
    (linalg.trace, (np.ones(3),), "linalg.trace", "matrices"),
]


@pytest.mark.parametrize("error", ERRORS, ids=lambda error: error[2])
def test_errors_name_the_function_and_the_fix(error):
    function, args, *fragments = error
    raises_with((ValueError, TypeError), _traced_call(function, *args), *fragments)


def _complex(rng, *shape):
    return rng.standard_normal(shape) + 1j * rng.standard_normal(shape)


@pytest.mark.parametrize("name", ["solve", "inv", "det", "slogdet", "matrix_power", "eigvals"])
def test_complex_inputs_in_both_modes(name, rng):
    # JAX's convention: a tangent is a complex direction, a cotangent pairs with it as
    # Re(sum(c * dz)); both are checked against central differences along dz.
    functions = {
        "solve": lambda la, a: la.solve(a, np.arange(3.0) + 1j),
        "inv": lambda la, a: la.inv(a),
        "det": lambda la, a: la.det(a),
        "slogdet": lambda la, a: tuple(la.slogdet(a)),
        "matrix_power": lambda la, a: la.matrix_power(a, -2),
        "eigvals": lambda la, a: la.eigvals(a),
    }
    function = functions[name]
    a = _complex(rng, 2, 3, 3) + 3 * np.eye(3)
    direction = _complex(rng, 2, 3, 3)
    step = 1e-6
    plus, minus = (
        function(np.linalg, a + step * direction),
        function(np.linalg, a - step * direction),
    )
    expected = [(p - m) / (2 * step) for p, m in zip(tree_flatten(plus)[0], tree_flatten(minus)[0])]
    _, tangent = cr.jvp(lambda a: function(linalg, a), (a,), (direction,))
    for actual, wanted in zip(tree_flatten(tangent)[0], expected, strict=True):
        np.testing.assert_allclose(actual, wanted, rtol=1e-6, atol=1e-7)
    out, vjp_fn = cr.vjp(lambda a: function(linalg, a), a)
    cotangent = (
        type(out)(_complex(rng, *np.shape(o)) for o in out)
        if isinstance(out, tuple)
        else (_complex(rng, *np.shape(out)))
    )
    if name == "slogdet":  # log|det| is real: so is its cotangent
        cotangent = (cotangent[0], cotangent[1].real)
    (a_bar,) = vjp_fn(cotangent)
    pairing = sum(np.sum(c * e) for c, e in zip(tree_flatten(cotangent)[0], expected)).real
    np.testing.assert_allclose(np.sum(a_bar * direction).real, pairing, rtol=1e-6)
