"""tril_indices_from, triu_indices_from, diag_indices_from and lexsort
(chainrule/numpy/index_positions.py): plain integer results on traced arguments, equal to
NumPy's, through chainrule.numpy and np.-dispatch; using them to index keeps derivatives.
"""

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp

CALLS = [
    ("tril_indices_from", lambda m, x: m.tril_indices_from(x, 1)),
    ("triu_indices_from", lambda m, x: m.triu_indices_from(x)),
    ("triu_indices_from_k", lambda m, x: m.triu_indices_from(x, k=-1)),
    ("diag_indices_from", lambda m, x: m.diag_indices_from(x[:, :3])),
    ("lexsort", lambda m, x: m.lexsort((x[0], np.round(x[1])))),
    ("lexsort_array", lambda m, x: m.lexsort(x, axis=0)),
]


@pytest.mark.parametrize("name, call", CALLS, ids=[name for name, _ in CALLS])
@pytest.mark.parametrize("module", [cnp, np], ids=["cnp", "np"])
def test_plain_results_equal_numpy(name, call, module, rng):
    x = rng.normal(size=(3, 4))
    seen = []

    def f(x):
        seen.append(call(module, x))
        return cnp.sum(x)

    cr.grad(f)(x)
    expected = call(np, x)
    for actual, wanted in zip(_as_tuple(seen[0]), _as_tuple(expected)):
        assert type(actual) is np.ndarray and actual.dtype == wanted.dtype
        np.testing.assert_array_equal(actual, wanted)


def _as_tuple(value):
    return value if isinstance(value, tuple) else (value,)


def test_indexing_with_them_keeps_the_derivative(rng):
    x = rng.normal(size=(3, 3))
    grad = cr.grad(lambda x: cnp.sum(x[np.tril_indices_from(x)]))(x)
    np.testing.assert_array_equal(grad, np.tril(np.ones((3, 3))))
    order_grad = cr.grad(lambda x: x[np.lexsort((x,))][0])(np.array([3.0, 1.0, 2.0]))
    np.testing.assert_array_equal(order_grad, [0.0, 1.0, 0.0])
