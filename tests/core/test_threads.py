"""Transforms running in several threads at once do not see each other's levels or tapes.

Each thread differentiates its own function many times, nested derivatives included,
while the others do the same; every result must equal the single-threaded one.
"""

import sys
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp


def _loss(x):
    return cnp.sum(cnp.sin(x) * cnp.exp(-x) + x**3)


def _nested(x):
    # grad of a function that itself takes a grad: perturbations must not mix.
    inner = lambda y: cnp.sum(cnp.tanh(y * x))
    return cnp.sum(cr.grad(inner)(x) * x)


def _matrix(x):
    a = cnp.reshape(x, (2, 3))
    return cnp.sum((a @ a.T) ** 2) + cnp.mean(cnp.log1p(a**2))


def _loop(x):
    for _ in range(20):
        x = x * 0.9 + cnp.cos(x) * 0.1
    return cnp.sum(x)


# Each job: the work one thread repeats, returning a tuple of arrays.
JOBS = [
    lambda x: (cr.grad(_loss)(x),),
    lambda x: (cr.grad(_nested)(x), cr.jacfwd(cr.grad(_nested))(x)),
    lambda x: (cr.hessian(_matrix)(x),),
    lambda x: cr.value_and_grad(_loop)(x),
    lambda x: cr.jvp(cr.grad(_loss), (x,), (np.ones_like(x),)),
    lambda x: (cr.grad(cr.grad(lambda s: s * cr.grad(lambda t: s * t**2)(s)))(x[0]),),
    lambda x: (cr.jacrev(lambda y: cnp.stack([cnp.prod(y), cnp.max(y), y[1] * y[2]]))(x),),
    lambda x: (cr.vjp(lambda y: cnp.cumsum(cnp.sqrt(y)), x)[1](np.arange(6.0))[0],),
]

REPEATS = 15


@pytest.fixture(autouse=True)
def _switch_threads_often():
    """Make the interpreter switch threads every few bytecodes, so transforms interleave."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(interval)


def _run(job, x):
    return [job(x) for _ in range(REPEATS)]


def _assert_same(results, expected):
    for result in results:
        assert len(result) == len(expected)
        for got, want in zip(result, expected):
            np.testing.assert_array_equal(got, want)


def test_threads_get_the_single_threaded_results():
    x = np.linspace(0.3, 1.8, 6)
    expected = [job(x) for job in JOBS]
    with ThreadPoolExecutor(max_workers=len(JOBS)) as pool:
        futures = [pool.submit(_run, job, x) for job in JOBS]
        for future, want in zip(futures, expected):
            _assert_same(future.result(), want)


def test_threads_running_the_same_nested_function():
    points = [np.linspace(0.1, 1.0, 6) * k for k in range(1, 5)]
    job = JOBS[1]
    expected = [job(x) for x in points]
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(_run, job, x) for x in points]
        for future, want in zip(futures, expected):
            _assert_same(future.result(), want)
