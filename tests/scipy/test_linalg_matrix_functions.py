"""chainrule.scipy.linalg's matrix functions (matrix_function_p and expm_frechet): values
and dtypes against SciPy, derivatives to second order in both modes, real and complex,
batched, and the error messages."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg
from assertions import raises_with
from matrices import sample_matrix

import chainrule as cr
import chainrule.scipy.linalg as csl
from chainrule.testing import check_grads
from chainrule.tree import tree_flatten

FUNCTIONS = ["logm", "sinm", "cosm", "tanm", "sinhm", "coshm", "tanhm"]
SHAPES = [(3, 3), (2, 2, 2), (1, 1)]


def _power(module):
    return lambda a: module.fractional_matrix_power(a, 0.3)


def _frechet(module):
    return lambda a, e: module.expm_frechet(a, e)


# (name, function of the module, structures); logm and powers need a spectrum off the
# negative real axis ("spd": positive), the others take any well scaled matrix.
CASES = [(name, lambda m, name=name: getattr(m, name), ("spd",)) for name in FUNCTIONS[:1]]
CASES += [(name, lambda m, name=name: getattr(m, name), ("small",)) for name in FUNCTIONS[1:]]
CASES += [
    ("fractional_matrix_power", _power, ("spd",)),
    ("fractional_matrix_power non-symmetric", _power, ("real_spectrum",)),
    ("logm non-symmetric", lambda m: m.logm, ("real_spectrum",)),
    ("expm_frechet", _frechet, ("small", "plain")),
    ("expm_frechet L only", lambda m: lambda a, e: m.expm_frechet(a, e, compute_expm=False),
     ("small", "plain")),
]  # fmt: skip
_IDS = [case[0] for case in CASES]


def _sample(rng, structures, shape, dtype=np.float64):
    args = [sample_matrix(rng, shape, structure) for structure in structures]
    if np.dtype(dtype).kind == "c":  # a small complex perturbation keeps the spectrum
        args = [a + 0.1j * rng.standard_normal(shape) for a in args]
    return tuple(np.asarray(a, dtype) for a in args)


def _traced(function, args):
    out = cr.jvp(function, args, tuple(np.zeros_like(a) for a in args))[0]
    return out


@pytest.mark.parametrize("name, make, structures", CASES, ids=_IDS)
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.complex128])
@pytest.mark.parametrize("shape", SHAPES[:2], ids=str)
def test_values_and_dtypes_match_scipy(name, make, structures, dtype, shape, rng):
    args = _sample(rng, structures, shape, dtype)
    expected = make(scipy.linalg)(*args)
    actual = _traced(make(csl), args)
    assert type(actual) is type(expected)  # tuple for a matrix, list for a stack
    rtol = 1e-4 if dtype == np.float32 else 1e-9
    for value, wanted in zip(tree_flatten(actual)[0], tree_flatten(expected)[0], strict=True):
        assert value.shape == wanted.shape and value.dtype == wanted.dtype
        np.testing.assert_allclose(value, wanted, rtol=rtol, atol=rtol)


def _derivative_checks():
    """Every case at (3, 3) and (1, 1); a batch for one case per kind."""
    batched = ("logm", "sinm", "expm_frechet")
    for case in CASES:
        for shape in SHAPES:
            if shape != (2, 2, 2) or case[0] in batched:
                yield pytest.param(*case, shape, id=f"{case[0]}-{shape}")


@pytest.mark.parametrize("name, make, structures, shape", list(_derivative_checks()))
def test_derivatives(name, make, structures, shape, rng):
    check_grads(make(csl), _sample(rng, structures, shape), order=2, modes=("fwd", "rev"))


@pytest.mark.parametrize("name, make, structures", CASES[:8], ids=_IDS[:8])
def test_complex_derivatives_are_holomorphic(name, make, structures, rng):
    # L_f(A, E) is complex-linear in E: the JVP in direction iE is i times that in E.
    (a,) = _sample(rng, structures, (3, 3), np.complex128)
    e = rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3))
    step = 1e-6
    _, derivative = cr.jvp(make(csl), (a,), (e,))
    function = make(scipy.linalg)
    expected = (function(a + step * e) - function(a - step * e)) / (2 * step)
    np.testing.assert_allclose(derivative, expected, rtol=1e-5, atol=1e-7)
    _, rotated = cr.jvp(make(csl), (a,), (1j * e,))
    np.testing.assert_allclose(rotated, 1j * derivative, rtol=1e-12, atol=1e-12)


def test_complex_gradient_pairs_without_conjugation(rng):
    # grad of Re(sum(w * f(A))) checked against central differences in both parts of A.
    (a,) = _sample(rng, ("spd",), (3, 3), np.complex128)
    weights = rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3))
    check_grads(lambda a: (csl.logm(a) * weights).real.sum(), (a,), order=2, modes=("fwd", "rev"))


def test_logm_of_a_real_matrix_with_negative_eigenvalues_is_complex(rng):
    a = np.diag([-2.0, 1.0, 3.0]) + 0.1 * rng.standard_normal((3, 3))
    value = _traced(csl.logm, (a,))
    np.testing.assert_allclose(value, scipy.linalg.logm(a), rtol=1e-9, atol=1e-9)
    check_grads(lambda a: csl.logm(a).imag, (a,), order=1, modes=("fwd", "rev"))


def test_third_order(rng):
    # Each order nests the block trick once more: f of a 2^k n x 2^k n matrix.
    a = sample_matrix(rng, (2, 2), "small")
    check_grads(csl.sinhm, (a,), order=3, modes=("fwd", "rev"))


def _call(function, *args):
    return lambda: cr.jvp(function, args, tuple(np.ones_like(a) for a in args))


SQUARE = np.eye(3) + 1.0

ERRORS = [
    (csl.logm, (np.ones(3),), "linalg.logm", "square"),
    (lambda a: csl.logm(a, disp=False), (SQUARE,), "linalg.logm", "disp="),
    (lambda a: csl.fractional_matrix_power(a, a[0, 0]), (SQUARE,), "fractional_matrix_power",
     "plain number"),
    (lambda a: csl.expm_frechet(a, a, method="Pade"), (SQUARE,), "expm_frechet", "method"),
    (lambda a: csl.expm_frechet(a, np.ones((2, 2))), (SQUARE,), "expm_frechet", "E of shape"),
]  # fmt: skip


@pytest.mark.parametrize("error", ERRORS, ids=lambda error: error[2])
def test_errors_name_the_function_and_the_fix(error):
    function, args, *fragments = error
    raises_with(
        (ValueError, TypeError, NotImplementedError),
        _call(function, *args),
        "chainrule.scipy.",
        *fragments,
    )
