"""The command line's expression parser: values and derivatives of what it accepts, and a
message with a caret under the fault for everything it rejects, without running any of it."""

import math

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.cli.expression import (
    CONSTANTS,
    FUNCTIONS,
    Expression,
    ExpressionError,
    parse_expression,
)

SEED = "sin(cos(x1 + x2))**2 + x3"


def _underlined(error: ExpressionError) -> str:
    """The text of the shown expression that the caret line underlines."""
    problem, shown, carets = str(error).split("\n")
    assert problem == error.problem
    assert set(carets.strip()) == {"^"}, carets
    start = carets.index("^")
    return shown[start : start + carets.count("^")]


def _rejection(text, variables=None) -> ExpressionError:
    with pytest.raises(ExpressionError) as info:
        parse_expression(text, variables)
    return info.value


# --- what is accepted ---


def test_seed_expression_value_and_gradient():
    f = parse_expression(SEED)
    assert f.names == ("x1", "x2", "x3")
    assert float(f(1.0, 2.0, 3.0)) == pytest.approx(math.sin(math.cos(3.0)) ** 2 + 3.0, abs=1e-15)
    gradient = cr.grad(f, argnums=(0, 1, 2))(1.0, 2.0, 3.0)
    slope = -math.sin(2 * math.cos(3.0)) * math.sin(3.0)  # d/dx1 sin(cos(x1 + x2))^2
    assert [float(g) for g in gradient] == pytest.approx([slope, slope, 1.0], abs=1e-12)


def test_seed_expression_second_derivatives_and_capture():
    f = parse_expression(SEED)
    hessian = np.array(cr.hessian(f, argnums=(0, 1, 2))(1.0, 2.0, 3.0), dtype=float)
    # d/ds -sin(2 cos s) sin s = 2 cos(2 cos s) sin(s)^2 - sin(2 cos s) cos s, s = x1 + x2
    s = 3.0
    curvature = 2 * math.cos(2 * math.cos(s)) * math.sin(s) ** 2
    curvature -= math.sin(2 * math.cos(s)) * math.cos(s)
    expected = np.array([[curvature, curvature, 0], [curvature, curvature, 0], [0, 0, 0]])
    np.testing.assert_allclose(hessian, expected, atol=1e-12)
    graph = str(cr.capture(f)(1.0, 2.0, 3.0))
    assert "f(x1, x2, x3)" in graph and "add(x1, x2)" in graph


def test_sum_of_squares_of_a_vector():
    f = parse_expression("sum(x**2)")
    x = np.array([1.0, -2.0, 3.0])
    assert float(f(x)) == 14.0
    np.testing.assert_array_equal(cr.grad(f)(x), 2 * x)


def test_dot_with_a_list_of_numbers():
    f = parse_expression("dot(x, [1, 2, 3])")
    x = np.array([0.5, 1.0, -1.0])
    assert float(f(x)) == 0.5 + 2.0 - 3.0
    np.testing.assert_array_equal(cr.grad(f)(x), [1.0, 2.0, 3.0])


def test_list_with_variables_is_stacked_and_differentiable():
    f = parse_expression("dot([[x, 1], [2, y * y]], (1, 10))")
    np.testing.assert_array_equal(f(2.0, 3.0), [12.0, 92.0])
    d_dx, d_dy = cr.jacobian(f, argnums=(0, 1))(2.0, 3.0)
    np.testing.assert_array_equal(d_dx, [1.0, 0.0])
    np.testing.assert_array_equal(d_dy, [0.0, 60.0])


@pytest.mark.parametrize(
    "text, expected",
    [
        ("sum(x, axis=0)", [3.0, 5.0, 7.0]),
        ("sum(x, 1)", [3.0, 12.0]),
        ("sum(x, axis=-1, keepdims=True)", [[3.0], [12.0]]),
        ("mean(x, axis=(0, 1))", 2.5),
        ("max(x, axis=0)", [3.0, 4.0, 5.0]),
        ("std(x, axis=1, ddof=1)", [1.0, 1.0]),
        ("cumsum(x, axis=1)", [[0.0, 1.0, 3.0], [3.0, 7.0, 12.0]]),
        ("transpose(x, (1, 0))", [[0.0, 3.0], [1.0, 4.0], [2.0, 5.0]]),
    ],
    ids=str,
)
def test_axis_arguments(text, expected):
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_allclose(parse_expression(text)(x), expected, rtol=1e-15)


def test_axis_keyword_gradient():
    f = parse_expression("sum(sum(x, axis=0) ** 2)")
    x = np.arange(6.0).reshape(2, 3)
    column_sums = x.sum(axis=0)
    np.testing.assert_array_equal(cr.grad(f)(x), np.broadcast_to(2 * column_sums, (2, 3)))


def test_names_in_order_of_first_appearance():
    f = parse_expression("b * a + sin(b) + pi * c - e + inf * 0 + a")
    assert f.names == ("b", "a", "c")
    assert parse_expression("2 + 3").names == ()


def test_names_follow_variables_when_given():
    f = parse_expression("x3 - x1", variables=["x1", "x2", "x3"])
    assert f.names == ("x1", "x2", "x3")
    assert float(f(1.0, 100.0, 5.0)) == 4.0


def test_used_names_the_variables_in_the_text():
    f = parse_expression("x3 * e - x1", variables=["x1", "x2", "x3", "e"])
    assert f.used == ("x3", "e", "x1")
    assert parse_expression("x3 * e - x1").used == ("x3", "x1")  # e: the constant


def test_variables_shadow_constants():
    f = parse_expression("e * pi", variables=["e"])
    assert float(f(2.0)) == 2.0 * math.pi
    assert parse_expression("e").names == ()
    assert float(parse_expression("e")()) == math.e


def test_integer_exponents_stay_python_integers():
    class Probe:
        def __pow__(self, exponent):
            return exponent

    for text, exponent in [("x**2", 2), ("x**-3", -3), ("x**(4 - 2)", 2), ("x**0.5", 0.5)]:
        result = parse_expression(text)(Probe())
        assert result == exponent and type(result) is type(exponent), text


def test_constant_subexpressions_fold():
    assert float(parse_expression("x * 2**10 + 7 // 2 - 7 % 4")(1.0)) == 1024.0
    assert float(parse_expression("2**1000 * x")(0.5)) == 2.0**999


def test_constants_and_aliases():
    assert CONSTANTS == {"pi": math.pi, "e": math.e, "inf": math.inf}
    assert float(parse_expression("asin(x) - arcsin(x) + atan2(y, x)")(1.0, 1.0)) == math.pi / 4
    assert float(parse_expression("clip(x, 0, inf)")(-3.0)) == 0.0


def test_functions_are_chainrule_numpy_functions():
    assert {"sin", "exp", "log", "sqrt", "sum", "dot", "matmul", "logaddexp"} <= FUNCTIONS.keys()
    for name, function in FUNCTIONS.items():  # aliases: asin -> arcsin, atan2 -> arctan2
        assert function in (getattr(cnp, name, None), getattr(cnp, "arc" + name[1:], None)), name
    assert FUNCTIONS["atan2"] is cnp.arctan2 and FUNCTIONS["acosh"] is cnp.arccosh


def test_plain_numbers_follow_numpy():
    with np.errstate(divide="ignore", invalid="ignore"):
        assert parse_expression("x / y")(1, 0) == np.inf
        assert np.isnan(parse_expression("x ** 0.5")(-1.0))


def test_call_with_the_wrong_number_of_values():
    f = parse_expression("x + y")
    with pytest.raises(TypeError, match="takes 2 values, got 1"):
        f(1.0)


def test_repr_and_source():
    f = parse_expression("  x + 1 ")
    assert isinstance(f, Expression)
    assert f.source == "  x + 1 "
    assert repr(f) == "Expression('  x + 1 ', names=('x',))"


def test_depth_limit_boundary():
    assert parse_expression("(" * 100 + "x" + ")" * 100).names == ("x",)
    assert float(parse_expression("-" * 99 + "x")(1.0)) == -1.0
    assert "nested more than 100 levels deep" in str(_rejection("-" * 100 + "x"))
    assert "nested more than 100 levels deep" in str(_rejection("(" * 101 + "x" + ")" * 101))


def test_exponent_limit_boundary():
    assert parse_expression("x ** 1000").names == ("x",)
    assert parse_expression("x ** -1000").names == ("x",)
    assert "exponent 1001 is too large (limit 1000)" in str(_rejection("x ** 1001"))


# --- what is rejected: (text, variables, phrase in the message, text under the caret) ---

REJECTED = [
    ("", None, "empty expression", ""),
    ("   ", None, "empty expression", ""),
    ("x +", None, "syntax error: invalid syntax", ""),
    ("sin(x", None, "syntax error: '(' was never closed", "("),
    ("x y", None, "syntax error", "y"),
    ("x.real", None, "attribute access is not allowed", "x.real"),
    ("np.sin(x)", None, "write sin(x), not np.sin(x)", "np.sin"),
    ("().__class__", None, "attribute access is not allowed", "().__class__"),
    ("x[0]", None, "indexing is not supported", "x[0]"),
    ("__import__", None, "names starting with '_' are not allowed", "__import__"),
    ("__builtins__ + 1", None, "names starting with '_'", "__builtins__"),
    ("__import__('os')", None, "names starting with '_'", "__import__"),
    ("_x * 2", None, "names starting with '_'", "_x"),
    ("import os", None, "import is not allowed", "import os"),
    ("from os import system", None, "import is not allowed", "from os import system"),
    ("x = 1", None, "assignment is not allowed", "x = 1"),
    ("x += 1", None, "assignment is not allowed", "x += 1"),
    ("x; y", None, "separated by ';' are not allowed", "y"),
    ("del x", None, "statements are not allowed", "del x"),
    ("lambda: 1", None, "lambda is not allowed", "lambda: 1"),
    ("sum([i for i in x])", None, "comprehensions are not allowed", "[i for i in x]"),
    ("sum(i for i in x)", None, "comprehensions are not allowed", "(i for i in x)"),
    ("{i: i for i in x}", None, "comprehensions are not allowed", "{i: i for i in x}"),
    ("a if b else c", None, "conditional expressions", "a if b else c"),
    ("x < 1", None, "comparisons are not allowed", "x < 1"),
    ("x and y", None, "boolean operators", "x and y"),
    ("not x", None, "operator 'not' is not allowed", "not x"),
    ("~x", None, "operator '~' is not allowed", "~x"),
    ("x ^ 2", None, "x**2 for a power", "x ^ 2"),
    ("x << 2", None, "operator '<<' is not allowed", "x << 2"),
    ("f'{x}'", None, "f-strings are not allowed", "f'{x}'"),
    ("'abc' * x", None, "strings are not allowed", "'abc'"),
    ("b'abc'", None, "strings are not allowed", "b'abc'"),
    ("1j * x", None, "complex numbers are not supported", "1j"),
    ("True * x", None, "True, False and None are only allowed as keyword values", "True"),
    ("None", None, "only allowed as keyword values", "None"),
    ("...", None, "Ellipsis is not allowed", "..."),
    ("sin(*x)", None, "starred arguments (*args) are not allowed", "*x"),
    ("sum(x, **options)", None, "**kwargs are not allowed", "**options"),
    ("(y := 2) * y", None, "assignment expressions (:=)", "y := 2"),
    ("await x", None, "await and yield are not allowed", "await x"),
    ("{1, 2}", None, "set and dict displays", "{1, 2}"),
    ("{'a': 1}", None, "set and dict displays", "{'a': 1}"),
    ("[1, 2] + x", None, "lists and tuples are only allowed as arguments", "[1, 2]"),
    ("(x, y)", None, "lists and tuples are only allowed as arguments", "(x, y)"),
    ("eval('1')", None, "unknown function 'eval'", "eval"),
    ("exec('x = 1')", None, "unknown function 'exec'; functions:", "exec"),
    ("open('f')", None, "unknown function 'open'; functions: abs,", "open"),
    ("getattr(x, 'y')", None, "unknown function 'getattr'", "getattr"),
    ("compile('1', 'f', 'eval')", None, "unknown function 'compile'", "compile"),
    ("sine(x)", None, "unknown function 'sine'; did you mean 'sin'?", "sine"),
    ("x(2)", None, "unknown function 'x'", "x"),
    ("x(2)", ["x"], "'x' is a variable, not a function: for a product write x*(...)", "x"),
    ("pi(2)", None, "'pi' is a constant, not a function", "pi"),
    ("sin + x", None, "'sin' is a function: call it, as in sin(x)", "sin"),
    ("sin(x)(y)", None, "only functions named directly can be called", "sin(x)"),
    ("(lambda: 1)()", None, "lambda is not allowed", "lambda: 1"),
    ("sum(x, foo=1)", None, "sum() takes no keyword 'foo'; allowed: axis, keepdims", "foo=1"),
    ("sin(x, axis=0)", None, "sin() takes no keyword 'axis'", "axis=0"),
    ("sum(x, axis=y)", None, "keyword axis of sum(), which must be written out", "y"),
    ("sum(x, axis=(0, 1.5))", None, "a tuple of integers", "(0, 1.5)"),
    ("max(x, y)", None, "for the elementwise maximum write maximum(a, b)", "y"),
    ("sin(x, y)", None, "sin() takes 1 argument(s), got 2", "sin(x, y)"),
    ("clip(x, 0)", None, "clip() takes 3 argument(s), got 2", "clip(x, 0)"),
    ("x4 + x1", ["x1", "x2", "x3"], "unknown name 'x4'; variables: x1, x2, x3", "x4"),
    ("sni(x1) + x1", ["x1"], "did you mean 'sin'?", "sni"),
    ("y", [], "unknown name 'y'; variables: none", "y"),
    ("x ** 10000", None, "exponent 10000 is too large (limit 1000)", "10000"),
    ("x ** -1001", None, "exponent -1001 is too large", "-1001"),
    ("x ** (2 * 600)", None, "exponent 1200 is too large", "2 * 600"),
    ("2**2**2**2**2", None, "exponent 65536 is too large", "2**2**2**2"),
    ("9**9**9**9", None, "exponent 387420489 is too large", "9**9"),
    ("1" * 31 + " * x", None, "integer literal with more than 30 digits", "1" * 31),
    ("(2**1000)**2", None, "cannot compute this constant", "(2**1000)**2"),
    ("1 / 0 + x", None, "cannot compute this constant: division by zero", "1 / 0"),
    ("(-8)**(1/3)", None, "complex number", "(-8)**(1/3)"),
    ("2 @ 3", None, "'@' multiplies arrays", "2 @ 3"),
    ("dot(x, [[1], [2, 3]])", None, "rows of this list have different lengths", "[[1], [2, 3]]"),
    ("x\ny", None, "must fit on one line", "?"),
    ("x + \u00e9", None, "character '\u00e9' is not allowed", "?"),
]


@pytest.mark.parametrize("text, variables, phrase, underlined", REJECTED, ids=repr)
def test_rejected_with_message_and_caret(text, variables, phrase, underlined):
    error = _rejection(text, variables)
    assert isinstance(error, ValueError)
    assert phrase in error.problem, str(error)
    if underlined:
        assert _underlined(error) == underlined, str(error)
    else:
        assert str(error).split("\n")[2].strip() == "^", str(error)


@pytest.mark.parametrize(
    "variables, phrase",
    [
        (["sin"], "variable name 'sin' is the name of a function"),
        (["x", "x"], "variable name 'x' is given twice"),
        (["1x"], "variable name '1x' is not allowed"),
        (["_a"], "variable name '_a' is not allowed"),
        (["lambda"], "variable name 'lambda' is not allowed"),
        ([3], "variable name 3 is not allowed"),
    ],
    ids=str,
)
def test_bad_variable_names(variables, phrase):
    error = _rejection("1", variables)
    assert error.span is None and str(error) == error.problem
    assert phrase in error.problem


ATTACKS = [
    "__import__('os').system('touch {path}')",
    "eval(\"__import__('os').system('touch {path}')\")",
    "exec(\"open('{path}', 'w')\")",
    "open('{path}', 'w')",
    "[open('{path}', 'w') for _ in [1]]",
    "(lambda: open('{path}', 'w'))()",
    "().__class__.__base__.__subclasses__()[0]('{path}')",
    "sin.__globals__['__builtins__']['open']('{path}', 'w')",
    "x.__class__('{path}')",
    "(y := open('{path}', 'w'))",
    "x; open('{path}', 'w')",
    "import os; os.system('touch {path}')",
]


@pytest.mark.parametrize("attack", ATTACKS, ids=repr)
def test_rejected_input_never_runs(attack, tmp_path):
    path = tmp_path / "pwned_chainrule"
    with pytest.raises(ExpressionError):
        parse_expression(attack.format(path=path), variables=["x"])
    assert not path.exists()


@pytest.mark.parametrize(
    "text, phrase",
    [
        ("9**9**9**9", "exponent 387420489 is too large"),
        ("(" * 100_000 + "x" + ")" * 100_000, "the limit is 10000"),
        ("(" * 4999 + "x" + ")" * 4999, "nested more than 100 levels deep"),
        ("sin(" * 1900 + "x" + ")" * 1900, "nested more than 100 levels deep"),
        ("-" * 9999 + "x", "nested more than 100 levels deep"),
        ("~" * 9999 + "x", "nested more than 100 levels deep"),
        ("x**" * 3000 + "x", "nested more than 100 levels deep"),
        ("x+" * 4999 + "x", "nested more than 100 levels deep"),
        ("x" + "()" * 4999, "nested more than 100 levels deep"),
        ("x" + ".a" * 4999, "nested more than 100 levels deep"),
        ("lambda:" * 1400 + "x", "nested more than 100 levels deep"),
        ("x" + " " * 10_000, ""),  # surrounding whitespace does not count
    ],
    ids=lambda value: repr(value)[:24],
)
def test_huge_and_deep_inputs_are_rejected_not_crashing(text, phrase):
    if not phrase:
        assert parse_expression(text).names == ("x",)
        return
    error = _rejection(text)
    assert phrase in error.problem
    lines = str(error).split("\n")
    assert len(lines) == 3 and max(map(len, lines[1:])) <= 80  # a window of the input
