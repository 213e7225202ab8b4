"""Complex eigh, eigvalsh, svd, svdvals, pinv, lstsq and the norms built on singular values
(primitives/spectral.py, primitives/linalg.py's pinv), against central differences in both
modes at second order, against NumPy's values and, where installed, against JAX.

Complex eigen- and singular vectors are defined up to a phase per column, so the tables
check functions that do not depend on it: |V|, V diag(w) V^H, projectors v v^H and
u v^H, the polar factor U V^H, U diag(s) V^H, singular values and norms. Inputs are
sampled with well separated eigenvalues (singular values), so the rules' gaps stay
far from zero.
"""

from __future__ import annotations

import numpy as np
import pytest
from assertions import raises_with
from cases import Case
from decomposition_views import (
    eigenvector_projector,
    eigenvectors_abs,
    eigh_reconstruction,
    hermitian_svd_vectors,
    left_singular_vectors_abs,
    polar_factor,
    right_singular_vectors_abs,
    singular_values,
)

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.core import registry
from chainrule.testing import check_grads

linalg = cnp.linalg
C = np.complex128


def _unitary_columns(rng, batch: tuple, rows: int, columns: int) -> np.ndarray:
    """Random (rows, columns) matrices with orthonormal complex columns (QR of a Gaussian)."""
    shape = batch + (rows, columns)
    gaussian = rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
    return np.linalg.qr(gaussian)[0]


def sample_complex(rng, shape: tuple, structure: str, dtype=C) -> np.ndarray:
    """A complex array of ``shape`` whose last two axes are matrices of the named structure.

    hermitian: Q diag(w) Q^H, Q unitary, w = -n + 0.5, -n + 2, ... (gaps 1.5, and distinct
    |w| for n <= 3), plus noise in the upper triangle, which eigh does not read;
    separated: U diag(s) V^H, U and V with orthonormal columns, s = k, k - 1, ..., 1;
    plain: a complex Gaussian.
    """
    shape = tuple(shape)
    if structure == "plain":
        value = rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
    elif structure == "hermitian":
        n, batch = shape[-1], shape[:-2]
        q = _unitary_columns(rng, batch, n, n)
        w = 0.5 + 1.5 * np.arange(n) - n
        value = (q * w) @ np.conj(np.swapaxes(q, -1, -2))
        noise = rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
        value = value + np.triu(noise, 1)
    elif structure == "separated":
        (m, n), batch = shape[-2:], shape[:-2]
        k = min(m, n)
        u, v = _unitary_columns(rng, batch, m, k), _unitary_columns(rng, batch, n, k)
        value = (u * np.arange(k, 0, -1.0)) @ np.conj(np.swapaxes(v, -1, -2))
    else:
        raise ValueError(f"sample_complex: unknown structure {structure!r}")
    return np.asarray(value, dtype=dtype)


class ComplexMatrixCase(Case):
    """A Case sampling complex matrices by structure (one per input) at its shape sets.

    (A plain subclass, not a dataclass: the registry test loads this module without
    registering it in sys.modules, where dataclasses look up string annotations.)
    """

    def __init__(self, fn, structures: tuple, shape_sets: tuple, **fields) -> None:
        super().__init__(fn, example_shapes=shape_sets[0], arity=len(structures), **fields)
        self.structures = structures
        self.shape_sets = shape_sets

    def sample_args(self, rng, shapes, dtype=C) -> tuple:
        return tuple(
            sample_complex(rng, shape, structure, dtype)
            for shape, structure in zip(shapes, self.structures, strict=True)
        )

    def checks(self) -> list:
        return [(self, shapes) for shapes in self.shape_sets]


def complex_case(fn, structures, shape_sets, name="", **extra) -> ComplexMatrixCase:
    return ComplexMatrixCase(fn, structures, shape_sets, name=name or fn.__name__, dtype=C, **extra)


def svd_reconstruction(a):
    u, s, vh = linalg.svd(a, full_matrices=False)
    return (u * s[..., None, :]) @ vh


def singular_pair_projector(a):
    u, _, vh = linalg.svd(a, full_matrices=False)
    return u[..., :, :1] @ vh[..., :1, :]


def hermitian_svd_reconstruction(a):
    u, s, vh = linalg.svd(a, hermitian=True)
    return (u * s[..., None, :]) @ vh


def hermitian_singular_values(a):
    return linalg.svd(a, compute_uv=False, hermitian=True)


def pinv_hermitian(a):
    return linalg.pinv(a, hermitian=True)


def lstsq_solution(a, b):
    return linalg.lstsq(a, b)[0]


def lstsq_residuals(a, b):
    return linalg.lstsq(a, b)[1]


def lstsq_singular_values(a, b):
    return linalg.lstsq(a, b)[3]


HERMITIAN = ("hermitian",)
SEPARATED = ("separated",)
SQUARE = (((3, 3),), ((2, 3, 3),), ((1, 1),))
RECTANGULAR = (((3, 3),), ((4, 3),), ((3, 4),), ((2, 3, 3),), ((1, 1),))

EIGH = [
    complex_case(linalg.eigvalsh, HERMITIAN, SQUARE),
    complex_case(
        linalg.eigvalsh, HERMITIAN, SQUARE[:1], name="eigvalsh UPLO=U", params={"UPLO": "U"}
    ),
    complex_case(eigenvectors_abs, HERMITIAN, SQUARE),
    complex_case(
        eigenvectors_abs,
        HERMITIAN,
        SQUARE[:1],
        name="eigenvectors_abs UPLO=U",
        params={"UPLO": "U"},
    ),
    complex_case(eigh_reconstruction, HERMITIAN, SQUARE),
    complex_case(eigenvector_projector, HERMITIAN, SQUARE[:2]),
]

SVD = [
    complex_case(singular_values, SEPARATED, RECTANGULAR),
    complex_case(linalg.svdvals, SEPARATED, RECTANGULAR[1:3]),
    complex_case(left_singular_vectors_abs, SEPARATED, RECTANGULAR),
    complex_case(right_singular_vectors_abs, SEPARATED, RECTANGULAR),
    complex_case(polar_factor, SEPARATED, RECTANGULAR),
    complex_case(svd_reconstruction, SEPARATED, RECTANGULAR),
    complex_case(singular_pair_projector, SEPARATED, RECTANGULAR[:4]),
    complex_case(hermitian_svd_vectors, HERMITIAN, SQUARE),
    complex_case(hermitian_svd_reconstruction, HERMITIAN, SQUARE),
    complex_case(hermitian_singular_values, HERMITIAN, SQUARE[:2]),
]

PSEUDO_INVERSE = [
    complex_case(linalg.pinv, SEPARATED, RECTANGULAR),
    complex_case(pinv_hermitian, HERMITIAN, SQUARE),
    complex_case(
        lstsq_solution,
        ("separated", "plain"),
        (((4, 3), (4,)), ((4, 3), (4, 2)), ((3, 4), (3,)), ((3, 3), (3, 2))),
    ),
    complex_case(lstsq_residuals, ("separated", "plain"), (((4, 3), (4,)), ((5, 3), (5, 2)))),
    complex_case(lstsq_singular_values, ("separated", "plain"), (((4, 3), (4,)),)),
]

NORMS = [
    *(
        complex_case(
            linalg.norm,
            SEPARATED,
            (((3, 4),), ((4, 3),)),
            name=f"norm ord={ord}",
            params={"ord": ord},
        )
        for ord in ("nuc", 2, -2, "fro")
    ),
    complex_case(
        linalg.norm,
        SEPARATED,
        (((2, 3, 4),),),
        name="norm ord=nuc axis=(2, 1)",
        params={"ord": "nuc", "axis": (2, 1)},
    ),
    *(
        complex_case(
            linalg.matrix_norm,
            SEPARATED,
            (((2, 3, 3),), ((2, 4, 3),)),
            name=f"matrix_norm ord={ord}",
            params={"ord": ord},
        )
        for ord in ("nuc", 2)
    ),
    *(
        complex_case(linalg.cond, SEPARATED, SQUARE[:2], name=f"cond p={p}", params={"p": p})
        for p in (None, 2, -2)
    ),
    complex_case(linalg.cond, SEPARATED, (((4, 3),), ((3, 4),)), name="cond rectangular"),
]

_CHECKS = [check for case in EIGH + SVD + PSEUDO_INVERSE + NORMS for check in case.checks()]


@pytest.mark.parametrize("case, shapes", _CHECKS, ids=lambda v: str(v))
def test_complex_spectral_rules(case, shapes, rng):
    check_grads(case.call, case.sample_args(rng, shapes), order=2, modes=("fwd", "rev"))


def _jax_losses(xp):
    """Real losses of complex matrices, written once for chainrule.numpy and jax.numpy."""
    weights = np.arange(12.0).reshape(4, 3) / 10 - 0.4j

    def hermitian(a):
        return (a + xp.conj(xp.swapaxes(a, -1, -2))) / 2

    def projector(a):
        v = xp.linalg.eigh(hermitian(a))[1][:, :1]
        return v * xp.conj(v.T)

    return {
        "eigvalsh": lambda a: xp.sum(xp.linalg.eigvalsh(hermitian(a[:3])) * xp.arange(1.0, 4.0)),
        "eigh projector": lambda a: xp.real(xp.sum(projector(a[:3]) * weights[:3])),
        "eigh |V|": lambda a: xp.sum(xp.abs(xp.linalg.eigh(hermitian(a[:3]))[1]) ** 3),
        "svd polar": lambda a: xp.real(
            xp.sum(xp.matmul(*xp.linalg.svd(a, full_matrices=False)[::2]) * weights)
        ),
        "svd |U| |Vh|": lambda a: (
            xp.sum(xp.abs(xp.linalg.svd(a, full_matrices=False)[0]) ** 3)
            + xp.sum(xp.abs(xp.linalg.svd(a.T, full_matrices=False)[2]) ** 3)
        ),
        "pinv": lambda a: xp.real(xp.sum(xp.linalg.pinv(a) * weights.T)),
        "lstsq": lambda a: xp.sum(xp.abs(xp.linalg.lstsq(a, weights[:, 0], rcond=None)[0]) ** 2),
        "norms": lambda a: xp.linalg.norm(a, "nuc") + xp.linalg.norm(a, 2) + xp.linalg.cond(a),
    }


@pytest.mark.parametrize("name", list(_jax_losses(np)))
def test_gradients_agree_with_jax(name, rng):
    jax = pytest.importorskip("jax", reason="JAX (a benchmark peer) is not installed")
    jax.config.update("jax_enable_x64", True)
    a = sample_complex(rng, (4, 3), "plain")
    expected = np.asarray(jax.grad(_jax_losses(jax.numpy)[name])(a))
    np.testing.assert_allclose(cr.grad(_jax_losses(cnp)[name])(a), expected, rtol=1e-10, atol=1e-12)


def _all_results(a, b):
    """Every function of this family on (a, b), as a flat tuple (NumPy's or chainrule's)."""
    lin = np.linalg
    return (
        *lin.eigh(a),
        *lin.eigh(a, UPLO="U"),
        lin.eigvalsh(a),
        *lin.svd(a),
        lin.svd(a, compute_uv=False),
        *lin.svd(a, hermitian=True),
        lin.svd(a, compute_uv=False, hermitian=True),
        lin.svdvals(a),
        lin.pinv(a),
        lin.pinv(a, hermitian=True),
        *lin.lstsq(a[:, :2], b, rcond=None),
        lin.norm(a, "nuc"),
        lin.norm(a, 2),
        lin.norm(a, -2),
        lin.cond(a),
        lin.cond(a, -2),
    )


@pytest.mark.parametrize("dtype", [np.complex128, np.complex64])
def test_values_and_dtypes_equal_numpys_through_np_dispatch(dtype, rng):
    # np.linalg.* on tracers dispatches to chainrule.numpy.linalg; the traced results
    # (values, dtypes, eigenvector phases) are NumPy's own.
    a = sample_complex(rng, (3, 3), "plain", dtype)
    a = a + np.conj(a.T)  # Hermitian, so the hermitian=True variants agree with NumPy
    b = sample_complex(rng, (3,), "plain", dtype)
    expected = _all_results(a, b)
    traced, _ = cr.jvp(_all_results, (a, b), (a, b))
    tolerance = 1e-4 if dtype == np.complex64 else 1e-10
    for got, want in zip(traced, expected, strict=True):
        assert np.asarray(got).dtype == np.asarray(want).dtype
        np.testing.assert_allclose(got, want, rtol=tolerance, atol=tolerance)


def test_complex64_gradients_keep_their_dtype(rng):
    a = sample_complex(rng, (3, 3), "separated", np.complex64)
    loss = lambda a: linalg.norm(a, "nuc") + cnp.sum(cnp.abs(linalg.svd(a)[0]))  # noqa: E731
    grad = cr.grad(loss)(a)
    assert grad.dtype == np.complex64
    expected = cr.grad(loss)(a.astype(C))
    np.testing.assert_allclose(grad, expected, rtol=1e-3, atol=1e-3)


def test_gauge_of_eigenvector_and_singular_vector_tangents(rng):
    # The documented gauge: Im diag(V^H dV) = 0 for eigh and for svd's V; svd's U takes
    # the relative phase, Im diag(U^H dU) = Im diag(U^H dA V) / s.
    a, da = sample_complex(rng, (3, 3), "hermitian"), sample_complex(rng, (3, 3), "plain")
    (_, v), (_, v_dot) = cr.jvp(lambda a: tuple(linalg.eigh(a)), (a,), (da,))
    np.testing.assert_allclose(np.diag(np.conj(v.T) @ v_dot).imag, 0, atol=1e-12)

    a, da = sample_complex(rng, (4, 3), "separated"), sample_complex(rng, (4, 3), "plain")
    out, tangents = cr.jvp(lambda a: tuple(linalg.svd(a, full_matrices=False)), (a,), (da,))
    (u, s, vh), (u_dot, _, vh_dot) = out, tangents
    v, v_dot = np.conj(vh.T), np.conj(vh_dot.T)
    np.testing.assert_allclose(np.diag(np.conj(v.T) @ v_dot).imag, 0, atol=1e-12)
    relative_phase = np.diag(np.conj(u.T) @ da @ v).imag / s
    np.testing.assert_allclose(np.diag(np.conj(u.T) @ u_dot).imag, relative_phase, atol=1e-12)


def test_svd_at_an_exactly_zero_singular_value_stays_finite():
    # s = [sqrt 2, 0] exactly. The relative phase of (u_2, v_2) is free there, so its term
    # is 0 rather than Im(...) / 0: U diag(s) V^H (the identity) has the tangent dA along
    # a direction that leaves the zero singular value's entry at 0.
    a = np.array([[1 + 1j, 0], [0, 0]])
    direction = np.array([[0.5 - 1j, 2j], [1 + 1j, 0]])
    _, tangent = cr.jvp(svd_reconstruction, (a,), (direction,))
    np.testing.assert_allclose(tangent, direction, atol=1e-12)
    grad = cr.grad(lambda a: cnp.sum(cnp.abs(linalg.svd(a)[0]) ** 2 * [[1, 2], [3, 4]]))(a)
    assert np.all(np.isfinite(grad))


def test_real_inputs_do_no_complex_work(monkeypatch, rng):
    # Real matrices take the real rules unchanged: no conj, real, imag or zero test, in
    # either mode, at first and second order.
    calls = []

    def counting(name, impl):
        def counted(*args, **params):
            calls.append(name)
            return impl(*args, **params)

        return counted

    for name in ("conj", "real", "imag", "equal"):
        monkeypatch.setattr(registry[name], "impl", counting(name, registry[name].impl))
    a = rng.standard_normal((4, 3))

    def loss(a):
        w, v = linalg.eigh(a[:3] @ a.T[:, :3])
        u, s, vh = linalg.svd(a, full_matrices=False)
        return cnp.sum(v * w) + cnp.sum(u * s) + cnp.sum(vh) + cnp.sum(linalg.pinv(a) ** 2)

    cr.jvp(cr.grad(loss), (a,), (np.ones_like(a),))
    cr.hessian(loss)(a[:2])
    assert calls == []


def test_full_matrices_on_complex_rectangular_is_refused(rng):
    a = sample_complex(rng, (4, 3), "plain")
    raises_with(
        ValueError,
        lambda: cr.grad(lambda a: cnp.sum(cnp.abs(linalg.svd(a)[0])))(a),
        "chainrule.numpy.linalg.svd",
        "full_matrices=False",
    )


PHASE_DEPENDENT = {
    "eigh: sum(real(V))": (lambda a: cnp.sum(cnp.real(linalg.eigh(a)[1])), "eigh", True),
    "eigh: V[0, 1] imaginary": (lambda a: cnp.imag(linalg.eigh(a)[1][0, 1]), "eigh", True),
    "svd: sum(real(U))": (lambda a: cnp.sum(cnp.real(linalg.svd(a)[0])), "svd", False),
    "svd: imag(Vh[0, 0])": (lambda a: cnp.imag(linalg.svd(a)[2][0, 0]), "svd", False),
    "eig: sum(imag(V))": (lambda a: cnp.sum(cnp.imag(linalg.eig(a)[1])), "eig", False),
}


@pytest.mark.parametrize("name", PHASE_DEPENDENT)
def test_reverse_mode_refuses_a_loss_that_depends_on_the_phases(name, rng):
    loss, function, hermitian = PHASE_DEPENDENT[name]
    a = rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3))
    a = a + np.conj(a.T) if hermitian else a
    raises_with(ValueError, lambda: cr.grad(loss)(a), f"linalg.{function}", "phases")


def test_phase_invariant_losses_pass_the_phase_check_at_first_and_second_order(rng):
    a = rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3))
    h = a + np.conj(a.T)

    def invariant(a):
        u, s, vh = linalg.svd(a)
        w, v = linalg.eigh(h + a + cnp.conj(cnp.swapaxes(a, -1, -2)))
        return cnp.sum(cnp.abs(u @ vh) ** 2 * s) + cnp.sum(cnp.abs(v[:, :1] * w) ** 2)

    check_grads(invariant, (0.1 * a,), order=2, modes=("fwd", "rev"))
