"""chainrule.numpy's products and contractions: matmul, einsum, dot, tensordot and friends.

matmul and einsum are primitives; the others are written with them (and with reshape,
transpose and multiply), as NumPy defines them, so they need no rules of their own.
"""

from __future__ import annotations

import string
from typing import Any

import numpy as np

from chainrule.core import Tracer
from chainrule.numpy.arguments import is_traced, normalize_one_axis, shape_of
from chainrule.numpy.elementwise import conj, multiply
from chainrule.numpy.manipulation import ravel, reshape, transpose
from chainrule.primitives import contraction as ct

__all__ = [
    "dot",
    "einsum",
    "inner",
    "matmul",
    "matvec",
    "outer",
    "tensordot",
    "vdot",
    "vecdot",
    "vecmat",
]


def _operand(value: Any) -> Any:
    """Tracers as they are; anything else as a NumPy array (as NumPy's products convert it)."""
    return value if isinstance(value, Tracer) else np.asarray(value)


def _refuse(function: str, out: Any = None, **kwargs: Any) -> None:
    given = ["out"] if out is not None else []
    given += [name for name, value in kwargs.items() if value is not None]
    if given:
        raise TypeError(
            f"chainrule.numpy.{function}: the keyword argument(s) {given} are not supported "
            f"on traced values; call {function}(...) without them and use the returned array."
        )


def matmul(x1: Any, x2: Any, /, out: Any = None, **kwargs: Any) -> Any:
    """Differentiable numpy.matmul(x1, x2): matrix product, batch axes broadcast.

    A 1-D operand is a vector: NumPy's rule adds an axis for the product and removes it.

    >>> import chainrule.numpy as cnp
    >>> cnp.matmul(np.ones((2, 3)), np.ones(3))
    array([3., 3.])
    """
    if not (isinstance(x1, Tracer) or isinstance(x2, Tracer)):
        return np.matmul(x1, x2, out=out, **kwargs)
    if out is not None or kwargs:
        _refuse("matmul", out, **kwargs)
    a, b = _operand(x1), _operand(x2)
    a_shape, b_shape = a.shape, b.shape
    if 1 <= len(a_shape) <= 2 and 1 <= len(b_shape) <= 2 and a_shape[-1] == b_shape[0]:
        return ct.matmul_p(a, b)  # no batch axes: nothing more to check
    for position, operand in enumerate((a, b)):
        if operand.ndim == 0:
            raise ValueError(
                f"chainrule.numpy.matmul: operand {position} is 0-d; matmul needs at least "
                "one axis (use multiply or * to scale by a scalar)"
            )
    if a.shape[-1] != b.shape[max(b.ndim - 2, 0)]:
        raise ValueError(
            f"chainrule.numpy.matmul: shapes {a.shape} and {b.shape} do not match: the last "
            f"axis of operand 0 ({a.shape[-1]}) must equal the "
            f"{'only' if b.ndim == 1 else 'second-to-last'} axis of operand 1 "
            f"({b.shape[max(b.ndim - 2, 0)]})"
        )
    try:
        np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    except ValueError:
        raise ValueError(
            f"chainrule.numpy.matmul: the batch axes of shapes {a.shape} and {b.shape} "
            "do not broadcast together"
        ) from None
    return ct.matmul_p(a, b)


def dot(a: Any, b: Any, out: Any = None) -> Any:
    """Differentiable numpy.dot(a, b).

    Scalars multiply; otherwise the sum over the last axis of ``a`` and the
    second-to-last axis of ``b`` (the only axis when ``b`` is 1-D).
    """
    if not is_traced(a, b):
        return np.dot(a, b, out=out)
    _refuse("dot", out)
    a, b = _operand(a), _operand(b)
    if a.ndim == 0 or b.ndim == 0:
        return multiply(a, b)
    axis_b = max(b.ndim - 2, 0)
    if a.shape[-1] != b.shape[axis_b]:
        raise ValueError(
            f"chainrule.numpy.dot: shapes {a.shape} and {b.shape} not aligned: "
            f"{a.shape[-1]} (dim {a.ndim - 1}) != {b.shape[axis_b]} (dim {axis_b})"
        )
    if a.ndim == 1 or b.ndim <= 2:
        # Here NumPy's dot and matmul agree (matmul's batch axes are a's or b's alone).
        return matmul(a, b)
    return tensordot(a, b, axes=([a.ndim - 1], [axis_b]))


def vdot(a: Any, b: Any, /) -> Any:
    """Differentiable numpy.vdot(a, b): sum(conj(a) * b) over the flattened arrays."""
    if not is_traced(a, b):
        return np.vdot(a, b)
    a, b = ravel(_operand(a)), ravel(_operand(b))
    if shape_of(a) != shape_of(b):
        raise ValueError(
            f"chainrule.numpy.vdot: the arrays have {shape_of(a)[0]} and {shape_of(b)[0]} "
            "elements; vdot needs the same number"
        )
    return matmul(conj(a), b)


def inner(a: Any, b: Any, /) -> Any:
    """Differentiable numpy.inner(a, b): the sum over the last axes of both."""
    if not is_traced(a, b):
        return np.inner(a, b)
    a, b = _operand(a), _operand(b)
    if a.ndim == 0 or b.ndim == 0:
        return multiply(a, b)
    if a.shape[-1] != b.shape[-1]:
        raise ValueError(
            f"chainrule.numpy.inner: shapes {a.shape} and {b.shape} not aligned: the last "
            f"axes have lengths {a.shape[-1]} and {b.shape[-1]}"
        )
    if b.ndim == 1:
        return matmul(a, b)
    if a.ndim == 1:
        return matmul(b, a)
    return tensordot(a, b, axes=([a.ndim - 1], [b.ndim - 1]))


def outer(a: Any, b: Any, out: Any = None) -> Any:
    """Differentiable numpy.outer(a, b): out[i, j] = a.ravel()[i] * b.ravel()[j]."""
    if not is_traced(a, b):
        return np.outer(a, b, out=out)
    _refuse("outer", out)
    a, b = ravel(_operand(a)), ravel(_operand(b))
    return multiply(reshape(a, (-1, 1)), reshape(b, (1, -1)))


def _tensordot_axes(axes: Any, a_ndim: int, b_ndim: int) -> tuple[list[int], list[int]]:
    if isinstance(axes, (int, np.integer)):
        count = int(axes)
        if count < 0 or count > min(a_ndim, b_ndim):
            raise ValueError(
                f"chainrule.numpy.tensordot: axes={count} must be between 0 and the smaller "
                f"number of dimensions ({min(a_ndim, b_ndim)})"
            )
        return list(range(a_ndim - count, a_ndim)), list(range(count))
    try:
        axes_a, axes_b = axes
    except (TypeError, ValueError):
        raise TypeError(
            "chainrule.numpy.tensordot: axes must be an int or a pair of sequences of axes"
        ) from None
    axes_a = [axes_a] if isinstance(axes_a, (int, np.integer)) else list(axes_a)
    axes_b = [axes_b] if isinstance(axes_b, (int, np.integer)) else list(axes_b)
    if len(axes_a) != len(axes_b):
        raise ValueError(
            f"chainrule.numpy.tensordot: shape-mismatch for sum: {len(axes_a)} axes of a "
            f"against {len(axes_b)} axes of b"
        )
    axes_a = [normalize_one_axis(i, a_ndim, "tensordot") for i in axes_a]
    axes_b = [normalize_one_axis(i, b_ndim, "tensordot") for i in axes_b]
    return axes_a, axes_b


def tensordot(a: Any, b: Any, axes: Any = 2) -> Any:
    """Differentiable numpy.tensordot(a, b, axes=2): sum over the paired axes.

    ``axes`` is an int N (the last N axes of ``a`` with the first N of ``b``) or a pair
    of sequences of axes. Computed as one matrix product of transposed, reshaped operands.
    """
    if not is_traced(a, b):
        return np.tensordot(a, b, axes)
    a, b = _operand(a), _operand(b)
    axes_a, axes_b = _tensordot_axes(axes, a.ndim, b.ndim)
    for i, j in zip(axes_a, axes_b, strict=True):
        if a.shape[i] != b.shape[j]:
            raise ValueError(
                f"chainrule.numpy.tensordot: shape-mismatch for sum: axis {i} of a has "
                f"length {a.shape[i]}, axis {j} of b has length {b.shape[j]}"
            )
    free_a = [i for i in range(a.ndim) if i not in axes_a]
    free_b = [j for j in range(b.ndim) if j not in axes_b]
    summed = int(np.prod([a.shape[i] for i in axes_a], dtype=np.int64))
    out_shape = tuple(a.shape[i] for i in free_a) + tuple(b.shape[j] for j in free_b)
    a_matrix = reshape(transpose(a, free_a + axes_a), (-1, summed))
    b_matrix = reshape(transpose(b, axes_b + free_b), (summed, -1))
    return reshape(matmul(a_matrix, b_matrix), out_shape)


def vecdot(x1: Any, x2: Any, /, out: Any = None, *, axis: int = -1, **kwargs: Any) -> Any:
    """Differentiable numpy.vecdot(x1, x2, axis=-1): sum(conj(x1) * x2) along ``axis``."""
    if not is_traced(x1, x2):
        return np.vecdot(x1, x2, out=out, axis=axis, **kwargs)
    _refuse("vecdot", out, **kwargs)
    a, b = _operand(x1), _operand(x2)
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError("chainrule.numpy.vecdot: both operands need at least one axis")
    a = _move_to_end(conj(a), normalize_one_axis(axis, a.ndim, "vecdot"))
    b = _move_to_end(b, normalize_one_axis(axis, b.ndim, "vecdot"))
    return einsum("...i,...i->...", a, b)


def matvec(x1: Any, x2: Any, /, out: Any = None, **kwargs: Any) -> Any:
    """Differentiable numpy.matvec(x1, x2): matrix times vector, batch axes broadcast."""
    if not is_traced(x1, x2):
        return np.matvec(x1, x2, out=out, **kwargs)
    _refuse("matvec", out, **kwargs)
    return einsum("...ij,...j->...i", _at_least(x1, 2, "matvec"), _at_least(x2, 1, "matvec"))


def vecmat(x1: Any, x2: Any, /, out: Any = None, **kwargs: Any) -> Any:
    """Differentiable numpy.vecmat(x1, x2): conj(vector) times matrix, batch axes broadcast."""
    if not is_traced(x1, x2):
        return np.vecmat(x1, x2, out=out, **kwargs)
    _refuse("vecmat", out, **kwargs)
    vector = conj(_at_least(x1, 1, "vecmat"))
    return einsum("...i,...ij->...j", vector, _at_least(x2, 2, "vecmat"))


def _at_least(value: Any, ndim: int, function: str) -> Any:
    value = _operand(value)
    if value.ndim < ndim:
        raise ValueError(
            f"chainrule.numpy.{function}: an operand has {value.ndim} axes; it needs at "
            f"least {ndim}"
        )
    return value


def _move_to_end(value: Any, axis: int) -> Any:
    order = [i for i in range(value.ndim) if i != axis] + [axis]
    return transpose(value, order)


# einsum. The wrapper rewrites NumPy's forms (implicit output, ellipsis, the interleaved
# operand/sublist form, size-1 axes broadcasting against longer ones) into normalised
# subscripts: letters only, explicit output, one length per letter.

_LETTERS = string.ascii_letters
_KEYWORDS_IGNORED = ("optimize", "order", "casting")


def einsum(*operands: Any, out: Any = None, dtype: Any = None, **kwargs: Any) -> Any:
    """Differentiable numpy.einsum(subscripts, *operands).

    Explicit ("ij,jk->ik") and implicit ("ij,jk") outputs, ellipses, repeated letters
    within an operand ("ii->i") and the interleaved form (op, [0, 1], op, [1, 2]) are
    all accepted. The contraction order is chosen by chainrule; ``optimize`` is ignored
    on traced values.

    >>> import chainrule.numpy as cnp
    >>> cnp.einsum("ii", np.eye(3))
    np.float64(3.0)
    """
    subscripts, values = _split_einsum_arguments(operands)
    if not is_traced(*values):
        return np.einsum(*operands, out=out, dtype=dtype, **kwargs)
    _refuse("einsum", out, **{k: v for k, v in kwargs.items() if k not in _KEYWORDS_IGNORED})
    values = [_operand(v) for v in values]
    if dtype is not None:
        values = [v.astype(dtype) for v in values]
    inputs, output = _normalize_subscripts(subscripts, [v.shape for v in values])
    values, inputs = _drop_broadcast_axes(values, inputs)
    return ct.einsum_p(*values, subscripts=",".join(inputs) + "->" + output)


def _split_einsum_arguments(arguments: tuple) -> tuple[str, list]:
    """(subscripts string, operands) from either of NumPy's calling forms."""
    if not arguments:
        raise TypeError("chainrule.numpy.einsum: give the subscripts and at least one operand")
    if isinstance(arguments[0], str):
        return arguments[0], list(arguments[1:])
    values = list(arguments[0::2])
    sublists = list(arguments[1::2])
    output = None
    if len(arguments) % 2:
        output = values.pop()
    parts = [_sublist_letters(s) for s in sublists]
    text = ",".join(parts)
    if output is not None:
        text += "->" + _sublist_letters(output)
    return text, values


def _sublist_letters(sublist: Any) -> str:
    letters = []
    for item in sublist:
        if item is Ellipsis:
            letters.append("...")
        elif isinstance(item, (int, np.integer)) and 0 <= item < len(_LETTERS):
            letters.append(_LETTERS[item])
        else:
            raise ValueError(
                f"chainrule.numpy.einsum: subscript {item!r} in a sublist must be Ellipsis "
                f"or an int from 0 to {len(_LETTERS) - 1}"
            )
    return "".join(letters)


def _normalize_subscripts(subscripts: str, shapes: list[tuple]) -> tuple[list[str], str]:
    """Operand and output letters with every ellipsis replaced by letters of its own."""
    subscripts = subscripts.replace(" ", "")
    if subscripts.count("->") > 1:
        raise ValueError("chainrule.numpy.einsum: the subscripts contain '->' more than once")
    left, arrow, right = subscripts.partition("->")
    inputs = left.split(",")
    if len(inputs) != len(shapes):
        raise ValueError(
            f"chainrule.numpy.einsum: the subscripts {subscripts!r} name {len(inputs)} "
            f"operand(s) but {len(shapes)} were given"
        )
    for term in inputs + [right]:
        stray = set(term.replace("...", "", 1)) - set(_LETTERS)
        if stray:
            raise ValueError(
                f"chainrule.numpy.einsum: invalid subscript character(s) {sorted(stray)} in "
                f"{subscripts!r}; use letters and at most one '...' per operand"
            )
    spare = [letter for letter in _LETTERS if letter not in subscripts]
    ellipsis_ndim = 0
    counts = []
    for term, shape in zip(inputs, shapes, strict=True):
        letters = len(term.replace("...", ""))
        extra = len(shape) - letters
        if extra < 0 or (extra > 0 and "..." not in term):
            raise ValueError(
                f"chainrule.numpy.einsum: operand subscripts {term!r} do not match an "
                f"operand with {len(shape)} dimension(s)"
            )
        counts.append(extra)
        ellipsis_ndim = max(ellipsis_ndim, extra)
    if ellipsis_ndim > len(spare):
        raise ValueError("chainrule.numpy.einsum: too many dimensions for the 52 letters")
    broadcast = "".join(spare[:ellipsis_ndim])
    inputs = [
        term.replace("...", broadcast[ellipsis_ndim - extra :])
        for term, extra in zip(inputs, counts, strict=True)
    ]
    if arrow:
        if ellipsis_ndim and "..." not in right:
            raise ValueError(
                "chainrule.numpy.einsum: the operands have '...' dimensions but the output "
                "subscripts have no '...'; add '...' to the output"
            )
        output = right.replace("...", broadcast)
    else:
        every = "".join(inputs)
        once = sorted(c for c in set(every) if every.count(c) == 1 and c not in broadcast)
        output = broadcast + "".join(once)
    _check_output(output, inputs, subscripts)
    return inputs, output


def _check_output(output: str, inputs: list[str], subscripts: str) -> None:
    for letter in output:
        if output.count(letter) > 1:
            raise ValueError(
                f"chainrule.numpy.einsum: the output subscript {letter!r} appears more than "
                f"once in {subscripts!r}"
            )
        if not any(letter in term for term in inputs):
            raise ValueError(
                f"chainrule.numpy.einsum: the output subscript {letter!r} in {subscripts!r} "
                "appears in no operand"
            )


def _drop_broadcast_axes(values: list, inputs: list[str]) -> tuple[list, list[str]]:
    """Remove length-1 axes whose letter is longer elsewhere (they broadcast), check lengths."""
    lengths: dict[str, int] = {}
    for term, value in zip(inputs, values, strict=True):
        own = dict(zip(term, value.shape, strict=True))
        for letter, n in zip(term, value.shape, strict=True):
            if own[letter] != n:
                raise ValueError(
                    f"chainrule.numpy.einsum: the repeated subscript {letter!r} in {term!r} "
                    f"labels axes of different lengths {value.shape}"
                )
            known = lengths.get(letter, 1)
            if known != 1 and n not in (1, known):
                raise ValueError(
                    f"chainrule.numpy.einsum: subscript {letter!r} has lengths {known} and "
                    f"{n}, which do not broadcast"
                )
            if n != 1:
                lengths[letter] = n
    new_values, new_inputs = [], []
    for term, value in zip(inputs, values, strict=True):
        keep = [n == lengths.get(letter, 1) for letter, n in zip(term, value.shape, strict=True)]
        if not all(keep):
            term = "".join(letter for letter, k in zip(term, keep, strict=True) if k)
            value = reshape(value, tuple(n for n, k in zip(value.shape, keep, strict=True) if k))
        new_values.append(value)
        new_inputs.append(term)
    return new_values, new_inputs
