"""Steps of the random scientific programs from numpy.linalg (and scipy.linalg.expm), on
well-conditioned matrices that depend on the running value: far from singular, and with
separated eigen- and singular values where a rule divides by their gaps."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from properties.programs import (
    Matrices,
    Shapes,
    Step,
    distinct_offsets,
    draw_batch,
    draw_matrices,
    gather,
    linalg,
    seeded,
    step_maker,
)

SIZES = st.integers(2, 4)


@step_maker()
def _solve(draw, shapes: Shapes, kind: str) -> Step:
    n, batch = draw(SIZES), draw_batch(draw)
    a = draw_matrices(draw, shapes, n, n, batch)
    # NumPy 2: b is a vector only when 1-D; else (..., n, k), broadcast against a's batch.
    b_shape = draw(st.sampled_from([(n,), (n, 1), (n, 2), batch + (n, 2)]))
    if batch and len(b_shape) == 1:
        b_shape = (n, 1)
    b = gather(draw, shapes, b_shape)
    return Step(
        f"solve({a}, {b})", lambda v, x, y, xp: xp.linalg.solve(a(v, x, y, xp), b(v, x, y, xp))
    )


@step_maker("inv", "det", "sign * logabsdet", "logabsdet")
def _inverse_and_determinants(draw, shapes: Shapes, kind: str) -> Step:
    n, batch = draw(SIZES), draw_batch(draw)
    a = draw_matrices(draw, shapes, n, n, batch)
    if kind == "inv":
        return Step(f"inv({a})", lambda v, x, y, xp: xp.linalg.inv(a(v, x, y, xp)))
    if kind == "det":
        return Step(f"det({a})", lambda v, x, y, xp: xp.linalg.det(a(v, x, y, xp)))
    if kind == "sign * logabsdet":

        def signed_logdet(v, x, y, xp):
            sign, logabsdet = xp.linalg.slogdet(a(v, x, y, xp))
            return sign * logabsdet

        return Step(f"sign * logabsdet of slogdet({a})", signed_logdet)
    return Step(
        f"slogdet({a}).logabsdet",
        lambda v, x, y, xp: xp.linalg.slogdet(a(v, x, y, xp)).logabsdet,
    )


@step_maker()
def _cholesky(draw, shapes: Shapes, kind: str) -> Step:
    n, batch = draw(SIZES), draw_batch(draw)
    symmetrise = draw(st.booleans())  # cholesky reads one triangle
    s = draw_matrices(draw, shapes, n, n, batch, symmetric=True, symmetrise=symmetrise)
    upper = draw(st.booleans())
    return Step(
        f"cholesky({s}, upper={upper})",
        lambda v, x, y, xp: xp.linalg.cholesky(s(v, x, y, xp), upper=upper),
    )


@step_maker("eigvalsh", "eigenvalues", "V**2", "V log(w) V^T", "V sqrt(w) V^T")
def _eigh(draw, shapes: Shapes, kind: str) -> Step:
    n, batch = draw(SIZES), draw_batch(draw)
    symmetrise = draw(st.booleans())  # eigh reads one triangle, the one UPLO names
    s = draw_matrices(draw, shapes, n, n, batch, True, True, symmetrise)
    uplo = draw(st.sampled_from(["L", "U"]))
    if kind == "eigvalsh":
        return Step(
            f"eigvalsh({s}, {uplo!r})",
            lambda v, x, y, xp: xp.linalg.eigvalsh(s(v, x, y, xp), UPLO=uplo),
        )

    def spectral(v, x, y, xp):
        w, vectors = xp.linalg.eigh(s(v, x, y, xp), UPLO=uplo)
        if kind == "eigenvalues":
            return w
        if kind == "V**2":  # squares: independent of each eigenvector's sign
            return vectors**2
        # A matrix function V f(w) V^T: log(S) or S^(1/2), independent of signs too.
        f = xp.log(w) if kind == "V log(w) V^T" else xp.sqrt(w)
        return (vectors * f[..., None, :]) @ xp.swapaxes(vectors, -1, -2)

    return Step(f"eigh({s}, {uplo!r}) -> {kind}", spectral)


@step_maker("compute_uv=False", "svdvals", "U @ Vh", "U**2", "Vh**2", "U s Vh")
def _svd(draw, shapes: Shapes, kind: str) -> Step:
    n, batch = draw(SIZES), draw_batch(draw)
    m = n + draw(st.integers(-1, 1))
    a = draw_matrices(draw, shapes, m, n, batch, needs_separation=True)
    if kind == "compute_uv=False":
        return Step(
            f"svd({a}, compute_uv=False)",
            lambda v, x, y, xp: xp.linalg.svd(a(v, x, y, xp), compute_uv=False),
        )
    if kind == "svdvals":
        return Step(f"svdvals({a})", lambda v, x, y, xp: xp.linalg.svdvals(a(v, x, y, xp)))

    def factors(v, x, y, xp):
        u, s, vh = xp.linalg.svd(a(v, x, y, xp), full_matrices=False)
        # Functions that do not depend on the signs of the singular vectors.
        if kind == "U @ Vh":  # the polar factor
            return u @ vh
        if kind == "U**2":
            return u**2
        if kind == "Vh**2":
            return vh**2
        return (u * s[..., None, :]) @ vh

    return Step(f"svd({a}, full_matrices=False) -> {kind}", factors)


@step_maker("Q", "R", "mode='r'")
def _qr(draw, shapes: Shapes, kind: str) -> Step:
    n, batch = draw(SIZES), draw_batch(draw)
    m = n + draw(st.integers(-1, 1))  # tall, square or wide
    a = draw_matrices(draw, shapes, m, n, batch)
    if kind == "mode='r'":
        return Step(f"qr({a}, mode='r')", lambda v, x, y, xp: xp.linalg.qr(a(v, x, y, xp), "r"))
    part = 0 if kind == "Q" else 1
    return Step(f"qr({a}).{kind}", lambda v, x, y, xp: xp.linalg.qr(a(v, x, y, xp))[part])


@step_maker("pinv", "lstsq solution", "lstsq residuals")
def _least_squares(draw, shapes: Shapes, kind: str) -> Step:
    n = draw(SIZES)
    # Residuals are given only when m > n; solutions also when m < n (least norm).
    m = n + draw(st.integers(1 if kind == "lstsq residuals" else -1, 2))
    if kind == "pinv":
        batch = draw_batch(draw)
        a = draw_matrices(draw, shapes, *draw(st.sampled_from([(m, n), (n, m)])), batch)
        return Step(f"pinv({a})", lambda v, x, y, xp: xp.linalg.pinv(a(v, x, y, xp)))
    a = draw_matrices(draw, shapes, m, n)
    b = gather(draw, shapes, draw(st.sampled_from([(m,), (m, 2)])))
    part = 0 if kind == "lstsq solution" else 1
    return Step(
        f"lstsq({a}, {b}, rcond=None) -> {kind}",
        lambda v, x, y, xp: xp.linalg.lstsq(a(v, x, y, xp), b(v, x, y, xp), rcond=None)[part],
    )


@step_maker("vector", "matrix by spectrum", "matrix by sums")
def _norm(draw, shapes: Shapes, kind: str) -> Step:
    n, batch = draw(SIZES), draw_batch(draw)
    keepdims = draw(st.booleans())
    if kind == "vector":
        # Entries 0.3 tanh(a) + 1, 2, 3 ...: away from 0 (|.| is smooth) and distinct (max).
        shape = batch + (n,)
        offsets = 1.0 + distinct_offsets(seeded(draw), shape)
        a = gather(draw, shapes, shape)
        order = draw(st.sampled_from([None, 1, 2, 3, 0.5, -1, np.inf, -np.inf]))
        axis = draw(st.sampled_from([None, -1])) if not batch else -1
        return Step(
            f"norm(0.3 tanh({a}) + offsets, ord={order}, axis={axis}, keepdims={keepdims})",
            lambda v, x, y, xp: xp.linalg.norm(
                0.3 * xp.tanh(a(v, x, y, xp)) + offsets, ord=order, axis=axis, keepdims=keepdims
            ),
        )
    if kind == "matrix by spectrum":
        order = draw(st.sampled_from(["fro", "nuc", 2, -2]))
        m = n + draw(st.integers(0, 1))
        a = draw_matrices(draw, shapes, m, n, batch, needs_separation=True)
    else:
        # Entries 1 + i + n j (+ at most 0.25 / n): positive, with row sums n apart and
        # column sums n^2 apart, so the largest and smallest of either are never tied.
        order = draw(st.sampled_from([1, -1, np.inf, -np.inf]))
        base = 1.0 + np.arange(n)[:, None] + n * np.arange(n)[None, :]
        a = Matrices(base, 0.25 / n, gather(draw, shapes, batch + (n, n)))
    return Step(
        f"norm({a}, ord={order!r}, axis=(-2, -1), keepdims={keepdims})",
        lambda v, x, y, xp: xp.linalg.norm(
            a(v, x, y, xp), ord=order, axis=(-2, -1), keepdims=keepdims
        ),
    )


@step_maker("matrix_power", "multi_dot", "expm")
def _products(draw, shapes: Shapes, kind: str) -> Step:
    n = draw(SIZES)
    if kind == "matrix_power":
        a = draw_matrices(draw, shapes, n, n, draw_batch(draw))
        power = draw(st.sampled_from([-2, -1, 2, 3]))
        # Halved so that A^3 stays moderate (singular values at most 1.5 + 0.4 n).
        return Step(
            f"matrix_power({a} / 2, {power})",
            lambda v, x, y, xp: xp.linalg.matrix_power(a(v, x, y, xp) / 2, power),
        )
    if kind == "multi_dot":
        k, m = draw(SIZES), draw(SIZES)
        first = draw(st.sampled_from([(n,), (n, k)]))
        parts = [gather(draw, shapes, s) for s in (first, (first[-1], m))]
        parts.append(gather(draw, shapes, draw(st.sampled_from([(m,), (m, 2)]))))
        return Step(
            f"multi_dot(tanh({parts}))",
            lambda v, x, y, xp: xp.linalg.multi_dot([xp.tanh(p(v, x, y, xp)) for p in parts]),
        )
    a = gather(draw, shapes, draw_batch(draw) + (n, n))
    # expm of 0.5 tanh(a): entries at most 0.5, so the norm is at most n / 2.
    return Step(
        f"scipy.linalg.expm(0.5 tanh({a}))",
        lambda v, x, y, xp: _expm(0.5 * xp.tanh(a(v, x, y, xp))),
    )


def _expm(a):
    return linalg(a).expm(a)


LINALG_STEPS = [
    _solve,
    _inverse_and_determinants,
    _cholesky,
    _eigh,
    _svd,
    _qr,
    _least_squares,
    _norm,
    _products,
]
