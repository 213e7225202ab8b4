"""The report: one table of medians and ratios, as aligned text or Markdown, and JSON.

Ratios divide a row's median by the median of the hand-written row of the same case
("x hand": how far from the practical limit) and by chainrule's row of the same case
("x chainrule": above 1 means slower than chainrule).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from benchmarks.harness import OK, ExtraTable, Record

HEADERS = ["Workload", "Case", "Framework", "Median", "x hand", "x chainrule", "Peak mem", "Note"]
_RIGHT_ALIGNED = {"Median", "x hand", "x chainrule", "Peak mem"}


def format_seconds(seconds: float) -> str:
    """Three significant digits in the unit that keeps the number between 1 and 1000."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def format_bytes(count: int) -> str:
    """Binary units: KiB below one MiB, MiB above."""
    if count < 2**20:
        return f"{count / 2**10:.0f} KiB"
    return f"{count / 2**20:.1f} MiB"


def format_ratio(ratio: float) -> str:
    if ratio < 0.1:
        return f"{ratio:.2g}"
    return f"{ratio:.2f}" if ratio < 10 else f"{ratio:.1f}" if ratio < 100 else f"{ratio:.0f}"


def _reference(records: list[Record], record: Record, wanted: Any) -> float | None:
    for other in records:
        same_case = (other.workload, other.case) == (record.workload, record.case)
        if same_case and other.status == OK and wanted(other):
            return other.seconds
    return None


def _cells(records: list[Record], record: Record) -> list[str]:
    limit = _reference(records, record, lambda r: r.is_limit)
    ours = _reference(records, record, lambda r: r.framework == "chainrule")
    if record.status == OK:
        median = format_seconds(record.seconds)
        versus_limit = format_ratio(record.seconds / limit) if limit else ""
        versus_ours = format_ratio(record.seconds / ours) if ours else ""
    else:
        median, versus_limit, versus_ours = record.status, "", ""
    if record.peak_bytes is not None:
        memory = format_bytes(record.peak_bytes)
    else:
        memory = "n/a" if record.memory else ""
    note = record.note
    if record.is_limit:
        note = "; ".join(filter(None, ["limit", note]))
    ratios = [versus_limit, versus_ours]
    return [record.workload, record.case, record.framework, median, *ratios, memory, note]


def _render(
    headers: list[str], rows: list[list[str]], markdown: bool, right: set, group: int = 0
) -> str:
    """Aligned text or Markdown; columns named in ``right`` right-aligned; in text, a
    blank line wherever the first ``group`` cells change."""
    if markdown:
        lines = ["| " + " | ".join(headers) + " |"]
        lines.append("|" + "|".join("---:" if h in right else "---" for h in headers) + "|")
        lines += ["| " + " | ".join(cell.replace("|", "/") for cell in row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        padded = [
            cell.rjust(width) if header in right else cell.ljust(width)
            for cell, width, header in zip(cells, widths, headers)
        ]
        return "  ".join(padded).rstrip()

    out = [line(headers), line(["-" * w for w in widths])]
    previous = None
    for row in rows:
        if group and previous is not None and row[:group] != previous:
            out.append("")
        out.append(line(row))
        previous = row[:group]
    return "\n".join(out)


def render_report(
    records: list[Record], tables: list[ExtraTable], notes: list[str], markdown: bool
) -> str:
    """The main table, then the extra tables, then notes, mismatches and errors."""
    rows = [_cells(records, record) for record in records]
    parts = [_render(HEADERS, rows, markdown, _RIGHT_ALIGNED, group=2)] if rows else ["(none)"]
    for table in tables:
        title = f"**{table.title}**" if markdown else table.title
        rendered = _render(table.headers, table.rows, markdown, set(table.headers))
        parts.append(f"{title}\n\n{rendered}")
    problems = [
        f"{r.workload} {r.case} {r.framework}: {r.status}: {r.detail}" for r in records if r.detail
    ]
    bullet = "- " if markdown else "  "
    if notes:
        parts.append("Notes:\n" + "\n".join(bullet + note for note in notes))
    if problems:
        parts.append("Mismatches and errors:\n" + "\n".join(bullet + p for p in problems))
    return "\n\n".join(parts)


def render_machine(machine: dict[str, str], markdown: bool) -> str:
    """The header: one line per fact about the machine and the versions."""
    width = max(len(key) for key in machine)
    if markdown:
        return "\n".join(f"- {key}: {value}" for key, value in machine.items())
    return "\n".join(f"{key.ljust(width)}  {value}" for key, value in machine.items())


def save_json(path: str, machine: dict, settings: Any, records: list, tables: list, notes: list):
    """Everything in the report, machine-readable."""
    document = {
        "machine": machine,
        "settings": asdict(settings),
        "records": [asdict(record) for record in records],
        "tables": [asdict(table) for table in tables],
        "notes": notes,
    }
    with open(path, "w") as file:
        json.dump(document, file, indent=1)
