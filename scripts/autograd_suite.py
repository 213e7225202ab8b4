"""Run HIPS autograd's own gradient tests against chainrule, through a thin name mapping.

autograd's test files are taken unchanged from its source distribution (downloaded with
pip into a cache the first time). They import `autograd`, `autograd.numpy`,
`autograd.scipy...` and `autograd.test_util`; tests/autograd_suite/shim/autograd maps
those names onto chainrule (grad -> cr.grad, check_grads -> cr.check_grads,
autograd.numpy -> chainrule.numpy with NumPy's own function for a name chainrule lacks).
Nothing else changes, so each test asks chainrule for the derivative autograd's authors
checked.

Every failure is put in one of four classes:
  refused       chainrule refused with a clear error (NotImplementedError, or TypeError /
                ValueError from chainrule) - a function or argument it does not cover;
  wrong number  a derivative disagreed with finite differences or an expected value;
  autograd only the test calls an API that NumPy and SciPy do not have (autograd's own
                extensions such as np.make_diagonal), or expects autograd's own limits;
  other         anything else.

    python scripts/autograd_suite.py                  # the table; exit 1 on a wrong number
    python scripts/autograd_suite.py --list           # also every failing test and why
"""

from __future__ import annotations

import argparse
import os
import pathlib
import subprocess
import sys
import tarfile
import tempfile
import xml.etree.ElementTree as ElementTree

ROOT = pathlib.Path(__file__).resolve().parents[1]
SHIM = ROOT / "tests" / "autograd_suite" / "shim"
VERSION = "1.9.1"
CACHE = (
    pathlib.Path(os.environ.get("CHAINRULE_CACHE", pathlib.Path.home() / ".cache" / "chainrule"))
    / f"autograd-{VERSION}-tests"
)
# autograd's tests of NumPy and SciPy derivatives. Left out: tests of autograd's own
# engine and containers (core, graphs, wrappers, vspaces, dict/list/tuple boxes,
# performance, test_tests), which exercise autograd internals, not NumPy code.
FILES = [
    "test_numpy.py",
    "test_systematic.py",
    "test_linalg.py",
    "test_fft.py",
    "test_scipy.py",
    "test_complex.py",
    "test_binary_ops.py",
    "test_scalar_ops.py",
    "test_truediv.py",
    "test_logic.py",
    "test_jacobian.py",
    "test_direct.py",
]
_REFUSED_MARKERS = (
    "chainrule has no derivative rule",
    "not supported",
    "chainrule.",
    "cr.custom_jvp",
    "grad: the function must return a scalar",
)
# Failures that come from autograd's own API (not NumPy's or SciPy's), by test name.
AUTOGRAD_ONLY = {
    "test_make_diagonal": "np.make_diagonal is autograd's, not NumPy's",
    "test_diagonal": "uses np.make_diagonal, autograd's, not NumPy's",
    "test_pinv": "uses np.linalg._dot, a private autograd helper",
    "test_convolve_generalization": "autograd's convolve(axes=, dot_axes=), not SciPy's",
    "test_convolve_ignore": "autograd's convolve(axes=, dot_axes=), not SciPy's",
    "test_convolve_ignore_dot": "autograd's convolve(axes=, dot_axes=), not SciPy's",
    "test_rfftn_odd_not_implemented": "expects autograd's NotImplementedError; chainrule "
    "differentiates rfftn of odd sizes",
}


def fetch_tests() -> pathlib.Path:
    """autograd's tests/ folder, from the cache or from its source distribution via pip."""
    if (CACHE / "conftest.py").exists():
        return CACHE
    with tempfile.TemporaryDirectory() as download:
        command = [
            sys.executable, "-m", "pip", "download", f"autograd=={VERSION}",
            "--no-binary", ":all:", "--no-deps", "-q", "-d", download,
        ]  # fmt: skip
        subprocess.run(command, check=True)
        archive = next(pathlib.Path(download).glob("autograd-*.tar.gz"))
        CACHE.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive) as tar:
            for member in tar.getmembers():
                parts = pathlib.PurePosixPath(member.name).parts
                if len(parts) == 3 and parts[1] == "tests" and member.isfile():
                    source = tar.extractfile(member)
                    (CACHE / parts[2]).write_bytes(source.read())
    return CACHE


def run(tests: pathlib.Path, report: pathlib.Path) -> None:
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join([str(SHIM), str(tests)]))
    command = [
        sys.executable, "-m", "pytest", *FILES, "-q", "-p", "no:cacheprovider",
        "-o", "addopts=", "-W", "ignore", f"--junitxml={report}", "--rootdir", str(tests),
    ]  # fmt: skip
    subprocess.run(command, cwd=tests, env=environment, stdout=subprocess.DEVNULL, check=False)


def classify(test: str, message: str, kind: str) -> str:
    if test in AUTOGRAD_ONLY:
        return "autograd only"
    refusals = ("NotImplementedError", "TypeError", "ValueError", "numpy.linalg.LinAlgError")
    if kind in refusals and any(marker in message for marker in _REFUSED_MARKERS):
        return "refused"
    if kind == "AssertionError":
        return "wrong number"
    return "other"


def results(report: pathlib.Path) -> list[dict]:
    rows = []
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        outcome, kind, message = "passed", "", ""
        for child in case:
            if child.tag in ("failure", "error"):
                outcome = "failed"
                text = child.get("message") or ""
                kind = text.split(":", 1)[0].strip()
                message = text
            elif child.tag == "skipped":
                outcome = "skipped"
        file = (case.get("classname") or "").split(".")[0] + ".py"
        name = case.get("name") or ""
        verdict = classify(name.split("[")[0], message, kind) if outcome == "failed" else outcome
        rows.append({"file": file, "test": case.get("name"), "verdict": verdict, "why": message})
    return rows


def table(rows: list[dict]) -> str:
    columns = ["passed", "refused", "wrong number", "autograd only", "other", "skipped"]
    lines = [
        "| file | tests | " + " | ".join(columns) + " |",
        "|---" * (len(columns) + 2) + "|",
    ]
    for file in sorted({r["file"] for r in rows}) + ["all"]:
        chosen = [r for r in rows if file in ("all", r["file"])]
        counts = [sum(r["verdict"] == c for r in chosen) for c in columns]
        lines.append(f"| {file} | {len(chosen)} | " + " | ".join(map(str, counts)) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="list every failing test")
    parser.add_argument("--tests", type=pathlib.Path, help="autograd's tests/ folder")
    args = parser.parse_args(argv)
    tests = args.tests or fetch_tests()
    with tempfile.TemporaryDirectory() as scratch:
        report = pathlib.Path(scratch) / "report.xml"
        run(tests, report)
        rows = results(report)
    print(table(rows))
    if args.list:
        for row in rows:
            if row["verdict"] not in ("passed", "skipped"):
                why = " ".join(row["why"].split())[:300]
                print(f"- {row['verdict']}: {row['file']}::{row['test']}: {why}")
    return 1 if any(r["verdict"] == "wrong number" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
