"""Arguments of chainrule.scipy.stats: SciPy's parameter parsing, its float64 results, the
masks that give SciPy's special values (NaN for invalid parameters, the limits outside the
support), and the refusal of derivatives that have no closed form."""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

from chainrule.core import Tracer
from chainrule.primitives.elementwise import where_p


def is_any_traced(*values: Any) -> bool:
    """True when a value, or a value in a tuple or dict among them, is traced."""
    for value in values:
        if isinstance(value, dict):
            value = tuple(value.values())
        if isinstance(value, (tuple, list)):
            if is_any_traced(*value):
                return True
        elif isinstance(value, Tracer):
            return True
    return False


def signature_of(shape_names: tuple[str, ...], location_names: tuple[str, ...]) -> Any:
    """SciPy's signature after x: the shape parameters, then loc (and scale) with defaults."""
    positional = inspect.Parameter.POSITIONAL_OR_KEYWORD
    parameters = [inspect.Parameter(name, positional) for name in shape_names]
    defaults = {"loc": 0.0, "scale": 1.0}
    parameters += [
        inspect.Parameter(name, positional, default=defaults[name]) for name in location_names
    ]
    return inspect.Signature(parameters)


def parse(function: str, signature: Any, args: tuple, kwds: dict) -> dict:
    """The parameters of a call, by name, as SciPy would bind them."""
    try:
        bound = signature.bind(*args, **kwds)
    except TypeError as error:
        raise TypeError(
            f"{function}: {error}; the parameters after x are {signature} (as in SciPy)"
        ) from None
    bound.apply_defaults()
    return dict(bound.arguments)


def as_float64(value: Any) -> Any:
    """``value`` in float64 (or wider), as SciPy's distributions compute and return it."""
    if isinstance(value, Tracer):
        if value.dtype.kind == "c":
            raise NotImplementedError(
                "chainrule.scipy.stats: complex arguments are not supported; pass real arrays."
            )
        return value if value.dtype == np.float64 else value.astype(np.float64)
    value = np.asarray(value)
    return value.astype(np.promote_types(value.dtype, np.float64))


def concrete(value: Any) -> np.ndarray:
    """The plain value under a (possibly traced) argument, for the masks."""
    return np.asarray(value.concrete_value() if isinstance(value, Tracer) else value)


def fill(value: Any, mask: np.ndarray, replacement: float) -> Any:
    """``value`` with ``replacement`` where the plain boolean ``mask`` holds (no derivative)."""
    return where_p(mask, replacement, value) if np.any(mask) else value


def refuse_traced(function: str, argument: str, value: Any, reason: str) -> None:
    """Raise NotImplementedError when ``value`` is traced: d/d``argument`` is not available."""
    if is_any_traced(value):
        raise NotImplementedError(
            f"{function}: the derivative with respect to {argument} is not available "
            f"({reason}). Pass {argument} as a plain number or array (not a traced value); "
            f"the derivatives with respect to the other arguments work."
        )


def refuse_discrete(function: str, argument: str, value: Any) -> None:
    """Raise TypeError when a discrete argument (a count, an integer shift) is traced."""
    if is_any_traced(value):
        raise TypeError(
            f"{function}: {argument} is traced, but {argument} takes integer values and has "
            f"no derivative. Pass {argument} as a plain number or array."
        )
