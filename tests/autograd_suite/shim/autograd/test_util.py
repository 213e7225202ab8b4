"""autograd.test_util's checks, as chainrule.testing.check_grads with autograd's call style."""

from itertools import product

import chainrule.testing as _testing

TOL = RTOL = 1e-6


def scalar_close(a, b):
    return abs(a - b) < TOL or abs(a - b) / abs(a + b) < RTOL


def check_grads(fun, argnum=0, modes=("fwd", "rev"), order=2):
    """``check_grads(fun, argnum, modes, order)(*args)``: derivatives in ``argnum``."""
    numbers = (argnum,) if isinstance(argnum, int) else tuple(argnum)

    def check(*args, **kwargs):
        def restricted(*values):
            full = list(args)
            for number, value in zip(numbers, values):
                full[number] = value
            return fun(*full, **kwargs)

        restricted.__name__ = getattr(fun, "__name__", "fun")
        _testing.check_grads(
            restricted, [args[n] for n in numbers], order=order, modes=tuple(modes)
        )

    return check


def combo_check(fun, *check_args, **check_kwargs):
    """Check ``fun`` at every combination of the listed arguments and keyword values."""

    def check(*arg_lists, **kwarg_lists):
        keyword_choices = [[(k, v) for v in values] for k, values in kwarg_lists.items()]
        for args in product(*arg_lists):
            for keywords in product(*keyword_choices):
                check_grads(fun, *check_args, **check_kwargs)(*args, **dict(keywords))

    return check
