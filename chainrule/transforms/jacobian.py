"""Jacobians (forward, reverse, or whichever is cheaper), Hessians and Hessian-vector products.

A Jacobian takes one forward sweep per input element (jacfwd) or one backward sweep per
output element over a single recorded run (jacrev). For a function with outputs
``out`` and arguments ``args`` the result nests like ``out``, each leaf nesting like
the arguments, each array of shape ``out_leaf.shape + arg_leaf.shape``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from chainrule.core import jvp_flat, spec_of, vjp_flat
from chainrule.transforms.arguments import FlatFunction, normalize_argnums, scalar_or_array
from chainrule.transforms.differentiate import grad, jvp
from chainrule.tree import tree_unflatten


def _size(value: Any) -> int:
    return math.prod(spec_of(value).shape)


def _one_hot(spec: Any, index: int) -> Any:
    basis = np.zeros(int(np.prod(spec.shape, dtype=np.int64)), spec.dtype)
    basis[index] = 1
    return scalar_or_array(basis.reshape(spec.shape))


def _stack_blocks(columns: list, lead_shape: tuple, trail_shape: tuple, lead_first: bool) -> Any:
    """Stack per-element results into one block of shape lead_shape + trail_shape."""
    import chainrule.numpy as cnp

    stacked = cnp.stack(columns, axis=0)  # (n_trail or n_lead,) + other shape
    if lead_first:  # rows indexed by output element: (m,) + in_shape
        return scalar_or_array(cnp.reshape(stacked, lead_shape + trail_shape))
    # columns indexed by input element: (n,) + out_shape -> out_shape + (n,)
    ndim = len(lead_shape) + 1
    moved = cnp.transpose(stacked, tuple(range(1, ndim)) + (0,)) if lead_shape else stacked
    return scalar_or_array(cnp.reshape(moved, lead_shape + trail_shape))


def _assemble(flat: FlatFunction, blocks: list[list[Any]], many: bool) -> Any:
    rows = [flat.rebuild_inputs(row, many) for row in blocks]
    return tree_unflatten(flat.out_tree, rows)


def _zeros_block(out: Any, primal: Any) -> Any:
    shape = tuple(spec_of(out).shape) + tuple(spec_of(primal).shape)
    return scalar_or_array(np.zeros(shape, spec_of(primal).dtype))


def _forward_blocks(flat: FlatFunction) -> tuple[list, list[list[Any]]]:
    primals = flat.primals
    specs = [spec_of(p) for p in primals]
    outs: list = []
    columns: list[list[list]] = []  # [input leaf][input element] -> out tangents
    for j in range(len(specs)):
        per_element = []
        for k in range(_size(primals[j])):
            # Other inputs carry no tangent (a structural zero), so the sweep does work
            # only at the steps that depend on input j.
            tangents = [_one_hot(s, k) if i == j else None for i, s in enumerate(specs)]
            flat_out, flat_tangents = jvp_flat(flat, primals, tangents, "jacfwd")
            outs = flat.split(flat_out)[0]
            per_element.append(flat_tangents[: flat.n_out])
        columns.append(per_element)
    if not outs:  # no input elements at all: one plain run for the output shapes
        outs = flat.split(flat(*primals))[0]
    blocks = []
    for i, out in enumerate(outs):
        row = []
        for j, primal in enumerate(primals):
            tangents = [column[i] for column in columns[j]]
            if not tangents or all(t is None for t in tangents):
                row.append(_zeros_block(out, primal))
                continue
            tangents = [
                np.zeros(spec_of(out).shape, spec_of(out).dtype) if t is None else t
                for t in tangents
            ]
            row.append(
                _stack_blocks(
                    tangents,
                    tuple(spec_of(out).shape),
                    tuple(spec_of(primal).shape),
                    lead_first=False,
                )
            )
        blocks.append(row)
    return outs, blocks


def _reverse_blocks(flat: FlatFunction, outs: list, pullback: Callable) -> list[list[Any]]:
    primals = flat.primals
    blocks = []
    for i, out in enumerate(outs):
        spec = spec_of(out)
        rows: list[list] = [[] for _ in primals]  # [input leaf][output element]
        for k in range(_size(out)):
            seeds = [None] * len(outs)
            seeds[i] = _one_hot(spec, k)
            for j, cotangent in enumerate(pullback(seeds, keep_tape=True)):
                rows[j].append(cotangent)
        row = []
        for j, primal in enumerate(primals):
            if not rows[j] or all(c is None for c in rows[j]):
                row.append(_zeros_block(out, primal))
                continue
            p_spec = spec_of(primal)
            cotangents = [np.zeros(p_spec.shape, p_spec.dtype) if c is None else c for c in rows[j]]
            row.append(
                _stack_blocks(cotangents, tuple(spec.shape), tuple(p_spec.shape), lead_first=True)
            )
        blocks.append(row)
    return blocks


def _check_real_outputs(outs: list, transform: str) -> None:
    for out in outs:
        if spec_of(out).dtype.kind not in "fc":
            raise TypeError(
                f"{transform}: the function returned an output of dtype {spec_of(out).dtype}; "
                f"Jacobians need float outputs. Return floating-point arrays."
            )


def _is_complex(value: Any) -> bool:
    return spec_of(value).dtype.kind == "c"


def _check_complex(inputs: list, outs: list, holomorphic: bool, transform: str) -> None:
    """Refuse a complex Jacobian that could not represent the derivative (see docs/complex.md).

    A complex matrix is the derivative of f: C^n -> C^m only when f is holomorphic. So
    without ``holomorphic=True``, forward mode refuses complex inputs (real inputs with
    complex outputs are fine) and reverse mode refuses complex outputs (a real function
    of complex inputs gets gradients, as from grad).
    """
    if holomorphic:
        if not all(_is_complex(v) for v in inputs) or not all(_is_complex(o) for o in outs):
            raise TypeError(
                f"{transform}: holomorphic=True needs complex inputs and complex outputs, but "
                f"some are real. Cast them with .astype(complex), or leave holomorphic=False."
            )
        return
    complex_in = any(_is_complex(v) for v in inputs)
    complex_out = any(_is_complex(o) for o in outs)
    if transform == "jacobian" and complex_in and complex_out:
        raise TypeError(
            f"{transform}: the function maps complex arguments to complex values. A complex "
            f"Jacobian is the derivative only of a holomorphic function: pass "
            f"holomorphic=True if f is holomorphic; otherwise return the real and imaginary "
            f"parts (cnp.real, cnp.imag) or use cr.vjp / cr.jvp directly."
        )
    if transform == "jacfwd" and complex_in:
        raise TypeError(
            f"{transform}: the arguments in argnums are complex. A complex Jacobian is the "
            f"derivative only of a holomorphic function: pass holomorphic=True if f is "
            f"holomorphic; otherwise differentiate with respect to the real and imaginary "
            f"parts as separate real arrays, or use jacrev for a real-valued f."
        )
    if transform == "jacrev" and complex_out:
        raise TypeError(
            f"{transform}: the function returns complex values. A complex Jacobian is the "
            f"derivative only of a holomorphic function: pass holomorphic=True if f is "
            f"holomorphic; otherwise return the real and imaginary parts (cnp.real, "
            f"cnp.imag), use jacfwd for real arguments, or cr.vjp directly."
        )


def jacfwd(
    f: Callable[..., Any],
    argnums: int | Sequence[int] = 0,
    has_aux: bool = False,
    *,
    holomorphic: bool = False,
) -> Callable[..., Any]:
    """The Jacobian by forward mode: one forward sweep per input element.

    >>> import chainrule as cr, chainrule.numpy as cnp
    >>> cr.jacfwd(lambda x: x ** 2)(np.array([1.0, 2.0]))
    array([[2., 0.],
           [0., 4.]])
    """

    @functools.wraps(f)
    def jacfwd_f(*args: Any, **kwargs: Any) -> Any:
        numbers = normalize_argnums(argnums, len(args), "jacfwd")
        flat = FlatFunction(f, args, kwargs, numbers, has_aux, "jacfwd")
        if not holomorphic:
            _check_complex(flat.primals, [], False, "jacfwd")
        outs, blocks = _forward_blocks(flat)
        _check_real_outputs(outs, "jacfwd")
        if holomorphic:
            _check_complex(flat.primals, outs, True, "jacfwd")
        jac = _assemble(flat, blocks, isinstance(argnums, (tuple, list)))
        return (jac, _aux_of(flat)) if has_aux else jac

    return jacfwd_f


def jacrev(
    f: Callable[..., Any],
    argnums: int | Sequence[int] = 0,
    has_aux: bool = False,
    *,
    holomorphic: bool = False,
) -> Callable[..., Any]:
    """The Jacobian by reverse mode: one recorded run, one backward sweep per output element.

    >>> import chainrule as cr, chainrule.numpy as cnp
    >>> cr.jacrev(lambda x: cnp.sum(x ** 2))(np.array([1.0, 2.0]))
    array([2., 4.])
    """

    @functools.wraps(f)
    def jacrev_f(*args: Any, **kwargs: Any) -> Any:
        numbers = normalize_argnums(argnums, len(args), "jacrev")
        flat = FlatFunction(f, args, kwargs, numbers, has_aux, "jacrev")
        flat_out, pullback = vjp_flat(flat, flat.primals, "jacrev")
        outs, aux = flat.split(flat_out)
        _check_real_outputs(outs, "jacrev")
        _check_complex(flat.primals, outs, holomorphic, "jacrev")
        jac = _assemble(
            flat, _reverse_blocks(flat, outs, pullback), isinstance(argnums, (tuple, list))
        )
        return (jac, aux) if has_aux else jac

    return jacrev_f


def _aux_of(flat: FlatFunction) -> Any:
    return flat.split(flat(*flat.primals))[1] if flat.has_aux else None


def jacobian(
    f: Callable[..., Any],
    argnums: int | Sequence[int] = 0,
    mode: str = "auto",
    has_aux: bool = False,
    *,
    holomorphic: bool = False,
) -> Callable[..., Any]:
    """The Jacobian; ``mode`` is "forward", "reverse" or "auto".

    "auto" records one run, then uses forward mode when the arguments have fewer
    elements than the outputs (fewer sweeps), else reverse mode on that recording. With
    a single input element it goes straight to forward mode (one sweep). Complex values
    (docs/complex.md): "auto" takes reverse mode for complex arguments and forward mode
    for complex outputs; both complex needs ``holomorphic=True``.
    """
    if mode not in ("auto", "forward", "reverse"):
        raise ValueError(f"jacobian: mode={mode!r} is not one of 'auto', 'forward', 'reverse'")
    if mode == "forward":
        return jacfwd(f, argnums, has_aux, holomorphic=holomorphic)
    if mode == "reverse":
        return jacrev(f, argnums, has_aux, holomorphic=holomorphic)

    @functools.wraps(f)
    def jacobian_f(*args: Any, **kwargs: Any) -> Any:
        numbers = normalize_argnums(argnums, len(args), "jacobian")
        flat = FlatFunction(f, args, kwargs, numbers, has_aux, "jacobian")
        many = isinstance(argnums, (tuple, list))
        complex_in = not holomorphic and any(_is_complex(p) for p in flat.primals)
        if sum(_size(p) for p in flat.primals) <= 1 and not complex_in:
            # One input element: one forward sweep, never more than reverse mode needs.
            outs, blocks = _forward_blocks(flat)
            _check_real_outputs(outs, "jacobian")
            jac = _assemble(flat, blocks, many)
            return (jac, _aux_of(flat)) if has_aux else jac
        flat_out, pullback = vjp_flat(flat, flat.primals, "jacobian")
        outs, aux = flat.split(flat_out)
        _check_real_outputs(outs, "jacobian")
        _check_complex(flat.primals, outs, holomorphic, "jacobian")
        n_in = sum(_size(p) for p in flat.primals)
        n_out = sum(_size(o) for o in outs)
        # Complex arguments allow only reverse mode, complex values only forward mode.
        complex_out = not holomorphic and any(_is_complex(o) for o in outs)
        if (n_in < n_out and not complex_in) or complex_out:
            del pullback
            _, blocks = _forward_blocks(flat)
        else:
            blocks = _reverse_blocks(flat, outs, pullback)
        jac = _assemble(flat, blocks, many)
        return (jac, aux) if has_aux else jac

    return jacobian_f


def hessian(
    f: Callable[..., Any],
    argnums: int | Sequence[int] = 0,
    has_aux: bool = False,
    *,
    holomorphic: bool = False,
) -> Callable[..., Any]:
    """The Hessian of a scalar function, by forward mode over reverse mode.

    >>> import chainrule as cr, chainrule.numpy as cnp
    >>> cr.hessian(lambda x: cnp.sum(x ** 3))(np.array([1.0, 2.0]))
    array([[ 6.,  0.],
           [ 0., 12.]])
    """
    inner = jacrev(f, argnums, has_aux, holomorphic=holomorphic)
    return jacfwd(inner, argnums, has_aux, holomorphic=holomorphic)


def hvp(f: Callable[..., Any], primals: Sequence[Any], tangents: Sequence[Any]) -> tuple:
    """The Hessian of scalar ``f`` at ``primals`` times ``tangents``, without forming it.

    The gradient of the directional derivative x -> f'(x) v (reverse over forward): by
    the symmetry of the Hessian that is H v. It costs a small multiple of one gradient,
    and less than forward over reverse in eager mode, which would also compute the
    gradient itself and throw it away (for a matrix product, one product fewer). Returns
    a tuple like ``tangents``.

    >>> import chainrule as cr, chainrule.numpy as cnp
    >>> cr.hvp(lambda x: cnp.sum(x ** 3), (np.array([1.0, 2.0]),), (np.array([1.0, 0.0]),))
    (array([6., 0.]),)
    """
    if not isinstance(primals, (tuple, list)):
        raise TypeError("hvp: primals must be a tuple, one entry per argument: hvp(f, (x,), (v,))")
    argnums = tuple(range(len(primals)))
    tangents = tuple(tangents)

    def directional_derivative(*xs: Any) -> Any:
        return jvp(f, xs, tangents)[1]

    return tuple(grad(directional_derivative, argnums)(*primals))
