"""check_grads: compare forward- and reverse-mode derivatives with central differences."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from chainrule.transforms.differentiate import jvp, vjp
from chainrule.tree import tree_flatten, tree_map, tree_unflatten

_DEFAULT_EPS = {np.dtype(np.float64): 1e-5, np.dtype(np.float32): 1e-2}
_DEFAULT_TOL = {np.dtype(np.float64): 1e-6, np.dtype(np.float32): 2e-2}
_SINGLE = (np.dtype(np.float32), np.dtype(np.complex64))


def _leaves(tree: Any) -> list:
    return [np.asarray(leaf) for leaf in tree_flatten(tree)[0]]


def _random_like(tree: Any, rng: np.random.Generator) -> Any:
    def draw(leaf: Any) -> Any:
        leaf = np.asarray(leaf)
        value = rng.standard_normal(leaf.shape)
        if leaf.dtype.kind == "c":
            value = value + 1j * rng.standard_normal(leaf.shape)
        value = value.astype(leaf.dtype)
        return value[()] if value.ndim == 0 else value

    return tree_map(draw, tree)


def _axpy(a: float, x: Any, y: Any) -> Any:
    return tree_map(
        lambda xi, yi: np.asarray(yi) + np.asarray(a * np.asarray(xi), dtype=np.asarray(yi).dtype),
        x,
        y,
    )


def _inner(x: Any, y: Any) -> float:
    return float(sum(np.vdot(a, b).real for a, b in zip(_leaves(x), _leaves(y))))


def _central_difference(f: Callable[..., Any], args: tuple, direction: tuple, eps: float) -> Any:
    plus = f(*_axpy(eps, direction, args))
    minus = f(*_axpy(-eps, direction, args))
    return tree_map(lambda p, m: (np.asarray(p) - np.asarray(m)) / (2 * eps), plus, minus)


def _assert_close(actual: Any, expected: Any, atol: float, rtol: float, what: str) -> None:
    actual_leaves, expected_leaves = _leaves(actual), _leaves(expected)
    if len(actual_leaves) != len(expected_leaves):
        raise AssertionError(
            f"check_grads: {what}: {len(actual_leaves)} outputs, expected {len(expected_leaves)}"
        )
    for i, (a, e) in enumerate(zip(actual_leaves, expected_leaves)):
        if a.shape != e.shape:
            raise AssertionError(
                f"check_grads: {what} (leaf {i}): shape {a.shape}, expected {e.shape}"
            )
        np.testing.assert_allclose(
            a, e, atol=atol, rtol=rtol, err_msg=f"check_grads: {what} (leaf {i}) disagrees"
        )


def _tolerances(
    args: tuple, eps: float | None, atol: float | None, rtol: float | None
) -> tuple[float, float, float]:
    dtypes = [np.asarray(leaf).dtype for leaf in tree_flatten(args)[0]]
    is_single = any(dtype in _SINGLE for dtype in dtypes)
    coarsest = np.dtype(np.float32) if is_single else np.dtype(np.float64)
    return (
        _DEFAULT_EPS[coarsest] if eps is None else eps,
        _DEFAULT_TOL[coarsest] if atol is None else atol,
        _DEFAULT_TOL[coarsest] if rtol is None else rtol,
    )


def check_jvp(
    f: Callable[..., Any],
    args: Sequence[Any],
    *,
    eps: float | None = None,
    atol: float | None = None,
    rtol: float | None = None,
    seed: int = 0,
) -> None:
    """Check ``jvp(f)`` in a random direction against central finite differences."""
    args = tuple(args)
    eps, atol, rtol = _tolerances(args, eps, atol, rtol)
    direction = _random_like(args, np.random.default_rng(seed))
    _, tangent = jvp(f, args, direction)
    expected = _central_difference(f, args, direction, eps)
    _assert_close(tangent, expected, atol, rtol, f"jvp of {_name(f)}")


def check_vjp(
    f: Callable[..., Any],
    args: Sequence[Any],
    *,
    eps: float | None = None,
    atol: float | None = None,
    rtol: float | None = None,
    seed: int = 0,
) -> None:
    """Check ``vjp(f)`` by <u, J v> = <J^T u, v>, with J v from central differences.

    For complex values the pairing of a cotangent c with a tangent t is Re(sum(c * t))
    (docs/complex.md), so the cotangent handed to the VJP is conj(u) and the real inner
    product Re(vdot(a, b)) compares both sides.
    """
    args = tuple(args)
    eps, atol, rtol = _tolerances(args, eps, atol, rtol)
    rng = np.random.default_rng(seed + 1)
    out, vjp_fn = vjp(f, *args)
    u = _random_like(out, rng)
    v = _random_like(args, rng)
    transpose_u = vjp_fn(tree_map(np.conj, u))
    expected = _inner(u, _central_difference(f, args, v, eps))
    actual = _inner(tree_map(np.conj, transpose_u), v)
    _assert_close(actual, expected, atol, rtol, f"vjp of {_name(f)} (<J^T u, v> = <u, J v>)")


def check_grads(
    f: Callable[..., Any],
    args: Sequence[Any],
    order: int = 2,
    modes: Sequence[str] = ("fwd", "rev"),
    *,
    eps: float | None = None,
    atol: float | None = None,
    rtol: float | None = None,
    seed: int = 0,
) -> None:
    """Check ``f``'s derivatives up to ``order`` in the given modes against finite differences.

    Order k checks the derivatives of the order k-1 derivative functions (the JVP with
    a fixed direction, and the VJP as a function of the primals and the cotangent), so
    order 2 checks second derivatives. Raises AssertionError on disagreement.

    >>> import chainrule as cr, chainrule.numpy as cnp
    >>> cr.check_grads(cnp.sin, (np.array([0.5, 1.0]),), order=2)
    """
    args = tuple(args)
    unknown = set(modes) - {"fwd", "rev"}
    if unknown:
        raise ValueError(f"check_grads: unknown mode(s) {sorted(unknown)}; use 'fwd' and 'rev'")
    options = dict(eps=eps, atol=atol, rtol=rtol, seed=seed)
    if "fwd" in modes:
        check_jvp(f, args, **options)
    if "rev" in modes:
        check_vjp(f, args, **options)
    if order <= 1:
        return
    rng = np.random.default_rng(seed + 2)
    if "fwd" in modes:
        direction = _random_like(args, rng)
        check_grads(lambda *a: jvp(f, a, direction)[1], args, order - 1, modes, **options)
    if "rev" in modes:
        out = f(*args)
        cotangent = _random_like(out, rng)
        out_tree = tree_flatten(out)[1]
        n_args = len(args)

        def pulled_back(*all_args: Any) -> Any:
            primals = all_args[:n_args]
            return vjp(f, *primals)[1](tree_unflatten(out_tree, tree_flatten(all_args[n_args:])[0]))

        check_grads(
            pulled_back, args + tuple(tree_flatten(cotangent)[0]), order - 1, modes, **options
        )


def _name(f: Callable[..., Any]) -> str:
    return getattr(f, "__name__", repr(f))
