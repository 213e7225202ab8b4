"""docs/coverage.md is generated from the library (scripts/coverage_page.py) and stays true."""

from __future__ import annotations

import importlib.util
import pathlib

import numpy as np
import pytest

import chainrule as cr

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _script():
    spec = importlib.util.spec_from_file_location(
        "coverage_page", ROOT / "scripts/coverage_page.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def page():
    return _script()


def _registry_table(text: str) -> str:
    return text[text.index("## The registry") :]


def test_page_is_up_to_date(page):
    written = page.PAGE.read_text()
    fresh = page.render()
    # The registry table depends only on chainrule: it must always match.
    assert _registry_table(written) == _registry_table(fresh), (
        "docs/coverage.md is out of date: run python scripts/coverage_page.py"
    )
    if page.versions() not in written:
        pytest.skip(
            f"docs/coverage.md lists names against other NumPy/SciPy versions than the "
            f"installed {page.versions()}; only its registry table was compared"
        )
    assert written == fresh, "docs/coverage.md is out of date: run python scripts/coverage_page.py"


def test_check_mode_reports_a_stale_page(page, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(page, "PAGE", tmp_path / "coverage.md")
    assert page.main(["--check"]) == 1
    assert "out of date" in capsys.readouterr().err
    assert page.main([]) == 0
    assert page.main(["--check"]) == 0


def _missing(page) -> list[str]:
    lines, _ = page.section("numpy", "numpy", "chainrule.numpy")
    missing_line = next(line for line in lines if line.startswith("**Not supported**"))
    return [part.strip("`., ") for part in missing_line.split(". ", 1)[1].split(", ")]


# Unsupported functions that take one array, beyond the ufuncs: each must refuse a tracer.
ARRAY_FUNCTIONS = {
    "i0": lambda x: np.i0(x),
    "choose": lambda x: np.choose([0, 1], [x, -x]),
    "histogram2d": lambda x: np.histogram2d(x, x, bins=2)[1],
    "apply_along_axis": lambda x: np.apply_along_axis(np.sum, 0, x),
}


def test_functions_listed_as_unsupported_raise_naming_themselves(page):
    missing = _missing(page)
    ufuncs = [name for name in missing if isinstance(getattr(np, name, None), np.ufunc)]
    assert ufuncs, "expected some ufuncs (integer and bitwise ones) among the unsupported"
    assert set(ARRAY_FUNCTIONS) <= set(missing), "the page no longer lists these as unsupported"
    calls = {name: getattr(np, name) for name in ufuncs}
    calls.update(ARRAY_FUNCTIONS)
    for name, call in calls.items():
        nin = getattr(np, name).nin if name in ufuncs else 1
        args = (np.array([0.5, 1.5]),) * nin
        named = getattr(np, name).__name__  # an alias (bitwise_invert) names its ufunc (invert)
        with pytest.raises(NotImplementedError, match=f"numpy.{named}"):
            cr.grad(lambda *a, c=call: np.sum(c(*a)))(*args)


def test_supported_rows_name_registered_primitives(page):
    import chainrule.numpy as cnp

    reached = page.reached_primitives(cnp.std)
    assert {"sqrt", "sum"} <= {p.name for p in reached}
    assert page._status(page.reached_primitives(cnp.argmax))[0] == "no derivative"
    assert page._status(page.reached_primitives(cnp.sin)) == ("yes", "yes", "yes")
