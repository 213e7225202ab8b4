"""Tests of primitives/fft.py (fft/ifft, rfft, irfft) through chainrule.numpy.fft.

Every transform is checked against central differences in both modes at second order,
on real and complex inputs, cropped and zero-padded to odd and even n, along the last
and the first axis, in every norm. check_grads draws complex directions and pairs a
cotangent c with a tangent dz as Re(sum(c * dz)), so a transpose that conjugated where it
should not, or mis-weighted a bin of the half spectrum, fails here.
"""

from __future__ import annotations

import numpy as np
import pytest
from cases import Case

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.testing import check_grads

F, C = np.float64, np.complex128
#: 1-D of even and odd length, and batched: the last axis has 4, 5, 3 and 2 points.
SHAPES = [(4,), (5,), (2, 3), (3, 4, 2)]
#: Shapes with at least two axes, for the 2-D and N-D transforms.
GRID_SHAPES = [(2, 3), (3, 4, 2)]

#: Keyword sets for the one-axis transforms: each norm, n cropping and padding (odd and
#: even n against the lengths above), and the first axis.
ONE_AXIS_VARIANTS = [
    {},
    {"norm": "backward"},
    {"norm": "ortho"},
    {"norm": "forward"},
    {"n": 2, "norm": "ortho"},
    {"n": 3},
    {"n": 6, "norm": "forward"},
    {"n": 7, "norm": "ortho"},
    {"axis": 0},
    {"axis": 0, "n": 3, "norm": "forward"},
]
#: Keyword sets for the 2-D and N-D transforms (axes given whenever s is).
GRID_VARIANTS = [
    {},
    {"norm": "ortho"},
    {"axes": (-1, 0)},
    {"s": (3, 4), "axes": (0, -1)},
    {"s": (2, 5), "axes": (0, 1), "norm": "forward"},
    {"s": (3, -1), "axes": (-1, 0), "norm": "backward"},
]


def _cases(function, dtype, variants, example_shapes=((3,),)):
    kind = "complex" if np.dtype(dtype).kind == "c" else "real"
    return [
        Case(
            function,
            params=params,
            dtype=dtype,
            example_shapes=example_shapes,
            name="-".join([function.__name__, kind] + [f"{k}={v}" for k, v in params.items()]),
        )
        for params in variants
    ]


# fft and ifft: the complex transform (primitive fft), on complex and on real inputs.
COMPLEX_TRANSFORMS = [
    case
    for function in (cnp.fft.fft, cnp.fft.ifft)
    for dtype in (C, F)
    for case in _cases(function, dtype, ONE_AXIS_VARIANTS)
]

# rfft (primitive rfft) and ihfft (conj of rfft): real input, half spectrum out.
REAL_TO_HALF_SPECTRUM = [
    case
    for function in (cnp.fft.rfft, cnp.fft.ihfft)
    for case in _cases(function, F, ONE_AXIS_VARIANTS)
]

# irfft (primitive irfft) and hfft (irfft of conj): half spectrum in, real signal out. The
# imaginary parts of DC and Nyquist drop out; a real input is read as a complex one.
HALF_SPECTRUM_TO_REAL = [
    case
    for function in (cnp.fft.irfft, cnp.fft.hfft)
    for dtype in (C, F)
    for case in _cases(function, dtype, ONE_AXIS_VARIANTS)
]

# The 2-D and N-D transforms, compositions of the one-axis primitives.
GRID_TRANSFORMS = [
    case
    for function, dtype in [
        (cnp.fft.fft2, C),
        (cnp.fft.ifft2, C),
        (cnp.fft.fftn, C),
        (cnp.fft.ifftn, F),
        (cnp.fft.rfft2, F),
        (cnp.fft.rfftn, F),
        (cnp.fft.irfft2, C),
        (cnp.fft.irfftn, C),
    ]
    for case in _cases(function, dtype, GRID_VARIANTS, example_shapes=((2, 3),))
]


@pytest.mark.parametrize(
    "case", COMPLEX_TRANSFORMS + REAL_TO_HALF_SPECTRUM + HALF_SPECTRUM_TO_REAL, ids=str
)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_one_axis_transforms(case, shape, rng):
    check_grads(case.call, case.sample_args(rng, (shape,)), order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("case", GRID_TRANSFORMS, ids=str)
@pytest.mark.parametrize("shape", GRID_SHAPES, ids=str)
def test_grid_transforms(case, shape, rng):
    check_grads(case.call, case.sample_args(rng, (shape,)), order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize(
    "function", [cnp.fft.fftn, cnp.fft.rfftn, cnp.fft.irfftn], ids=lambda f: f.__name__
)
@pytest.mark.parametrize("shape", [(4,), (5,)], ids=str)
def test_n_dimensional_transforms_of_1d_inputs(function, shape, rng):
    x = rng.standard_normal(shape)
    z = x + 1j * rng.standard_normal(shape)
    check_grads(function, (z if function is cnp.fft.irfftn else x,), order=2)
    check_grads(lambda a: function(a, s=(7,), axes=(0,), norm="ortho"), (x,), order=2)


@pytest.mark.parametrize("n", [4, 5])
@pytest.mark.parametrize("norm", [None, "ortho", "forward"])
def test_transposes_are_transforms_again(n, norm, rng):
    # The DFT matrix is symmetric: fft's VJP is fft itself (same norm), not its adjoint.
    z = rng.standard_normal(n) + 1j * rng.standard_normal(n)
    c = rng.standard_normal(n) + 1j * rng.standard_normal(n)
    for name in ("fft", "ifft"):
        function = getattr(cnp.fft, name)
        (z_bar,) = cr.vjp(lambda z, f=function: f(z, norm=norm), z)[1](c)
        np.testing.assert_allclose(z_bar, getattr(np.fft, name)(c, norm=norm), rtol=1e-13)
    # irfft's VJP, from its derivation: weight * conj(rfft(c)) with the dual norm's scale.
    dual = {None: "forward", "ortho": "ortho", "forward": "backward"}[norm]
    y = rng.standard_normal(n // 2 + 1) + 1j * rng.standard_normal(n // 2 + 1)
    real_c = rng.standard_normal(n)
    (y_bar,) = cr.vjp(lambda y: cnp.fft.irfft(y, n, norm=norm), y)[1](real_c)
    weights = np.full(n // 2 + 1, 2.0)
    weights[0] = 1.0
    if n % 2 == 0:
        weights[-1] = 1.0
    np.testing.assert_allclose(y_bar, weights * np.conj(np.fft.rfft(real_c, norm=dual)), rtol=1e-13)


def test_jacobians_match_the_dft_matrix(rng):
    # Real in, complex out: jacfwd's columns d out / dx_k are the DFT matrix's columns, and
    # cropping to n = 3 keeps its first three columns (zeros for the dropped input).
    x = rng.standard_normal(4)
    dft = np.exp(-2j * np.pi * np.outer(np.arange(3), np.arange(3)) / 3)
    expected = np.concatenate([dft, np.zeros((3, 1))], axis=1)
    np.testing.assert_allclose(cr.jacfwd(lambda x: cnp.fft.fft(x, 3))(x), expected, atol=1e-14)
    np.testing.assert_allclose(cr.jacobian(lambda x: cnp.fft.fft(x, 3))(x), expected, atol=1e-14)
