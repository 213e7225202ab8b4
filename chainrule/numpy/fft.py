"""chainrule.numpy.fft: numpy.fft's transforms, shifts and frequencies, differentiable.

Each function has numpy.fft's name, signature and semantics, and calls NumPy when nothing
is traced. Traced inputs go through three one-axis primitives (chainrule/primitives/
fft.py: fft/ifft, rfft, irfft); the 2-D and N-D transforms apply them axis by axis in
NumPy's own order, hfft and ihfft are irfft and rfft of the conjugate (NumPy's
definitions), the shifts are rolls. A VJP is the transpose, not the adjoint (docs/fft.md).
"""

from __future__ import annotations

import operator
import warnings
from typing import Any

import numpy as np

from chainrule.numpy.arguments import as_value, is_traced, normalize_one_axis, shape_of
from chainrule.numpy.elementwise import conj, divide
from chainrule.numpy.manipulation import roll
from chainrule.primitives import fft as fp

__all__ = [
    "fft",
    "fft2",
    "fftfreq",
    "fftn",
    "fftshift",
    "hfft",
    "ifft",
    "ifft2",
    "ifftn",
    "ifftshift",
    "ihfft",
    "irfft",
    "irfft2",
    "irfftn",
    "rfft",
    "rfft2",
    "rfftfreq",
    "rfftn",
]

_NORMS = ("backward", "ortho", "forward")


def _name(function: str) -> str:
    return f"chainrule.numpy.fft.{function}"


def _is_traced_input(a: Any) -> bool:
    """True for a tracer, or a list or tuple holding one."""
    return is_traced(a) or (isinstance(a, (list, tuple)) and is_traced(*a))


def _input(a: Any, out: Any, function: str) -> Any:
    if out is not None:
        raise TypeError(
            f"{_name(function)}: out= is not supported on traced values (it writes in place); "
            f"call {function}(...) without out= and use the returned array."
        )
    return as_value(a)


def _norm(norm: Any, function: str) -> str:
    """NumPy's norm, None read as "backward"."""
    if norm is None:
        return "backward"
    if isinstance(norm, str) and norm in _NORMS:
        return norm
    raise ValueError(
        f'{_name(function)}: norm={norm!r} is not a normalization; use None, "backward", '
        f'"ortho" or "forward".'
    )


def _points(n: Any, default: int, function: str, argument: str) -> int:
    """The number of points to transform: ``n`` checked, or ``default`` when n is None."""
    if n is None:
        if default < 1:
            raise ValueError(
                f"{_name(function)}: the input gives {default} points along the transformed "
                f"axis; a transform needs at least 1, so pass {argument} explicitly."
            )
        return default
    try:
        n = operator.index(n)
    except TypeError:
        raise TypeError(
            f"{_name(function)}: {argument}={n!r} must be an integer number of points."
        ) from None
    if n < 1:
        raise ValueError(
            f"{_name(function)}: {argument}={n} points; a transform needs at least 1 "
            f"(the input is cropped or zero-padded to {argument} along the axis)."
        )
    return n


def _one_axis(
    kind: str, x: Any, n: Any, axis: Any, norm: Any, function: str, argument: str = "n"
) -> Any:
    """Transform the prepared input ``x`` along one axis: kind is fft, ifft, rfft or irfft."""
    norm = _norm(norm, function)
    axis = normalize_one_axis(axis, len(shape_of(x)), _name(function))
    length = shape_of(x)[axis]
    if kind == "irfft":
        # NumPy's default: the even-length signal whose half spectrum has `length` bins.
        n = _points(n, 2 * (length - 1), function, argument)
        return fp.irfft_p(x, axis=axis, n=n, norm=norm)
    n = _points(n, length, function, argument)
    if kind == "rfft":
        if x.dtype.kind == "c":
            raise TypeError(
                f"{_name(function)}: the input is complex ({x.dtype}), but {function} "
                f"transforms real signals. Use fft for complex input, or pass cnp.real(x)."
            )
        return fp.rfft_p(x, axis=axis, n=n, norm=norm)
    return fp.fft_p(x, axis=axis, n=n, norm=norm, inverse=kind == "ifft")


def fft(a: Any, n: Any = None, axis: int = -1, norm: Any = None, out: Any = None) -> Any:
    """Differentiable numpy.fft.fft: the DFT along ``axis``, cropped or padded to ``n``.

    >>> import chainrule as cr, chainrule.numpy as cnp
    >>> cr.grad(lambda x: cnp.sum(cnp.abs(cnp.fft.fft(x)) ** 2))(np.array([1.0, 2.0]))
    array([4., 8.])
    """
    if not _is_traced_input(a):
        return np.fft.fft(a, n, axis, norm, out)
    return _one_axis("fft", _input(a, out, "fft"), n, axis, norm, "fft")


def ifft(a: Any, n: Any = None, axis: int = -1, norm: Any = None, out: Any = None) -> Any:
    """Differentiable numpy.fft.ifft: the inverse DFT along ``axis`` on ``n`` points."""
    if not _is_traced_input(a):
        return np.fft.ifft(a, n, axis, norm, out)
    return _one_axis("ifft", _input(a, out, "ifft"), n, axis, norm, "ifft")


def rfft(a: Any, n: Any = None, axis: int = -1, norm: Any = None, out: Any = None) -> Any:
    """Differentiable numpy.fft.rfft: bins 0 to n//2 of the DFT of a real input.

    Raises TypeError for complex input (as NumPy does).
    """
    if not _is_traced_input(a):
        return np.fft.rfft(a, n, axis, norm, out)
    return _one_axis("rfft", _input(a, out, "rfft"), n, axis, norm, "rfft")


def irfft(a: Any, n: Any = None, axis: int = -1, norm: Any = None, out: Any = None) -> Any:
    """Differentiable numpy.fft.irfft: the real signal of ``n`` points with half spectrum ``a``.

    ``n`` defaults to 2 * (len - 1). The imaginary parts of the DC bin and (for even n)
    the Nyquist bin do not affect the result, so their derivatives are zero.

    >>> import chainrule.numpy as cnp
    >>> cnp.fft.irfft(cnp.fft.rfft(np.array([1.0, 2.0, 3.0])), n=3)
    array([1., 2., 3.])
    """
    if not _is_traced_input(a):
        return np.fft.irfft(a, n, axis, norm, out)
    return _one_axis("irfft", _input(a, out, "irfft"), n, axis, norm, "irfft")


def hfft(a: Any, n: Any = None, axis: int = -1, norm: Any = None, out: Any = None) -> Any:
    """Differentiable numpy.fft.hfft: the real spectrum of a Hermitian-symmetric signal.

    As NumPy defines it: irfft(conj(a), n, axis) with the opposite norm direction.
    """
    if not _is_traced_input(a):
        return np.fft.hfft(a, n, axis, norm, out)
    x = conj(_input(a, out, "hfft"))
    return _one_axis("irfft", x, n, axis, fp.DUAL_NORM[_norm(norm, "hfft")], "hfft")


def ihfft(a: Any, n: Any = None, axis: int = -1, norm: Any = None, out: Any = None) -> Any:
    """Differentiable numpy.fft.ihfft: conj(rfft(a, n, axis)) with the opposite norm direction."""
    if not _is_traced_input(a):
        return np.fft.ihfft(a, n, axis, norm, out)
    x = _input(a, out, "ihfft")
    return conj(_one_axis("rfft", x, n, axis, fp.DUAL_NORM[_norm(norm, "ihfft")], "ihfft"))


def _points_and_axes(x: Any, s: Any, axes: Any, function: str, inverse_real: bool = False):
    """NumPy's reading of ``s`` and ``axes``: (points or None per axis, axes), two lists."""
    shape = shape_of(x)
    name = _name(function)
    if s is not None and not np.iterable(s):
        raise TypeError(f"{name}: s={s!r} must be a sequence of integers, one per axis in axes.")
    if axes is not None and not np.iterable(axes):
        raise TypeError(f"{name}: axes={axes!r} must be a sequence of axes (e.g. (0, 1)).")
    if axes is None:
        if s is not None:
            warnings.warn(
                f"{name}: axes should not be None when s is given (deprecated in NumPy 2.0); "
                f"pass axes explicitly. The last len(s) axes are transformed.",
                DeprecationWarning,
                stacklevel=3,
            )
        axes = range(-len(s), 0) if s is not None else range(len(shape))
    axes = [normalize_one_axis(axis, len(shape), name) for axis in axes]
    if s is None:
        points = [shape[axis] for axis in axes]
        if inverse_real and axes:
            points[-1] = 2 * (shape[axes[-1]] - 1)
        return points, axes
    points = list(s)
    if len(points) != len(axes):
        raise ValueError(
            f"{name}: s has {len(points)} entries and axes {len(axes)}; give one length per axis."
        )
    if any(p is None for p in points):
        warnings.warn(
            f"{name}: None in s is deprecated in NumPy 2.0; pass -1 (or the length you want) "
            f"for that axis.",
            DeprecationWarning,
            stacklevel=3,
        )
    # -1 keeps the input's whole length along that axis (NumPy 2.0).
    return [shape[axis] if p is not None and p == -1 else p for p, axis in zip(points, axes)], axes


def _complex_nd(a: Any, s: Any, axes: Any, norm: Any, out: Any, kind: str, function: str):
    """fft or ifft along each axis, the last axis first (NumPy's order)."""
    x = _input(a, out, function)
    _norm(norm, function)
    points, axes = _points_and_axes(x, s, axes, function)
    for i in reversed(range(len(axes))):
        x = _one_axis(kind, x, points[i], axes[i], norm, function, f"s[{i}]")
    return x


def _real_nd(a: Any, s: Any, axes: Any, norm: Any, out: Any, kind: str, function: str):
    """rfftn (rfft on the last axis, then fft on the others) or irfftn (the reverse)."""
    x = _input(a, out, function)
    _norm(norm, function)
    points, axes = _points_and_axes(x, s, axes, function, inverse_real=kind == "irfft")
    if not axes:
        raise ValueError(f"{_name(function)}: axes is empty; give at least one axis to transform.")
    last = len(axes) - 1
    if kind == "rfft":
        x = _one_axis("rfft", x, points[last], axes[last], norm, function, f"s[{last}]")
        for i in reversed(range(last)):
            x = _one_axis("fft", x, points[i], axes[i], norm, function, f"s[{i}]")
        return x
    for i in range(last):
        x = _one_axis("ifft", x, points[i], axes[i], norm, function, f"s[{i}]")
    return _one_axis("irfft", x, points[last], axes[last], norm, function, f"s[{last}]")


def fftn(a: Any, s: Any = None, axes: Any = None, norm: Any = None, out: Any = None) -> Any:
    """Differentiable numpy.fft.fftn: the DFT over ``axes`` (all by default), lengths ``s``."""
    if not _is_traced_input(a):
        return np.fft.fftn(a, s, axes, norm, out)
    return _complex_nd(a, s, axes, norm, out, "fft", "fftn")


def ifftn(a: Any, s: Any = None, axes: Any = None, norm: Any = None, out: Any = None) -> Any:
    """Differentiable numpy.fft.ifftn: the inverse DFT over ``axes``, lengths ``s``."""
    if not _is_traced_input(a):
        return np.fft.ifftn(a, s, axes, norm, out)
    return _complex_nd(a, s, axes, norm, out, "ifft", "ifftn")


def fft2(a: Any, s: Any = None, axes: Any = (-2, -1), norm: Any = None, out: Any = None) -> Any:
    """Differentiable numpy.fft.fft2: fftn over the last two axes by default."""
    if not _is_traced_input(a):
        return np.fft.fft2(a, s, axes, norm, out)
    return _complex_nd(a, s, axes, norm, out, "fft", "fft2")


def ifft2(a: Any, s: Any = None, axes: Any = (-2, -1), norm: Any = None, out: Any = None) -> Any:
    """Differentiable numpy.fft.ifft2: ifftn over the last two axes by default."""
    if not _is_traced_input(a):
        return np.fft.ifft2(a, s, axes, norm, out)
    return _complex_nd(a, s, axes, norm, out, "ifft", "ifft2")


def rfftn(a: Any, s: Any = None, axes: Any = None, norm: Any = None, out: Any = None) -> Any:
    """Differentiable numpy.fft.rfftn: rfft over the last of ``axes``, fft over the others."""
    if not _is_traced_input(a):
        return np.fft.rfftn(a, s, axes, norm, out)
    return _real_nd(a, s, axes, norm, out, "rfft", "rfftn")


def irfftn(a: Any, s: Any = None, axes: Any = None, norm: Any = None, out: Any = None) -> Any:
    """Differentiable numpy.fft.irfftn: the inverse of rfftn (ifft, then irfft on the last axis)."""
    if not _is_traced_input(a):
        return np.fft.irfftn(a, s, axes, norm, out)
    return _real_nd(a, s, axes, norm, out, "irfft", "irfftn")


def rfft2(a: Any, s: Any = None, axes: Any = (-2, -1), norm: Any = None, out: Any = None) -> Any:
    """Differentiable numpy.fft.rfft2: rfftn over the last two axes by default."""
    if not _is_traced_input(a):
        return np.fft.rfft2(a, s, axes, norm, out)
    return _real_nd(a, s, axes, norm, out, "rfft", "rfft2")


def irfft2(a: Any, s: Any = None, axes: Any = (-2, -1), norm: Any = None, out: Any = None) -> Any:
    """Differentiable numpy.fft.irfft2: irfftn over the last two axes by default."""
    if not _is_traced_input(a):
        return np.fft.irfft2(a, s, axes, norm, out)
    return _real_nd(a, s, axes, norm, out, "irfft", "irfft2")


def _shift(x: Any, axes: Any, direction: int, function: str) -> Any:
    """Roll each axis in ``axes`` (all by default) by ``direction`` * (its length // 2)."""
    x = as_value(x)
    shape = shape_of(x)
    if axes is None:
        axes = range(len(shape))
    elif not np.iterable(axes):
        axes = (axes,)
    axes = tuple(normalize_one_axis(axis, len(shape), _name(function)) for axis in axes)
    if not axes:
        return x
    return roll(x, tuple(direction * (shape[axis] // 2) for axis in axes), axes)


def fftshift(x: Any, axes: Any = None) -> Any:
    """Differentiable numpy.fft.fftshift: move the zero-frequency bin to the centre.

    A cyclic shift (roll), so its derivative is the same shift.

    >>> import chainrule.numpy as cnp
    >>> cnp.fft.fftshift(np.arange(5.0))
    array([3., 4., 0., 1., 2.])
    """
    if not _is_traced_input(x):
        return np.fft.fftshift(x, axes)
    return _shift(x, axes, 1, "fftshift")


def ifftshift(x: Any, axes: Any = None) -> Any:
    """Differentiable numpy.fft.ifftshift: the inverse of fftshift (they differ for odd lengths)."""
    if not _is_traced_input(x):
        return np.fft.ifftshift(x, axes)
    return _shift(x, axes, -1, "ifftshift")


def fftfreq(n: int, d: Any = 1.0, device: Any = None) -> Any:
    """numpy.fft.fftfreq: the sample frequencies k / (n d) of an n-point DFT.

    Plain NumPy; a traced spacing ``d`` gives frequencies differentiable in ``d``.
    """
    if not is_traced(d):
        return np.fft.fftfreq(n, d, device=device)
    return divide(np.fft.fftfreq(n, 1.0, device=device), d)


def rfftfreq(n: int, d: Any = 1.0, device: Any = None) -> Any:
    """numpy.fft.rfftfreq: the sample frequencies of rfft's bins 0 to n//2, k / (n d).

    Plain NumPy; a traced spacing ``d`` gives frequencies differentiable in ``d``.
    """
    if not is_traced(d):
        return np.fft.rfftfreq(n, d, device=device)
    return divide(np.fft.rfftfreq(n, 1.0, device=device), d)
