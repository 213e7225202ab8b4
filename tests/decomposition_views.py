"""Functions of matrix decompositions that do not depend on the free signs (phases) of
eigen- and singular vectors, shared by the rule tables of the decompositions (real and
complex): |V|, V diag(w) V^H, projectors, the polar factor, the factors of QR and LU.

They are written for complex matrices (conj on a real value is the value itself).
"""

import chainrule.numpy as cnp
import chainrule.scipy.linalg as csl

linalg = cnp.linalg


def _adjoint(x):
    return cnp.conj(cnp.swapaxes(x, -1, -2))


def cholesky_upper(a):
    return linalg.cholesky(a, upper=True)


def eigenvectors_abs(a, UPLO="L"):
    return cnp.abs(linalg.eigh(a, UPLO)[1])


def eigh_reconstruction(a):
    w, v = linalg.eigh(a)
    return (v * w[..., None, :]) @ _adjoint(v)


def eigenvector_projector(a):
    v = linalg.eigh(a)[1][..., :, 0]
    return v[..., :, None] * cnp.conj(v[..., None, :])


def singular_values(a):
    return linalg.svd(a, compute_uv=False)


def left_singular_vectors_abs(a):
    return cnp.abs(linalg.svd(a, full_matrices=False)[0])


def right_singular_vectors_abs(a):
    return cnp.abs(linalg.svd(a, full_matrices=False)[2])


def polar_factor(a):
    u, _, vh = linalg.svd(a, full_matrices=False)
    return u @ vh


def hermitian_svd_vectors(a):
    u, s, vh = linalg.svd(a, hermitian=True)
    return cnp.abs(u) + cnp.abs(vh) + s[..., None]


def qr_q(a):
    return linalg.qr(a)[0]


def qr_r(a):
    return linalg.qr(a)[1]


def lu_lower(a):
    return csl.lu(a)[1]


def lu_upper(a):
    return csl.lu(a)[2]
