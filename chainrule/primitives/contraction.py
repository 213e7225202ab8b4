"""Contraction primitives: matrix products (matmul), Einstein summation (einsum) and the
full 1-D convolution (convolve).

All three are bilinear (multilinear for einsum): the tangent of the output is the sum over
inputs of the same product with one input replaced by its tangent, and each input's
cotangent is the product of the output cotangent with the other inputs.
"""

from __future__ import annotations

import string

import numpy as np

from chainrule.core import Primitive, spec_of
from chainrule.core.trace import Deferred
from chainrule.primitives.declare import multilinear_jvp
from chainrule.primitives.elementwise import multiply_p
from chainrule.primitives.shape import (
    broadcast_to_p,
    flip_p,
    reshape_p,
    slice_p,
    transpose_p,
)


def swap_last_axes(x):
    """``x`` with its last two axes exchanged (the matrix transpose of a stack)."""
    ndim = len(spec_of(x).shape)
    return transpose_p(x, axes=tuple(range(ndim - 2)) + (ndim - 1, ndim - 2))


# matmul as NumPy defines it: batch axes broadcast, and a 1-D operand is a vector (a row
# on the left, a column on the right, that axis absent from the result).
# d(A B) = dA B + A dB.
_matmul_jvp = multilinear_jvp(lambda: matmul_p)


# A_bar = out_bar B^T and B_bar = A^T out_bar, per batch element; the sweep sums over
# batch axes that an input was broadcast along. Only the wanted cotangents are formed,
# so a constant matrix costs nothing. A product over an axis of length 1 (the outer
# product in a matrix-vector product's cotangent) is a broadcast multiply, which is
# several times faster than a matrix product with an inner size of 1.
def _matmul_vjp(out_bar, primals, out, wanted):
    a, b = primals
    a_shape, b_shape = spec_of(a).shape, spec_of(b).shape
    if len(a_shape) == 1 and len(b_shape) == 1:  # dot product: out_bar is a scalar
        return (
            multiply_p(out_bar, b) if wanted[0] else None,
            multiply_p(out_bar, a) if wanted[1] else None,
        )
    if len(a_shape) == 1:  # row vector: out[..., m] = sum_k a[k] b[..., k, m]
        bar_rows = _expand(out_bar, -2)  # (..., 1, m)
        a_bar = b_bar = None
        if wanted[0]:
            a_bar = reshape_p(
                matmul_p(b, _expand(out_bar, -1)), shape=spec_of(out_bar).shape[:-1] + (a_shape[0],)
            )
        if wanted[1]:
            b_bar = OuterProducts.of(a, out_bar, spec_of(b))
            if b_bar is None:
                b_bar = multiply_p(_expand(a, -1), bar_rows)
        return a_bar, b_bar
    if len(b_shape) == 1:  # column vector: out[..., n] = sum_k a[..., n, k] b[k]
        a_bar = b_bar = None
        if wanted[0]:
            a_bar = OuterProducts.of(out_bar, b, spec_of(a))
            if a_bar is None:
                a_bar = multiply_p(_expand(out_bar, -1), b)
        if wanted[1] and len(a_shape) == 2:
            b_bar = matmul_p(out_bar, a)  # the row vector out_bar times a
        elif wanted[1]:
            product = matmul_p(_expand(out_bar, -2), a)  # (..., 1, n) @ (..., n, k)
            b_bar = reshape_p(product, shape=spec_of(out_bar).shape[:-1] + (b_shape[0],))
        return a_bar, b_bar
    return (
        _matmul_left_cotangent(out_bar, a, b) if wanted[0] else None,
        _matmul_right_cotangent(out_bar, a, b) if wanted[1] else None,
    )


class OuterProducts(Deferred):
    """A sum of outer products u v^T, kept as its factors (a matrix-vector cotangent).

    A loop of matrix-vector products (a recurrent network) gives the matrix one outer
    product per step. Forming each and adding it costs two passes over the matrix per
    step; keeping the factors and folding every ``BATCH`` of them in with one matrix
    product (U^T V) does the same arithmetic at matrix-product speed.
    """

    __slots__ = ("lefts", "rights", "dense", "owns_dense")
    BATCH = 64

    @classmethod
    def of(cls, left, right, spec):
        """u v^T deferred, for plain 1-D arrays of the matrix's dtype; else None."""
        if not (
            type(left) is np.ndarray
            and type(right) is np.ndarray
            and left.ndim == right.ndim == 1
            and left.dtype == right.dtype == spec.dtype
            and spec.shape == (left.shape[0], right.shape[0])
        ):
            return None
        deferred = cls()
        deferred.shape, deferred.dtype = spec.shape, spec.dtype
        deferred.lefts, deferred.rights = [left], [right]
        deferred.dense, deferred.owns_dense = None, False
        return deferred

    def plus(self, other):
        if isinstance(other, OuterProducts):
            self.lefts += other.lefts
            self.rights += other.rights
            if other.dense is not None:
                self._add_dense(other.dense, other.owns_dense)
            if len(self.lefts) >= self.BATCH:
                self._fold()
            return self
        if type(other) is np.ndarray and other.shape == self.shape:
            self._add_dense(other, False)
            return self
        return self.materialize() + other

    def materialize(self):
        self._fold()
        return self.dense

    def _fold(self):
        if self.lefts:
            product = np.matmul(np.array(self.lefts).T, np.array(self.rights))
            self.lefts, self.rights = [], []
            self._add_dense(product, True)

    def _add_dense(self, value, owned):
        if self.dense is None:
            self.dense, self.owns_dense = value, owned
        elif self.owns_dense:
            self.dense += value
        else:
            self.dense, self.owns_dense = self.dense + value, True


def _expand(x, axis):
    """``x`` with a new axis of length 1 at ``axis`` (-1: last, -2: second-to-last)."""
    shape = spec_of(x).shape
    position = len(shape) + 1 + axis
    return reshape_p(x, shape=shape[:position] + (1,) + shape[position:])


def _matmul_left_cotangent(out_bar, a, b):
    a_shape, b_shape = spec_of(a).shape, spec_of(b).shape
    if b_shape[-1] == 1:  # contraction over one term: an outer product
        return multiply_p(out_bar, swap_last_axes(b))
    if len(a_shape) == 2 and len(b_shape) > 2:
        # One matrix against a stack: sum_{batch, m} out_bar[..., n, m] b[..., k, m] is a
        # single matrix product once (batch, m) is flattened into one axis.
        ndim = len(b_shape)
        pairs = int(np.prod(b_shape[:-2], dtype=np.int64)) * b_shape[-1]
        bar_rows = transpose_p(out_bar, axes=(ndim - 2,) + tuple(range(ndim - 2)) + (ndim - 1,))
        bar_rows = reshape_p(bar_rows, shape=(a_shape[0], pairs))
        b_rows = reshape_p(swap_last_axes(b), shape=(pairs, b_shape[-2]))
        return matmul_p(bar_rows, b_rows)
    return matmul_p(out_bar, swap_last_axes(b))


def _matmul_right_cotangent(out_bar, a, b):
    a_shape, b_shape = spec_of(a).shape, spec_of(b).shape
    if a_shape[-2] == 1:  # contraction over one term: an outer product
        return multiply_p(swap_last_axes(a), out_bar)
    if len(b_shape) == 2 and len(a_shape) > 2:
        # A stack against one matrix: sum_{batch, n} a[..., n, k] out_bar[..., n, m], one
        # matrix product with (batch, n) flattened.
        pairs = int(np.prod(a_shape[:-1], dtype=np.int64))
        a_rows = reshape_p(a, shape=(pairs, a_shape[-1]))
        bar_rows = reshape_p(out_bar, shape=(pairs, b_shape[-1]))
        return matmul_p(swap_last_axes(a_rows), bar_rows)
    return matmul_p(swap_last_axes(a), out_bar)


matmul_p = Primitive(
    "matmul", np.matmul, jvp=_matmul_jvp, vjp=_matmul_vjp, family="contraction", saves=("inputs",)
)


# einsum takes normalised subscripts ("ij,jk->ik"): letters only, no ellipsis, an explicit
# output of distinct letters, and one size per letter across the operands (chainrule.numpy
# .einsum rewrites NumPy's other forms into this one).

#: Below this many index combinations a plain einsum loop beats planning a contraction order.
_PLAIN_LOOP_LIMIT = 1 << 14


def parse_subscripts(subscripts: str) -> tuple[list[str], str]:
    """Normalised subscripts as (one string per operand, output string)."""
    inputs, output = subscripts.split("->")
    return inputs.split(","), output


def _einsum_impl(*operands, subscripts):
    inputs, _ = parse_subscripts(subscripts)
    sizes = {}
    for letters, operand in zip(inputs, operands, strict=True):
        sizes.update(zip(letters, np.shape(operand), strict=True))
    combinations = int(np.prod(list(sizes.values()), dtype=np.float64))
    optimize = len(operands) > 1 and combinations > _PLAIN_LOOP_LIMIT
    return np.einsum(subscripts, *operands, optimize="greedy" if optimize else False)


# The output is linear in each operand: its tangent is the sum over operands of einsum
# with that operand replaced by its tangent.
_einsum_jvp = multilinear_jvp(lambda: einsum_p)


def _einsum_vjp(out_bar, primals, out, wanted, subscripts):
    return tuple(
        _einsum_operand_cotangent(out_bar, primals, index, subscripts) if is_wanted else None
        for index, is_wanted in enumerate(wanted)
    )


def _einsum_operand_cotangent(out_bar, primals, index, subscripts):
    """d<out_bar, einsum(...)> / d operand ``index``, in three steps.

    1. Contract the cotangent with the other operands onto this operand's distinct letters
       that appear anywhere else (out_bar[out] * prod_j x_j[s_j] summed over the rest).
    2. Letters found only in this operand were summed within it, so the cotangent is
       constant along them: broadcast.
    3. A letter repeated in this operand (a diagonal, as in "ii->i") receives the
       cotangent on the diagonal only: multiply by identity matrices.
    """
    inputs, output = parse_subscripts(subscripts)
    target = inputs[index]
    distinct = "".join(dict.fromkeys(target))
    others = [j for j in range(len(inputs)) if j != index]
    elsewhere = set(output).union(*(inputs[j] for j in others))
    produced = "".join(letter for letter in distinct if letter in elsewhere)
    terms = [output] + [inputs[j] for j in others]
    if len(terms) == 1 and terms[0] == produced:
        x_bar = out_bar
    else:
        x_bar = einsum_p(
            out_bar, *(primals[j] for j in others), subscripts=",".join(terms) + "->" + produced
        )
    size = dict(zip(target, spec_of(primals[index]).shape, strict=True))
    if produced != distinct:
        kept = tuple(size[letter] if letter in elsewhere else 1 for letter in distinct)
        x_bar = broadcast_to_p(
            reshape_p(x_bar, shape=kept), shape=tuple(size[letter] for letter in distinct)
        )
    if distinct != target:
        x_bar = _onto_diagonal(x_bar, distinct, target, size, subscripts)
    return x_bar


def _onto_diagonal(x_bar, distinct, target, size, subscripts):
    """Spread ``x_bar`` (letters ``distinct``) onto the diagonals of ``target``'s layout."""
    unused = iter(letter for letter in string.ascii_letters if letter not in subscripts)
    dtype = spec_of(x_bar).dtype
    seen, layout, identities, identity_letters = set(), [], [], []
    for letter in target:
        if letter not in seen:
            seen.add(letter)
            layout.append(letter)
            continue
        fresh = next(unused, None)
        if fresh is None:
            raise ValueError(
                f"einsum: the subscripts {subscripts!r} use too many letters to "
                "differentiate a repeated index; split the einsum into two"
            )
        # x[..., i, ..., i'] = x_bar[..., i, ...] * delta(i, i')
        layout.append(fresh)
        identities.append(np.eye(size[letter], dtype=dtype))
        identity_letters.append(letter + fresh)
    spec = ",".join([distinct] + identity_letters) + "->" + "".join(layout)
    return einsum_p(x_bar, *identities, subscripts=spec)


einsum_p = Primitive("einsum", _einsum_impl, jvp=_einsum_jvp, vjp=_einsum_vjp, family="contraction")


# ---------------------------------------------------------------------------------------
# The full convolution of two vectors, out[k] = sum_i a[i] v[k - i] (length N + M - 1):
# bilinear, so d out = a_dot * v + a * v_dot. Its transposes are correlations:
# a_bar[i] = sum_k out_bar[k] v[k - i], which is the full convolution of out_bar with v
# reversed, read from position M - 1 on (and the same for v with a). Complex values are
# never conjugated (the pairing is Re(sum(c * dz))).


def _convolve_impl(a, v):
    return np.convolve(a, v, mode="full")


_convolve_jvp = multilinear_jvp(lambda: convolve_p)


def _convolve_vjp(out_bar, primals, out, wanted):
    a, v = primals
    n, m = spec_of(a).shape[0], spec_of(v).shape[0]
    a_bar = v_bar = None
    if wanted[0]:
        a_bar = slice_p(
            convolve_p(out_bar, flip_p(v, axes=(0,))), start=m - 1, stop=m - 1 + n, axis=0
        )
    if wanted[1]:
        v_bar = slice_p(
            convolve_p(out_bar, flip_p(a, axes=(0,))), start=n - 1, stop=n - 1 + m, axis=0
        )
    return (a_bar, v_bar)


convolve_p = Primitive(
    "convolve",
    _convolve_impl,
    jvp=_convolve_jvp,
    vjp=_convolve_vjp,
    family="contraction",
    saves=("inputs",),
)
