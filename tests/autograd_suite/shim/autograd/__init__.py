"""autograd's public names, mapped onto chainrule, so that HIPS autograd's own test suite
can run against chainrule unchanged (scripts/autograd_suite.py). Only names; no rules."""

import numpy as _np

import chainrule as _cr


def grad(fun, argnum=0):
    return _cr.grad(fun, argnums=argnum)


def value_and_grad(fun, argnum=0):
    return _cr.value_and_grad(fun, argnums=argnum)


def jacobian(fun, argnum=0):
    return _cr.jacobian(fun, argnums=argnum)


def hessian(fun, argnum=0):
    return _cr.hessian(fun, argnums=argnum)


def _replace(args, argnum, value):
    args = list(args)
    args[argnum] = value
    return args


def make_vjp(fun, argnum=0):
    """autograd's order: (vjp, value)."""

    def maker(*args, **kwargs):
        value, pullback = _cr.vjp(lambda x: fun(*_replace(args, argnum, x), **kwargs), args[argnum])
        return (lambda cotangent: pullback(cotangent)[0]), value

    return maker


def make_jvp(fun, argnum=0):
    def maker(*args, **kwargs):
        def jvp(tangent):
            return _cr.jvp(
                lambda x: fun(*_replace(args, argnum, x), **kwargs), (args[argnum],), (tangent,)
            )

        return jvp

    return maker


def elementwise_grad(fun, argnum=0):
    """The sum of the Jacobian's rows: a VJP with a cotangent of ones."""

    def gradient(*args, **kwargs):
        vjp, value = make_vjp(fun, argnum)(*args, **kwargs)
        return vjp(_np.ones_like(value))

    return gradient


def deriv(fun, argnum=0):
    def derivative(*args, **kwargs):
        return make_jvp(fun, argnum)(*args, **kwargs)(_np.ones_like(args[argnum]))[1]

    return derivative


def holomorphic_grad(fun, argnum=0):
    # Under the shared convention the VJP of a holomorphic f with cotangent 1 is f'(z).
    def gradient(*args, **kwargs):
        vjp, value = make_vjp(fun, argnum)(*args, **kwargs)
        return vjp(_np.ones_like(value))

    return gradient


# autograd's differentiable containers; chainrule's pytrees are the built-in ones.
tuple, list, dict = tuple, list, dict
