"""chainrule.scipy.special against SciPy: values and dtypes, the composites' derivatives,
functions of a static order, stability at extreme arguments, the documented conventions at
the edges of the domains, errors, dispatch of SciPy's own ufuncs on traced values, and the
package's ImportError without SciPy. (logsumexp and its kin: test_special_logsumexp.py.)"""

import pathlib
import subprocess
import sys

import numpy as np
import pytest
import scipy.special as sc
from assertions import raises_with
from cases import SHAPE_PAIRS, SHAPES, Case

import chainrule as cr
import chainrule.scipy.special as csp
from chainrule.testing import check_grads

# name: (domain of every argument, number of arguments); each is csp.name and sc.name.
ELEMENTWISE = {
    "erf": ((-2, 2), 1),
    "erfc": ((-2, 2), 1),
    "erfinv": ((-0.9, 0.9), 1),
    "erfcinv": ((0.1, 1.9), 1),
    "erfcx": ((-2, 3), 1),
    "ndtr": ((-3, 3), 1),
    "ndtri": ((0.05, 0.95), 1),
    "log_ndtr": ((-3, 3), 1),
    "gamma": ((0.3, 4), 1),
    "gammaln": ((0.3, 4), 1),
    "digamma": ((0.3, 4), 1),
    "psi": ((0.3, 4), 1),
    "gammasgn": ((-2.5, 2.5), 1),
    "rgamma": ((-3.5, 4), 1),
    "i0": ((-3, 3), 1),
    "i1": ((-3, 3), 1),
    "i0e": ((-3, 3), 1),
    "i1e": ((-3, 3), 1),
    "j0": ((-8, 8), 1),
    "j1": ((-8, 8), 1),
    "y0": ((0.5, 8), 1),
    "y1": ((0.5, 8), 1),
    "expit": ((-5, 5), 1),
    "log_expit": ((-5, 5), 1),
    "logit": ((0.05, 0.95), 1),
    "entr": ((0.0, 3), 1),
    "beta": ((0.5, 3), 2),
    "betaln": ((0.5, 3), 2),
    "poch": ((0.5, 3), 2),
    "xlogy": ((0.1, 3), 2),
    "xlog1py": ((0.1, 3), 2),
    "rel_entr": ((0.1, 3), 2),
    "kl_div": ((0.1, 3), 2),
    "gammainc": ((0.1, 3), 2),
    "gammaincc": ((0.1, 3), 2),
    "stdtr": ((0.5, 3), 2),
    "betainc": ((0.1, 0.9), 3),
    # The families of special_bessel.py, special_elementary.py and special_integrals.py.
    "k0": ((0.3, 4), 1),
    "k1": ((0.3, 4), 1),
    "k0e": ((0.3, 4), 1),
    "k1e": ((0.3, 4), 1),
    "erfi": ((-2, 2), 1),
    "dawsn": ((-3, 3), 1),
    "exp10": ((-2, 2), 1),
    "expm1": ((-2, 2), 1),
    "log1p": ((-0.5, 2), 1),
    "exp2": ((-2, 2), 1),
    "cbrt": ((-2, 2), 1),
    "cosm1": ((-3, 3), 1),
    "exprel": ((-5, 5), 1),
    "sindg": ((-300, 300), 1),
    "cosdg": ((-300, 300), 1),
    "tandg": ((-80, 80), 1),
    "cotdg": ((10, 80), 1),
    "round": ((-5, 5), 1),
    "loggamma": ((0.3, 4), 1),
    "exp1": ((0.2, 4), 1),
    "expi": ((0.2, 4), 1),
    "spence": ((0.1, 3), 1),
    "ndtri_exp": ((-5, -0.1), 1),
    "powm1": ((0.3, 3), 2),
    "binom": ((0.3, 3), 2),
    "huber": ((0.3, 3), 2),
    "pseudo_huber": ((0.3, 3), 2),
    "boxcox": ((0.3, 3), 2),
    "boxcox1p": ((0.3, 3), 2),
    "inv_boxcox": ((0.3, 2), 2),
    "inv_boxcox1p": ((0.3, 2), 2),
    "owens_t": ((-2, 2), 2),
    "gammaincinv": ((0.1, 0.9), 2),
    "gammainccinv": ((0.1, 0.9), 2),
    "radian": ((-3, 3), 3),
    "betaincinv": ((0.1, 0.9), 3),
}
# Composites compute in a different order from SciPy's C code: equal to a few ulps.
COMPOSITES = {
    "entr", "rel_entr", "kl_div", "expm1", "log1p", "exp2", "cbrt", "radian", "boxcox",
    "boxcox1p", "inv_boxcox", "inv_boxcox1p",
}  # fmt: skip
NO_DERIVATIVE = {"gammasgn", "round"}


def _sample(rng, domain, arity, dtype=np.float64, shape=(2, 3)):
    return tuple(rng.uniform(*domain, size=shape).astype(dtype) for _ in range(arity))


def _traced_value(function, args):
    """function(*args) computed on traced values (the value a transform sees)."""
    return cr.jvp(function, args, tuple(np.ones_like(a) for a in args))[0]


# Functions differentiable in their last argument only (a, b, df have no closed form).
LAST_ARGUMENT_ONLY = {
    "gammainc", "gammaincc", "stdtr", "betainc", "gammaincinv", "gammainccinv", "betaincinv"
}  # fmt: skip


def _differentiable_part(name, args, module=csp):
    """module.name as a function of the arguments it is differentiable in, and those."""
    function = getattr(module, name)
    if name in LAST_ARGUMENT_ONLY:
        return (lambda x: function(*args[:-1], x)), args[-1:]
    return function, args


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=str)
@pytest.mark.parametrize("name", ELEMENTWISE, ids=str)
def test_values_and_dtypes_match_scipy(name, dtype, rng):
    domain, arity = ELEMENTWISE[name]
    args = _sample(rng, domain, arity, dtype)
    expected = getattr(sc, name)(*args)
    plain = getattr(csp, name)(*args)
    assert type(plain) is type(expected) and plain.dtype == expected.dtype
    np.testing.assert_array_equal(plain, expected)
    function, traced_args = _differentiable_part(name, args)
    traced = _traced_value(function, traced_args)
    assert traced.dtype == expected.dtype
    if name in COMPOSITES:
        np.testing.assert_allclose(traced, expected, rtol=8 * np.finfo(dtype).eps, atol=0)
    else:
        np.testing.assert_array_equal(traced, expected)
    if name not in NO_DERIVATIVE:
        bars = cr.vjp(function, *traced_args)[1](np.ones_like(expected))
        assert all(bar.dtype == dtype for bar in bars)


@pytest.mark.parametrize("name", ELEMENTWISE, ids=str)
def test_scipy_ufuncs_on_traced_values_dispatch_here(name, rng):
    domain, arity = ELEMENTWISE[name]
    args = _sample(rng, domain, arity)
    scipy_function, traced_args = _differentiable_part(name, args, module=sc)
    ours, _ = _differentiable_part(name, args)
    tangents = _sample(rng, (-1, 1), len(traced_args))
    out, tangent = cr.jvp(scipy_function, traced_args, tangents)
    expected, expected_tangent = cr.jvp(ours, traced_args, tangents)
    np.testing.assert_array_equal(out, expected)
    np.testing.assert_array_equal(tangent, expected_tangent)


STATIC_ORDERS = [
    (csp.polygamma, np.array([0, 1, 3])),
    (csp.iv, np.array([0.5, 1.5, 3.5])),
    (csp.ive, np.array([0.5, 1.5, 3.5])),
    (csp.jv, np.array([0.5, 1.5, 3.5])),
    (csp.jv, np.array([-2, 0, 1])),
    (csp.yv, np.array([0.5, -1.0, 2.0])),
    (csp.yn, np.array([0, 1, 3])),
]


@pytest.mark.parametrize(
    "function, order", STATIC_ORDERS, ids=[f"{f.__name__}-{list(o)}" for f, o in STATIC_ORDERS]
)
def test_orders_are_not_differentiable_and_may_be_arrays(function, order, rng):
    _check_static_order(function, order, rng.uniform(0.5, 3, size=(2, 3)))


def test_derivatives_in_x_by_their_recurrences(rng):
    x = rng.uniform(0.5, 6, size=5)
    # polygamma(n, x)' = polygamma(n + 1, x); J_v' = (J_{v-1} - J_{v+1}) / 2, the same for Y_v
    np.testing.assert_allclose(cr.grad(lambda x: csp.polygamma(2, x))(1.5), sc.polygamma(3, 1.5))
    for name, v in [("jv", 2.5), ("yv", 2.5), ("yn", 4), ("jn", 3)]:
        slope = cr.jacfwd(lambda x, name=name, v=v: getattr(csp, name)(v, x))(x).diagonal()
        reference = getattr(sc, name)
        expected = 0.5 * (reference(v - 1, x) - reference(v + 1, x))
        np.testing.assert_allclose(slope, expected, rtol=1e-13)
    np.testing.assert_allclose(cr.grad(csp.j0)(2.0), -sc.j1(2.0), rtol=1e-15)
    np.testing.assert_allclose(cr.grad(csp.y0)(2.0), -sc.y1(2.0), rtol=1e-15)


@pytest.mark.filterwarnings("ignore:floating point number truncated:RuntimeWarning")
def test_yn_truncates_its_order_as_scipy_does():
    with pytest.warns(RuntimeWarning, match="truncated to an integer"):
        value, slope = cr.value_and_grad(lambda x: csp.yn(2.7, x))(1.5)
    assert value == sc.yn(2.7, 1.5) == sc.yn(2, 1.5)  # SciPy warns the same
    np.testing.assert_allclose(slope, 0.5 * (sc.yn(1, 1.5) - sc.yn(3, 1.5)), rtol=1e-14)


def test_scipy_functions_of_a_static_order_on_traced_values_dispatch_here(rng):
    x = rng.uniform(0.5, 3, size=(2, 3))
    # (scipy.special.polygamma is a Python function that calls np.asarray: it cannot
    # dispatch; call chainrule.scipy.special.polygamma.)
    for name in ("iv", "ive", "jv", "jn", "yv", "yn"):
        ours = lambda x, name=name: getattr(csp, name)(2, x)
        theirs = lambda x, name=name: getattr(sc, name)(2, x)
        np.testing.assert_array_equal(cr.jvp(theirs, (x,), (x,)), cr.jvp(ours, (x,), (x,)))


def _check_static_order(function, order, x):
    name = function.__name__
    np.testing.assert_array_equal(
        _traced_value(lambda x: function(order, x), (x,)), getattr(sc, name)(order, x)
    )
    check_grads(lambda x: function(order, x), (x,), order=2)
    argument = "n" if name in ("polygamma", "yn") else "v"
    raises_with(
        TypeError,
        lambda: cr.grad(lambda v: function(v, 2.0))(1.0),
        f"chainrule.scipy.special.{name}: {argument} is traced",
        "no derivative",
    )


def test_shape_parameters_without_closed_form_derivatives_are_refused():
    refused = [
        (lambda a: csp.gammainc(a, 1.0), "gammainc", "a"),
        (lambda a: csp.gammaincc(a, 1.0), "gammaincc", "a"),
        (lambda a: csp.betainc(a, 2.0, 0.3), "betainc", "a"),
        (lambda b: csp.betainc(2.0, b, 0.3), "betainc", "b"),
        (lambda df: csp.stdtr(df, 0.3), "stdtr", "df"),
        (lambda a: csp.gammaincinv(a, 0.3), "gammaincinv", "a"),
        (lambda a: csp.gammainccinv(a, 0.3), "gammainccinv", "a"),
        (lambda a: csp.betaincinv(a, 2.0, 0.3), "betaincinv", "a"),
        (lambda b: csp.betaincinv(2.0, b, 0.3), "betaincinv", "b"),
        (lambda x: csp.zeta(x, 1.5), "zeta", "x"),
    ]
    for function, name, argument in refused:
        for differentiate in (cr.grad, cr.jacfwd):
            raises_with(
                NotImplementedError,
                lambda differentiate=differentiate, function=function: differentiate(function)(2.0),
                f"chainrule.scipy.special.{name}",
                f"with respect to {argument}",
                "no closed form",
            )


def test_keywords_that_write_in_place_are_refused_on_traced_values():
    raises_with(
        TypeError,
        lambda: cr.grad(lambda x: csp.erf(x, out=np.empty(())))(0.5),
        "chainrule.scipy.special.erf",
        "out",
    )
    value = _traced_value(lambda x: csp.erf(x, dtype=np.float32), (np.array([0.5]),))
    assert value.dtype == np.float32


def test_multigammaln(rng):
    a = rng.uniform(2.5, 5, size=(2, 3))
    np.testing.assert_allclose(
        _traced_value(lambda a: csp.multigammaln(a, 3), (a,)), sc.multigammaln(a, 3), rtol=1e-15
    )
    check_grads(lambda a: csp.multigammaln(a, 4), (a,), order=2)
    raises_with(
        ValueError,
        lambda: cr.grad(lambda a: csp.multigammaln(a, 5))(1.5),
        "chainrule.scipy.special.multigammaln",
        "a > (d - 1) / 2",
    )
    raises_with(TypeError, lambda: cr.grad(lambda d: csp.multigammaln(3.0, d))(2.0), "d is traced")


# ---------------------------------------------------------------------------------------
# Stability where SciPy is stable.


def test_log_ndtr_derivative_in_the_tails():
    derivative = cr.grad(csp.log_ndtr)
    for x in (-30.0, -5.0, 5.0, 30.0):  # phi / ndtr, both representable here
        expected = np.exp(-x * x / 2) / np.sqrt(2 * np.pi) / sc.ndtr(x)
        np.testing.assert_allclose(derivative(x), expected, rtol=1e-13)
    np.testing.assert_allclose(derivative(-1e5), 1e5 + 1e-5, rtol=1e-15)
    assert derivative(40.0) == 0.0  # underflows, as phi(40) does
    # second derivative -r (x + r), r = phi / ndtr: no underflow of r^2 at x = 30
    second = cr.grad(derivative)
    r = derivative(30.0)
    np.testing.assert_allclose(second(30.0), -r * (30.0 + r), rtol=1e-12)
    np.testing.assert_allclose(cr.jacfwd(derivative)(-30.0), second(-30.0), rtol=1e-13)


def test_expit_and_logit_tails():
    for x in (-800.0, 800.0):
        for derivative in (cr.grad(csp.expit), cr.grad(cr.grad(csp.expit))):
            assert derivative(x) == 0.0
    # expit(x) expit(-x) keeps the slope where out (1 - out) would round to 0
    np.testing.assert_allclose(cr.grad(csp.expit)(40.0), np.exp(-40.0), rtol=1e-14)
    np.testing.assert_allclose(cr.grad(csp.log_expit)(-800.0), 1.0)
    np.testing.assert_allclose(cr.grad(csp.logit)(0.5 + 1e-12), 4.0, rtol=1e-10)


def test_xlogy_at_zero():
    # xlogy(0, y) = 0 for every y; d/dy is exactly 0 there (zero-safe), d/dx = log(y):
    # log(2) at y = 2, and at y = 0 the limit from inside the domain, -inf.
    both = cr.grad(csp.xlogy, argnums=(0, 1))
    assert csp.xlogy(0.0, 0.0) == 0.0 and _traced_value(csp.xlogy, (0.0, 0.0)) == 0.0
    np.testing.assert_array_equal(both(0.0, 2.0), (np.log(2.0), 0.0))
    np.testing.assert_array_equal(both(0.0, 0.0), (-np.inf, 0.0))
    np.testing.assert_array_equal(cr.grad(csp.xlog1py, argnums=(0, 1))(0.0, -1.0), (-np.inf, 0.0))
    # the mixed second derivative d2/dxdy = 1/y holds at x = 0 too
    mixed = cr.grad(lambda y: cr.grad(csp.xlogy)(0.0, y))
    np.testing.assert_allclose(mixed(2.0), 0.5)


def test_entropies_at_the_edges_of_their_domains():
    x = np.array([0.0, 0.0, 0.0, 1.0, -1.0, 1.0, np.nan, 0.0, 2.0])
    y = np.array([0.0, 1.0, -1.0, 0.0, 1.0, np.nan, 1.0, np.nan, 2.0])
    for name in ("rel_entr", "kl_div"):
        expected = getattr(sc, name)(x, y)
        with np.errstate(all="ignore"):
            traced = _traced_value(getattr(csp, name), (x, y))
        np.testing.assert_array_equal(traced, expected)
        # at x = 0 < y: slope 0 in y, the one-sided -inf (rel_entr; kl_div adds -1) in x
        slopes = cr.grad(getattr(csp, name), argnums=(0, 1))(0.0, 2.0)
        np.testing.assert_array_equal(slopes, (-np.inf, 0.0 if name == "rel_entr" else 1.0))
    points = np.array([-1.0, 0.0, 0.5, np.nan])
    np.testing.assert_array_equal(_traced_value(csp.entr, (points,)), sc.entr(points))
    assert cr.grad(csp.entr)(0.0) == np.inf  # -(log x + 1) from the right


# The entropies are composites (of xlogy and log): their derivatives at every shape.
ENTROPIES = [Case(csp.entr, domain=(0.1, 3.0))]
RELATIVE_ENTROPIES = [
    Case(csp.rel_entr, domain=(0.1, 3.0), arity=2),
    Case(csp.kl_div, domain=(0.1, 3.0), arity=2),
]


@pytest.mark.parametrize("case", ENTROPIES, ids=str)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_entropy_rules(case, shape, rng):
    check_grads(case.call, case.sample_args(rng, [shape]), order=2)


@pytest.mark.parametrize("case", RELATIVE_ENTROPIES, ids=str)
@pytest.mark.parametrize("shapes", SHAPE_PAIRS, ids=str)
def test_relative_entropy_rules(case, shapes, rng):
    check_grads(case.call, case.sample_args(rng, shapes), order=2)


def _slopes(function, *args):
    """(reverse-mode gradient, forward-mode gradient) in every argument."""
    argnums = tuple(range(len(args)))
    return cr.grad(function, argnums)(*args), cr.jacfwd(function, argnums)(*args)


# The rows of docs/conventions.md for the special functions: (function, point, slopes,
# second derivative in the first argument or None).
EDGE_CONVENTIONS = [
    ("xlogy", (0.0, 0.0), (-np.inf, 0.0), None),
    ("xlog1py", (0.0, -1.0), (-np.inf, 0.0), None),
    ("rel_entr", (0.0, 0.0), (np.nan, 0.0), None),
    ("rel_entr", (0.0, 2.0), (-np.inf, 0.0), None),
    ("kl_div", (0.0, 0.0), (np.nan, 1.0), None),
    ("entr", (0.0,), (np.inf,), -np.inf),
    ("i0e", (0.0,), (0.0,), 0.5),
    ("i1e", (0.0,), (0.5,), 0.0),
]


@pytest.mark.parametrize(
    "name, point, slopes, second", EDGE_CONVENTIONS, ids=[f"{c[0]}{c[1]}" for c in EDGE_CONVENTIONS]
)
def test_documented_conventions_at_the_edges(name, point, slopes, second):
    function = getattr(csp, name)
    for gradient in _slopes(function, *point):
        np.testing.assert_array_equal(gradient, slopes)
    if second is not None:
        derivative = cr.grad(function)
        for value in (cr.grad(derivative)(*point), cr.jacfwd(cr.jacfwd(function))(*point)):
            np.testing.assert_array_equal(value, second)


_REPOSITORY = pathlib.Path(__file__).resolve().parents[2]


def test_import_without_scipy_names_the_extra():
    for module in ("chainrule.scipy", "chainrule.scipy.special", "chainrule.scipy.stats"):
        code = f"import sys; sys.modules['scipy'] = None; import {module}"
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, cwd=_REPOSITORY
        )
        assert result.returncode != 0
        last_line = result.stderr.strip().splitlines()[-1]
        assert last_line.startswith("ImportError: chainrule.scipy needs SciPy"), last_line
        assert "pip install 'chainrule[scipy]'" in last_line
        assert f"while importing {module})" in last_line


def test_scipy_ufuncs_without_a_rule_are_refused_by_their_own_name():
    # Not looked up by name in chainrule.numpy, where a namesake could compute another thing.
    raises_with(
        NotImplementedError, lambda: cr.grad(lambda x: sc.struve(1, x))(1.0), "scipy.special.struve"
    )
    raises_with(NotImplementedError, lambda: cr.grad(lambda x: sc.airy(x)[0])(1.0), "airy")
