"""Plain-text and HTML tables for the explainer's reports."""

from __future__ import annotations

import html
import textwrap
import unicodedata
from collections.abc import Sequence


def text_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: combining accents (the dot of ṫ) take none."""
    return sum(0 if unicodedata.combining(ch) else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    space = " " * (width - text_width(text))
    return space + text if right else text + space


def text_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int] = ()
) -> str:
    """Columns aligned with spaces, a rule under the headers; ``right`` lists columns
    aligned to the right (numbers)."""
    widths = [text_width(h) for h in headers]
    for row in rows:
        for column, cell in enumerate(row):
            widths[column] = max(widths[column], text_width(cell))
    right = set(right)

    def line(cells: Sequence[str]) -> str:
        padded = [_pad(c, widths[i], i in right) for i, c in enumerate(cells)]
        return "  ".join(padded).rstrip()

    out = [line(headers), "  ".join("-" * w for w in widths)]
    out.extend(line(row) for row in rows)
    return "\n".join(out)


def html_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    css_class: str,
    right: Sequence[int] = (),
) -> str:
    """The same table as HTML (cells escaped), with a class for styling and tests."""
    right = set(right)

    def cell(tag: str, text: str, column: int) -> str:
        style = ' class="num"' if column in right else ""
        return f"<{tag}{style}>{html.escape(text)}</{tag}>"

    head = "".join(cell("th", h, i) for i, h in enumerate(headers))
    body = "\n".join(
        "<tr>" + "".join(cell("td", c, i) for i, c in enumerate(row)) + "</tr>" for row in rows
    )
    return (
        f'<table class="{css_class}">\n<thead><tr>{head}</tr></thead>\n'
        f"<tbody>\n{body}\n</tbody>\n</table>"
    )


def wrap(line: str, width: int = 92) -> str:
    """A long sentence folded to ``width`` columns, its continuation lines indented
    like its first line."""
    indent = line[: len(line) - len(line.lstrip())]
    return textwrap.fill(line, width, subsequent_indent=indent + ("  " if indent else ""))
