"""Write docs/coverage.md: what chainrule differentiates, generated from the library itself.

For every public function of numpy, numpy.linalg, numpy.fft, scipy.special, scipy.stats
and scipy.linalg the page says whether chainrule has it and, when it has, which
registered primitives it reaches (followed through the function's code, its closures
and the chainrule functions it calls) and whether those carry forward-mode,
reverse-mode and second-order rules. Functions chainrule lacks are listed too; calling
one of them on a traced value raises an error naming it.

    python scripts/coverage_page.py            # rewrite docs/coverage.md
    python scripts/coverage_page.py --check    # exit 1 when the page is out of date

tests/scripts/test_coverage_page.py runs the check.
"""

from __future__ import annotations

import argparse
import dis
import importlib
import inspect
import pathlib
import sys
import types
from typing import Any

import numpy as np

from chainrule.core import Primitive, registry
from chainrule.numpy import protocols

ROOT = pathlib.Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "coverage.md"

# (title, the reference module, chainrule's module or None when it cannot be imported)
SECTIONS = [
    ("numpy", "numpy", "chainrule.numpy"),
    ("numpy.linalg", "numpy.linalg", "chainrule.numpy.linalg"),
    ("numpy.fft", "numpy.fft", "chainrule.numpy.fft"),
    ("scipy.special", "scipy.special", "chainrule.scipy.special"),
    ("scipy.stats", "scipy.stats", "chainrule.scipy.stats"),
    ("scipy.linalg", "scipy.linalg", "chainrule.scipy.linalg"),
    ("scipy.signal", "scipy.signal", "chainrule.scipy.signal"),
    ("scipy.integrate", "scipy.integrate", "chainrule.scipy.integrate"),
]
# Methods of a scipy.stats distribution that the page looks for.
DISTRIBUTION_METHODS = ("pdf", "logpdf", "pmf", "logpmf", "cdf", "logcdf", "sf", "logsf", "ppf")


def _import(name: str) -> types.ModuleType | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _codes(code: types.CodeType):
    """A code object and every code object nested in it (lambdas, inner functions)."""
    yield code
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            yield from _codes(constant)


def _is_ours(value: Any) -> bool:
    return (getattr(value, "__module__", None) or "").startswith("chainrule")


def reached_primitives(function: Any) -> set[Primitive]:
    """The registered primitives ``function`` can apply, by walking its code.

    Follows the global names its bytecode loads, attributes read from chainrule modules,
    closure cells and methods of chainrule objects. A name on a path never taken still
    counts, the safe side for a page that reports missing rules.
    """
    found: set[Primitive] = set()
    seen: set[int] = set()
    stack = [function]
    while stack:
        value = stack.pop()
        if isinstance(value, Primitive):
            found.add(value)
            continue
        if id(value) in seen:
            continue
        seen.add(id(value))
        if inspect.ismethod(value):  # its function, and the object behind self.<method> calls
            stack.append(value.__func__)
            stack.append(value.__self__)
            continue
        if isinstance(value, (classmethod, staticmethod)):
            stack.append(value.__func__)
            continue
        if not inspect.isfunction(value):
            if _is_ours(type(value)) and not inspect.isclass(value):  # an object: its methods
                stack.extend(getattr(type(value), n) for n in dir(type(value)) if n[:2] != "__")
            continue
        if not _is_ours(value):
            continue
        stack.extend(cell.cell_contents for cell in value.__closure__ or () if _has(cell))
        globals_ = value.__globals__
        for code in _codes(value.__code__):
            module = None  # a chainrule module just loaded, whose attribute comes next
            for instruction in dis.get_instructions(code):
                if instruction.opname in ("LOAD_GLOBAL", "LOAD_NAME"):
                    target = globals_.get(instruction.argval)
                    module = None
                    if isinstance(target, types.ModuleType):
                        if target.__name__.startswith("chainrule"):
                            module = target
                    elif target is not None:
                        stack.append(target)
                elif instruction.opname in ("LOAD_ATTR", "LOAD_METHOD") and module is not None:
                    stack.append(getattr(module, instruction.argval, None))
                    module = None
    return found


def _has(cell: Any) -> bool:
    try:
        _ = cell.cell_contents
    except ValueError:  # an empty cell (a name not yet bound)
        return False
    return True


def _public_functions(module: types.ModuleType) -> list[str]:
    names = getattr(module, "__all__", None) or [n for n in dir(module) if not n.startswith("_")]
    result = []
    for name in sorted(set(names)):
        value = getattr(module, name, None)
        if isinstance(value, (types.FunctionType, types.BuiltinFunctionType, np.ufunc)):
            result.append(name)
        elif callable(value) and not inspect.isclass(value):
            result.append(name)
    return result


def _first_sentence(function: Any) -> str:
    doc = inspect.getdoc(function) or ""
    text = " ".join(doc.split("\n\n")[0].split())
    text = text.split(". ")[0].rstrip(".")
    return text.replace("|", "\\|")


def _status(primitives: set[Primitive]) -> tuple[str, str, str]:
    differentiable = [p for p in primitives if p.is_differentiable]
    if not differentiable:
        return ("no derivative", "no derivative", "")
    forward = all(p.jvp is not None for p in differentiable)
    reverse = all(p.vjp is not None for p in differentiable)
    # Rules are written with primitives (STYLE.md), so each differentiates again; the
    # registry test runs every primitive's rules at second order.
    second = forward and reverse
    return ("yes" if forward else "no", "yes" if reverse else "no", "yes" if second else "no")


def _row(name: str, function: Any) -> str:
    primitives = reached_primitives(function)
    forward, reverse, second = _status(primitives)
    names = sorted(p.name for p in primitives if p.is_differentiable)
    shown = ", ".join(names[:6]) + (f", … ({len(names)})" if len(names) > 6 else "")
    return (
        f"| `{name}` | {forward} | {reverse} | {second} | {shown} | {_first_sentence(function)} |"
    )


_ALIASES = {"amax": "max", "amin": "min", "absolute": "abs", "around": "round"}


def _ours(namespace: types.ModuleType | None, name: str) -> Any:
    if namespace is None:
        return None
    value = getattr(namespace, _ALIASES.get(name, name), None)
    return value if value is not None and _is_ours(value) else None


def _distribution_rows(reference: types.ModuleType, ours: types.ModuleType | None) -> tuple:
    supported, missing = [], []
    for name in sorted(getattr(reference, "__all__", dir(reference))):
        distribution = getattr(reference, name, None)
        if not any(hasattr(distribution, m) for m in ("pdf", "pmf", "logpdf")):
            continue
        if inspect.isclass(distribution) or isinstance(distribution, types.ModuleType):
            continue
        our = getattr(ours, name, None) if ours is not None else None
        if our is None or not _is_ours(our) and not _is_ours(type(our)):
            missing.append(name)
            continue
        for method in DISTRIBUTION_METHODS:
            function = getattr(our, method, None)
            if function is not None and hasattr(distribution, method):
                supported.append(_row(f"{name}.{method}", function))
    return supported, missing


def section(title: str, reference_name: str, ours_name: str) -> tuple[list[str], dict]:
    reference = _import(reference_name)
    if reference is None:
        return [f"## {title}", "", f"{reference_name} is not installed here.", ""], {}
    ours = _import(ours_name)
    lines = [f"## {title}", ""]
    if ours is None:
        lines += [f"`{ours_name}` cannot be imported here (it needs SciPy).", ""]
    if reference_name == "scipy.stats":
        rows, missing = _distribution_rows(reference, ours)
        no_derivative: list[str] = []
    else:
        rows, missing, no_derivative = [], [], []
        for name in _public_functions(reference):
            function = _ours(ours, name)
            if function is not None:
                rows.append(_row(name, function))
            elif ours is not None and getattr(ours, name, None) is getattr(reference, name):
                no_derivative.append(name)  # NumPy's own, re-exported: creates arrays
            elif reference_name == "numpy" and name in protocols._NO_DERIVATIVE:
                no_derivative.append(name)
            else:
                missing.append(name)
    lines += [
        "| function | forward | reverse | second order | primitives reached | note |",
        "|---|---|---|---|---|---|",
        *rows,
        "",
    ]
    if no_derivative:
        lines += [
            f"**Accepted, without a derivative** ({len(no_derivative)}): they create arrays "
            "from shapes and numbers, or their results are integers, booleans or dtypes, "
            "so NumPy computes them from the plain values: "
            + ", ".join(f"`{n}`" for n in no_derivative)
            + ".",
            "",
        ]
    if reference_name.startswith("numpy"):
        behaviour = "called on a traced value, each raises NotImplementedError naming it."
    else:
        behaviour = (
            f"`{ours_name}` has no such name, and SciPy's own function called on a traced "
            "value stops with chainrule's TypeError about np.asarray (SciPy converts its "
            "arguments first), or, for a ufunc, a NotImplementedError naming it."
        )
    lines += [
        f"**Not supported** ({len(missing)}): {behaviour} "
        + ", ".join(f"`{n}`" for n in missing)
        + ".",
        "",
    ]
    counts = {"supported": len(rows), "no derivative": len(no_derivative), "missing": len(missing)}
    return lines, counts


def _primitive_table() -> list[str]:
    lines = [
        "## The registry",
        "",
        "Every registered primitive, by family: the operations whose derivative rules are "
        "written out (`chainrule/primitives/<family>.py`). Everything above is composed "
        "of these.",
        "",
        "| family | primitive | forward rule | reverse rule |",
        "|---|---|---|---|",
    ]
    for primitive in sorted(registry.values(), key=lambda p: (p.family, p.name)):
        if primitive.is_differentiable:
            forward = "yes" if primitive.jvp is not None else "no"
            reverse = "yes" if primitive.vjp is not None else "no"
        else:
            forward = reverse = "no derivative"
        lines.append(f"| {primitive.family} | `{primitive.name}` | {forward} | {reverse} |")
    return lines + [""]


def versions() -> str:
    scipy = _import("scipy")
    scipy_version = scipy.__version__ if scipy is not None else "not installed"
    return f"NumPy {np.__version__}, SciPy {scipy_version}"


def render() -> str:
    """The whole page."""
    body, summary = [], []
    for title, reference_name, ours_name in SECTIONS:
        lines, counts = section(title, reference_name, ours_name)
        body += lines
        if counts:
            summary.append(
                f"| {title} | {counts['supported']} | {counts['no derivative']} | "
                f"{counts['missing']} |"
            )
    head = [
        "# Coverage",
        "",
        "<!-- Generated by scripts/coverage_page.py; do not edit by hand. -->",
        "",
        "What chainrule differentiates, generated from the library itself by "
        "`python scripts/coverage_page.py` (tests/scripts/test_coverage_page.py fails "
        f"when this page is out of date). Listed against {versions()}.",
        "",
        "For each supported function the page follows its code to the registered "
        "primitives it can apply and reports whether they all have a forward-mode (JVP) "
        "rule, a reverse-mode (VJP) rule, and rules that differentiate again (second "
        "order and beyond). *No derivative* means the result is an integer, boolean or "
        "piecewise-constant value: it is computed, and carries a zero derivative. The "
        "note is the first sentence of chainrule's docstring; argument-specific limits "
        "(an argument that is not differentiable, a method not supported) are in the "
        "docstrings and raise a clear error when met. Complex numbers: docs/complex.md.",
        "",
        "| namespace | supported | accepted, no derivative | not supported |",
        "|---|---|---|---|",
        *summary,
        "",
    ]
    return "\n".join(head + body + _primitive_table())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the page is stale")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if not PAGE.exists() or PAGE.read_text() != text:
            print(f"{PAGE} is out of date: run python scripts/coverage_page.py", file=sys.stderr)
            return 1
        return 0
    PAGE.write_text(text)
    print(f"wrote {PAGE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
