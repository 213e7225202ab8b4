"""Learning-rate schedules: callables from the update's step (0 for the first) to a rate.

Any optimiser in chainrule.optim takes a float or one of these as ``learning_rate``; it calls
the schedule with the number of updates done before the current one.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable

Schedule = Callable[[int], float]


def _check_value(function: str, argument: str, value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{function}: {argument} is a {type(value).__name__}; pass a number such as 0.1."
        )
    if not value >= 0:  # also rejects NaN
        raise ValueError(f"{function}: {argument}={value!r} is negative; pass a value >= 0.")


def _check_count(function: str, argument: str, value: int, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{function}: {argument}={value!r} is a {type(value).__name__}; pass an integer."
        )
    if value < minimum:
        raise ValueError(
            f"{function}: {argument}={value!r} is below {minimum}; pass an integer >= {minimum}."
        )


def _checked_step(function: str, step: int) -> int:
    """``step`` as an int, after checking it counts updates (an integer >= 0)."""
    _check_count(f"{function} schedule", "step", step, 0)
    return int(step)


def constant(value: float) -> Schedule:
    """The same learning rate at every step.

    >>> constant(0.1)(0), constant(0.1)(1000)
    (0.1, 0.1)
    """
    _check_value("constant", "value", value)

    def schedule(step: int) -> float:
        _checked_step("constant", step)
        return float(value)

    return schedule


def step_decay(init_value: float, step_size: int, gamma: float = 0.1) -> Schedule:
    """``init_value * gamma ** (step // step_size)``: multiplied by gamma every step_size
    steps, as torch.optim.lr_scheduler.StepLR.

    >>> schedule = step_decay(1.0, step_size=10, gamma=0.5)
    >>> schedule(0), schedule(9), schedule(10), schedule(25)
    (1.0, 1.0, 0.5, 0.25)
    """
    _check_value("step_decay", "init_value", init_value)
    _check_count("step_decay", "step_size", step_size, 1)
    _check_value("step_decay", "gamma", gamma)

    def schedule(step: int) -> float:
        return float(init_value * gamma ** (_checked_step("step_decay", step) // step_size))

    return schedule


def exponential_decay(init_value: float, gamma: float) -> Schedule:
    """``init_value * gamma ** step``, as torch.optim.lr_scheduler.ExponentialLR.

    >>> schedule = exponential_decay(1.0, gamma=0.5)
    >>> schedule(0), schedule(3)
    (1.0, 0.125)
    """
    _check_value("exponential_decay", "init_value", init_value)
    _check_value("exponential_decay", "gamma", gamma)

    def schedule(step: int) -> float:
        return float(init_value * gamma ** _checked_step("exponential_decay", step))

    return schedule


def cosine_decay(init_value: float, decay_steps: int, final_value: float = 0.0) -> Schedule:
    """Half a cosine from init_value at step 0 to final_value at decay_steps, then final_value:
    ``final + (init - final) * (1 + cos(pi * min(step, decay_steps) / decay_steps)) / 2``.

    >>> schedule = cosine_decay(1.0, decay_steps=100, final_value=0.2)
    >>> schedule(0), schedule(50), schedule(100), schedule(500)
    (1.0, 0.6, 0.2, 0.2)
    """
    _check_value("cosine_decay", "init_value", init_value)
    _check_count("cosine_decay", "decay_steps", decay_steps, 1)
    _check_value("cosine_decay", "final_value", final_value)

    def schedule(step: int) -> float:
        fraction = min(_checked_step("cosine_decay", step), decay_steps) / decay_steps
        return float(
            final_value + (init_value - final_value) * (1 + math.cos(math.pi * fraction)) / 2
        )

    return schedule


def warmup(schedule: Schedule, warmup_steps: int, start_value: float = 0.0) -> Schedule:
    """A linear ramp from start_value at step 0 to ``schedule(0)`` at warmup_steps, then
    ``schedule(step - warmup_steps)``; the two pieces join continuously.

    >>> ramped = warmup(constant(1.0), warmup_steps=4)
    >>> [ramped(step) for step in range(6)]
    [0.0, 0.25, 0.5, 0.75, 1.0, 1.0]
    """
    if not callable(schedule):
        raise TypeError(
            f"warmup: schedule is a {type(schedule).__name__}, not a callable; pass a schedule "
            f"such as optim.constant(0.1) or optim.cosine_decay(0.1, 1000)."
        )
    _check_count("warmup", "warmup_steps", warmup_steps, 0)
    _check_value("warmup", "start_value", start_value)

    def ramped(step: int) -> float:
        step = _checked_step("warmup", step)
        if step >= warmup_steps:
            return float(schedule(step - warmup_steps))
        peak = float(schedule(0))
        return float(start_value + (peak - start_value) * step / warmup_steps)

    return ramped
