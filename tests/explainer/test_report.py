"""The HTML report: self-contained, and complete when a real (headless) browser opens it."""

from __future__ import annotations

import re
import shutil
import subprocess

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.explainer.report import has_external_references


def seed(x1, x2, x3):
    return cnp.sin(cnp.cos(x1 + x2)) ** 2 + x3


def _browser() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        if shutil.which(name):
            return shutil.which(name)
    return None


def test_the_page_has_every_part_and_loads_nothing_from_elsewhere():
    page = cr.html_report(seed, 1.0, 2.0, 3.0, wrt="x2", timing=False)
    assert page.startswith("<!DOCTYPE html>")
    assert '<table class="sweep forward">' in page
    assert '<table class="sweep reverse">' in page
    assert '<table class="cost">' in page
    assert "∂t5/∂x3" in page  # the reverse table's last partial
    assert not has_external_references(page)
    if shutil.which("dot"):
        assert page.count("<svg") == 1
    else:
        assert "install Graphviz" in page


def test_external_references_are_detected():
    assert has_external_references('<script src="https://cdn.example/x.js"></script>')
    assert has_external_references('<link href="//fonts.example/a.css">')
    assert not has_external_references('<a href="#forward">forward</a>')


def test_markup_in_values_is_escaped():
    def tricky(x):
        return cnp.sum(x * 2.0)

    page = cr.html_report(tricky, np.array([1.0, 2.0]), timing=False, title="<b>&</b>")
    assert "<title>&lt;b&gt;&amp;&lt;/b&gt;</title>" in page


# Run in the browser: record how large the picture is drawn and what the tables hold.
_PROBE = """
<script>
window.addEventListener("load", () => {
  const svg = document.querySelector(".graph svg");
  const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
  const rows = (css) => document.querySelectorAll(css + " tbody tr").length;
  const probe = document.createElement("pre");
  probe.id = "probe";
  probe.textContent = JSON.stringify({
    graphWidth: box.width, graphHeight: box.height,
    graphNodes: svg ? svg.querySelectorAll("g.node").length : 0,
    forwardRows: rows("table.sweep.forward"), reverseRows: rows("table.sweep.reverse"),
    costRows: rows("table.cost"),
  });
  document.body.appendChild(probe);
});
</script>
"""


@pytest.mark.skipif(_browser() is None, reason="no headless Chromium (apt-get install chromium)")
@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_a_real_browser_shows_the_graph_and_all_three_tables(tmp_path):
    import json

    page = cr.html_report(seed, 1.0, 2.0, 3.0, wrt="x2", timing=False)
    path = tmp_path / "seed.html"
    path.write_text(page.replace("</body>", _PROBE + "</body>"), encoding="utf-8")
    browser = [_browser(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
    dom = subprocess.run(
        [*browser, "--virtual-time-budget=2000", "--dump-dom", path.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom)
    assert found, "the page did not finish loading in the browser"
    probe = json.loads(found.group(1).replace("&quot;", '"'))
    assert probe["graphWidth"] > 300 and probe["graphHeight"] > 50
    # 3 inputs, 5 values, 5 steps and the constant exponent 2.
    assert probe["graphNodes"] == 14
    assert probe["forwardRows"] == 5  # one per step from x2 to the output
    assert probe["reverseRows"] == 10  # 7 chain-rule products and the 3 inputs' sums
    assert probe["costRows"] == 6

    screenshot = tmp_path / "seed.png"
    subprocess.run(
        [*browser, f"--screenshot={screenshot}", "--window-size=1400,1800", path.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    data = screenshot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1400, 1800)
