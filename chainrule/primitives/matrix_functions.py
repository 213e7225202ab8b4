"""Primary matrix functions from SciPy (logm, sinm, ..., fractional powers), one primitive.

For a primary matrix function f the Frechet derivative L_f(A, E) is the top-right block
of f([[A, E], [0, A]]) (Higham, Functions of Matrices, thm. 3.6), so the JVP is f again
on a matrix twice the size and differentiates again to any order. For these functions
L_f(A, .)^T = L_f(A^T, .) under the pairing sum(c * dz) (f is a power series, and the
trace of a product is invariant under transposing every factor), so the VJP is the JVP
at A^T; for complex A both are holomorphic (no conjugates). expm and sqrtm keep their
own primitives in linalg.py. SciPy is imported on first use (it is optional).
"""

from __future__ import annotations

from chainrule.core import Primitive, spec_of
from chainrule.primitives.contraction import swap_last_axes
from chainrule.primitives.linalg import _block_upper, _top_right

#: The scipy.linalg functions the primitive computes, by name.
FUNCTIONS = ("logm", "sinm", "cosm", "tanm", "sinhm", "coshm", "tanhm", "fractional_matrix_power")


def _matrix_function_impl(a, function, power):
    import scipy.linalg

    if function == "fractional_matrix_power":
        return scipy.linalg.fractional_matrix_power(a, power)
    if function == "logm":
        return scipy.linalg.logm(a)
    return getattr(scipy.linalg, function)(a)


# d f(A)[E] = L_f(A, E) = top-right block of f([[A, E], [0, A]]).
def _matrix_function_jvp(tangents, primals, out, function, power):
    (a_dot,) = tangents
    a = primals[0]
    block = matrix_function_p(_block_upper(a, a_dot), function=function, power=power)
    return _top_right(block, spec_of(a).shape[-1])


# A_bar = L_f(A^T, out_bar): the same block trick at the transpose.
def _matrix_function_vjp(out_bar, primals, out, wanted, function, power):
    a_t = swap_last_axes(primals[0])
    block = matrix_function_p(_block_upper(a_t, out_bar), function=function, power=power)
    return (_top_right(block, spec_of(a_t).shape[-1]),)


matrix_function_p = Primitive(
    "matrix_function",
    _matrix_function_impl,
    jvp=_matrix_function_jvp,
    vjp=_matrix_function_vjp,
    family="linalg",
    saves=("inputs",),
)
