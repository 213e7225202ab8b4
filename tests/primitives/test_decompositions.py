"""Rules of primitives/factorizations.py (cholesky, qr, lu) and spectral.py (eigh, svd,
eig) and of norms built on singular values, against central differences in both modes
at second order.

Eigen- and singular vectors are defined up to sign (phase), so the tables check
functions of them that do not depend on it, as JAX's tests do: |V|, V diag(w) V^T,
projectors, the polar factor U V^T.
"""

from __future__ import annotations

import numpy as np
import pytest
from decomposition_views import (
    cholesky_upper,
    eigenvector_projector,
    eigenvectors_abs,
    eigh_reconstruction,
    hermitian_svd_vectors,
    left_singular_vectors_abs,
    lu_lower,
    lu_upper,
    polar_factor,
    qr_q,
    qr_r,
    right_singular_vectors_abs,
    singular_values,
)
from matrices import SQUARE, matrix_case

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.testing import check_grads

linalg = cnp.linalg


def symmetric_eigenvalues(a):
    return linalg.eigvalsh((a + cnp.swapaxes(a, -1, -2)) / 2)


def eigenvalues_real_part(a):
    return cnp.real(linalg.eigvals(a))


def eigenvalues_imaginary_part(a):
    return cnp.imag(linalg.eigvals(a))


def eig_vectors_abs(a):
    return cnp.abs(linalg.eig(a)[1])


RECTANGULAR = (((4, 3),), ((3, 4),), ((3, 3),), ((2, 3, 3),), ((1, 1),))
TALL = (((4, 3),), ((3, 3),), ((2, 4, 3),), ((1, 1),))

DECOMPOSITIONS = [
    matrix_case(linalg.cholesky, ("spd",), SQUARE),
    matrix_case(cholesky_upper, ("spd",), SQUARE),
    matrix_case(linalg.eigvalsh, ("spd",), SQUARE),
    matrix_case(symmetric_eigenvalues, ("plain",), SQUARE),
    matrix_case(eigenvectors_abs, ("spd",), SQUARE),
    matrix_case(
        eigenvectors_abs, ("spd",), SQUARE[:1], name="eigenvectors_abs UPLO=U", params={"UPLO": "U"}
    ),
    matrix_case(eigh_reconstruction, ("spd",), SQUARE),
    matrix_case(eigenvector_projector, ("spd",), SQUARE[:2]),
    matrix_case(singular_values, ("plain",), RECTANGULAR),
    matrix_case(left_singular_vectors_abs, ("plain",), RECTANGULAR),
    matrix_case(right_singular_vectors_abs, ("plain",), RECTANGULAR),
    matrix_case(polar_factor, ("plain",), RECTANGULAR),
    matrix_case(hermitian_svd_vectors, ("plain",), SQUARE),
    matrix_case(qr_q, ("plain",), TALL + (((3, 4),),)),
    matrix_case(qr_r, ("plain",), TALL + (((3, 4),), ((2, 3, 5),))),
    matrix_case(lu_lower, ("plain",), SQUARE),
    matrix_case(lu_upper, ("plain",), SQUARE),
    matrix_case(linalg.eigvals, ("real_spectrum",), SQUARE),
    matrix_case(
        eigenvalues_real_part, ("complex_spectrum",), ((((2, 2),), ((3, 3),), ((2, 4, 4),)))
    ),
    matrix_case(eigenvalues_imaginary_part, ("complex_spectrum",), (((3, 3),), ((2, 4, 4),))),
    matrix_case(eig_vectors_abs, ("real_spectrum",), SQUARE),
    matrix_case(
        eig_vectors_abs,
        ("complex_spectrum",),
        (((3, 3),), ((2, 4, 4),)),
        name="eig_vectors_abs complex",
    ),
]

NORMS = [
    matrix_case(linalg.norm, ("plain",), (((3,),), ((2, 3),), ((2, 2, 3),))),
    *(
        matrix_case(
            linalg.norm,
            ("plain",),
            (((3, 4),), ((4, 3),)),
            name=f"norm ord={ord}",
            params={"ord": ord},
        )
        for ord in ("fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf)
    ),
    *(
        matrix_case(
            linalg.norm,
            ("plain",),
            (((2, 3),),),
            name=f"norm axis=1 ord={ord}",
            params={"ord": ord, "axis": 1},
        )
        for ord in (None, 1, 3, 0.5, -1.5, np.inf)
    ),
    matrix_case(
        linalg.norm,
        ("plain",),
        (((2, 3, 4),),),
        name="norm axis=(0, 2) ord=2 keepdims",
        params={"ord": 2, "axis": (0, 2), "keepdims": True},
    ),
    matrix_case(
        linalg.vector_norm,
        ("plain",),
        (((2, 3),),),
        name="vector_norm axis=(0, 1) ord=3",
        params={"axis": (0, 1), "ord": 3},
    ),
    matrix_case(
        linalg.matrix_norm,
        ("plain",),
        (((2, 3, 4),),),
        name="matrix_norm ord=nuc",
        params={"ord": "nuc"},
    ),
    matrix_case(linalg.cond, ("general",), (((3, 3),), ((2, 3, 3),))),
    matrix_case(linalg.cond, ("general",), (((3, 3),),), name="cond p=fro", params={"p": "fro"}),
]

_CHECKS = [check for case in DECOMPOSITIONS + NORMS for check in case.checks()]


@pytest.mark.parametrize("case, shapes", _CHECKS, ids=lambda v: str(v))
def test_decomposition_rules(case, shapes, rng):
    tolerance = {} if case.tolerance is None else {"atol": case.tolerance, "rtol": case.tolerance}
    check_grads(
        case.call, case.sample_args(rng, shapes), order=2, modes=("fwd", "rev"), **tolerance
    )


def test_eigenvalue_gradient_is_finite_at_repeated_eigenvalues():
    weights = np.array([1.0, 2.0, 3.0])
    for point in (np.eye(3), np.diag([1.0, 1.0, 2.0])):
        grad = cr.grad(lambda a: linalg.eigvalsh(a) @ weights)(point)
        assert np.all(np.isfinite(grad))
        np.testing.assert_allclose(np.trace(grad), weights.sum())  # d(sum w)/dA = I
        jacobian = cr.jacfwd(linalg.eigvalsh)(point)
        assert np.all(np.isfinite(jacobian))


def test_eigenvectors_at_repeated_eigenvalues_give_nan_not_a_wrong_value():
    # The documented caveat: a repeated eigenvalue's eigenvectors are not unique, so a
    # direction that mixes them has no eigenvector derivative (inf / NaN) ...
    point = np.diag([1.0, 1.0, 2.0])
    mixing = np.zeros((3, 3))
    mixing[1, 0] = 1.0
    _, tangent = cr.jvp(lambda a: linalg.eigh(a)[1], (point,), (mixing,))
    assert not np.all(np.isfinite(tangent))
    # ... and even a function that does not depend on the choice (V diag(w) V^T) gets NaN
    # where the limit inf * 0 would be needed: visible, never a silently wrong number.
    for jacobian in (cr.jacrev, cr.jacfwd):
        result = jacobian(eigh_reconstruction)(point)
        assert np.isnan(result[0, 1, 1, 0])


def test_singular_value_gradient_is_u_v_transpose(rng):
    a = rng.standard_normal((4, 3))
    u, _, vh = np.linalg.svd(a, full_matrices=False)
    np.testing.assert_allclose(cr.grad(lambda a: cnp.sum(singular_values(a)))(a), u @ vh)


def test_nuclear_norm_gradient_at_repeated_singular_values_is_finite():
    grad = cr.grad(lambda a: linalg.norm(a, "nuc"))(np.eye(3))
    np.testing.assert_allclose(grad, np.eye(3), atol=1e-12)


def test_cholesky_reads_only_the_lower_triangle(rng):
    b = rng.standard_normal((3, 3))
    a = b @ b.T + 3 * np.eye(3)
    grad = cr.grad(lambda a: cnp.sum(linalg.cholesky(a) ** 2))(a)
    assert np.all(np.triu(grad, 1) == 0)
    grad_upper = cr.grad(lambda a: cnp.sum(cholesky_upper(a) ** 2))(a)
    assert np.all(np.tril(grad_upper, -1) == 0)
