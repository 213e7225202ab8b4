"""One self-contained HTML page: the graph, the forward and reverse sweeps, the cost.

Everything is inline (styles, the SVG picture), so the page opens without a network.
"""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Callable
from typing import Any

from chainrule.explainer.capture import capture
from chainrule.explainer.cost import CostReport
from chainrule.explainer.explanation import Explanation, merged_notes, sweep_of
from chainrule.explainer.graph import Graph, _run_dot

_STYLE = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2em auto;
       max-width: 78em; padding: 0 1em; color: #1b1f23; line-height: 1.4; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; margin-top: 1.8em; border-bottom: 1px solid #d0d7de; }
code, pre, td { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.9em; }
pre { background: #f6f8fa; padding: 0.8em; overflow-x: auto; }
table { border-collapse: collapse; margin: 0.8em 0; }
th, td { border: 1px solid #d0d7de; padding: 0.25em 0.6em; text-align: left;
         vertical-align: top; white-space: nowrap; }
th { background: #f6f8fa; font-family: inherit; }
td.num { text-align: right; }
.top { display: flex; flex-wrap: wrap; gap: 1.5em; align-items: flex-start; }
.top > .figure { flex: 0 1 auto; min-width: 0; }
.top > .side { flex: 1 1 24em; min-width: 0; }
.figure { overflow-x: auto; border: 1px solid #d0d7de; padding: 0.5em; }
.figure svg { max-width: 100%; height: auto; }
.note { color: #57606a; }
"""


def _svg_of(dot_text: str) -> str:
    svg = _run_dot(dot_text, "svg", "html report").decode()
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


def html_page(
    graph: Graph,
    explanations: list[Explanation],
    cost: CostReport | None = None,
    title: str = "",
    formula: str = "",
) -> str:
    """The report page as a string, from pieces already computed."""
    title = title or f"chainrule explains {graph.name}"
    parts = [f"<h1>{html.escape(title)}</h1>"]
    if formula:
        parts.append(f'<p class="formula"><code>{html.escape(formula)}</code></p>')
    parts.append("<h2>The computational graph</h2>")
    side = [
        "<p>The steps, in the order the function ran them:</p>",
        f'<pre class="listing">{html.escape(str(graph))}</pre>',
    ]
    if cost is not None:
        side += ["<h2>What each mode costs for the whole Jacobian</h2>", cost.to_html()]
    if shutil.which("dot") is not None:
        dot_text = graph.to_dot(partials=True, notes=merged_notes(explanations), direction="TB")
        side.insert(
            0,
            '<p class="note">Inputs in blue, steps as boxes, the output circled twice. Edges '
            "carry the local partial derivatives; in each value's node: its name, its value, "
            "its tangent (forward mode, ẋ) and its adjoint (reverse mode, x̄).</p>",
        )
        figure = f'<div class="figure graph">{_svg_of(dot_text)}</div>'
    else:
        side.insert(
            0,
            '<p class="note">The picture needs Graphviz\'s <code>dot</code> program, which '
            "was not found; install Graphviz to include it.</p>",
        )
        figure = ""
    parts.append(f'<div class="top">{figure}\n<div class="side">{"".join(side)}</div></div>')
    for explanation in explanations:
        heading = "Forward mode" if explanation.mode == "forward" else "Reverse mode"
        parts.append(f"<h2>{heading}, step by step</h2>")
        parts.append(explanation.to_html())
    body = "\n".join(parts)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def html_report(
    f: Callable[..., Any],
    *args: Any,
    wrt: Any = None,
    timing: bool = True,
    title: str = "",
) -> str:
    """A self-contained HTML page explaining ``f`` at ``args``: the graph (drawn when
    Graphviz is installed), the forward sweep along ``wrt`` (default the first input),
    the reverse sweep, and the cost of both modes (timed unless ``timing=False``).

    >>> import chainrule as cr, chainrule.numpy as cnp
    >>> page = cr.html_report(lambda x: cnp.sin(x) * x, 0.5, timing=False)
    >>> page.startswith("<!DOCTYPE html>") and 'class="sweep reverse"' in page
    True
    """
    graph = capture(f)(*args)
    explanations = [sweep_of(graph, "forward", wrt), sweep_of(graph, "reverse")]
    report = CostReport(graph)
    if timing:
        report.measure(f, *args)
    return html_page(graph, explanations, report, title)


def has_external_references(page: str) -> bool:
    """Does ``page`` load anything from elsewhere (scripts, styles, images, fonts)?"""
    pattern = r"""(src|href)\s*=\s*["'](https?:)?//|@import|url\(\s*["']?https?:"""
    return bool(re.search(pattern, page))
