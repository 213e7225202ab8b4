"""User expressions of the command line, such as ``sin(cos(x1 + x2))**2 + x3``, made callable:
parsed by `ast`, checked against a whitelist, interpreted by walking the tree, never executed.
"""

from __future__ import annotations

import ast
import difflib
import inspect
import keyword
import operator
import warnings
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

import chainrule.numpy as cnp

MAX_LENGTH = 10_000  # characters of input
MAX_DEPTH = 100  # levels of brackets, and of operators, calls and lists inside one another
MAX_EXPONENT = 1000  # largest constant exponent of ** in absolute value: 9**9**9 never runs
MAX_DIGITS = 30  # digits of an integer literal

_ELEMENTWISE = (
    "sin cos tan arcsin arccos arctan sinh cosh tanh arcsinh arccosh arctanh exp exp2 expm1 "
    "log log2 log10 log1p sqrt cbrt square reciprocal abs absolute sign sinc"
).split()
_BINARY = "arctan2 hypot maximum minimum power logaddexp logaddexp2 dot matmul inner outer vdot"
# the short names of C and of Python's math module: asin, acos, atan, atan2, asinh, ...
_ALIASES = {"a" + name[3:]: name for name in "arcsin arccos arctan arctan2 arcsinh".split()}
_ALIASES.update(acosh="arccosh", atanh="arctanh")
# name -> (value arguments, optional axis arguments after them, keywords); the first keyword
# names the optional positional argument, as in sum(x, 0) == sum(x, axis=0).
_SIGNATURES: dict[str, tuple[int, int, tuple[str, ...]]] = {
    **{name: (1, 0, ()) for name in _ELEMENTWISE},
    **{name: (2, 0, ()) for name in _BINARY.split()},
    **{name: (1, 1, ("axis", "keepdims")) for name in ("sum", "prod", "mean", "max", "min")},
    **{name: (1, 1, ("axis", "keepdims", "ddof")) for name in ("std", "var")},
    **{name: (1, 1, ("axis",)) for name in ("cumsum", "cumprod")},
    "transpose": (1, 1, ("axes",)),
    "clip": (3, 0, ()),
    "trace": (1, 0, ()),
}
_SIGNATURES.update({alias: _SIGNATURES[name] for alias, name in _ALIASES.items()})

FUNCTIONS: dict[str, Callable[..., Any]] = {
    name: getattr(cnp, _ALIASES.get(name, name)) for name in sorted(_SIGNATURES)
}
CONSTANTS: dict[str, float] = {"pi": cnp.pi, "e": cnp.e, "inf": cnp.inf}

# One table folds constants at parse time and evaluates at call time.
_OPERATORS: dict[type, Callable[..., Any]] = {ast.UAdd: operator.pos, ast.USub: operator.neg}
_OPERATORS.update({ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul})
_OPERATORS.update({ast.Div: operator.truediv, ast.Pow: operator.pow, ast.Mod: operator.mod})
_OPERATORS.update({ast.FloorDiv: operator.floordiv, ast.MatMult: operator.matmul})
_SYMBOLS = dict(zip([ast.Not, ast.Invert, ast.LShift, ast.RShift], ["not", "~", "<<", ">>"]))
_SYMBOLS.update(zip([ast.BitOr, ast.BitXor, ast.BitAnd], ["|", "^", "&"]))
_TOO_DEEP = f"the expression is nested more than {MAX_DEPTH} levels deep: split it up"
_NOT_ALLOWED = [  # node types -> what is wrong
    ([ast.Attribute], "attribute access is not allowed: write sin(x), not np.sin(x)"),
    ([ast.Subscript], "indexing is not supported: give each component its own variable"),
    ([ast.Lambda], "lambda is not allowed: write the formula itself"),
    ([ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp], "comprehensions are not allowed"),
    ([ast.IfExp], "conditional expressions (a if b else c) are not allowed"),
    ([ast.Compare], "comparisons are not allowed: an expression computes a number"),
    ([ast.BoolOp], "boolean operators (and, or) are not allowed"),
    ([ast.JoinedStr], "f-strings are not allowed"),
    ([ast.Starred], "starred arguments (*args) are not allowed"),
    ([ast.NamedExpr], "assignment expressions (:=) are not allowed"),
    ([ast.Await, ast.Yield, ast.YieldFrom], "await and yield are not allowed"),
    ([ast.Set, ast.Dict], "set and dict displays are not allowed"),
    ([ast.List, ast.Tuple], "lists and tuples are only allowed as arguments, as in dot(x, [1, 2])"),
    ([ast.Import, ast.ImportFrom], "import is not allowed: write a single expression"),
    ([ast.Assign, ast.AugAssign, ast.AnnAssign], "assignment is not allowed: write an expression"),
    ([ast.Expr], "several expressions separated by ';' are not allowed: write one"),
]
_FORBIDDEN: dict[type, str] = {kind: problem for kinds, problem in _NOT_ALLOWED for kind in kinds}
_LITERAL_PROBLEMS = {
    str: "strings are not allowed: write numbers, names, operators and calls",
    bytes: "strings are not allowed: write numbers, names, operators and calls",
    complex: "complex numbers are not supported: write real numbers only",
    bool: "True, False and None are only allowed as keyword values, as in sum(x, keepdims=True)",
    type(None): "True, False and None are only allowed as keyword values, as in sum(x, axis=None)",
    int: f"integer literal with more than {MAX_DIGITS} digits: write it as 1e40",
}
_SHOWN_WIDTH = 72  # characters of a long expression shown around the caret


class ExpressionError(ValueError):
    """A user expression that is rejected; str() is a message for a person, with a caret line
    under ``source[span[0]:span[1]]`` (no caret line when ``span`` is None: a bad variable)."""

    def __init__(self, problem: str, source: str = "", span: tuple[int, int] | None = None):
        super().__init__(_describe(problem, source, span))
        self.problem, self.source, self.span = problem, source, span


def _describe(problem: str, source: str, span: tuple[int, int] | None) -> str:
    """The problem, then the expression (a window of it when long), then carets under span."""
    if span is None:
        return problem
    start = min(max(span[0], 0), len(source))
    left = 0 if len(source) <= _SHOWN_WIDTH else max(0, min(start - 20, len(source) - _SHOWN_WIDTH))
    right = min(len(source), left + _SHOWN_WIDTH)
    shown = ("..." if left else "") + source[left:right] + ("..." if right < len(source) else "")
    shown = "".join(char if " " <= char <= "~" else "?" for char in shown)
    carets = "^" * max(1, min(span[1], right) - start)
    return f"{problem}\n  {shown}\n  {' ' * (start - left + (3 if left else 0))}{carets}"


def _suggestion(name: str, candidates: Iterable[str]) -> str:
    matches = difflib.get_close_matches(name, list(candidates), n=1)
    return f"; did you mean '{matches[0]}'?" if matches else ""


def _literal_value(node: ast.expr) -> Any:
    """The value of a number, True, False, None, or tuple of them, written out; else ``...``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, type(None))):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        value = _literal_value(node.operand)
        return -value if type(value) in (int, float) else ...
    if isinstance(node, ast.Tuple):
        return tuple(_literal_value(item) for item in node.elts)
    return ...


class _Checker:
    """Checks a parsed expression and returns the tree to interpret, its constants folded."""

    def __init__(self, source: str, variables: tuple[str, ...] | None):
        self.source = source
        self.variables = variables
        self.first_seen: dict[str, int] = {}  # variable -> column of its first appearance

    def error(self, problem: str, node: ast.AST) -> ExpressionError:
        return ExpressionError(problem, self.source, (node.col_offset, node.end_col_offset))

    def value(self, node: ast.expr) -> ast.expr:
        """A number, variable, constant, operation or call."""
        kinds = {ast.Constant: self.literal, ast.Name: self.name, ast.Call: self.call}
        kinds.update({ast.UnaryOp: self.operation, ast.BinOp: self.operation})
        if type(node) in kinds:
            return kinds[type(node)](node)
        raise self.error(_FORBIDDEN.get(type(node), f"{type(node).__name__} is not allowed"), node)

    def literal(self, node: ast.Constant) -> ast.Constant:
        value = node.value
        if type(value) is float or type(value) is int and abs(value) < 10**MAX_DIGITS:
            return self.number(value, node)
        problem = _LITERAL_PROBLEMS.get(type(value), f"{value!r} is not allowed")
        raise self.error(problem, node)

    def number(self, value: Any, node: ast.AST) -> ast.Constant:
        """A constant node; integers beyond float64's exact range become floats."""
        if isinstance(value, complex):
            raise self.error("this constant is a complex number, which is not supported", node)
        if isinstance(value, int) and abs(value) >= 2**53:
            try:
                value = float(value)
            except OverflowError:
                raise self.error("this constant is too large for a float", node) from None
        return ast.copy_location(ast.Constant(value), node)

    def name(self, node: ast.Name) -> ast.expr:
        name = node.id
        if name.startswith("_"):
            raise self.error(f"names starting with '_' are not allowed: rename '{name}'", node)
        is_free = name not in CONSTANTS and name not in FUNCTIONS
        if name in (self.variables or ()) or self.variables is None and is_free:
            self.first_seen.setdefault(name, node.col_offset)
            return node
        if name in CONSTANTS:
            return self.number(CONSTANTS[name], node)
        if name in FUNCTIONS:
            raise self.error(f"'{name}' is a function: call it, as in {name}(x)", node)
        listed = ", ".join(self.variables) or "none"
        hint = _suggestion(name, [*self.variables, *CONSTANTS, *FUNCTIONS])
        raise self.error(f"unknown name '{name}'; variables: {listed}{hint}", node)

    def operation(self, node: ast.UnaryOp | ast.BinOp) -> ast.expr:
        """A unary or binary operation, folded to a constant when its operands are constants."""
        if type(node.op) not in _OPERATORS:
            hint = ", and x**2 for a power" if isinstance(node.op, ast.BitXor) else ""
            problem = f"operator '{_SYMBOLS[type(node.op)]}' is not allowed: use + - * / ** @ % //"
            raise self.error(problem + hint, node)
        if isinstance(node, ast.UnaryOp):
            operands = [self.value(node.operand)]
            checked: ast.expr = ast.UnaryOp(node.op, *operands)
        else:
            operands = [self.value(node.left), self.value(node.right)]
            checked = ast.BinOp(operands[0], node.op, operands[1])
            exponent = operands[1].value if isinstance(operands[1], ast.Constant) else 0
            if isinstance(node.op, ast.Pow) and not abs(exponent) <= MAX_EXPONENT:
                problem = f"exponent {exponent!r} is too large (limit {MAX_EXPONENT})"
                raise self.error(problem, node.right)
        if not all(isinstance(operand, ast.Constant) for operand in operands):
            return ast.copy_location(checked, node)
        if isinstance(node.op, ast.MatMult):
            raise self.error("'@' multiplies arrays: use * for numbers", node)
        try:
            value = _OPERATORS[type(node.op)](*(operand.value for operand in operands))
        except (ArithmeticError, ValueError, TypeError) as error:
            raise self.error(f"cannot compute this constant: {error}", node) from None
        return self.number(value, node)

    def call(self, node: ast.Call) -> ast.Call:
        """A call of a whitelisted function; axis and keyword arguments must be literals."""
        if not isinstance(node.func, ast.Name):
            problem = "only functions named directly can be called, as in sin(x)"
            raise self.error(_FORBIDDEN.get(type(node.func), problem), node.func)
        name = node.func.id
        if name not in FUNCTIONS:
            raise self.error(self.not_a_function(name), node.func)
        value_count, axis_count, keywords = _SIGNATURES[name]
        if not value_count <= len(node.args) <= value_count + axis_count:
            expected = f"{value_count}" + (f" or {value_count + axis_count}" if axis_count else "")
            problem = f"{name}() takes {expected} argument(s), got {len(node.args)}"
            raise self.error(problem, node)
        arguments = [self.argument(argument) for argument in node.args[:value_count]]
        for argument in node.args[value_count:]:
            where = f"argument {value_count + 1} of {name}() is its {keywords[0]}"
            if name in ("max", "min"):
                where += f" (for the elementwise {name}imum write {name}imum(a, b))"
            arguments.append(self.literal_argument(argument, where))
        checked_keywords = []
        for item in node.keywords:
            if item.arg not in keywords:
                allowed = f"; allowed: {', '.join(keywords)}" if keywords else ""
                problem = f"{name}() takes no keyword '{item.arg}'{allowed}"
                raise self.error("**kwargs are not allowed" if item.arg is None else problem, item)
            value = self.literal_argument(item.value, f"keyword {item.arg} of {name}()")
            checked_keywords.append(ast.keyword(item.arg, value))
        return ast.copy_location(ast.Call(node.func, arguments, checked_keywords), node)

    def not_a_function(self, name: str) -> str:
        if name.startswith("_"):
            return f"names starting with '_' are not allowed: rename '{name}'"
        if self.variables is not None and name in self.variables:
            return f"'{name}' is a variable, not a function: for a product write {name}*(...)"
        if name in CONSTANTS:
            return f"'{name}' is a constant, not a function: for a product write {name}*(...)"
        listed = _suggestion(name, FUNCTIONS) or f"; functions: {', '.join(FUNCTIONS)}"
        return f"unknown function '{name}'{listed}"

    def argument(self, node: ast.expr) -> ast.expr:
        """A value argument: an expression, or a list or tuple of them, which is an array."""
        if not isinstance(node, (ast.List, ast.Tuple)):
            return self.value(node)
        items = [self.argument(item) for item in node.elts]
        if not all(isinstance(item, ast.Constant) for item in items):
            return ast.copy_location(ast.List(items, ast.Load()), node)
        try:
            array = np.array([item.value for item in items], dtype=np.float64)
        except ValueError:
            raise self.error("the rows of this list have different lengths", node) from None
        return ast.copy_location(ast.Constant(array), node)

    def literal_argument(self, node: ast.expr, where: str) -> ast.Constant:
        """An axis or keyword argument: a number, True, False, None or a tuple of integers."""
        value = _literal_value(node)
        if value is ... or isinstance(value, tuple) and not all(type(v) is int for v in value):
            kinds = "a number, True, False, None or a tuple of integers"
            raise self.error(f"{where}, which must be written out: {kinds}", node)
        return ast.copy_location(ast.Constant(value), node)


def _evaluate(node: ast.expr, values: dict[str, Any]) -> Any:
    """The value of a checked tree, by Python operators and chainrule.numpy calls only, so
    that traced values flow through."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return values[node.id]
    if isinstance(node, (ast.UnaryOp, ast.BinOp)):
        operands = [node.operand] if isinstance(node, ast.UnaryOp) else [node.left, node.right]
        operands = [_evaluate(operand, values) for operand in operands]
        return _OPERATORS[type(node.op)](*operands)
    if isinstance(node, ast.List):
        return cnp.stack([_evaluate(item, values) for item in node.elts])
    arguments = [_evaluate(argument, values) for argument in node.args]  # the rest are calls
    keywords = {item.arg: item.value.value for item in node.keywords}
    return FUNCTIONS[node.func.id](*arguments, **keywords)


class Expression:
    """A checked user expression: call it with one value per name, in the order of ``names``
    (``used``: those the text mentions, in order of first appearance). Values may be numbers,
    arrays or chainrule's traced values; plain Python numbers become NumPy float64 scalars, so
    that 1/0 and (-1)**0.5 follow NumPy.

    >>> f = parse_expression("sin(cos(x1 + x2))**2 + x3")
    >>> f
    Expression('sin(cos(x1 + x2))**2 + x3', names=('x1', 'x2', 'x3'))
    >>> round(float(f(1.0, 2.0, 3.0)), 6)
    3.698933
    """

    def __init__(self, source: str, names: tuple[str, ...], used: tuple[str, ...], tree: ast.expr):
        self.source, self.names, self.used, self._tree = source, names, used, tree
        # inspect.signature reads this: chainrule.capture labels the inputs with the names
        parameters = [inspect.Parameter(name, inspect.Parameter.POSITIONAL_ONLY) for name in names]
        self.__signature__ = inspect.Signature(parameters)

    def __call__(self, *values: Any) -> Any:
        if len(values) != len(self.names):
            raise TypeError(f"{self!r} takes {len(self.names)} values, got {len(values)}")
        values = tuple(np.float64(v) if isinstance(v, (int, float)) else v for v in values)
        return _evaluate(self._tree, dict(zip(self.names, values)))

    def __repr__(self) -> str:
        return f"Expression({self.source!r}, names={self.names!r})"


def parse_expression(text: str, variables: Iterable[str] | None = None) -> Expression:
    """Parse and check ``text``, one expression on one line, into a callable ``Expression``.

    With ``variables``, ``names`` is exactly ``tuple(variables)``: every free name must be one
    of them, and they shadow the constants. Without, every name that is not a function or a
    constant is a variable, in order of first appearance.

    Raises ExpressionError, its message pointing at the fault, for anything else.

    >>> parse_expression("x * y + sum(z, axis=0)", variables=["z", "y", "x"]).names
    ('z', 'y', 'x')
    >>> parse_expression("np.sin(x)")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    chainrule.cli.expression.ExpressionError: attribute access is not allowed: ...
    """
    names = None if variables is None else tuple(variables)
    for name in names or ():
        is_identifier = isinstance(name, str) and name.isidentifier() and name.isascii()
        if not is_identifier or keyword.iskeyword(name) or name.startswith("_"):
            raise ExpressionError(f"variable name {name!r} is not allowed: use letters and digits")
        if name in FUNCTIONS or names.count(name) > 1:
            fault = "is the name of a function" if name in FUNCTIONS else "is given twice"
            raise ExpressionError(f"variable name '{name}' {fault}: rename it")
    source = text.strip()
    _check_text(source)
    checker = _Checker(source, names)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the parser's, such as invalid escapes in strings
        checked = checker.value(_parse(source).body)
    used = tuple(sorted(checker.first_seen, key=checker.first_seen.__getitem__))
    return Expression(text, used if names is None else names, used, checked)


def _check_text(source: str) -> None:
    """Reject what the parser should not see: nothing, too much, odd characters, and deep
    brackets, on which CPython's parser may run out of stack."""
    if not source:
        raise ExpressionError("empty expression: write a formula such as sin(x1) * x2", "", (0, 0))
    if len(source) > MAX_LENGTH:
        problem = f"the expression has {len(source)} characters; the limit is {MAX_LENGTH}"
        raise ExpressionError(problem, source, (MAX_LENGTH, len(source)))
    depth = 0
    for column, char in enumerate(source):
        if char in "\r\n":
            raise ExpressionError("the expression must fit on one line", source, (column, column))
        if not " " <= char <= "~":
            problem = f"character {char!r} is not allowed: use ASCII letters, digits and operators"
            raise ExpressionError(problem, source, (column, column + 1))
        depth += (char in "([{") - (char in ")]}")
        if depth > MAX_DEPTH:
            raise ExpressionError(_TOO_DEEP, source, (column, column + 1))


def _parse(source: str) -> ast.Expression:
    """``ast.parse`` in eval mode, its failures explained, then the depth checked iteratively."""
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as error:
        _reject_statements(source)
        start, end = (error.offset or len(source) + 1) - 1, (error.end_offset or 0) - 1
        raise ExpressionError(f"syntax error: {error.msg}", source, (start, end)) from None
    except (RecursionError, MemoryError):  # how CPython's parser may fail on deep input
        raise ExpressionError(_TOO_DEEP, source, (0, len(source))) from None
    pending = [(tree.body, 1)]
    while pending:
        node, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise ExpressionError(_TOO_DEEP, source, (node.col_offset, node.end_col_offset))
        children = ast.iter_child_nodes(node)
        pending.extend((child, depth + isinstance(child, ast.expr)) for child in children)
    return tree


def _reject_statements(source: str) -> None:
    """Name the first statement beyond one expression, when the text parses as statements."""
    try:
        body = ast.parse(source).body
    except (SyntaxError, RecursionError, MemoryError):
        return
    extras = [statement for statement in body if not isinstance(statement, ast.Expr)]
    for statement in extras or body[1:]:
        problem = _FORBIDDEN.get(type(statement), "statements are not allowed: write an expression")
        raise ExpressionError(problem, source, (statement.col_offset, statement.end_col_offset))
