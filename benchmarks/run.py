"""Run the benchmark workloads for chainrule and its installed peers; print one table.

    python benchmarks/run.py                   # everything, about 5 minutes on 2 cores
    python benchmarks/run.py --quick           # a smoke run: fewer repeats, smaller sizes
    python benchmarks/run.py --only W1,W3 --threads 2 --json out.json --markdown

The thread count is fixed in the environment before NumPy or any framework is imported,
so this module imports them only inside ``main``.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # benchmark the chainrule of this checkout
    sys.path.insert(0, str(ROOT))

from benchmarks.environment import limit_threads, steady_allocator  # noqa: E402  (needs ROOT)

WORKLOADS = {
    "W1": "benchmarks.w1_scalar_chain",
    "W2": "benchmarks.w2_mlp_step",
    "W3": "benchmarks.w3_cheap_gradient",
    "W4": "benchmarks.w4_jacobians",
    "W5": "benchmarks.w5_hvp",
    "W6": "benchmarks.w6_rnn_memory",
}


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="", help="comma-separated workloads, e.g. W1,W3")
    parser.add_argument("--quick", action="store_true", help="fewer repeats, smaller sizes")
    parser.add_argument("--threads", type=int, default=1, help="threads for every library")
    parser.add_argument("--json", metavar="PATH", help="also save the results as JSON")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    arguments = parser.parse_args(argv)
    names = [name.strip().upper() for name in arguments.only.split(",") if name.strip()]
    unknown = [name for name in names if name not in WORKLOADS]
    if unknown:
        parser.error(f"--only: unknown workload(s) {unknown}; choose from {list(WORKLOADS)}")
    if arguments.threads < 1:
        parser.error("--threads must be at least 1")
    arguments.workloads = names or list(WORKLOADS)
    return arguments


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    limit_threads(arguments.threads)
    is_allocator_steady = steady_allocator()
    from benchmarks import harness, peers, table

    started = time.perf_counter()
    loaded = peers.load_peers(arguments.threads)
    machine = peers.describe_machine(loaded, arguments.threads)
    machine["malloc"] = "glibc, fixed thresholds" if is_allocator_steady else "system default"
    print(table.render_machine(machine, arguments.markdown), flush=True)
    settings = harness.Settings.for_run(arguments.quick, arguments.threads)
    bench = harness.Bench(settings)
    for name in arguments.workloads:
        module = importlib.import_module(WORKLOADS[name])
        # Everything alive now (the frameworks' modules) is moved out of the cycle
        # collector's sight, so each collection between samples costs microseconds.
        gc.collect()
        gc.freeze()
        print(f"{name}: {module.TITLE}", file=sys.stderr, flush=True)
        module.run(bench, loaded)
    notes = loaded.notes + bench.notes
    if not is_allocator_steady:
        notes.append("malloc thresholds not fixed (no glibc): array temporaries may vary.")
    elapsed = time.perf_counter() - started
    notes.append(f"total run time {elapsed:.0f} s ({'quick' if arguments.quick else 'full'} run)")
    print()
    print(table.render_report(bench.records, bench.tables, notes, arguments.markdown))
    if arguments.json:
        table.save_json(arguments.json, machine, settings, bench.records, bench.tables, notes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
