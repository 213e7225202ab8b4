"""Steps of the random scientific programs through complex linear algebra: a complex
matrix built from the running value (well conditioned, Hermitian positive definite or with
separated spectra where the rule needs it), a complex decomposition, solve or matrix
function, and back to real by a function that does not depend on the phases of eigen- or
singular vectors (which are a gauge: only phase-invariant functions are differentiable)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from hypothesis import strategies as st
from properties.programs import (
    Operand,
    Shapes,
    Step,
    draw_batch,
    gather,
    linalg,
    perturbation_scale,
    seeded,
    step_maker,
)

SIZES = st.integers(2, 4)

# Complex to real. Polynomials in the real and imaginary parts: smooth everywhere, also
# where an entry is zero (the triangles of R, L and U), and unbounded entries are fine.
BACK_TO_REAL = {
    "real(z * conj(z))": lambda z, xp: xp.real(z * xp.conj(z)),
    "real(z)": lambda z, xp: xp.real(z),
    "z.imag": lambda z, xp: z.imag,
    "real(z) * imag(z)": lambda z, xp: xp.real(z) * xp.imag(z),
}


# ---------------------------------------------------------------- complex matrices


def unitary(rng: np.random.Generator, n: int) -> np.ndarray:
    """A random unitary matrix (the Q of a complex Gaussian's QR, phases made unique)."""
    q, r = np.linalg.qr(rng.standard_normal((n, n)) + 1j * rng.standard_normal((n, n)))
    return q * (np.diag(r) / np.abs(np.diag(r)))


def separated_complex(rng: np.random.Generator, m: int, n: int) -> np.ndarray:
    """U diag(1, 1.8, 2.6, ...) V^H (m x n), U and V unitary: singular values 0.8 apart."""
    k = min(m, n)
    return unitary(rng, m)[:, :k] * (1.0 + 0.8 * np.arange(k)) @ unitary(rng, n)[:k, :]


def separated_hermitian(rng: np.random.Generator, n: int) -> np.ndarray:
    """Q diag(1, 1.8, 2.6, ...) Q^H: Hermitian positive definite, eigenvalues 0.8 apart."""
    q = unitary(rng, n)
    return (q * (1.0 + 0.8 * np.arange(n))) @ q.conj().T


@dataclass(frozen=True)
class ComplexValues:
    """tanh(a) + i tanh(b), a and b gathered from the program's values: modulus < sqrt 2."""

    real_entries: Operand
    imag_entries: Operand

    def __call__(self, v: Any, x: Any, y: Any, xp: Any) -> Any:
        real_part = xp.tanh(self.real_entries(v, x, y, xp))
        return real_part + 1j * xp.tanh(self.imag_entries(v, x, y, xp))

    def __repr__(self) -> str:
        return f"complex({list(self.real_entries.index.shape)})"


def complex_values(draw: Any, shapes: Shapes, shape: tuple) -> ComplexValues:
    return ComplexValues(gather(draw, shapes, shape), gather(draw, shapes, shape))


@dataclass(frozen=True)
class ComplexMatrices:
    """``base + scale (tanh(a) + i tanh(b)) / sqrt(2)``: a fixed well-conditioned complex
    matrix moved by entries of modulus at most ``scale`` (made Hermitian, M + M^H over 2,
    when ``hermitise``), so the bounds of programs.perturbation_scale hold as for real."""

    base: np.ndarray
    scale: float
    entries: ComplexValues
    hermitise: bool = False

    def __call__(self, v: Any, x: Any, y: Any, xp: Any) -> Any:
        moved = (self.scale / np.sqrt(2)) * self.entries(v, x, y, xp)
        if self.hermitise:
            moved = (moved + xp.conj(xp.swapaxes(moved, -1, -2))) / 2
        return self.base + moved

    def __repr__(self) -> str:
        kind = "hermitised " if self.hermitise else ""
        return f"{kind}complex matrix({list(self.entries.real_entries.index.shape)})"


def draw_complex_matrices(
    draw: Any,
    shapes: Shapes,
    m: int,
    n: int,
    batch: tuple = (),
    hermitian: bool = False,
    needs_separation: bool = False,
    base: np.ndarray | None = None,
) -> ComplexMatrices:
    """Well-conditioned complex m x n matrices (with leading ``batch``) that depend on the
    program. A ``hermitian`` one is Hermitian positive definite, made so exactly or (for
    functions that read one triangle) only in its base, as drawn."""
    rng = seeded(draw)
    if base is None:
        base = separated_hermitian(rng, n) if hermitian else separated_complex(rng, m, n)
    scale = perturbation_scale(m, n, needs_separation)
    hermitise = hermitian and draw(st.booleans())
    return ComplexMatrices(base, scale, complex_values(draw, shapes, batch + (m, n)), hermitise)


def near_identity(draw: Any, shapes: Shapes, n: int, batch: tuple) -> ComplexMatrices:
    """I + E with |E| <= 0.75: eigenvalues within 0.75 of 1, away from the negative real
    axis (the branch cut of logm and sqrtm)."""
    return ComplexMatrices(np.eye(n), 0.75 / n, complex_values(draw, shapes, batch + (n, n)))


def column_dominant(draw: Any, shapes: Shapes, n: int, batch: tuple) -> ComplexMatrices:
    """(n + 1) e^{i t_j} on the diagonal, entries of modulus < 0.5 + 0.25 / n elsewhere:
    strictly column diagonally dominant, which Gaussian elimination keeps, so partial
    pivoting never swaps rows (P = I) and never meets a tie."""
    rng = seeded(draw)
    phases = np.exp(1j * rng.uniform(0, 2 * np.pi, n))
    off = 0.5 * rng.uniform(0, 1, (n, n)) * np.exp(1j * rng.uniform(0, 2 * np.pi, (n, n)))
    base = np.where(np.eye(n, dtype=bool), (n + 1) * phases, off)
    return ComplexMatrices(base, 0.25 / n, complex_values(draw, shapes, batch + (n, n)))


def to_real(draw: Any, text: str, complex_fn: Any) -> Step:
    """The step ``back(complex_fn(v, x, y, xp))`` with a drawn complex-to-real ``back``."""
    back = draw(st.sampled_from(sorted(BACK_TO_REAL)))

    def fn(v, x, y, xp):
        return BACK_TO_REAL[back](complex_fn(v, x, y, xp), xp)

    return Step(f"{back} of {text}", fn)


def conjugate_transpose(z: Any, xp: Any) -> Any:
    return xp.conj(xp.swapaxes(z, -1, -2))


def right_hand_side(draw: Any, shapes: Shapes, n: int, batch: tuple) -> ComplexValues:
    """b for solve(a, b): a vector only when 1-D (NumPy 2), else (..., n, k)."""
    b_shape = draw(st.sampled_from([(n,), (n, 1), (n, 2), batch + (n, 2)]))
    if batch and len(b_shape) == 1:
        b_shape = (n, 1)
    return complex_values(draw, shapes, b_shape)


# ---------------------------------------------------------------- steps


@step_maker("solve", "inv", "det", "slogdet sign", "slogdet logabsdet")
def _complex_solve_and_determinants(draw, shapes: Shapes, kind: str) -> Step:
    n, batch = draw(SIZES), draw_batch(draw)
    a = draw_complex_matrices(draw, shapes, n, n, batch)
    if kind == "solve":
        b = right_hand_side(draw, shapes, n, batch)
        return to_real(
            draw,
            f"solve({a}, {b})",
            lambda v, x, y, xp: xp.linalg.solve(a(v, x, y, xp), b(v, x, y, xp)),
        )
    if kind == "inv":
        return to_real(draw, f"inv({a})", lambda v, x, y, xp: xp.linalg.inv(a(v, x, y, xp)))
    if kind == "det":
        # |det| of the base is 1 * 1.8 * 2.6 * ...: divided by it, det stays moderate.
        modulus = np.prod(1.0 + 0.8 * np.arange(n))
        return to_real(
            draw,
            f"det({a}) / {modulus:.3g}",
            lambda v, x, y, xp: xp.linalg.det(a(v, x, y, xp)) / modulus,
        )
    if kind == "slogdet sign":
        return to_real(
            draw, f"slogdet({a}).sign", lambda v, x, y, xp: xp.linalg.slogdet(a(v, x, y, xp))[0]
        )
    return Step(
        f"slogdet({a}).logabsdet",
        lambda v, x, y, xp: xp.linalg.slogdet(a(v, x, y, xp)).logabsdet,
    )


@step_maker("cholesky", "scipy cholesky", "cho_solve")
def _complex_cholesky(draw, shapes: Shapes, kind: str) -> Step:
    n, batch = draw(SIZES), draw_batch(draw)
    if kind != "cholesky":
        batch = ()  # one matrix for SciPy's functions
    s = draw_complex_matrices(draw, shapes, n, n, batch, hermitian=True)
    upper = draw(st.booleans())
    if kind == "cholesky":
        return to_real(
            draw,
            f"cholesky({s}, upper={upper})",
            lambda v, x, y, xp: xp.linalg.cholesky(s(v, x, y, xp), upper=upper),
        )
    if kind == "scipy cholesky":

        def factor(v, x, y, xp):
            a = s(v, x, y, xp)
            return linalg(a).cholesky(a, lower=not upper)

        return to_real(draw, f"scipy.linalg.cholesky({s}, lower={not upper})", factor)
    b = complex_values(draw, shapes, draw(st.sampled_from([(n,), (n, 2)])))

    def cho_solve(v, x, y, xp):
        a, rhs = s(v, x, y, xp), b(v, x, y, xp)
        return linalg(a, rhs).cho_solve(linalg(a).cho_factor(a, lower=not upper), rhs)

    return to_real(draw, f"cho_solve(cho_factor({s}, lower={not upper}), {b})", cho_solve)


@step_maker("eigvalsh", "eigenvalues", "abs(V)**2", "V log(w) V^H", "v_0 v_0^H", "eigh(a, b)")
def _complex_eigh(draw, shapes: Shapes, kind: str) -> Step:
    n, batch = draw(SIZES), draw_batch(draw)
    if kind == "eigh(a, b)":
        # scipy.linalg.eigh(a, b): the generalized problem a v = w b v, eigenvalues only.
        a = draw_complex_matrices(draw, shapes, n, n, hermitian=True, needs_separation=True)
        base = np.eye(n) + 0.2 * separated_hermitian(seeded(draw), n)
        b = draw_complex_matrices(draw, shapes, n, n, hermitian=True, base=base)

        def generalized(v, x, y, xp):
            a_value, b_value = a(v, x, y, xp), b(v, x, y, xp)
            return linalg(a_value, b_value).eigh(a_value, b_value, eigvals_only=True)

        return Step(f"scipy.linalg.eigh({a}, {b}, eigvals_only=True)", generalized)
    s = draw_complex_matrices(draw, shapes, n, n, batch, hermitian=True, needs_separation=True)
    uplo = draw(st.sampled_from(["L", "U"]))
    if kind == "eigvalsh":
        return Step(
            f"eigvalsh({s}, {uplo!r})",
            lambda v, x, y, xp: xp.linalg.eigvalsh(s(v, x, y, xp), UPLO=uplo),
        )
    if kind in ("eigenvalues", "abs(V)**2"):

        def real_spectral(v, x, y, xp):
            w, vectors = xp.linalg.eigh(s(v, x, y, xp), UPLO=uplo)
            return w if kind == "eigenvalues" else xp.abs(vectors) ** 2

        return Step(f"eigh({s}, {uplo!r}) -> {kind}", real_spectral)

    def spectral(v, x, y, xp):
        w, vectors = xp.linalg.eigh(s(v, x, y, xp), UPLO=uplo)
        if kind == "v_0 v_0^H":  # the projector on the first eigenvector
            first = vectors[..., :, 0]
            return first[..., :, None] * xp.conj(first)[..., None, :]
        return (vectors * xp.log(w)[..., None, :]) @ conjugate_transpose(vectors, xp)

    return to_real(draw, f"eigh({s}, {uplo!r}) -> {kind}", spectral)


@step_maker(
    "compute_uv=False", "svdvals", "U @ Vh", "abs(U)**2", "abs(Vh)**2", "U s Vh", "u_0 vh_0"
)
def _complex_svd(draw, shapes: Shapes, kind: str) -> Step:
    n, batch = draw(SIZES), draw_batch(draw)
    m = n + draw(st.integers(-1, 1))
    a = draw_complex_matrices(draw, shapes, m, n, batch, needs_separation=True)
    if kind == "compute_uv=False":
        return Step(
            f"svd({a}, compute_uv=False)",
            lambda v, x, y, xp: xp.linalg.svd(a(v, x, y, xp), compute_uv=False),
        )
    if kind == "svdvals":
        return Step(f"svdvals({a})", lambda v, x, y, xp: xp.linalg.svdvals(a(v, x, y, xp)))
    if kind in ("abs(U)**2", "abs(Vh)**2"):

        def moduli(v, x, y, xp):
            u, _, vh = xp.linalg.svd(a(v, x, y, xp), full_matrices=False)
            return xp.abs(u if kind == "abs(U)**2" else vh) ** 2

        return Step(f"svd({a}, full_matrices=False) -> {kind}", moduli)

    def factors(v, x, y, xp):
        u, s, vh = xp.linalg.svd(a(v, x, y, xp), full_matrices=False)
        # Functions of pairs (u_i, vh_i) that the phase e^{i phi} of u_i and e^{-i phi} of
        # vh_i leave unchanged.
        if kind == "U @ Vh":  # the polar factor
            return u @ vh
        if kind == "u_0 vh_0":
            return u[..., :, :1] @ vh[..., :1, :]
        return (u * s[..., None, :]) @ vh

    return to_real(draw, f"svd({a}, full_matrices=False) -> {kind}", factors)


@step_maker("Q", "R", "mode='r'")
def _complex_qr(draw, shapes: Shapes, kind: str) -> Step:
    n, batch = draw(SIZES), draw_batch(draw)
    m = n + draw(st.integers(-1, 1))  # tall, square or wide
    a = draw_complex_matrices(draw, shapes, m, n, batch)
    # LAPACK's R has a real diagonal; the derivative keeps its choice, so Q and R
    # themselves are smooth functions of a (away from a sign change of that diagonal).
    if kind == "mode='r'":
        return to_real(
            draw, f"qr({a}, mode='r')", lambda v, x, y, xp: xp.linalg.qr(a(v, x, y, xp), "r")
        )
    part = 0 if kind == "Q" else 1
    return to_real(draw, f"qr({a}).{kind}", lambda v, x, y, xp: xp.linalg.qr(a(v, x, y, xp))[part])


@step_maker("pinv", "lstsq solution", "lstsq residuals")
def _complex_least_squares(draw, shapes: Shapes, kind: str) -> Step:
    n = draw(SIZES)
    # Residuals are given only when m > n; solutions also when m < n (least norm).
    m = n + draw(st.integers(1 if kind == "lstsq residuals" else -1, 2))
    if kind == "pinv":
        batch = draw_batch(draw)
        a = draw_complex_matrices(draw, shapes, *draw(st.sampled_from([(m, n), (n, m)])), batch)
        return to_real(draw, f"pinv({a})", lambda v, x, y, xp: xp.linalg.pinv(a(v, x, y, xp)))
    a = draw_complex_matrices(draw, shapes, m, n)
    b = complex_values(draw, shapes, draw(st.sampled_from([(m,), (m, 2)])))

    def least_squares(v, x, y, xp):
        return xp.linalg.lstsq(a(v, x, y, xp), b(v, x, y, xp), rcond=None)

    text = f"lstsq({a}, {b}, rcond=None)"
    if kind == "lstsq residuals":  # real already: sum |b - a x|^2
        return Step(f"{text} -> residuals", lambda v, x, y, xp: least_squares(v, x, y, xp)[1])
    return to_real(draw, f"{text} -> solution", lambda v, x, y, xp: least_squares(v, x, y, xp)[0])


@step_maker("matrix norm", "cond")
def _complex_norm(draw, shapes: Shapes, kind: str) -> Step:
    n, batch = draw(SIZES), draw_batch(draw)
    if kind == "cond":
        a = draw_complex_matrices(draw, shapes, n, n, batch, needs_separation=True)
        p = draw(st.sampled_from([None, 2, -2]))
        return Step(f"cond({a}, {p})", lambda v, x, y, xp: xp.linalg.cond(a(v, x, y, xp), p))
    order = draw(st.sampled_from(["fro", "nuc", 2, -2]))
    keepdims = draw(st.booleans())
    m = n + draw(st.integers(0, 1))
    a = draw_complex_matrices(draw, shapes, m, n, batch, needs_separation=True)
    return Step(
        f"norm({a}, ord={order!r}, axis=(-2, -1), keepdims={keepdims})",
        lambda v, x, y, xp: xp.linalg.norm(
            a(v, x, y, xp), ord=order, axis=(-2, -1), keepdims=keepdims
        ),
    )


@step_maker("expm", "logm", "sqrtm", "fractional_matrix_power", "matrix_power")
def _complex_matrix_functions(draw, shapes: Shapes, kind: str) -> Step:
    n = draw(SIZES)
    if kind == "expm":
        entries = complex_values(draw, shapes, draw_batch(draw) + (n, n))
        # Entries of modulus at most 0.5 (0.5 / sqrt 2 per part): norm at most n / 2.
        return to_real(
            draw,
            f"expm(0.35 {entries})",
            lambda v, x, y, xp: _expm(0.35 * entries(v, x, y, xp)),
        )
    if kind == "matrix_power":
        a = draw_complex_matrices(draw, shapes, n, n, draw_batch(draw))
        power = draw(st.sampled_from([-2, -1, 2, 3]))
        return to_real(
            draw,
            f"matrix_power({a} / 2, {power})",
            lambda v, x, y, xp: xp.linalg.matrix_power(a(v, x, y, xp) / 2, power),
        )
    # SciPy's logm and sqrtm take one matrix; logm and fractional powers, which run
    # dozens of small LAPACK calls, 2 x 2 or 3 x 3 (the oracle calls them ~25 times).
    a = near_identity(draw, shapes, min(n, 3), ())
    if kind == "fractional_matrix_power":
        t = draw(st.sampled_from([0.5, -0.5, 1.5, 1 / 3]))

        def power(v, x, y, xp):
            value = a(v, x, y, xp)
            return linalg(value).fractional_matrix_power(value, t)

        return to_real(draw, f"fractional_matrix_power({a}, {t:.3g})", power)

    def function(v, x, y, xp):
        value = a(v, x, y, xp)
        return getattr(linalg(value), kind)(value)

    return to_real(draw, f"{kind}({a})", function)


@step_maker("L", "U", "lu_solve")
def _complex_lu(draw, shapes: Shapes, kind: str) -> Step:
    n = draw(SIZES)
    a = column_dominant(draw, shapes, n, ())
    if kind == "lu_solve":
        b = complex_values(draw, shapes, draw(st.sampled_from([(n,), (n, 2)])))
        trans = draw(st.sampled_from([0, 1, 2]))

        def solve(v, x, y, xp):
            value, rhs = a(v, x, y, xp), b(v, x, y, xp)
            factors = linalg(value).lu_factor(value)
            return linalg(value, rhs).lu_solve(factors, rhs, trans=trans)

        return to_real(draw, f"lu_solve(lu_factor({a}), {b}, trans={trans})", solve)
    part = 1 if kind == "L" else 2

    def factor(v, x, y, xp):
        value = a(v, x, y, xp)
        return linalg(value).lu(value)[part]

    return to_real(draw, f"scipy.linalg.lu({a}).{kind}", factor)


def _expm(a):
    return linalg(a).expm(a)


COMPLEX_LINALG_STEPS = [
    _complex_solve_and_determinants,
    _complex_cholesky,
    _complex_eigh,
    _complex_svd,
    _complex_qr,
    _complex_least_squares,
    _complex_norm,
    _complex_matrix_functions,
    _complex_lu,
]
