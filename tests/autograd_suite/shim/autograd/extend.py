"""autograd.extend.primitive: a function with no derivative rule declared yet.

As in autograd, differentiating through it raises NotImplementedError; called on plain
values it runs.
"""

import functools

from chainrule.core import Tracer


def primitive(function):
    @functools.wraps(function)
    def wrapped(*args, **kwargs):
        if any(isinstance(a, Tracer) for a in args):
            raise NotImplementedError(
                f"{getattr(function, '__name__', 'primitive')}: no derivative rule declared; "
                f"give it one with cr.custom_jvp / cr.custom_vjp"
            )
        return function(*args, **kwargs)

    return wrapped
