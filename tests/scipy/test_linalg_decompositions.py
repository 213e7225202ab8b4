"""chainrule.scipy.linalg's eigh, eig, svd, polar, qr, rq, lu_factor/lu_solve, pinv,
pinvh, lstsq, norm: values, dtypes and result containers against SciPy, derivatives to
second order in both modes (of gauge-invariant functions where vectors are involved),
and the error messages."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg
from assertions import raises_with
from matrices import sample_matrix

import chainrule as cr
import chainrule.numpy as cnp
import chainrule.scipy.linalg as csl
from chainrule.testing import check_grads
from chainrule.tree import tree_flatten


def _case(name, function, structures, shapes, invariant=None, gauge=False):
    """name; function of (module, *args); a structure and shape per input; the gauge-
    invariant function of its results to differentiate (default: all results); whether
    values match SciPy only up to signs (compare magnitudes)."""
    return pytest.param(function, structures, shapes, invariant, gauge, id=name)


def _squares(*vectors):
    return [v * v for v in vectors]


def _eigh_invariant(w, v):
    return [w, v * v]


CASES = [
    _case("eigh", lambda m, a: m.eigh(a), ("spd",), ((3, 3),), _eigh_invariant, gauge=True),
    _case("eigh upper batched", lambda m, a: m.eigh(a, lower=False), ("spd",), ((2, 3, 3),),
          _eigh_invariant, gauge=True),
    _case("eigh generalized", lambda m, a, b: m.eigh(a, b), ("spd", "spd"), ((3, 3), (3, 3)),
          _eigh_invariant, gauge=True),
    _case("eigh type 2", lambda m, a, b: m.eigh(a, b, type=2), ("spd", "spd"),
          ((3, 3), (3, 3)), _eigh_invariant, gauge=True),
    _case("eigh type 3 batched", lambda m, a, b: m.eigh(a, b, type=3, lower=False),
          ("spd", "spd"), ((2, 3, 3), (2, 3, 3)), _eigh_invariant, gauge=True),
    _case("eigh subset_by_index", lambda m, a: m.eigh(a, subset_by_index=[1, 2]), ("spd",),
          ((3, 3),), _eigh_invariant, gauge=True),
    _case("eigvalsh", lambda m, a: m.eigvalsh(a), ("spd",), ((2, 3, 3),)),
    _case("eigvalsh generalized by value",
          lambda m, a, b: m.eigvalsh(a, b, subset_by_value=[0.5, np.inf]), ("spd", "spd"),
          ((3, 3), (3, 3))),
    _case("eig", lambda m, a: m.eig(a), ("real_spectrum",), ((3, 3),),
          lambda w, v: [w, cnp.abs(v)], gauge=True),
    _case("eig left batched", lambda m, a: m.eig(a, left=True, right=False),
          ("real_spectrum",), ((2, 3, 3),), lambda w, v: [w, cnp.abs(v)], gauge=True),
    _case("eigvals", lambda m, a: m.eigvals(a), ("complex_spectrum",), ((3, 3),),
          lambda w: [w.real, w.imag]),
    _case("eigvals homogeneous", lambda m, a: m.eigvals(a, homogeneous_eigvals=True),
          ("real_spectrum",), ((3, 3),), lambda w: [w.real, w.imag]),
    _case("svd square", lambda m, a: m.svd(a), ("plain",), ((3, 3),),
          lambda u, s, vh: [cnp.abs(u), s, cnp.abs(vh)], gauge=True),
    _case("svd thin batched", lambda m, a: m.svd(a, full_matrices=False), ("plain",),
          ((2, 4, 3),), lambda u, s, vh: [cnp.abs(u), s, cnp.abs(vh)], gauge=True),
    _case("svdvals", lambda m, a: m.svdvals(a), ("plain",), ((3, 4),)),
    _case("polar", lambda m, a: m.polar(a), ("plain",), ((4, 3),)),
    _case("polar left batched", lambda m, a: m.polar(a, "left"), ("plain",), ((2, 3, 4),)),
    _case("qr", lambda m, a: m.qr(a), ("plain",), ((3, 3),)),
    _case("qr economic tall", lambda m, a: m.qr(a, mode="economic"), ("plain",), ((4, 3),)),
    _case("qr full wide batched", lambda m, a: m.qr(a), ("plain",), ((2, 3, 4),)),
    _case("qr r", lambda m, a: m.qr(a, mode="r"), ("plain",), ((4, 3),)),
    _case("qr r batched", lambda m, a: m.qr(a, mode="r"), ("plain",), ((2, 4, 3),)),
    _case("qr pivoting", lambda m, a: m.qr(a, mode="economic", pivoting=True), ("plain",),
          ((4, 3),), lambda q, r, p: [q, r]),
    _case("rq", lambda m, a: m.rq(a), ("plain",), ((3, 3),)),
    _case("rq tall", lambda m, a: m.rq(a), ("plain",), ((4, 3),)),
    _case("rq economic wide batched", lambda m, a: m.rq(a, mode="economic"), ("plain",),
          ((2, 3, 4),)),
    _case("rq r wide", lambda m, a: m.rq(a, mode="r"), ("plain",), ((3, 4),)),
    _case("lu_factor", lambda m, a: m.lu_factor(a), ("plain",), ((3, 3),), lambda lu, p: [lu]),
    _case("lu_factor batched", lambda m, a: m.lu_factor(a), ("plain",), ((2, 3, 3),),
          lambda lu, p: [lu]),
    _case("lu_solve", lambda m, a, b: m.lu_solve(m.lu_factor(a), b), ("plain", "plain"),
          ((4, 4), (4,))),
    _case("lu_solve T", lambda m, a, b: m.lu_solve(m.lu_factor(a), b, trans=1),
          ("plain", "plain"), ((4, 4), (4, 2))),
    _case("lu_solve C batched", lambda m, a, b: m.lu_solve(m.lu_factor(a), b, trans=2),
          ("plain", "plain"), ((2, 3, 3), (2, 3, 2))),
    _case("pinv", lambda m, a: m.pinv(a), ("plain",), ((4, 3),)),
    _case("pinv atol rank", lambda m, a: m.pinv(a, atol=0.1, return_rank=True), ("plain",),
          ((3, 4),), lambda b, rank: [b]),
    _case("pinv batched", lambda m, a: m.pinv(a, rtol=1e-10), ("plain",), ((2, 3, 3),)),
    _case("pinvh", lambda m, a: m.pinvh(a), ("spd",), ((3, 3),)),
    _case("pinvh upper rank batched", lambda m, a: m.pinvh(a, lower=False, return_rank=True),
          ("spd",), ((2, 3, 3),), lambda b, rank: [b]),
    _case("lstsq", lambda m, a, b: m.lstsq(a, b), ("plain", "plain"), ((4, 3), (4,)),
          lambda x, residues, rank, s: [x, residues, s]),
    _case("lstsq columns", lambda m, a, b: m.lstsq(a, b, cond=1e-8), ("plain", "plain"),
          ((4, 3), (4, 2)), lambda x, residues, rank, s: [x, residues, s]),
    _case("lstsq wide", lambda m, a, b: m.lstsq(a, b), ("plain", "plain"), ((3, 4), (3,)),
          lambda x, residues, rank, s: [x, s]),
    _case("norm", lambda m, a: m.norm(a), ("plain",), ((3, 4),)),
    _case("norm 2 axis", lambda m, a: m.norm(a, 1, axis=0, keepdims=True), ("plain",),
          ((3, 4),)),
]  # fmt: skip


def _sample(rng, structures, shapes, dtype=np.float64):
    return tuple(
        sample_matrix(rng, shape, structure, dtype)
        for shape, structure in zip(shapes, structures, strict=True)
    )


def _traced(function, args):
    return cr.jvp(function, args, tuple(np.zeros_like(a) for a in args))[0]


def _containers_match(actual, expected):
    """The same nesting: tuple for one matrix, list for a stack, bare arrays alike."""
    assert type(actual) is type(expected) or not isinstance(expected, (tuple, list))
    if isinstance(expected, (tuple, list)):
        assert len(actual) == len(expected)


@pytest.mark.parametrize("function, structures, shapes, invariant, gauge", CASES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_values_and_dtypes_match_scipy(function, structures, shapes, invariant, gauge, dtype, rng):
    args = _sample(rng, structures, shapes, dtype)
    expected = function(scipy.linalg, *args)
    actual = _traced(lambda *a: function(csl, *a), args)
    _containers_match(actual, expected)
    rtol = 2e-4 if dtype == np.float32 else 1e-9
    for value, wanted in zip(tree_flatten(actual)[0], tree_flatten(expected)[0], strict=True):
        assert np.shape(value) == np.shape(wanted)
        assert np.result_type(value) == np.result_type(wanted)
        if gauge:
            value, wanted = np.abs(value), np.abs(wanted)
        np.testing.assert_allclose(value, wanted, rtol=rtol, atol=rtol)


@pytest.mark.parametrize("function, structures, shapes, invariant, gauge", CASES)
def test_derivatives(function, structures, shapes, invariant, gauge, rng):
    def differentiable(*args):
        out = function(csl, *args)
        if invariant is None:
            return out
        return invariant(*out) if isinstance(out, (tuple, list)) else invariant(out)

    check_grads(differentiable, _sample(rng, structures, shapes), order=2, modes=("fwd", "rev"))


def _complex(rng, shape, structure):
    real = sample_matrix(rng, shape, structure)
    noise = 0.2j * rng.standard_normal(shape)
    return real + (noise + np.conj(np.swapaxes(noise, -1, -2)) if structure == "spd" else noise)


COMPLEX = [
    pytest.param(lambda a: csl.eigh(a)[0], ("spd",), id="eigh values"),
    pytest.param(lambda a, b: csl.eigvalsh(a, b), ("spd", "spd"), id="eigvalsh generalized"),
    pytest.param(lambda a: list(csl.polar(a)), ("plain",), id="polar"),
    pytest.param(lambda a: list(csl.rq(a)), ("plain",), id="rq"),
    pytest.param(lambda a: list(csl.qr(a, pivoting=True)[:2]), ("plain",), id="qr pivoting"),
    pytest.param(lambda a, b: csl.lu_solve(csl.lu_factor(a), b, trans=2), ("plain", "plain"),
                 id="lu_solve C"),
    pytest.param(lambda a: csl.pinvh(a), ("spd",), id="pinvh"),
]  # fmt: skip


@pytest.mark.parametrize("function, structures", COMPLEX)
def test_complex_derivatives(function, structures, rng):
    args = tuple(_complex(rng, (3, 3), structure) for structure in structures)
    check_grads(function, args, order=2, modes=("fwd", "rev"))


def test_complex_values_match_scipy(rng):
    a = _complex(rng, (4, 3), "plain")
    for ours, theirs in [
        (_traced(csl.rq, (a,)), scipy.linalg.rq(a)),
        (_traced(lambda a: csl.qr(a, mode="economic", pivoting=True), (a,)),
         scipy.linalg.qr(a, mode="economic", pivoting=True)),
        (_traced(csl.polar, (a,)), scipy.linalg.polar(a)),
    ]:  # fmt: skip
        for value, wanted in zip(ours, theirs, strict=True):
            np.testing.assert_allclose(value, wanted, rtol=1e-9, atol=1e-12)


def test_generalized_eigenvectors_are_b_orthonormal(rng):
    a, b = sample_matrix(rng, (3, 3), "spd"), sample_matrix(rng, (3, 3), "spd")
    w, v = _traced(csl.eigh, (a, b))
    np.testing.assert_allclose(v.T @ b @ v, np.eye(3), atol=1e-12)
    np.testing.assert_allclose(a @ v, b @ v * w, atol=1e-10)


def test_left_eigenvectors_satisfy_the_left_equation(rng):
    a = sample_matrix(rng, (3, 3), "complex_spectrum")
    w, vl = _traced(lambda a: csl.eig(a, left=True, right=False), (a,))
    np.testing.assert_allclose(vl.conj().T @ a, w[:, None] * vl.conj().T, atol=1e-10)
    np.testing.assert_allclose(np.linalg.norm(vl, axis=0), 1.0)


def _call(function, *args):
    return lambda: cr.jvp(function, args, tuple(np.ones_like(a) for a in args))


SQUARE = np.eye(3) + 1.0
TALL = np.arange(12.0).reshape(4, 3) ** 0.5

ERRORS = [
    (lambda a: csl.eigh(a, type=4), (SQUARE,), "linalg.eigh", "type"),
    (lambda a: csl.eigh(a, subset_by_index=[2, 5]), (SQUARE,), "linalg.eigh", "subset_by_index"),
    (lambda a: csl.eigh(a, subset_by_index=[0, 1], subset_by_value=[0, 1]), (SQUARE,),
     "linalg.eigh", "not both"),
    (lambda a: csl.eigh(a, subset_by_value=[0, 9]), (np.stack([SQUARE] * 2),), "linalg.eigh",
     "each matrix"),
    (lambda a: csl.eig(a, np.eye(3)), (SQUARE,), "linalg.eig", "eigh(a, b)"),
    (lambda a: csl.svd(a), (TALL,), "linalg.svd", "full_matrices=False"),
    (lambda a: csl.svd(a, lapack_driver="x"), (SQUARE,), "linalg.svd", "lapack_driver"),
    (lambda a: csl.polar(a, side="up"), (SQUARE,), "linalg.polar", "side"),
    (lambda a: csl.qr(a), (TALL,), "linalg.qr", "mode='economic'"),
    (lambda a: csl.qr(a, mode="raw"), (SQUARE,), "linalg.qr", "mode="),
    (lambda a: csl.rq(a), (TALL.T,), "linalg.rq", "mode='economic'"),
    (csl.lu_factor, (TALL,), "linalg.lu_factor", "square"),
    (lambda a: csl.lu_solve(csl.lu_factor(a), np.ones(3), trans=5), (SQUARE,), "lu_solve",
     "trans"),
    (lambda a: csl.lu_solve(csl.lu_factor(a), np.ones(4)), (SQUARE,), "lu_solve",
     "(3,) or (..., 3, K)"),
    (lambda a: csl.pinv(a, atol=-1.0), (SQUARE,), "linalg.pinv", "non-negative"),
    (lambda a: csl.pinv(a, atol=0.1), (np.stack([SQUARE, 2 * SQUARE]),), "linalg.pinv",
     "each matrix"),
    (lambda a: csl.lstsq(a, np.ones(3)), (TALL,), "linalg.lstsq", "(M,) or (M, K)"),
    (lambda a: csl.lstsq(a, np.ones(4), lapack_driver="x"), (TALL,), "lstsq", "lapack_driver"),
]  # fmt: skip


@pytest.mark.parametrize("error", ERRORS, ids=lambda error: f"{error[2]} {error[3]}")
def test_errors_name_the_function_and_the_fix(error):
    function, args, *fragments = error
    raises_with(
        (ValueError, TypeError, NotImplementedError),
        _call(function, *args),
        "chainrule.scipy.",
        *fragments,
    )
