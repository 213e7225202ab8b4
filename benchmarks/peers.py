"""The frameworks compared with chainrule, each optional, and a description of the machine.

A peer that is not installed is ``None`` with a note saying so; workloads skip it.
"""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

import chainrule

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Peers:
    """The imported peer frameworks (``None`` when missing) and notes about them."""

    autograd: ModuleType | None = None
    anp: ModuleType | None = None  # autograd.numpy
    jax: ModuleType | None = None
    jnp: ModuleType | None = None
    torch: ModuleType | None = None
    micrograd_value: type | None = None
    versions: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def load_peers(threads: int) -> Peers:
    """Import every peer that is installed, set up for ``threads`` threads and float64."""
    peers = Peers()
    peers.versions["python"] = platform.python_version()
    peers.versions["numpy"] = np.__version__
    peers.versions["chainrule"] = f"{chainrule.__version__} ({Path(chainrule.__file__).parent})"
    _load_autograd(peers)
    _load_jax(peers)
    _load_torch(peers, threads)
    _load_micrograd(peers)
    return peers


def _missing(peers: Peers, name: str, error: Exception) -> None:
    peers.versions[name] = "not installed"
    peers.notes.append(f"{name} is not importable ({error}); its rows are skipped.")


def _version_of(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return "unknown"


def _load_autograd(peers: Peers) -> None:
    try:
        import autograd
        import autograd.numpy as anp
    except ImportError as error:
        _missing(peers, "autograd", error)
        return
    peers.autograd, peers.anp = autograd, anp
    peers.versions["autograd"] = _version_of("autograd")


def _load_jax(peers: Peers) -> None:
    try:
        import jax
        import jax.numpy as jnp
    except ImportError as error:
        _missing(peers, "jax", error)
        return
    jax.config.update("jax_enable_x64", True)
    peers.jax, peers.jnp = jax, jnp
    peers.versions["jax"] = f"{jax.__version__} ({jax.default_backend()}, x64)"


def _load_torch(peers: Peers, threads: int) -> None:
    try:
        import torch
    except ImportError as error:
        _missing(peers, "torch", error)
        return
    torch.set_num_threads(threads)
    try:
        torch.set_num_interop_threads(threads)
    except RuntimeError as error:  # only allowed before torch's first parallel work
        peers.notes.append(f"torch.set_num_interop_threads({threads}) refused: {error}")
    peers.torch = torch
    peers.versions["torch"] = torch.__version__


def _load_micrograd(peers: Peers) -> None:
    try:
        from micrograd.engine import Value
    except ImportError as error:
        _missing(peers, "micrograd", error)
        return
    peers.micrograd_value = Value
    peers.versions["micrograd"] = _version_of("micrograd")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_total() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                kibibytes = int(line.split()[1])
                return f"{kibibytes / 2**20:.1f} GiB"
    except (OSError, ValueError):
        pass
    return "unknown"


def _blas() -> str:
    try:
        blas = np.__config__.CONFIG["Build Dependencies"]["blas"]
        return f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
    except (AttributeError, KeyError, TypeError):
        return "unknown"


def _git_revision() -> str:
    try:
        revision = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
        )
        changes = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--", "chainrule"],
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    if revision.returncode != 0:
        return "unknown"
    dirty = " + uncommitted changes in chainrule/" if changes.stdout.strip() else ""
    return revision.stdout.strip() + dirty


def describe_machine(peers: Peers, threads: int) -> dict[str, Any]:
    """What a reader needs to reproduce or judge the numbers: hardware and versions."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    return {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "cpu": _cpu_model(),
        "cores": f"{usable} usable of {os.cpu_count()}",
        "memory": _memory_total(),
        "os": f"{platform.system()} {platform.release()}",
        "threads": str(threads),
        "blas": _blas(),
        "commit": _git_revision(),
        "argv": " ".join(sys.argv),
        **peers.versions,
    }
