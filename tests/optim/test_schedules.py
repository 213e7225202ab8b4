"""chainrule.optim schedules: values at chosen steps worked by hand, warmup's continuity,
their use by an optimiser, and their error messages.
"""

import math

import numpy as np
import pytest
from assertions import raises_with

import chainrule.optim as optim


def _values(schedule, steps):
    return [schedule(step) for step in steps]


def test_constant():
    assert _values(optim.constant(0.25), [0, 1, 10**6]) == [0.25, 0.25, 0.25]


def test_step_decay_multiplies_by_gamma_every_step_size_steps():
    schedule = optim.step_decay(0.8, step_size=3, gamma=0.5)
    assert _values(schedule, [0, 1, 2, 3, 5, 6, 9]) == [0.8, 0.8, 0.8, 0.4, 0.4, 0.2, 0.1]
    assert optim.step_decay(1.0, step_size=2)(4) == pytest.approx(0.01, rel=1e-15)  # gamma 0.1


def test_exponential_decay():
    schedule = optim.exponential_decay(2.0, gamma=0.5)
    assert _values(schedule, [0, 1, 2, 5]) == [2.0, 1.0, 0.5, 0.0625]


def test_cosine_decay_from_init_to_final_then_flat():
    schedule = optim.cosine_decay(1.0, decay_steps=4, final_value=0.2)
    # 0.2 + 0.8 * (1 + cos(pi * k / 4)) / 2 at k = 0..4
    expected = [1.0, 0.2 + 0.4 * (1 + math.sqrt(0.5)), 0.6, 0.2 + 0.4 * (1 - math.sqrt(0.5)), 0.2]
    assert _values(schedule, range(5)) == pytest.approx(expected, rel=1e-15)
    assert _values(schedule, [5, 100]) == pytest.approx([0.2, 0.2], rel=1e-15)
    assert optim.cosine_decay(0.5, decay_steps=10)(10) == pytest.approx(0.0, abs=1e-17)


def test_warmup_ramps_linearly_then_follows_the_schedule():
    schedule = optim.warmup(
        optim.exponential_decay(1.0, gamma=0.5), warmup_steps=4, start_value=0.2
    )
    assert _values(schedule, range(7)) == pytest.approx(
        [0.2, 0.4, 0.6, 0.8, 1.0, 0.5, 0.25], rel=1e-15
    )


def test_warmup_joins_continuously():
    inner = optim.cosine_decay(1.0, decay_steps=100)
    schedule = optim.warmup(inner, warmup_steps=10, start_value=0.1)
    ramp_slope = (1.0 - 0.1) / 10
    assert schedule(9) == pytest.approx(1.0 - ramp_slope, rel=1e-15)
    assert schedule(10) == inner(0) == 1.0
    # The jump across the join is one ramp step or one schedule step, never more.
    jumps = np.abs(np.diff(_values(schedule, range(30))))
    assert jumps.max() <= ramp_slope + 1e-15


def test_warmup_of_zero_steps_is_the_schedule():
    inner = optim.exponential_decay(0.3, gamma=0.9)
    assert _values(optim.warmup(inner, warmup_steps=0), range(4)) == _values(inner, range(4))


def test_an_optimiser_calls_its_schedule_with_the_updates_done():
    seen = []

    def schedule(step):
        seen.append(step)
        return 0.1

    opt = optim.adagrad(schedule)
    state = opt.init([1.0])
    for _ in range(3):
        _, state = opt.update([1.0], state)
    assert seen == [0, 1, 2]


def test_a_warmed_up_schedule_drives_sgd():
    opt = optim.sgd(optim.warmup(optim.constant(0.4), warmup_steps=2))
    state = opt.init([0.0])
    steps = []
    for _ in range(4):
        updates, state = opt.update([1.0], state)
        steps.append(float(updates[0]))
    assert steps == pytest.approx([0.0, -0.2, -0.4, -0.4], rel=1e-15)


SCHEDULE_ERRORS = {
    "constant-value": (ValueError, lambda: optim.constant(-0.1), "constant:", "value=-0.1"),
    "step_decay-step_size": (
        ValueError,
        lambda: optim.step_decay(0.1, step_size=0),
        "step_decay:",
        "step_size=0",
        ">= 1",
    ),
    "step_decay-float-step_size": (
        TypeError,
        lambda: optim.step_decay(0.1, step_size=2.5),
        "step_decay:",
        "step_size=2.5",
        "integer",
    ),
    "exponential_decay-gamma": (
        ValueError,
        lambda: optim.exponential_decay(0.1, gamma=-0.5),
        "exponential_decay:",
        "gamma=-0.5",
    ),
    "cosine_decay-decay_steps": (
        ValueError,
        lambda: optim.cosine_decay(0.1, decay_steps=0),
        "cosine_decay:",
        "decay_steps=0",
    ),
    "cosine_decay-final_value": (
        ValueError,
        lambda: optim.cosine_decay(0.1, 10, final_value=-1.0),
        "cosine_decay:",
        "final_value=-1.0",
    ),
    "warmup-warmup_steps": (
        ValueError,
        lambda: optim.warmup(optim.constant(0.1), warmup_steps=-1),
        "warmup:",
        "warmup_steps=-1",
    ),
    "warmup-schedule": (
        TypeError,
        lambda: optim.warmup(0.1, warmup_steps=5),
        "warmup:",
        "schedule is a float",
        "optim.constant",
    ),
    "init_value-type": (
        TypeError,
        lambda: optim.exponential_decay("0.1", 0.9),
        "exponential_decay:",
        "init_value is a str",
    ),
    "negative-step": (
        ValueError,
        lambda: optim.exponential_decay(0.1, 0.9)(-1),
        "exponential_decay schedule:",
        "step=-1",
    ),
    "float-step": (
        TypeError,
        lambda: optim.cosine_decay(0.1, 10)(1.5),
        "cosine_decay schedule:",
        "step=1.5",
    ),
}


@pytest.mark.parametrize("case", SCHEDULE_ERRORS.values(), ids=SCHEDULE_ERRORS.keys())
def test_schedule_errors(case):
    kind, call, *fragments = case
    raises_with(kind, call, *fragments)


def test_numpy_integer_steps_are_accepted():
    assert optim.exponential_decay(1.0, 0.5)(np.int64(2)) == 0.25
