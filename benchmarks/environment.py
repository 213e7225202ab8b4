"""The same process environment for every framework, set before NumPy is imported.

BLAS libraries (OpenBLAS, MKL), OpenMP, XLA and PyTorch each read their thread settings
once, when they load, so the environment is set here and the frameworks are imported
only afterwards (``peers.py`` then also calls PyTorch's own setters).
"""

import ctypes
import ctypes.util
import os
import sys

_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def limit_threads(count: int) -> None:
    """Set the thread-count environment of BLAS, OpenMP and XLA to ``count``.

    Raises RuntimeError when NumPy is already imported, since it would keep the
    thread count it started with and the comparison would be unfair.
    """
    if "numpy" in sys.modules:
        raise RuntimeError(
            "limit_threads: numpy is already imported, so its BLAS ignores the new "
            "thread count. Call limit_threads before importing numpy or any framework."
        )
    for name in _THREAD_VARIABLES:
        os.environ[name] = str(count)
    multi_thread = "true" if count > 1 else "false"
    xla_threads = (
        f"--xla_cpu_multi_thread_eigen={multi_thread} intra_op_parallelism_threads={count}"
    )
    os.environ["XLA_FLAGS"] = f"{os.environ.get('XLA_FLAGS', '')} {xla_threads}".strip()
    # Peers compute in float64 like NumPy and chainrule, on the CPU only.
    os.environ["JAX_ENABLE_X64"] = "1"
    os.environ.setdefault("JAX_PLATFORMS", "cpu")


_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameter numbers


def steady_allocator() -> bool:
    """Keep freed memory in the process (glibc only) so big temporaries are reused.

    By default glibc returns large freed blocks to the system and adapts its
    thresholds to what the process has freed so far, so the cost of an array
    temporary (fresh pages to fault in, or reused ones) depends on which framework ran
    earlier: one PyTorch operation made NumPy's W3 f(x) 25% faster for the rest of
    the run. Fixed thresholds make every framework see the same allocator. Returns
    False where there is no glibc.
    """
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    is_set = mallopt(_M_MMAP_THRESHOLD, 64 * 2**20) == 1
    return mallopt(_M_TRIM_THRESHOLD, 256 * 2**20) == 1 and is_set
