"""The layout is the architecture: imports point down only, core stays small, files short."""

import ast
import pathlib

PACKAGE = pathlib.Path(__file__).resolve().parents[2] / "chainrule"
# A module may import from its own layer or the layers listed after it.
LAYERS = {
    "tree": set(),
    "core": {"core"},
    "primitives": {"core", "primitives", "tree"},
    "numpy": {"core", "primitives", "numpy", "tree"},
    "scipy": {"core", "primitives", "numpy", "scipy", "tree"},
    "transforms": {"core", "primitives", "numpy", "transforms", "tree"},
    "explainer": {"core", "primitives", "numpy", "transforms", "explainer", "tree"},
    "nn": {"core", "primitives", "numpy", "transforms", "nn", "tree"},
    "cli": {"core", "primitives", "numpy", "transforms", "explainer", "cli", "tree"},
    "optim": {"core", "primitives", "numpy", "transforms", "optim", "tree"},
    "optimize": {"core", "primitives", "numpy", "transforms", "optimize", "tree"},
}
CORE_LINE_BUDGET = 700


def _chainrule_imports(path: pathlib.Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "chainrule" and len(parts) > 1:
                found.add(parts[1])
    return found


def test_imports_point_down_only():
    problems = []
    for layer, allowed in LAYERS.items():
        module = PACKAGE / f"{layer}.py"
        paths = [module] if module.exists() else (PACKAGE / layer).glob("*.py")
        for path in paths:
            if not path.exists():
                continue
            upward = _chainrule_imports(path) - allowed
            if upward:
                problems.append(f"{path.relative_to(PACKAGE)} imports {sorted(upward)}")
    assert not problems, problems


def test_core_is_small():
    lines = sum(
        1
        for path in (PACKAGE / "core").glob("*.py")
        for line in path.read_text().splitlines()
        if line.strip() and not line.strip().startswith("#")
    )
    assert lines <= CORE_LINE_BUDGET, f"core/ has {lines} non-blank lines"


def test_no_file_over_500_lines_and_every_module_has_a_docstring():
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text()
        assert len(text.splitlines()) <= 500, f"{path.relative_to(PACKAGE)} is too long"
        if text.strip():
            assert ast.get_docstring(ast.parse(text)), (
                f"{path.relative_to(PACKAGE)} lacks a docstring"
            )
