"""Redraw the pictures in docs/images from the seed example (needs Graphviz and Chromium).

    python scripts/docs_images.py

seed-graph.*: the graph with local partials; seed-forward.png and seed-reverse.png: the
graph annotated with forward mode's tangents (direction x2) and reverse mode's adjoints;
report.png: a screenshot of the HTML report that `chainrule explain --html` writes, taken
by headless Chromium (the page itself is not kept: it is generated).
"""

from __future__ import annotations

import pathlib
import shutil
import subprocess
import sys
import tempfile

import chainrule as cr
from chainrule.cli.demo import article_f as seed_function

IMAGES = pathlib.Path(__file__).resolve().parents[1] / "docs" / "images"


def main() -> int:
    IMAGES.mkdir(parents=True, exist_ok=True)
    point = (1.0, 2.0, 3.0)
    graph = cr.capture(seed_function)(*point)
    for suffix in ("svg", "png"):
        graph.render(IMAGES / f"seed-graph.{suffix}", partials=True)
    cr.explain(seed_function, *point, mode="forward", wrt="x2").render(IMAGES / "seed-forward.png")
    cr.explain(seed_function, *point, mode="reverse").render(IMAGES / "seed-reverse.png")
    page = pathlib.Path(tempfile.mkdtemp()) / "report.html"
    page.write_text(
        cr.html_report(
            seed_function, *point, wrt="x2", title="chainrule explains the seed example"
        ),
        encoding="utf-8",
    )
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        print("no Chromium: report.png not taken", file=sys.stderr)
        return 1
    subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--screenshot={IMAGES / 'report.png'}",
            "--window-size=1400,1900",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
    )
    print(f"wrote the pictures to {IMAGES}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
