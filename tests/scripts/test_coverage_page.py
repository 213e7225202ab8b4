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


def _missing_ufuncs(page) -> list[str]:
    lines, _ = page.section("numpy", "numpy", "chainrule.numpy")
    missing_line = next(line for line in lines if line.startswith("**Not supported**"))
    names = [part.strip("`., ") for part in missing_line.split(". ", 1)[1].split(", ")]
    return [
        name
        for name in names
        if isinstance(getattr(np, name, None), np.ufunc)
        and any(t in ("d->d", "dd->d") for t in getattr(np, name).types)
    ]


def test_functions_listed_as_unsupported_raise_naming_themselves(page):
    names = _missing_ufuncs(page)
    assert names, "expected some float ufuncs among the unsupported functions"
    for name in names:
        ufunc = getattr(np, name)
        args = (np.array([0.5, 1.5]),) * ufunc.nin
        with pytest.raises(NotImplementedError, match=f"numpy.{name}"):
            cr.grad(lambda *a, u=ufunc: np.sum(u(*a)))(*args)


def test_supported_rows_name_registered_primitives(page):
    import chainrule.numpy as cnp

    reached = page.reached_primitives(cnp.std)
    assert {"sqrt", "sum"} <= {p.name for p in reached}
    assert page._status(page.reached_primitives(cnp.argmax))[0] == "no derivative"
    assert page._status(page.reached_primitives(cnp.sin)) == ("yes", "yes", "yes")
