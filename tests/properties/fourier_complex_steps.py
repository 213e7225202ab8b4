"""Steps of the random scientific programs that go through complex values: numpy.fft
transforms with n/s, axes and norm, and complex arithmetic. Each step starts from real
values and ends on real ones (|z|^2, real and imaginary parts, angles away from the
branch cut), as a real loss of complex intermediates does."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from properties.programs import Shapes, Step, drawn_axis, gather, operand, seeded, step_maker

NORMS = st.sampled_from([None, "backward", "ortho", "forward"])

# Complex to real. The angle and modulus of 2 + z, with |z| <= 1, stay away from the
# branch cut of angle (the negative real axis) and from the kink of |.| at 0.
BACK_TO_REAL = {
    "abs(z)**2": lambda z, xp: xp.abs(z) ** 2,
    "real(z)": lambda z, xp: xp.real(z),
    "z.imag": lambda z, xp: z.imag,
    "(z * conj(z)).real": lambda z, xp: (z * xp.conj(z)).real,
    "angle(2 + z)": lambda z, xp: xp.angle(2 + z),
    "abs(2 + z)": lambda z, xp: xp.abs(2 + z),
    "real(z) * imag(z)": lambda z, xp: xp.real(z) * xp.imag(z),
}

# Complex maps from the closed unit disk into itself, smooth there, so that they chain.
PHASE = np.exp(0.7j)
COMPLEX_MAPS = {
    "z * z": lambda z, xp: z * z,
    "z * exp(0.7i)": lambda z, xp: z * PHASE,
    "conj(z)": lambda z, xp: xp.conj(z),
    "z.conj() * z": lambda z, xp: z.conj() * z,
    "1 / (2 + z)": lambda z, xp: 1 / (2 + z),
    "exp(z) / e": lambda z, xp: xp.exp(z) / np.e,
    "sqrt(2 + z) / sqrt(3)": lambda z, xp: xp.sqrt(2 + z) / np.sqrt(3),
    "log(2 + z) / 2": lambda z, xp: xp.log(2 + z) / 2,
    "sin(z) / 2": lambda z, xp: xp.sin(z) / 2,
    "z**3": lambda z, xp: z**3,
    "(z + conj(z[::-1])) / 2": lambda z, xp: (z + xp.conj(z[::-1])) / 2,
    "z / (2 + conj(z))": lambda z, xp: z / (2 + xp.conj(z)),
    "mean(z, axis=-1, keepdims)": lambda z, xp: xp.mean(z, axis=-1, keepdims=True),
    # Transforms of complex values: |fft(z, norm="forward")| <= mean |z| <= 1, as ifft's.
    "fft(z, norm='forward')": lambda z, xp: xp.fft.fft(z, norm="forward"),
    "ifft(z)": lambda z, xp: xp.fft.ifft(z),
    # On a vector, axes (0, -1) name one axis twice: NumPy then transforms along it twice.
    "fft2(z, axes=(0, -1), norm='forward')": lambda z, xp: xp.fft.fft2(
        z, axes=(0, -1), norm="forward"
    ),
    # A unitary matrix keeps the norm of each row; divided by sqrt(k), entries stay <= 1.
    "z @ U / sqrt(k)": lambda z, xp: z @ _unitary(z.shape[-1]) / np.sqrt(z.shape[-1]),
}


def _unitary(k: int) -> np.ndarray:
    """The unitary DFT matrix of size k, shifted in phase: a fixed complex matrix."""
    return np.fft.fft(np.eye(k), norm="ortho") * np.exp(0.3j * np.arange(k))


def _to_complex(draw, shapes: Shapes, shape: tuple):
    """A function (v, x, y, xp) -> complex values of modulus at most 1, of ``shape``."""
    a, b = gather(draw, shapes, shape), gather(draw, shapes, shape)
    kind = draw(st.sampled_from(["polar", "cartesian", "fft"]))
    if kind == "polar":

        def polar(v, x, y, xp):
            return xp.tanh(a(v, x, y, xp)) * xp.exp(1j * b(v, x, y, xp))

        return "tanh(a) * exp(1j * b)", polar
    if kind == "cartesian":

        def cartesian(v, x, y, xp):
            return (xp.tanh(a(v, x, y, xp)) + 1j * xp.tanh(b(v, x, y, xp))) / np.sqrt(2)

        return "(tanh(a) + 1j tanh(b)) / sqrt(2)", cartesian
    axis = drawn_axis(draw, len(shape))

    def transformed(v, x, y, xp):
        # norm="forward" divides by n: |fft(t)| <= mean |t| <= 1.
        return xp.fft.fft(xp.tanh(a(v, x, y, xp)), axis=axis, norm="forward")

    return f"fft(tanh(a), axis={axis}, norm='forward')", transformed


@step_maker(*sorted(COMPLEX_MAPS))
def _complex_arithmetic(draw, shapes: Shapes, kind: str) -> Step:
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=2)))
    text, start = _to_complex(draw, shapes, shape)
    maps = [kind] + draw(st.lists(st.sampled_from(sorted(COMPLEX_MAPS)), max_size=2))
    back = draw(st.sampled_from(sorted(BACK_TO_REAL)))

    def fn(v, x, y, xp):
        z = start(v, x, y, xp)
        for name in maps:
            z = COMPLEX_MAPS[name](z, xp)
        return BACK_TO_REAL[back](z, xp)

    return Step(f"z = {text} ({list(shape)}); {' ; '.join(maps)}; {back}", fn)


@step_maker("fft", "ifft", "rfft", "ihfft")
def _one_axis_transform(draw, shapes: Shapes, name: str) -> Step:
    a = operand(draw, shapes)
    ndim = len(a.shape(shapes))
    axis = drawn_axis(draw, ndim)
    length = a.shape(shapes)[axis]
    n = draw(st.sampled_from([None, None, max(length - 1, 1), length + 2]))
    norm = draw(NORMS)
    back = draw(st.sampled_from(sorted(BACK_TO_REAL)))

    def fn(v, x, y, xp):
        # tanh first: the transform of bounded values stays bounded (at most n or 1).
        z = getattr(xp.fft, name)(xp.tanh(a(v, x, y, xp)), n=n, axis=axis, norm=norm)
        return BACK_TO_REAL[back](z / (1 + _norm_factor(norm, n or length)), xp)

    return Step(f"{back} of {name}(tanh({a}), n={n}, axis={axis}, norm={norm!r})", fn)


@step_maker("irfft", "hfft")
def _to_real_transform(draw, shapes: Shapes, name: str) -> Step:
    """irfft and hfft: complex (Hermitian-symmetric) input, real output."""
    ndim = draw(st.integers(1, 2))
    # At least 2 along every axis: n defaults to 2 (m - 1) points.
    shape = tuple(draw(st.lists(st.integers(2, 4), min_size=ndim, max_size=ndim)))
    text, start = _to_complex(draw, shapes, shape)
    axis = drawn_axis(draw, ndim)
    n = draw(st.sampled_from([None, 2 * shape[axis] - 1, shape[axis] + 1, 3]))
    norm = draw(NORMS)

    def fn(v, x, y, xp):
        return getattr(xp.fft, name)(start(v, x, y, xp), n=n, axis=axis, norm=norm)

    return Step(f"{name}({text} ({list(shape)}), n={n}, axis={axis}, norm={norm!r})", fn)


@step_maker("fft2", "ifft2", "fftn", "ifftn", "rfftn")
def _many_axes_transform(draw, shapes: Shapes, name: str) -> Step:
    a = operand(draw, shapes, min_ndim=2)
    shape = a.shape(shapes)
    ndim = len(shape)
    if name.endswith("2"):
        axes = tuple(draw(st.permutations(range(-ndim, 0)))[:2])
    else:
        axes = draw(
            st.sampled_from([None]) | st.permutations(range(ndim)).map(lambda p: tuple(p[:2]))
        )
    chosen = axes if axes is not None else tuple(range(ndim))
    if draw(st.booleans()):
        s = tuple(max(shape[i] + draw(st.integers(-1, 1)), 1) for i in chosen)
    else:
        s = None
    norm = draw(NORMS)
    back = draw(st.sampled_from(sorted(BACK_TO_REAL)))
    size = int(np.prod(s if s is not None else [shape[i] for i in chosen]))

    def fn(v, x, y, xp):
        transform = getattr(xp.fft, name)
        if axes is None and s is None:
            z = transform(xp.tanh(a(v, x, y, xp)), norm=norm)
        else:
            z = transform(xp.tanh(a(v, x, y, xp)), s=s, axes=chosen, norm=norm)
        return BACK_TO_REAL[back](z / (1 + _norm_factor(norm, size)), xp)

    return Step(f"{back} of {name}(tanh({a}), s={s}, axes={axes}, norm={norm!r})", fn)


@step_maker("fftshift", "ifftshift")
def _shifts(draw, shapes: Shapes, name: str) -> Step:
    a = operand(draw, shapes)
    ndim = len(a.shape(shapes))
    axes = draw(st.sampled_from([None, -1, tuple(range(ndim))]))
    # A fixed frequency weighting, so that the shift is not undone by a later sum.
    weights = seeded(draw).standard_normal(a.shape(shapes))
    return Step(
        f"{name}({a}, axes={axes}) * W",
        lambda v, x, y, xp: getattr(xp.fft, name)(a(v, x, y, xp), axes=axes) * weights,
    )


def _norm_factor(norm, n):
    """Bounds |transform| / (1 + factor) by about 1 for entries of modulus at most 1."""
    return {None: n, "backward": n, "ortho": np.sqrt(n), "forward": 1.0}[norm]


FOURIER_COMPLEX_STEPS = [
    _complex_arithmetic,
    _one_axis_transform,
    _to_real_transform,
    _many_axes_transform,
    _shifts,
]
