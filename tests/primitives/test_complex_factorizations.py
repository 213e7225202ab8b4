"""Complex matrices in the triangular factorizations (primitives/factorizations.py:
cholesky, qr, lu) and in the numpy.linalg and scipy.linalg functions built on them.

check_grads compares both modes at second order with central differences of NumPy's and
SciPy's own functions along complex directions (docs/complex.md: a cotangent c pairs
with a tangent dz as Re(sum(c * dz))). Q and R are checked themselves, not only
functions invariant to QR's gauge: LAPACK's R has a real diagonal, and so must dR.
Where JAX is installed, gradients and tangents are compared with JAX's.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg
from assertions import raises_with
from decomposition_views import (
    cholesky_upper,
    lu_lower,
    lu_upper,
    qr_q,
    qr_r,
)
from matrices import MatrixCase

import chainrule as cr
import chainrule.numpy as cnp
import chainrule.scipy.linalg as csl
from chainrule.core.forward import JVPTrace
from chainrule.testing import check_grads
from chainrule.tree import tree_map

C = np.complex128
linalg = cnp.linalg


def complex_matrix(rng: np.random.Generator, shape: tuple, structure: str, dtype=C):
    """Complex matrices: plain, N(0, 1) real and imaginary parts; general, plain + n I;
    hpd, B B^H + n I plus 0.5i on the diagonal, an imaginary part that the Hermitian
    routines of LAPACK do not read."""
    shape = tuple(shape)
    plain = rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
    n = shape[-1]
    if structure == "plain":
        value = plain
    elif structure == "general":
        value = plain + n * np.eye(n)
    elif structure == "hpd":
        value = plain @ np.conj(np.swapaxes(plain, -1, -2)) + (n + 0.5j) * np.eye(n)
    else:
        raise ValueError(f"complex_matrix: unknown structure {structure!r}")
    return np.asarray(value, dtype=dtype)


# A plain subclass (no new fields, so no @dataclass: test_registry.py loads this module
# outside sys.modules, where dataclasses cannot resolve it).
class ComplexMatrixCase(MatrixCase):
    """A MatrixCase whose inputs are complex matrices of the named structures."""

    def sample_args(self, rng: np.random.Generator, shapes, dtype=C) -> tuple:
        return tuple(
            complex_matrix(rng, shape, structure, dtype)
            for shape, structure in zip(shapes, self.structures, strict=True)
        )


def complex_case(fn, structures, shape_sets, name="", **extra) -> ComplexMatrixCase:
    """A ComplexMatrixCase with one input per structure, registered at its first shape set."""
    return ComplexMatrixCase(
        fn,
        name=name or fn.__name__,
        structures=structures,
        shape_sets=shape_sets,
        example_shapes=shape_sets[0],
        arity=len(structures),
        dtype=C,
        **extra,
    )


def scipy_cholesky_lower(a):
    return csl.cholesky(a, lower=True)


def cho_factor_matrix(a, lower=False):
    return csl.cho_factor(a, lower=lower)[0]


def cho_solve(a, b, lower=False):
    return csl.cho_solve(csl.cho_factor(a, lower=lower), b)


def solve_structured(a, b, assume_a, lower=False):
    return csl.solve(a, b, assume_a=assume_a, lower=lower)


def lu_permuted_lower(a):
    return csl.lu(a, permute_l=True)[0]


SQUARE = (((3, 3),), ((2, 3, 3),), ((1, 1),))
TALL = (((4, 3),), ((3, 3),), ((2, 4, 3),), ((1, 1),))
WIDE = (((3, 5),), ((2, 2, 3),))
SYSTEMS = (((3, 3), (3, 2)), ((3, 3), (3,)), ((2, 3, 3), (2, 3, 2)))

CHOLESKY = [
    complex_case(linalg.cholesky, ("hpd",), SQUARE),
    complex_case(cholesky_upper, ("hpd",), SQUARE),
    complex_case(csl.cholesky, ("hpd",), SQUARE, name="scipy cholesky"),
    complex_case(scipy_cholesky_lower, ("hpd",), SQUARE[:2]),
    complex_case(cho_factor_matrix, ("hpd",), SQUARE[:2]),
    complex_case(
        cho_factor_matrix, ("hpd",), SQUARE[:1], name="cho_factor lower", params={"lower": True}
    ),
    complex_case(cho_solve, ("hpd", "plain"), SYSTEMS[:2]),
    complex_case(
        cho_solve, ("hpd", "plain"), SYSTEMS[:1], name="cho_solve lower", params={"lower": True}
    ),
]

STRUCTURED_SOLVES = [
    *(
        complex_case(
            solve_structured,
            (structure, "plain"),
            SYSTEMS,
            name=f"solve assume_a={assume_a} lower={lower}",
            params={"assume_a": assume_a, "lower": lower},
        )
        for assume_a, structure in (("pos", "hpd"), ("her", "general"), ("sym", "general"))
        for lower in (False, True)
    ),
    *(
        complex_case(
            csl.solve_triangular,
            ("general", "plain"),
            SYSTEMS,
            name=f"solve_triangular trans={trans!r} lower={lower}",
            params={"trans": trans, "lower": lower},
        )
        for trans in ("C", 2, "T")
        for lower in (False, True)
    ),
    complex_case(
        csl.solve_triangular,
        ("general", "plain"),
        SYSTEMS[:1],
        name="solve_triangular trans='C' unit_diagonal",
        params={"trans": "C", "unit_diagonal": True},
    ),
]

QR = [
    complex_case(qr_q, ("plain",), TALL + WIDE),
    complex_case(qr_r, ("plain",), TALL + WIDE),
    complex_case(linalg.qr, ("plain",), WIDE[:1], name="qr mode=r", params={"mode": "r"}),
    complex_case(
        lambda a: tuple(linalg.qr(a, mode="complete")),
        ("plain",),
        (((3, 3),), ((2, 4),)),
        name="qr mode=complete",
    ),
]

LU = [
    complex_case(lu_lower, ("plain",), SQUARE),
    complex_case(lu_upper, ("plain",), SQUARE),
    complex_case(lu_permuted_lower, ("plain",), SQUARE[:1]),
]

_CHECKS = [check for case in CHOLESKY + STRUCTURED_SOLVES + QR + LU for check in case.checks()]


@pytest.mark.parametrize("case, shapes", _CHECKS, ids=str)
def test_complex_factorization_rules(case, shapes, rng):
    check_grads(case.call, case.sample_args(rng, shapes), order=2, modes=("fwd", "rev"))


# Each function on traced values against NumPy's or SciPy's own, by value and dtype.
VALUES = [
    ("cholesky", "hpd", linalg.cholesky, np.linalg.cholesky),
    ("cholesky upper", "hpd", cholesky_upper, lambda a: np.linalg.cholesky(a, upper=True)),
    ("scipy cholesky", "hpd", csl.cholesky, scipy.linalg.cholesky),
    ("cho_factor", "hpd", cho_factor_matrix, lambda a: scipy.linalg.cho_factor(a)[0]),
    ("qr", "plain", lambda a: tuple(linalg.qr(a)), lambda a: tuple(np.linalg.qr(a))),
    ("lu", "plain", lambda a: csl.lu(a)[1:], lambda a: scipy.linalg.lu(a)[1:]),
]


def _as_tuple(value):
    return value if isinstance(value, tuple) else (value,)


@pytest.mark.parametrize("dtype", [np.complex128, np.complex64])
@pytest.mark.parametrize("name, structure, ours, theirs", VALUES, ids=[v[0] for v in VALUES])
def test_values_and_dtypes_match_numpy_and_scipy(name, structure, ours, theirs, dtype, rng):
    shape = (4, 3) if name == "qr" else (3, 3)
    a = complex_matrix(rng, shape, structure, dtype)
    out, tangent = cr.jvp(ours, (a,), (complex_matrix(rng, shape, "plain", dtype),))
    tolerance = 1e-5 if dtype == np.complex64 else 1e-12
    expected = _as_tuple(theirs(a))
    for value, derivative, wanted in zip(_as_tuple(out), _as_tuple(tangent), expected, strict=True):
        assert value.dtype == derivative.dtype == wanted.dtype == dtype
        np.testing.assert_allclose(value, wanted, rtol=tolerance, atol=tolerance)


@pytest.mark.parametrize("name, structure, ours, theirs", VALUES, ids=[v[0] for v in VALUES])
def test_complex64_gradients_stay_complex64(name, structure, ours, theirs, rng):
    a = complex_matrix(rng, (3, 3), structure, np.complex64)

    def loss(a):
        outs = ours(a)
        return sum(cnp.sum(cnp.abs(o) ** 2) for o in (outs if isinstance(outs, tuple) else [outs]))

    gradient = cr.grad(loss)(a)
    assert gradient.dtype == np.complex64
    expected = cr.grad(loss)(a.astype(C))
    np.testing.assert_allclose(gradient, expected, rtol=2e-3, atol=2e-3 * np.abs(expected).max())


def test_numpy_dispatch_on_complex_tracers(rng):
    a = complex_matrix(rng, (3, 3), "hpd")
    weights = complex_matrix(rng, (3, 3), "plain")

    def loss(linalg_module, a):
        q, r = linalg_module.qr(linalg_module.cholesky(a))
        return (q * weights).real.sum() + (r * weights).imag.sum()

    np.testing.assert_allclose(
        cr.grad(lambda a: loss(np.linalg, a))(a), cr.grad(lambda a: loss(linalg, a))(a), rtol=1e-13
    )


def test_factor_tangents_keep_lapack_structure(rng):
    # L and R have real diagonals, Q^H Q = I: so diag(dL), diag(dR) are real and Q^H dQ
    # is skew-Hermitian (with an imaginary diagonal, in general not zero).
    a, direction = complex_matrix(rng, (4, 3), "plain"), complex_matrix(rng, (4, 3), "plain")
    (q, r), (q_dot, r_dot) = cr.jvp(lambda a: tuple(linalg.qr(a)), (a,), (direction,))
    np.testing.assert_allclose(np.diagonal(r_dot).imag, 0, atol=1e-13)
    omega = np.conj(q.T) @ q_dot
    np.testing.assert_allclose(omega + np.conj(omega.T), 0, atol=1e-13)
    assert np.abs(np.diagonal(omega).imag).min() > 1e-3
    h, h_dot = complex_matrix(rng, (3, 3), "hpd"), complex_matrix(rng, (3, 3), "plain")
    _, l_dot = cr.jvp(linalg.cholesky, (h,), (h_dot,))
    np.testing.assert_allclose(np.diagonal(l_dot).imag, 0, atol=1e-13)
    assert np.all(np.triu(l_dot, 1) == 0)


def test_cholesky_gradient_lives_on_the_triangle_read(rng):
    a, weights = complex_matrix(rng, (3, 3), "hpd"), complex_matrix(rng, (3, 3), "plain")
    for upper in (False, True):

        def loss(a, upper=upper):
            return cnp.sum((linalg.cholesky(a, upper=upper) * weights).real)

        gradient = cr.grad(loss)(a)
        unread = np.tril(gradient, -1) if upper else np.triu(gradient, 1)
        assert np.all(unread == 0)
        np.testing.assert_array_equal(np.diagonal(gradient).imag, 0)
        assert np.abs(gradient).max() > 1e-3


def _primitives_reached(monkeypatch, f, *args):
    """The primitives a forward trace processes in f and in its JVP and VJP rules."""
    seen = set()
    original = JVPTrace.process

    def spy(self, primitive, primitive_args, params):
        seen.add(primitive.name)
        return original(self, primitive, primitive_args, params)

    ones = tuple(np.ones_like(a) for a in args)

    def tangent(*primals):
        return cr.jvp(f, primals, ones)[1]

    def cotangent(*primals):
        out, pullback = cr.vjp(f, *primals)
        return pullback(tree_map(np.ones_like, out))

    monkeypatch.setattr(JVPTrace, "process", spy)
    cr.jvp(tangent, args, ones)  # the JVP rules run on tracers of the outer level
    cr.jvp(cotangent, args, ones)  # and so do the VJP rules
    monkeypatch.undo()
    return seen


CONJUGATING = [
    ("cholesky", lambda a, b: linalg.cholesky(a)),
    ("cholesky upper", lambda a, b: cholesky_upper(a)),
    ("qr", lambda a, b: tuple(linalg.qr(a))),
    ("qr wide", lambda a, b: tuple(linalg.qr(a[:2]))),
    ("cho_solve", cho_solve),
    ("solve_triangular trans='C'", lambda a, b: csl.solve_triangular(a, b, trans="C")),
]


@pytest.mark.parametrize("name, f", CONJUGATING, ids=[c[0] for c in CONJUGATING])
def test_conj_only_on_complex_values(name, f, rng, monkeypatch):
    # The rules conjugate complex factors; real ones must not pay for a conj step.
    a, b = complex_matrix(rng, (3, 3), "hpd"), complex_matrix(rng, (3, 2), "plain")
    assert "conj" in _primitives_reached(monkeypatch, f, a, b)
    assert "conj" not in _primitives_reached(monkeypatch, f, a.real, b.real)


def test_complex_transposed_solve_is_refused_as_in_scipy(rng):
    a, b = complex_matrix(rng, (3, 3), "general"), complex_matrix(rng, (3,), "plain")
    with pytest.raises(NotImplementedError):
        scipy.linalg.solve(a, b, transposed=True)
    raises_with(
        NotImplementedError,
        lambda: cr.jvp(lambda a: csl.solve(a, b, transposed=True), (a,), (a,)),
        "chainrule.scipy.linalg.solve",
        "transposed=True",
        "swapaxes(a, -1, -2)",
    )


def _jax_losses(np_, numpy_linalg, scipy_linalg, weights):
    """Real losses of a complex matrix through each factorization, for NumPy-like np_."""

    def hermitian(b):
        return b @ np_.conj(np_.swapaxes(b, -1, -2)) + 3 * np_.eye(3)

    def loss(first, second):
        rows, cols = first.shape
        return np_.sum(np_.real(first * weights[:rows, :cols])) + np_.sum(np_.imag(second) ** 2)

    def cho_solve(b):
        return scipy_linalg.cho_solve(scipy_linalg.cho_factor(hermitian(b)), b)

    return {
        "cholesky": lambda b: loss(*[numpy_linalg.cholesky(hermitian(b))] * 2),
        "cholesky upper": lambda b: loss(*[scipy_linalg.cholesky(hermitian(b))] * 2),
        "qr": lambda a: loss(*numpy_linalg.qr(a)),
        "qr wide": lambda a: loss(*numpy_linalg.qr(np_.swapaxes(a, -1, -2))),
        "lu": lambda a: loss(*scipy_linalg.lu(a[:3])[1:]),
        "cho_solve": lambda b: loss(*[cho_solve(b)] * 2),
    }


JAX_CASES = ["cholesky", "cholesky upper", "qr", "qr wide", "lu", "cho_solve"]


@pytest.mark.parametrize("name", JAX_CASES)
def test_gradients_and_tangents_agree_with_jax(name, rng):
    jax = pytest.importorskip("jax", reason="JAX (a benchmark peer) is not installed")
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    import jax.scipy.linalg as jsl

    weights = complex_matrix(rng, (4, 4), "plain")
    ours = _jax_losses(cnp, linalg, csl, weights)[name]
    theirs = _jax_losses(jnp, jnp.linalg, jsl, weights)[name]
    shape = (3, 3) if name in ("cholesky", "cholesky upper", "cho_solve") else (4, 3)
    a, direction = complex_matrix(rng, shape, "plain"), complex_matrix(rng, shape, "plain")
    np.testing.assert_allclose(cr.grad(ours)(a), jax.grad(theirs)(a), rtol=1e-10, atol=1e-12)
    _, tangent = cr.jvp(ours, (a,), (direction,))
    _, expected = jax.jvp(theirs, (a,), (direction,))
    np.testing.assert_allclose(tangent, expected, rtol=1e-10, atol=1e-12)
