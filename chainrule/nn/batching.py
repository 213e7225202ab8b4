"""Minibatches: shuffled index batches over a dataset, one epoch at a time."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np


def batches(
    rng: np.random.Generator | None,
    *arrays: np.ndarray,
    batch_size: int,
    drop_last: bool = False,
) -> Iterator[tuple[np.ndarray, ...]]:
    """One epoch of minibatches of ``arrays`` (sliced together along their first axis).

    Shuffled by ``rng`` (in order when it is None). The last batch is smaller unless
    ``drop_last``.

    >>> x, y = np.arange(10.0).reshape(5, 2), np.arange(5)
    >>> [b[1].tolist() for b in batches(None, x, y, batch_size=2)]
    [[0, 1], [2, 3], [4]]
    """
    if not arrays:
        raise ValueError("batches: pass at least one array to cut into batches")
    if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"batches: batch_size must be a positive integer, not {batch_size!r}")
    count = len(arrays[0])
    lengths = {len(a) for a in arrays}
    if len(lengths) != 1:
        raise ValueError(f"batches: the arrays have different lengths {sorted(lengths)}")
    order = rng.permutation(count) if rng is not None else np.arange(count)
    stop = count - count % batch_size if drop_last else count
    for start in range(0, stop, batch_size):
        index = order[start : start + batch_size]
        yield tuple(a[index] for a in arrays)
