"""chainrule.numpy.fft against numpy.fft: values and dtypes, plain-NumPy dispatch, errors,
and derivatives with closed forms (Parseval, round trips, shifts) or JAX's answers.

The rules themselves are checked against finite differences in
tests/primitives/test_fft.py; here the question is whether each function is NumPy's.
"""

from __future__ import annotations

import numpy as np
import pytest
from assertions import raises_with

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.testing import check_grads

R, C = np.float64, np.complex128
SHAPES = [(4,), (5,), (2, 3), (3, 4, 2)]
GRID_SHAPES = [(2, 3), (3, 4, 2)]
NORMS = [None, "backward", "ortho", "forward"]
ONE_AXIS_VARIANTS = [{"norm": norm} for norm in NORMS] + [
    {"n": 1},
    {"n": 2, "norm": "ortho"},
    {"n": 3, "axis": -1},
    {"n": 6, "norm": "forward"},
    {"n": 7},
    {"axis": 0},
    {"axis": 0, "n": 4, "norm": "ortho"},
]
GRID_VARIANTS = [{"norm": norm} for norm in NORMS] + [
    {"axes": (-1, 0)},
    {"axes": (0,)},
    {"axes": (1, 1)},
    {"s": (3, 4), "axes": (0, -1)},
    {"s": (1, 5), "axes": (0, 1), "norm": "forward"},
    {"s": (3, -1), "axes": (-1, 0), "norm": "ortho"},
]
#: (function, input dtype): every transform on the input kinds NumPy gives it.
ONE_AXIS = [
    ("fft", np.complex128),
    ("fft", np.float64),
    ("ifft", np.complex128),
    ("ifft", np.float64),
    ("rfft", np.float64),
    ("irfft", np.complex128),
    ("irfft", np.float64),
    ("hfft", np.complex128),
    ("hfft", np.float64),
    ("ihfft", np.float64),
]
GRID = [
    ("fftn", np.complex128),
    ("ifftn", np.float64),
    ("fft2", np.float64),
    ("ifft2", np.complex128),
    ("rfftn", np.float64),
    ("rfft2", np.float64),
    ("irfftn", np.complex128),
    ("irfft2", np.complex128),
]


def _id(value):
    """Readable test ids: dtypes by name, everything else as str."""
    return np.dtype(value).name if isinstance(value, type) else str(value)


def _sample(rng, shape, dtype):
    value = rng.standard_normal(shape)
    if np.dtype(dtype).kind == "c":
        value = value + 1j * rng.standard_normal(shape)
    return value.astype(dtype)


def _traced_agrees_with_numpy(name, x, kwargs, rng):
    """The value and tangent of the traced call are NumPy's, dtypes included (it is linear)."""
    t = _sample(rng, x.shape, x.dtype)
    out, tangent = cr.jvp(lambda a: getattr(cnp.fft, name)(a, **kwargs), (x,), (t,))
    expected = getattr(np.fft, name)(x, **kwargs)
    expected_tangent = getattr(np.fft, name)(t, **kwargs)
    assert out.dtype == expected.dtype and tangent.dtype == expected_tangent.dtype
    tolerance = 1e-5 if expected.dtype in (np.float32, np.complex64) else 1e-13
    np.testing.assert_allclose(out, expected, rtol=tolerance, atol=tolerance)
    np.testing.assert_allclose(tangent, expected_tangent, rtol=tolerance, atol=tolerance)


@pytest.mark.parametrize("kwargs", ONE_AXIS_VARIANTS, ids=str)
@pytest.mark.parametrize("name, dtype", ONE_AXIS, ids=_id)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_one_axis_values_and_dtypes(name, dtype, kwargs, shape, rng):
    _traced_agrees_with_numpy(name, _sample(rng, shape, dtype), kwargs, rng)


@pytest.mark.parametrize("kwargs", GRID_VARIANTS, ids=str)
@pytest.mark.parametrize("name, dtype", GRID, ids=_id)
@pytest.mark.parametrize("shape", GRID_SHAPES, ids=str)
def test_grid_values_and_dtypes(name, dtype, kwargs, shape, rng):
    _traced_agrees_with_numpy(name, _sample(rng, shape, dtype), kwargs, rng)


@pytest.mark.parametrize("name, dtype", GRID[::2], ids=_id)
def test_n_dimensional_transforms_over_every_axis_of_3d_input(name, dtype, rng):
    x = _sample(rng, (3, 4, 2), dtype)
    _traced_agrees_with_numpy(name, x, {"axes": (0, 1, 2)}, rng)
    _traced_agrees_with_numpy(name, x, {"s": (2, 3, 5), "axes": (2, 0, 1)}, rng)


@pytest.mark.parametrize("name", ["fftshift", "ifftshift"])
@pytest.mark.parametrize("axes", [None, 0, -1, (0,), (-1, 0)], ids=str)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_shift_values_and_derivatives(name, axes, shape, rng):
    x = _sample(rng, shape, np.float64)
    _traced_agrees_with_numpy(name, x, {"axes": axes}, rng)
    check_grads(lambda a: getattr(cnp.fft, name)(a, axes), (x,), order=2)


def test_shifts_undo_each_other(rng):
    # ifftshift(fftshift(x)) is x for odd lengths too, so its gradient is the cotangent.
    x = rng.standard_normal((3, 5))
    w = rng.standard_normal((3, 5))
    grad = cr.grad(lambda x: cnp.sum(w * cnp.fft.ifftshift(cnp.fft.fftshift(x))))(x)
    np.testing.assert_array_equal(grad, w)
    # fftshift alone moves the cotangent back: grad of w . fftshift(x) is ifftshift(w).
    grad = cr.grad(lambda x: cnp.sum(w * cnp.fft.fftshift(x)))(x)
    np.testing.assert_array_equal(grad, np.fft.ifftshift(w))


def test_plain_arrays_call_numpy_itself(rng):
    x = rng.standard_normal((2, 4))
    buffer = np.empty((2, 4), complex)
    assert cnp.fft.fft(x, out=buffer) is buffer
    np.testing.assert_array_equal(buffer, np.fft.fft(x))
    np.testing.assert_array_equal(
        cnp.fft.rfft2([[1.0, 2.0], [3.0, 4.0]]), np.fft.rfft2([[1, 2], [3, 4]])
    )
    assert cnp.fft.fft([1, 2, 3]).dtype == np.complex128  # integers, as NumPy takes them
    np.testing.assert_array_equal(cnp.fft.fftfreq(5, 0.1), np.fft.fftfreq(5, 0.1))
    np.testing.assert_array_equal(cnp.fft.rfftfreq(6, 2.0), np.fft.rfftfreq(6, 2.0))


SINGLE_PRECISION = [
    ("fft", np.float32, np.complex64),
    ("fft", np.complex64, np.complex64),
    ("ifft", np.complex64, np.complex64),
    ("rfft", np.float32, np.complex64),
    ("ihfft", np.float32, np.complex64),
    ("irfft", np.complex64, np.float32),
    ("hfft", np.complex64, np.float32),
    ("fftn", np.float32, np.complex64),
    ("rfftn", np.float32, np.complex64),
    ("irfftn", np.complex64, np.float32),
    ("fftshift", np.float32, np.float32),
]


@pytest.mark.parametrize("name, dtype, out_dtype", SINGLE_PRECISION, ids=_id)
def test_single_precision_stays_single(name, dtype, out_dtype, rng):
    x = _sample(rng, (3, 4), dtype)
    _traced_agrees_with_numpy(name, x, {}, rng)
    assert cr.jvp(getattr(cnp.fft, name), (x,), (x,))[0].dtype == out_dtype
    # The gradient has its primal's dtype.
    grad = cr.grad(lambda a: cnp.sum(cnp.abs(getattr(cnp.fft, name)(a)) ** 2))(x)
    assert grad.dtype == dtype
    check_grads(getattr(cnp.fft, name), (x,), order=1)


def _loss(xp, x, w):
    """A real loss through many of numpy.fft's functions, written for the module xp."""
    spectrum = xp.fft.fft2(x, s=(4, 6), axes=(0, 1), norm="ortho")
    half = xp.fft.rfftn(xp.real(spectrum), axes=(1, 0))
    signal = xp.fft.irfft(half, n=5, axis=0) + xp.fft.hfft(half, n=5, axis=0)
    shifted = xp.fft.fftshift(xp.fft.ifftn(spectrum, s=(3, 3), axes=(1, 0)), axes=0)
    return xp.sum(w * signal) + xp.sum(xp.abs(shifted) ** 2) + xp.sum(xp.imag(xp.fft.ihfft(x)))


def test_numpy_fft_on_tracers_dispatches_to_chainrule(rng):
    x = rng.standard_normal((3, 4))
    w = rng.standard_normal((5, 6))
    expected = cr.grad(lambda x: _loss(cnp, x, w))(x)
    np.testing.assert_allclose(cr.grad(lambda x: _loss(np, x, w))(x), expected, rtol=1e-12)
    np.testing.assert_allclose(_loss(np, x, w), _loss(cnp, x, w), rtol=1e-12)
    check_grads(lambda x: _loss(np, x, w), (x,), order=2)


@pytest.mark.parametrize(
    "name, dtype",
    [("fft", C), ("ifft", C), ("rfft", R), ("irfft", C), ("hfft", C), ("ihfft", R)],
    ids=str,
)
def test_numpy_fft_dispatch_of_each_one_axis_function(name, dtype, rng):
    value = _sample(rng, (6,), dtype)
    numpy_function, chainrule_function = getattr(np.fft, name), getattr(cnp.fft, name)
    through_numpy = cr.jvp(lambda a: numpy_function(a, 5, 0, "ortho"), (value,), (value,))
    through_chainrule = cr.jvp(lambda a: chainrule_function(a, 5, 0, "ortho"), (value,), (value,))
    for got, want in zip(through_numpy, through_chainrule):
        np.testing.assert_array_equal(got, want)


def test_a_list_of_traced_values_is_an_array():
    # fft([a, 2a]): sum |X|^2 = 2 (a^2 + 4 a^2) = 10 a^2, slope 20 a.
    loss = lambda a: cnp.sum(cnp.abs(cnp.fft.fft([a, 2 * a])) ** 2)
    np.testing.assert_allclose(cr.grad(loss)(1.0), 20.0)
    np.testing.assert_allclose(cr.grad(lambda a: cnp.sum(cnp.fft.fftshift((a, 3 * a))))(1.0), 4.0)


@pytest.mark.parametrize("name, n", [("fftfreq", 5), ("rfftfreq", 8)])
def test_frequencies_are_differentiable_in_the_spacing(name, n):
    # fftfreq(n, d)[k] = f_k / d with f_k = fftfreq(n)[k]: d/dd = -f_k / d^2.
    frequencies = getattr(cnp.fft, name)
    weights = np.arange(1.0, 6.0)
    loss = lambda d: cnp.sum(weights * frequencies(n, d))
    expected = -np.sum(weights * getattr(np.fft, name)(n)) / 0.25**2
    np.testing.assert_allclose(cr.grad(loss)(0.25), expected, rtol=1e-14)
    np.testing.assert_allclose(cr.jvp(loss, (0.25,), (1.0,))[1], expected, rtol=1e-14)
    out = cr.jvp(lambda d: frequencies(n, d), (0.5,), (1.0,))[0]
    np.testing.assert_allclose(out, getattr(np.fft, name)(n, 0.5), rtol=1e-15)
    assert out.dtype == np.float64


@pytest.mark.parametrize("norm, scale", [(None, 1.0), ("ortho", 1 / 4), ("forward", 1 / 16)])
def test_parseval_gradient(norm, scale, rng):
    # Parseval: sum |fft(x)|^2 = n sum |x|^2 (unnormalised), so the gradient is 2 n x for
    # real x and 2 n conj(z) for complex z (dL/dx - i dL/dy); "ortho" scales by 1/n,
    # "forward" by 1/n^2. Here n = 4.
    x = rng.standard_normal(4)
    z = x + 1j * rng.standard_normal(4)
    loss = lambda v: cnp.sum(cnp.abs(cnp.fft.fft(v, norm=norm)) ** 2)
    np.testing.assert_allclose(cr.grad(loss)(x), 2 * 4 * scale * x, rtol=1e-13)
    np.testing.assert_allclose(cr.grad(loss)(z), 2 * 4 * scale * np.conj(z), rtol=1e-13)
    # Its Hessian in x is constant: 2 n I.
    np.testing.assert_allclose(cr.hessian(loss)(x), 2 * 4 * scale * np.eye(4), atol=1e-13)
    # Over a grid of 2 x 3 points, n is 6.
    grid = rng.standard_normal((2, 3))
    grid_loss = lambda v: cnp.sum(cnp.abs(cnp.fft.fftn(v)) ** 2)
    np.testing.assert_allclose(cr.grad(grid_loss)(grid), 2 * 6 * grid, rtol=1e-13)


@pytest.mark.parametrize("n", [4, 5])
@pytest.mark.parametrize("norm", NORMS)
def test_rfft_then_irfft_is_the_identity_and_so_is_its_gradient(n, norm, rng):
    x = rng.standard_normal((2, n))
    w = rng.standard_normal((2, n))
    round_trip = lambda x: cnp.fft.irfft(cnp.fft.rfft(x, norm=norm), n=n, norm=norm)
    np.testing.assert_allclose(cr.jvp(round_trip, (x,), (w,))[1], w, rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(cr.grad(lambda x: cnp.sum(w * round_trip(x)))(x), w, atol=1e-14)
    np.testing.assert_allclose(cr.jacrev(round_trip)(x[0]), np.eye(n), atol=1e-14)


def test_a_fourier_filter_has_the_filter_as_jacobian(rng):
    # A circular convolution through the spectrum: its Jacobian is the circulant matrix.
    kernel = rng.standard_normal(5)
    x = rng.standard_normal(5)
    convolve = lambda x: cnp.real(cnp.fft.ifft(cnp.fft.fft(x) * np.fft.fft(kernel)))
    circulant = np.array([np.roll(kernel, i) for i in range(5)]).T
    np.testing.assert_allclose(cr.jacfwd(convolve)(x), circulant, atol=1e-13)
    np.testing.assert_allclose(cr.jacrev(convolve)(x), circulant, atol=1e-13)


def _jax_losses(xp):
    """Real losses through every transform, written for the module xp (cnp or jax.numpy)."""
    w = np.linspace(-1.0, 1.0, 12).reshape(3, 4)
    return {
        "fft": lambda z: xp.sum(xp.abs(xp.fft.fft(z, n=5, norm="ortho")) ** 2 * xp.arange(5)),
        "ifft": lambda z: xp.sum(xp.real(xp.fft.ifft(z, n=3, axis=0)) * (1 + xp.imag(z[:, :1]))),
        "rfft": lambda z: xp.sum(
            xp.imag(xp.fft.rfft(xp.real(z) + xp.imag(z) ** 2, n=6)) * w[:, :1]
        ),
        "irfft": lambda z: xp.sum(w[:, :3] * xp.fft.irfft(z, n=3, norm="forward")),
        "hfft": lambda z: xp.sum(w * xp.fft.hfft(z[:, :3], n=4)),
        "ihfft": lambda x: xp.sum(xp.abs(xp.fft.ihfft(xp.real(x), n=7)) ** 3),
        "fft2": lambda z: xp.sum(xp.abs(xp.fft.fft2(z, s=(4, 5), axes=(1, 0))) * xp.real(z).sum()),
        "irfftn": lambda z: xp.sum(w * xp.fft.irfftn(z, s=(3, 4), axes=(0, 1))),
        "rfftn": lambda x: xp.sum(xp.real(xp.fft.rfftn(xp.real(x) ** 2, norm="ortho"))),
        "shifts": lambda z: xp.sum(xp.real(xp.fft.fftshift(z) * xp.fft.ifftshift(z, axes=0))),
    }


@pytest.mark.parametrize("name", list(_jax_losses(cnp)), ids=str)
@pytest.mark.parametrize("dtype", [R, C], ids=_id)
def test_gradients_agree_with_jax(name, dtype, rng):
    jax = pytest.importorskip("jax", reason="JAX (a benchmark peer) is not installed")
    jax.config.update("jax_enable_x64", True)
    x = _sample(rng, (3, 4), dtype)
    expected = np.asarray(jax.grad(_jax_losses(jax.numpy)[name])(x))
    np.testing.assert_allclose(cr.grad(_jax_losses(cnp)[name])(x), expected, rtol=1e-11, atol=1e-12)


def _traced(function):
    """Call ``function`` on a traced vector of 4 points (and 2 x 3 for grids)."""
    return lambda: cr.grad(lambda x: cnp.sum(cnp.abs(function(x)) ** 2))(np.ones(4))


def _traced_grid(function):
    return lambda: cr.grad(lambda x: cnp.sum(cnp.abs(function(x)) ** 2))(np.ones((2, 3)))


def test_error_messages_name_the_function_and_the_argument():
    fft = cnp.fft
    raises_with(
        ValueError,
        _traced(lambda x: fft.fft(x, norm="unitary")),
        "chainrule.numpy.fft.fft",
        "norm='unitary'",
        '"ortho"',
    )
    raises_with(
        ValueError,
        _traced(lambda x: fft.ihfft(x, norm="Ortho")),
        "chainrule.numpy.fft.ihfft",
        "norm",
    )
    raises_with(
        ValueError,
        _traced(lambda x: fft.ifft(x, n=0)),
        "chainrule.numpy.fft.ifft",
        "n=0",
        "at least 1",
    )
    raises_with(
        TypeError,
        _traced(lambda x: fft.rfft(x, n=2.5)),
        "chainrule.numpy.fft.rfft",
        "n=2.5",
        "integer",
    )
    raises_with(
        np.exceptions.AxisError,
        _traced(lambda x: fft.fft(x, axis=1)),
        "chainrule.numpy.fft.fft",
        "axis 1",
    )
    raises_with(
        ValueError,
        _traced(lambda x: fft.irfft(x[:1])),
        "chainrule.numpy.fft.irfft",
        "0 points",
        "pass n",
    )
    raises_with(
        TypeError,
        _traced(lambda x: fft.rfft(x * 1j)),
        "chainrule.numpy.fft.rfft",
        "complex",
        "Use fft",
    )
    raises_with(
        TypeError, _traced(lambda x: fft.ihfft(x * 1j)), "chainrule.numpy.fft.ihfft", "complex"
    )
    raises_with(
        TypeError,
        _traced(lambda x: fft.fft(x, out=np.empty(4, complex))),
        "chainrule.numpy.fft.fft",
        "out=",
    )
    raises_with(
        ValueError,
        _traced_grid(lambda x: fft.fftn(x, s=(2, 3, 4), axes=(0, 1))),
        "chainrule.numpy.fft.fftn",
        "s has 3 entries",
    )
    raises_with(
        ValueError,
        _traced_grid(lambda x: fft.fft2(x, s=(0, 3))),
        "chainrule.numpy.fft.fft2",
        "s[0]=0",
    )
    raises_with(
        TypeError,
        _traced_grid(lambda x: fft.fftn(x, s=3, axes=(0,))),
        "chainrule.numpy.fft.fftn",
        "s=3",
    )
    raises_with(
        TypeError,
        _traced_grid(lambda x: fft.ifftn(x, axes=0)),
        "chainrule.numpy.fft.ifftn",
        "axes=0",
        "sequence",
    )
    raises_with(
        np.exceptions.AxisError,
        _traced(lambda x: fft.fft2(x)),
        "chainrule.numpy.fft.fft2",
        "out of bounds",
    )
    raises_with(
        ValueError,
        _traced_grid(lambda x: fft.rfftn(x, axes=())),
        "chainrule.numpy.fft.rfftn",
        "axes is empty",
    )
    raises_with(
        ValueError,
        _traced_grid(lambda x: fft.irfft2(x, norm=1)),
        "chainrule.numpy.fft.irfft2",
        "norm=1",
    )
    raises_with(
        np.exceptions.AxisError,
        _traced(lambda x: fft.fftshift(x, axes=(0, 2))),
        "chainrule.numpy.fft.fftshift",
        "axis 2",
    )


def test_deprecated_forms_of_s_warn_and_act_as_numpy(rng):
    # NumPy 2.0 deprecates s without axes and None in s; both still work there, and here.
    x = rng.standard_normal((2, 3))
    with pytest.warns(
        DeprecationWarning, match="chainrule.numpy.fft.fftn: axes should not be None"
    ):
        out = cr.jvp(lambda a: cnp.fft.fftn(a, s=(4,)), (x,), (x,))[0]
    with pytest.warns(DeprecationWarning):
        np.testing.assert_allclose(out, np.fft.fftn(x, s=(4,)))
    with pytest.warns(DeprecationWarning, match="None in s"):
        out = cr.jvp(lambda a: cnp.fft.irfftn(a, s=(None, None), axes=(0, 1)), (x,), (x,))[0]
    with pytest.warns(DeprecationWarning):
        np.testing.assert_allclose(out, np.fft.irfftn(x, s=(None, None), axes=(0, 1)))


def test_transforms_over_no_axes_return_the_input(rng):
    # NumPy's fftn over axes=() transforms nothing and returns its input unchanged.
    x = rng.standard_normal(3)
    out, tangent = cr.jvp(lambda a: cnp.fft.fftn(a, axes=()), (x,), (x,))
    np.testing.assert_array_equal(out, np.fft.fftn(x, axes=()))
    np.testing.assert_array_equal(tangent, x)
    assert cr.grad(lambda a: cnp.fft.fftshift(a) * 2.0)(3.0) == 2.0  # 0-d: nothing to shift


def test_transforms_of_0d_inputs_are_refused_as_numpy_does():
    raises_with(
        np.exceptions.AxisError,
        lambda: cr.grad(lambda x: cnp.sum(cnp.abs(cnp.fft.fft(x))))(1.0),
        "chainrule.numpy.fft.fft",
        "dimension 0",
    )


def test_worked_example_of_docs_fft_md():
    x = np.array([1.0, 2.0, 3.0, 4.0])
    np.testing.assert_allclose(
        cr.grad(lambda x: cnp.sum(cnp.abs(cnp.fft.fft(x)) ** 2))(x), [8, 16, 24, 32]
    )
    np.testing.assert_allclose(
        cr.grad(lambda x: np.sum(np.abs(np.fft.fft(x)) ** 2))(x), [8, 16, 24, 32]
    )
    (row,) = cr.vjp(cnp.fft.fft, np.zeros(4, complex))[1](np.array([0, 1, 0, 0], complex))
    np.testing.assert_allclose(row, [1, -1j, -1, 1j], atol=1e-15)
    y = np.array([1 + 1j, 2 - 1j, 3 + 2j])
    np.testing.assert_allclose(cr.grad(lambda y: cnp.fft.irfft(y)[1])(y), [0.25, 0.5j, -0.25])
    np.testing.assert_allclose(cnp.fft.irfft(y)[1], (1 - 2 * -1 - 3) / 4)
