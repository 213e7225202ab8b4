"""chainrule.optim optimisers and clipping: the published update equations worked by hand,
agreement with torch.optim, convergence, pytrees, and every error message.
"""

import numpy as np
import pytest
from assertions import raises_with
from numpy.testing import assert_allclose

import chainrule as cr
import chainrule.numpy as cnp
import chainrule.optim as optim

# The hand-worked cases: parameters [1, -2] and a fixed sequence of three gradients.
P0 = [1.0, -2.0]
G1, G2, G3 = [0.5, -1.0], [0.25, 2.0], [-1.0, 0.5]


def _first_updates(opt, count=3):
    """The updates of the first ``count`` steps from P0 with the gradients G1, G2, G3."""
    params = np.array(P0)
    state = opt.init(params)
    found = []
    for grad in (G1, G2, G3)[:count]:
        updates, state = opt.update(np.array(grad), state, params)
        params = optim.apply_updates(params, updates)
        found.append(updates)
    return found


sqrt = np.sqrt

# Adam with b1 = 0.5, b2 = 0.75, eps = 0 on G1, G2, G3:
#   m: [0.25, -0.5] -> [0.25, 0.75] -> [-0.375, 0.625]
#   v: [0.0625, 0.25] -> [0.0625, 1.1875] -> [0.296875, 0.953125]
#   1 - b1**t: 0.5, 0.75, 0.875;  1 - b2**t: 0.25, 0.4375, 0.578125
ADAM_STEPS = [
    [-0.1 * (0.25 / 0.5) / sqrt(0.0625 / 0.25), -0.1 * (-0.5 / 0.5) / sqrt(0.25 / 0.25)],
    [-0.1 * (0.25 / 0.75) / sqrt(0.0625 / 0.4375), -0.1 * (0.75 / 0.75) / sqrt(1.1875 / 0.4375)],
    [
        -0.1 * (-0.375 / 0.875) / sqrt(0.296875 / 0.578125),
        -0.1 * (0.625 / 0.875) / sqrt(0.953125 / 0.578125),
    ],
]
# RMSprop with alpha = 0.5, eps = 0: v: [0.125, 0.5] -> [0.09375, 2.25] -> [0.546875, 1.25]
RMSPROP_DIRECTIONS = [
    [0.5 / sqrt(0.125), -1.0 / sqrt(0.5)],
    [0.25 / sqrt(0.09375), 2.0 / sqrt(2.25)],
    [-1.0 / sqrt(0.546875), 0.5 / sqrt(1.25)],
]


def _adam_weight_decay_by_hand():
    # L2 weight decay 0.5 enters the gradient: g = grad + 0.5 p; b1 = 0.5, b2 = 0.75, eps = 0.
    # Step 1: g = [1, -2], m = [0.5, -1], v = [0.25, 1]; m_hat = [1, -2], v_hat = [1, 4].
    u1 = np.array([-0.1 * 1 / 1, -0.1 * -2 / 2])
    p1 = np.array([0.9, -1.9])
    # Step 2: g = [0.25 + 0.45, 2 - 0.95] = [0.7, 1.05]; m = [0.6, 0.025];
    # v = [0.75 * 0.25 + 0.25 * 0.49, 0.75 * 1 + 0.25 * 1.1025] = [0.31, 1.025625].
    u2 = np.array(
        [-0.1 * (0.6 / 0.75) / sqrt(0.31 / 0.4375), -0.1 * (0.025 / 0.75) / sqrt(1.025625 / 0.4375)]
    )
    g3 = np.array(G3) + 0.5 * (p1 + u2)
    m3 = 0.5 * np.array([0.6, 0.025]) + 0.5 * g3
    v3 = 0.75 * np.array([0.31, 1.025625]) + 0.25 * g3**2
    u3 = -0.1 * (m3 / 0.875) / sqrt(v3 / 0.578125)
    return [u1, u2, u3]


def _adamw_by_hand():
    # Decoupled decay: Adam's step from the gradients alone, minus lr * 0.5 * p.
    u1 = np.array(ADAM_STEPS[0]) - 0.05 * np.array(P0)  # [-0.15, 0.2]
    p1 = np.array(P0) + u1  # [0.85, -1.8]
    u2 = np.array(ADAM_STEPS[1]) - 0.05 * p1
    u3 = np.array(ADAM_STEPS[2]) - 0.05 * (p1 + u2)
    return [u1, u2, u3]


def _rmsprop_weight_decay_by_hand():
    # alpha = 0.5, eps = 0, g = grad + 0.5 p. Step 1: g = [1, -2], v = [0.5, 2].
    u1 = -0.1 * np.array([1 / sqrt(0.5), -2 / sqrt(2.0)])
    p1 = np.array(P0) + u1
    g2 = np.array(G2) + 0.5 * p1
    v2 = 0.5 * np.array([0.5, 2.0]) + 0.5 * g2**2
    u2 = -0.1 * g2 / sqrt(v2)
    g3 = np.array(G3) + 0.5 * (p1 + u2)
    u3 = -0.1 * g3 / sqrt(0.5 * v2 + 0.5 * g3**2)
    return [u1, u2, u3]


def _adagrad_weight_decay_by_hand():
    # eps = 0, g = grad + 0.5 p. Step 1: g = [1, -2], s = [1, 4].
    u1 = np.array([-0.1, 0.1])
    # Step 2 from p1 = [0.9, -1.9]: g = [0.7, 1.05], s = [1.49, 5.1025].
    u2 = -0.1 * np.array([0.7 / sqrt(1.49), 1.05 / sqrt(5.1025)])
    g3 = np.array(G3) + 0.5 * (np.array([0.9, -1.9]) + u2)
    u3 = -0.1 * g3 / sqrt(np.array([1.49, 5.1025]) + g3**2)
    return [u1, u2, u3]


D1, D2, D3 = (np.array(d) for d in RMSPROP_DIRECTIONS)
HAND = [
    pytest.param(optim.sgd(0.1), [[-0.05, 0.1], [-0.025, -0.2], [0.1, -0.05]], id="sgd"),
    # g + 0.5 p: [1, -2]; from [0.9, -1.8]: [0.7, 1.1]; from [0.83, -1.91]: [-0.585, -0.455]
    pytest.param(
        optim.sgd(0.1, weight_decay=0.5),
        [[-0.1, 0.2], [-0.07, -0.11], [0.0585, 0.0455]],
        id="sgd-weight_decay",
    ),
    # b: g1 = [0.5, -1]; 0.9 b + g2 = [0.7, 1.1]; 0.9 b + g3 = [-0.37, 1.49]
    pytest.param(
        optim.sgd(0.1, momentum=0.9),
        [[-0.05, 0.1], [-0.07, -0.11], [0.037, -0.149]],
        id="sgd-momentum",
    ),
    # b: g1 undamped on the first step; 0.9 b + 0.5 g2 = [0.575, 0.1]; then [0.0175, 0.34]
    pytest.param(
        optim.sgd(0.1, momentum=0.9, dampening=0.5),
        [[-0.05, 0.1], [-0.0575, -0.01], [-0.00175, -0.034]],
        id="sgd-dampening",
    ),
    # direction g + 0.9 b: [0.95, -1.9], [0.88, 2.99], [-1.333, 1.841]
    pytest.param(
        optim.sgd(0.1, momentum=0.9, nesterov=True),
        [[-0.095, 0.19], [-0.088, -0.299], [0.1333, -0.1841]],
        id="sgd-nesterov",
    ),
    # the step passed to the schedule counts the updates before: rates 0.1, 0.05, 0.025
    pytest.param(
        optim.sgd(optim.exponential_decay(0.1, 0.5)),
        [[-0.05, 0.1], [-0.0125, -0.1], [0.025, -0.0125]],
        id="sgd-schedule",
    ),
    pytest.param(optim.adam(0.1, b1=0.5, b2=0.75, eps=0.0), ADAM_STEPS, id="adam"),
    pytest.param(
        optim.adam(0.1, b1=0.5, b2=0.75, eps=0.5),
        [
            [-0.1 * (0.25 / 0.5) / (sqrt(0.0625 / 0.25) + 0.5), 0.1 * (0.5 / 0.5) / (1 + 0.5)],
            [
                -0.1 * (0.25 / 0.75) / (sqrt(0.0625 / 0.4375) + 0.5),
                -0.1 * (0.75 / 0.75) / (sqrt(1.1875 / 0.4375) + 0.5),
            ],
            [
                -0.1 * (-0.375 / 0.875) / (sqrt(0.296875 / 0.578125) + 0.5),
                -0.1 * (0.625 / 0.875) / (sqrt(0.953125 / 0.578125) + 0.5),
            ],
        ],
        id="adam-eps",
    ),
    # the running max of the raw v is [0.296875, 1.1875] at step 3 (PyTorch's convention)
    pytest.param(
        optim.adam(0.1, b1=0.5, b2=0.75, eps=0.0, amsgrad=True),
        ADAM_STEPS[:2] + [[ADAM_STEPS[2][0], -0.1 * (0.625 / 0.875) / sqrt(1.1875 / 0.578125)]],
        id="adam-amsgrad",
    ),
    pytest.param(
        optim.adam(0.1, b1=0.5, b2=0.75, eps=0.0, weight_decay=0.5),
        _adam_weight_decay_by_hand(),
        id="adam-weight_decay",
    ),
    pytest.param(
        optim.adamw(0.1, b1=0.5, b2=0.75, eps=0.0, weight_decay=0.5),
        _adamw_by_hand(),
        id="adamw",
    ),
    pytest.param(
        optim.rmsprop(0.1, alpha=0.5, eps=0.0), [-0.1 * D1, -0.1 * D2, -0.1 * D3], id="rmsprop"
    ),
    pytest.param(
        optim.rmsprop(0.1, alpha=0.5, eps=0.5),
        [
            [-0.1 * 0.5 / (sqrt(0.125) + 0.5), 0.1 / (sqrt(0.5) + 0.5)],
            [-0.1 * 0.25 / (sqrt(0.09375) + 0.5), -0.1 * 2 / (1.5 + 0.5)],
            [0.1 / (sqrt(0.546875) + 0.5), -0.1 * 0.5 / (sqrt(1.25) + 0.5)],
        ],
        id="rmsprop-eps",
    ),
    # gradient average a: [0.25, -0.5], [0.25, 0.75], [-0.375, 0.625]; v - a**2 under the root
    pytest.param(
        optim.rmsprop(0.1, alpha=0.5, eps=0.0, centered=True),
        [
            [-0.1 * 0.5 / sqrt(0.125 - 0.0625), 0.1 / sqrt(0.5 - 0.25)],
            [-0.1 * 0.25 / sqrt(0.09375 - 0.0625), -0.1 * 2 / sqrt(2.25 - 0.5625)],
            [0.1 / sqrt(0.546875 - 0.140625), -0.1 * 0.5 / sqrt(1.25 - 0.390625)],
        ],
        id="rmsprop-centered",
    ),
    # buffer b = 0.5 b + g / sqrt(v), from 0
    pytest.param(
        optim.rmsprop(0.1, alpha=0.5, eps=0.0, momentum=0.5),
        [-0.1 * D1, -0.1 * (0.5 * D1 + D2), -0.1 * (0.25 * D1 + 0.5 * D2 + D3)],
        id="rmsprop-momentum",
    ),
    pytest.param(
        optim.rmsprop(0.1, alpha=0.5, eps=0.0, weight_decay=0.5),
        _rmsprop_weight_decay_by_hand(),
        id="rmsprop-weight_decay",
    ),
    # sums of squares: [0.25, 1], [0.3125, 5], [1.3125, 5.25]
    pytest.param(
        optim.adagrad(0.1, eps=0.0),
        [
            [-0.1, 0.1],
            [-0.1 * 0.25 / sqrt(0.3125), -0.1 * 2 / sqrt(5.0)],
            [0.1 / sqrt(1.3125), -0.1 * 0.5 / sqrt(5.25)],
        ],
        id="adagrad",
    ),
    # step sizes 0.1 / (1 + (t - 1) * 0.5): 0.1, 0.1 / 1.5, 0.1 / 2
    pytest.param(
        optim.adagrad(0.1, eps=0.0, lr_decay=0.5),
        [
            [-0.1, 0.1],
            [-0.1 / 1.5 * 0.25 / sqrt(0.3125), -0.1 / 1.5 * 2 / sqrt(5.0)],
            [0.1 / 2 / sqrt(1.3125), -0.1 / 2 * 0.5 / sqrt(5.25)],
        ],
        id="adagrad-lr_decay",
    ),
    # sums start at 1: [1.25, 2], [1.3125, 6], [2.3125, 6.25]
    pytest.param(
        optim.adagrad(0.1, eps=0.0, initial_accumulator_value=1.0),
        [
            [-0.1 * 0.5 / sqrt(1.25), 0.1 / sqrt(2.0)],
            [-0.1 * 0.25 / sqrt(1.3125), -0.1 * 2 / sqrt(6.0)],
            [0.1 / sqrt(2.3125), -0.1 * 0.5 / 2.5],
        ],
        id="adagrad-initial_accumulator_value",
    ),
    pytest.param(
        optim.adagrad(0.1, eps=0.5),
        [
            [-0.1 * 0.5 / (0.5 + 0.5), 0.1 / (1 + 0.5)],
            [-0.1 * 0.25 / (sqrt(0.3125) + 0.5), -0.1 * 2 / (sqrt(5.0) + 0.5)],
            [0.1 / (sqrt(1.3125) + 0.5), -0.1 * 0.5 / (sqrt(5.25) + 0.5)],
        ],
        id="adagrad-eps",
    ),
    pytest.param(
        optim.adagrad(0.1, eps=0.0, weight_decay=0.5),
        _adagrad_weight_decay_by_hand(),
        id="adagrad-weight_decay",
    ),
]


@pytest.mark.parametrize("opt, expected", HAND)
def test_first_three_updates_by_hand(opt, expected):
    assert_allclose(np.array(_first_updates(opt)), np.array(expected), rtol=1e-12, atol=0)


def test_the_first_sgd_momentum_step_is_not_dampened():
    # With dampening 1 a dampened first step would be 0; PyTorch's buffer starts as g itself.
    (updates,) = _first_updates(optim.sgd(0.1, momentum=0.9, dampening=1.0), count=1)
    assert_allclose(updates, [-0.05, 0.1], rtol=1e-15)


# Each case: our factory and keyword arguments, and torch's class name and arguments.
TORCH_CASES = {
    "sgd": ("sgd", {"learning_rate": 0.1}, "SGD", {"lr": 0.1}),
    "sgd-momentum": (
        "sgd",
        {"learning_rate": 0.1, "momentum": 0.9},
        "SGD",
        {"lr": 0.1, "momentum": 0.9},
    ),
    "sgd-dampening": (
        "sgd",
        {"learning_rate": 0.1, "momentum": 0.8, "dampening": 0.3},
        "SGD",
        {"lr": 0.1, "momentum": 0.8, "dampening": 0.3},
    ),
    "sgd-nesterov": (
        "sgd",
        {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True},
        "SGD",
        {"lr": 0.1, "momentum": 0.9, "nesterov": True},
    ),
    "sgd-weight_decay": (
        "sgd",
        {"learning_rate": 0.1, "momentum": 0.9, "weight_decay": 0.1},
        "SGD",
        {"lr": 0.1, "momentum": 0.9, "weight_decay": 0.1},
    ),
    "adam": ("adam", {"learning_rate": 0.05}, "Adam", {"lr": 0.05}),
    "adam-betas-eps": (
        "adam",
        {"learning_rate": 0.05, "b1": 0.5, "b2": 0.75, "eps": 1e-3},
        "Adam",
        {"lr": 0.05, "betas": (0.5, 0.75), "eps": 1e-3},
    ),
    "adam-amsgrad": (
        "adam",
        {"learning_rate": 0.05, "amsgrad": True},
        "Adam",
        {"lr": 0.05, "amsgrad": True},
    ),
    "adam-weight_decay": (
        "adam",
        {"learning_rate": 0.05, "weight_decay": 0.1, "amsgrad": True},
        "Adam",
        {"lr": 0.05, "weight_decay": 0.1, "amsgrad": True},
    ),
    "adamw": ("adamw", {"learning_rate": 0.05}, "AdamW", {"lr": 0.05}),
    "adamw-weight_decay": (
        "adamw",
        {"learning_rate": 0.05, "weight_decay": 0.3, "b1": 0.8},
        "AdamW",
        {"lr": 0.05, "weight_decay": 0.3, "betas": (0.8, 0.999)},
    ),
    "rmsprop": ("rmsprop", {}, "RMSprop", {}),
    "rmsprop-alpha-eps": (
        "rmsprop",
        {"learning_rate": 0.05, "alpha": 0.9, "eps": 1e-3},
        "RMSprop",
        {"lr": 0.05, "alpha": 0.9, "eps": 1e-3},
    ),
    "rmsprop-centered": ("rmsprop", {"centered": True}, "RMSprop", {"centered": True}),
    "rmsprop-momentum": ("rmsprop", {"momentum": 0.9}, "RMSprop", {"momentum": 0.9}),
    "rmsprop-centered-momentum-weight_decay": (
        "rmsprop",
        {"momentum": 0.5, "centered": True, "weight_decay": 0.1},
        "RMSprop",
        {"momentum": 0.5, "centered": True, "weight_decay": 0.1},
    ),
    "adagrad": ("adagrad", {"learning_rate": 0.1}, "Adagrad", {"lr": 0.1}),
    "adagrad-lr_decay": (
        "adagrad",
        {"learning_rate": 0.1, "lr_decay": 0.05},
        "Adagrad",
        {"lr": 0.1, "lr_decay": 0.05},
    ),
    "adagrad-initial-eps-weight_decay": (
        "adagrad",
        {"learning_rate": 0.1, "initial_accumulator_value": 0.5, "eps": 1e-3, "weight_decay": 0.1},
        "Adagrad",
        {"lr": 0.1, "initial_accumulator_value": 0.5, "eps": 1e-3, "weight_decay": 0.1},
    ),
}


def _torch_steps(rng, opt, make_torch_optimizer, scheduler=None, steps=20):
    """Run ``opt`` and its torch twin on the same 20 gradients; both final parameter lists."""
    torch = pytest.importorskip("torch")
    params = [rng.normal(size=(2, 3)), rng.normal(size=3)]
    tensors = [torch.tensor(p.copy(), dtype=torch.float64, requires_grad=True) for p in params]
    torch_optimizer = make_torch_optimizer(tensors)
    torch_scheduler = scheduler(torch_optimizer) if scheduler else None
    state = opt.init(params)
    for _ in range(steps):
        grads = [rng.normal(size=p.shape) for p in params]
        updates, state = opt.update(grads, state, params)
        params = optim.apply_updates(params, updates)
        for tensor, grad in zip(tensors, grads):
            tensor.grad = torch.tensor(grad, dtype=torch.float64)
        torch_optimizer.step()
        if torch_scheduler:
            torch_scheduler.step()
    return params, [tensor.detach().numpy() for tensor in tensors]


@pytest.mark.parametrize("case", TORCH_CASES.values(), ids=TORCH_CASES.keys())
def test_twenty_steps_agree_with_torch(case, rng):
    torch = pytest.importorskip("torch")
    name, kwargs, torch_name, torch_kwargs = case
    ours, theirs = _torch_steps(
        rng,
        getattr(optim, name)(**kwargs),
        lambda tensors: getattr(torch.optim, torch_name)(tensors, **torch_kwargs),
    )
    for mine, reference in zip(ours, theirs):
        assert_allclose(mine, reference, rtol=1e-12, atol=0)


SCHEDULE_CASES = {
    "sgd-step_decay": (
        lambda: optim.sgd(optim.step_decay(0.1, step_size=5, gamma=0.5), momentum=0.9),
        lambda torch, tensors: torch.optim.SGD(tensors, lr=0.1, momentum=0.9),
        lambda torch, opt: torch.optim.lr_scheduler.StepLR(opt, step_size=5, gamma=0.5),
    ),
    "adam-exponential_decay": (
        lambda: optim.adam(optim.exponential_decay(0.05, gamma=0.9)),
        lambda torch, tensors: torch.optim.Adam(tensors, lr=0.05),
        lambda torch, opt: torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9),
    ),
    "adagrad-exponential_decay": (
        lambda: optim.adagrad(optim.exponential_decay(0.1, gamma=0.9), lr_decay=0.1),
        lambda torch, tensors: torch.optim.Adagrad(tensors, lr=0.1, lr_decay=0.1),
        lambda torch, opt: torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9),
    ),
}


@pytest.mark.parametrize("case", SCHEDULE_CASES.values(), ids=SCHEDULE_CASES.keys())
def test_schedules_agree_with_torch_schedulers(case, rng):
    torch = pytest.importorskip("torch")
    make_ours, make_torch, make_scheduler = case
    ours, theirs = _torch_steps(
        rng,
        make_ours(),
        lambda tensors: make_torch(torch, tensors),
        lambda opt: make_scheduler(torch, opt),
    )
    for mine, reference in zip(ours, theirs):
        assert_allclose(mine, reference, rtol=1e-12, atol=0)


def _minimise(opt, loss, x0, steps):
    gradient = cr.grad(loss)
    x, state = x0, opt.init(x0)
    for _ in range(steps):
        updates, state = opt.update(gradient(x), state, x)
        x = optim.apply_updates(x, updates)
    return x


QUADRATIC = [
    pytest.param(optim.sgd(0.3), 200, id="sgd"),
    pytest.param(optim.sgd(0.1, momentum=0.5), 200, id="sgd-momentum"),
    pytest.param(optim.sgd(0.1, momentum=0.5, nesterov=True), 200, id="sgd-nesterov"),
    pytest.param(optim.adam(optim.cosine_decay(0.1, 1000)), 1000, id="adam"),
    pytest.param(optim.adam(optim.cosine_decay(0.1, 1000), amsgrad=True), 1000, id="adam-amsgrad"),
    pytest.param(optim.adamw(optim.cosine_decay(0.1, 1000), weight_decay=0.0), 1000, id="adamw"),
    pytest.param(optim.rmsprop(optim.cosine_decay(0.05, 1000)), 1000, id="rmsprop"),
    pytest.param(
        optim.rmsprop(optim.cosine_decay(0.01, 1000), momentum=0.5, centered=True),
        1000,
        id="rmsprop-centered-momentum",
    ),
    pytest.param(optim.adagrad(1.0), 300, id="adagrad"),
]


@pytest.fixture
def quadratic(rng):
    """0.5 x^T A x - b^T x with A symmetric positive definite (eigenvalues 1 to 4)."""
    q, _ = np.linalg.qr(rng.normal(size=(5, 5)))
    a = q @ np.diag([1.0, 1.5, 2.0, 3.0, 4.0]) @ q.T
    b = rng.normal(size=5)
    return (lambda x: 0.5 * x @ a @ x - b @ x), a, b


@pytest.mark.parametrize("opt, steps", QUADRATIC)
def test_convex_quadratic_converges(opt, steps, quadratic):
    loss, a, b = quadratic
    x = _minimise(opt, loss, np.zeros(5), steps)
    assert np.max(np.abs(x - np.linalg.solve(a, b))) < 1e-6


def test_sgd_weight_decay_converges_to_the_ridge_solution(quadratic):
    # L2 decay 0.5 adds 0.5 x to the gradient: the fixed point solves (A + 0.5 I) x = b.
    loss, a, b = quadratic
    x = _minimise(optim.sgd(0.3, weight_decay=0.5), loss, np.zeros(5), 200)
    assert np.max(np.abs(x - np.linalg.solve(a + 0.5 * np.eye(5), b))) < 1e-6


def _rosenbrock(x):
    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2


ROSENBROCK = [
    pytest.param(optim.sgd(1.8e-3), 12000, id="sgd"),
    pytest.param(optim.sgd(1e-3, momentum=0.9), 3000, id="sgd-momentum"),
    pytest.param(optim.sgd(1e-3, momentum=0.9, nesterov=True), 3000, id="sgd-nesterov"),
    pytest.param(optim.adam(optim.cosine_decay(0.1, 3000)), 3000, id="adam"),
    pytest.param(optim.adamw(optim.cosine_decay(0.1, 3000), weight_decay=0.0), 3000, id="adamw"),
    pytest.param(
        optim.rmsprop(optim.cosine_decay(0.003, 2000), momentum=0.9), 2000, id="rmsprop-momentum"
    ),
    # Adagrad's sum of squares would be swamped by the first gradients (|g| ~ 200): clip them.
    pytest.param(
        optim.chain(optim.clip_by_global_norm(1.0), optim.adagrad(0.1)), 9000, id="adagrad"
    ),
]


@pytest.mark.parametrize("opt, steps", ROSENBROCK)
def test_rosenbrock_converges(opt, steps):
    x = _minimise(opt, _rosenbrock, np.array([-1.2, 1.0]), steps)
    assert np.max(np.abs(x - 1.0)) < 1e-3


OPTIMIZERS = [
    pytest.param(optim.sgd(0.1, momentum=0.9, weight_decay=0.01), id="sgd"),
    pytest.param(optim.adam(0.1, amsgrad=True, weight_decay=0.01), id="adam"),
    pytest.param(optim.adamw(0.1), id="adamw"),
    pytest.param(optim.rmsprop(0.1, momentum=0.5, centered=True, weight_decay=0.01), id="rmsprop"),
    pytest.param(optim.adagrad(0.1, weight_decay=0.01), id="adagrad"),
    pytest.param(optim.chain(optim.clip_by_global_norm(1.0), optim.adam(0.1)), id="chain"),
]


def _dict_loss(params):
    return cnp.sum((params["w"] - 1.0) ** 2) + (params["b"] + 2.0) ** 2


@pytest.mark.parametrize("opt", OPTIMIZERS)
def test_a_dict_pytree_keeps_its_shapes(opt, rng):
    params = {"w": rng.normal(size=(2, 3)), "b": np.array(0.5)}
    start = float(_dict_loss(params))
    state = opt.init(params)
    for _ in range(3):
        updates, state = opt.update(cr.grad(_dict_loss)(params), state, params)
        assert updates["w"].shape == (2, 3) and np.shape(updates["b"]) == ()
        params = optim.apply_updates(params, updates)
    assert set(params) == {"w", "b"}
    assert params["w"].shape == (2, 3) and params["b"].shape == ()
    assert params["w"].dtype == params["b"].dtype == np.float64
    assert float(_dict_loss(params)) < start


@pytest.mark.parametrize("opt", OPTIMIZERS)
def test_a_list_pytree_updates_as_its_concatenated_leaves(opt, rng):
    # Every optimiser works leaf by leaf and the global norm sees all leaves, so a list of
    # leaves (a Python float among them) gives the numbers of one concatenated vector.
    leaves = [rng.normal(size=3), rng.normal(size=(2, 2)), 0.5]
    grads = [rng.normal(size=3), rng.normal(size=(2, 2)), -1.5]
    flat_params = np.concatenate([np.ravel(leaf) for leaf in leaves])
    flat_grads = np.concatenate([np.ravel(grad) for grad in grads])
    state, flat_state = opt.init(leaves), opt.init(flat_params)
    for _ in range(2):
        updates, state = opt.update(grads, state, leaves)
        flat_updates, flat_state = opt.update(flat_grads, flat_state, flat_params)
    assert isinstance(updates, list) and [np.shape(u) for u in updates] == [(3,), (2, 2), ()]
    assert_allclose(np.concatenate([np.ravel(u) for u in updates]), flat_updates, rtol=1e-14)
    new_leaves = optim.apply_updates(leaves, updates)
    assert isinstance(new_leaves, list) and np.shape(new_leaves[2]) == ()


@pytest.mark.parametrize("opt", OPTIMIZERS)
def test_float32_parameters_stay_float32(opt):
    params = {"w": np.ones((2, 3), np.float32), "b": np.float32(0.5)}
    grads = {"w": np.full((2, 3), 0.25, np.float32), "b": np.float32(-1.0)}
    state = opt.init(params)
    for _ in range(2):
        updates, state = opt.update(grads, state, params)
        params = optim.apply_updates(params, updates)
    assert params["w"].dtype == np.float32 and params["b"].dtype == np.float32
    assert updates["w"].dtype == np.float32


@pytest.mark.parametrize("opt", OPTIMIZERS)
def test_update_writes_into_no_array_the_caller_holds(opt, rng):
    params = [rng.normal(size=3), rng.normal(size=(2, 2))]
    state = opt.init(params)
    for _ in range(2):
        grads = [rng.normal(size=3), rng.normal(size=(2, 2))]
        before = [np.copy(leaf) for leaf in cr.tree.tree_leaves((params, grads, state))]
        updates, new_state = opt.update(grads, state, params)
        new_params = optim.apply_updates(params, updates)
        after = cr.tree.tree_leaves((params, grads, state))
        assert all(np.array_equal(a, b) for a, b in zip(after, before))
        kept = [np.copy(leaf) for leaf in cr.tree.tree_leaves(new_state)]
        for grad in grads:
            grad[...] = 99.0  # the new state holds no alias of the caller's gradients
        assert all(np.array_equal(a, b) for a, b in zip(cr.tree.tree_leaves(new_state), kept))
        params, state = new_params, new_state


def test_the_first_momentum_buffer_is_a_copy_of_the_gradient():
    opt = optim.sgd(0.1, momentum=0.9)
    grads = [np.array([1.0, 2.0])]
    _, state = opt.update(grads, opt.init([np.zeros(2)]))
    grads[0][:] = 99.0
    assert_allclose(state.momentum_buffer[0], [1.0, 2.0])


def test_apply_updates_keeps_each_parameter_dtype_and_shape():
    params = {"w": np.ones(2, np.float32), "b": 1.0, "c": np.array(2.0)}
    updates = {"w": np.array([0.5, -0.25]), "b": np.float64(-0.25), "c": np.array(0.5)}
    new = optim.apply_updates(params, updates)
    assert new["w"].dtype == np.float32
    assert_allclose(new["w"], [1.5, 0.75])
    assert np.shape(new["b"]) == () and float(new["b"]) == 0.75
    assert new["c"].shape == () and float(new["c"]) == 2.5
    assert params["w"][0] == 1.0  # a new tree: the old parameters are untouched


def test_states_are_named_tuples_with_a_step_count():
    state = optim.adam(amsgrad=True).init({"w": np.zeros(2)})
    assert isinstance(state, optim.AdamState) and state.step == 0
    _, state = optim.adam(amsgrad=True).update({"w": np.ones(2)}, state)
    assert state.step == 1 and state.max_second_moment["w"].shape == (2,)
    assert optim.sgd(0.1).init([1.0]) == optim.SGDState(0, None)
    rms = optim.rmsprop().init([1.0])
    assert rms.gradient_average is None and rms.momentum_buffer is None


# ---- clipping and chain ------------------------------------------------------------------


def test_global_norm_takes_every_leaf():
    assert optim.global_norm({"a": np.array([3.0, 4.0]), "b": (12.0,)}) == 13.0
    assert optim.global_norm([]) == 0.0
    assert optim.global_norm([np.full(4, 1e30, np.float32)]) == pytest.approx(2e30)


def test_clip_by_global_norm_rescales_the_whole_tree():
    clip = optim.clip_by_global_norm(6.5)
    grads = {"a": np.array([3.0, 4.0]), "b": 12.0}  # norm 13
    clipped, state = clip.update(grads, clip.init(grads))
    assert state == optim.EmptyState()
    assert_allclose(clipped["a"], [1.5, 2.0], rtol=1e-15)
    assert clipped["b"] == pytest.approx(6.0, rel=1e-15)
    assert optim.global_norm(clipped) == pytest.approx(6.5, rel=1e-15)


def test_clip_by_global_norm_leaves_short_gradients_alone():
    clip = optim.clip_by_global_norm(13.0)
    grads = {"a": np.array([3.0, 4.0]), "b": 12.0}
    clipped, _ = clip.update(grads, clip.init(grads))
    assert_allclose(clipped["a"], [3.0, 4.0]) and clipped["b"] == 12.0


def test_chain_clips_then_steps():
    opt = optim.chain(optim.clip_by_global_norm(1.0), optim.sgd(0.5, momentum=0.9))
    params = np.array([0.0, 0.0])
    state = opt.init(params)
    assert isinstance(state, tuple) and state[0] == optim.EmptyState()
    assert isinstance(state[1], optim.SGDState)
    updates, state = opt.update(np.array([30.0, 40.0]), state, params)
    assert_allclose(updates, [-0.3, -0.4], rtol=1e-15)  # -0.5 * [0.6, 0.8]
    updates, state = opt.update(np.array([0.3, 0.4]), state, params)
    assert_allclose(updates, [-0.5 * (0.9 * 0.6 + 0.3), -0.5 * (0.9 * 0.8 + 0.4)], rtol=1e-15)
    assert state[1].step == 2


def test_chain_of_nothing_is_the_identity():
    opt = optim.chain()
    updates, state = opt.update([1.0], opt.init([0.0]))
    assert updates == [1.0] and state == ()


# ---- errors ------------------------------------------------------------------------------

CONSTRUCTION_ERRORS = {
    "sgd-learning_rate": (lambda: optim.sgd(-0.1), "sgd:", "learning_rate=-0.1", ">= 0"),
    "adam-learning_rate": (lambda: optim.adam(-1e-3), "adam:", "learning_rate"),
    "adam-nan-learning_rate": (lambda: optim.adam(float("nan")), "adam:", "learning_rate"),
    "adamw-learning_rate": (lambda: optim.adamw(-1e-3), "adamw:", "learning_rate"),
    "rmsprop-learning_rate": (lambda: optim.rmsprop(-1e-3), "rmsprop:", "learning_rate"),
    "adagrad-learning_rate": (lambda: optim.adagrad(-1e-3), "adagrad:", "learning_rate"),
    "adam-b1": (lambda: optim.adam(b1=1.0), "adam:", "b1=1.0", "[0, 1)"),
    "adam-b2": (lambda: optim.adam(b2=-0.1), "adam:", "b2=-0.1", "[0, 1)"),
    "adamw-b1": (lambda: optim.adamw(b1=1.5), "adamw:", "b1=1.5", "[0, 1)"),
    "adamw-b2": (lambda: optim.adamw(b2=1.0), "adamw:", "b2=1.0", "[0, 1)"),
    "rmsprop-alpha": (lambda: optim.rmsprop(alpha=1.0), "rmsprop:", "alpha=1.0", "[0, 1)"),
    "adam-eps": (lambda: optim.adam(eps=-1e-8), "adam:", "eps=-1e-08"),
    "adamw-eps": (lambda: optim.adamw(eps=-1e-8), "adamw:", "eps=-1e-08"),
    "rmsprop-eps": (lambda: optim.rmsprop(eps=-1e-8), "rmsprop:", "eps=-1e-08"),
    "adagrad-eps": (lambda: optim.adagrad(eps=-1e-8), "adagrad:", "eps=-1e-08"),
    "sgd-weight_decay": (lambda: optim.sgd(0.1, weight_decay=-1.0), "sgd:", "weight_decay=-1.0"),
    "adam-weight_decay": (lambda: optim.adam(weight_decay=-1.0), "adam:", "weight_decay=-1.0"),
    "adamw-weight_decay": (lambda: optim.adamw(weight_decay=-1.0), "adamw:", "weight_decay"),
    "rmsprop-weight_decay": (lambda: optim.rmsprop(weight_decay=-1.0), "rmsprop:", "weight_decay"),
    "adagrad-weight_decay": (lambda: optim.adagrad(weight_decay=-1.0), "adagrad:", "weight_decay"),
    "sgd-momentum": (lambda: optim.sgd(0.1, momentum=-0.5), "sgd:", "momentum=-0.5"),
    "rmsprop-momentum": (lambda: optim.rmsprop(momentum=-0.5), "rmsprop:", "momentum=-0.5"),
    "adagrad-lr_decay": (lambda: optim.adagrad(lr_decay=-0.5), "adagrad:", "lr_decay=-0.5"),
    "adagrad-initial_accumulator_value": (
        lambda: optim.adagrad(initial_accumulator_value=-1.0),
        "adagrad:",
        "initial_accumulator_value=-1.0",
    ),
    "sgd-nesterov-without-momentum": (
        lambda: optim.sgd(0.1, nesterov=True),
        "sgd:",
        "nesterov=True needs momentum > 0",
        "momentum=0.9",
    ),
    "sgd-nesterov-with-dampening": (
        lambda: optim.sgd(0.1, momentum=0.9, nesterov=True, dampening=0.1),
        "sgd:",
        "dampening=0.1",
    ),
    "clip-max_norm": (lambda: optim.clip_by_global_norm(0.0), "clip_by_global_norm:", "max_norm"),
}


@pytest.mark.parametrize("case", CONSTRUCTION_ERRORS.values(), ids=CONSTRUCTION_ERRORS.keys())
def test_bad_hyperparameters_raise_value_error(case):
    make, *fragments = case
    raises_with(ValueError, make, *fragments)


@pytest.mark.parametrize(
    "make, fragments",
    [
        (lambda: optim.sgd("0.1"), ("sgd:", "learning_rate is a str", "schedule")),
        (lambda: optim.adam(None), ("adam:", "learning_rate is a NoneType")),
        (lambda: optim.clip_by_global_norm("1"), ("clip_by_global_norm:", "max_norm is a str")),
        (lambda: optim.chain(optim.sgd(0.1), 0.5), ("chain:", "argument 1 is a float")),
    ],
    ids=["sgd-learning_rate", "adam-learning_rate", "clip-max_norm", "chain-argument"],
)
def test_arguments_of_the_wrong_type_raise_type_error(make, fragments):
    raises_with(TypeError, make, *fragments)


NAMES = ["sgd", "adam", "adamw", "rmsprop", "adagrad"]


def _make(name):
    return optim.sgd(0.1, momentum=0.9) if name == "sgd" else getattr(optim, name)()


@pytest.mark.parametrize("name", NAMES)
def test_grads_of_another_structure_than_the_state(name):
    opt = _make(name)
    state = opt.init({"w": np.zeros(2), "b": 0.0})
    raises_with(
        ValueError,
        lambda: opt.update({"w": np.ones(2)}, state, {"w": np.zeros(2)}),
        f"{name}.update:",
        "tree structure {'w': *}",
        "{'b': *, 'w': *}",
        "same structure",
    )


@pytest.mark.parametrize("name", NAMES)
def test_grads_of_another_shape_than_the_state(name):
    opt = _make(name)
    state = opt.init([np.zeros(2)])
    raises_with(
        ValueError,
        lambda: opt.update([np.ones(3)], state, [np.zeros(2)]),
        f"{name}.update:",
        "leaf 0 has shape (3,)",
        "shape (2,)",
    )


def test_grads_of_another_structure_than_the_params():
    opt = optim.sgd(0.1)  # keeps no tree in its state: the params are the reference
    state = opt.init([1.0, 2.0])
    raises_with(
        ValueError,
        lambda: opt.update([1.0, 2.0], state, (1.0, 2.0)),
        "sgd.update:",
        "grads have the tree structure [*, *] but params has (*, *)",
    )


@pytest.mark.parametrize("name", NAMES)
def test_integer_parameters_raise_type_error(name):
    opt = _make(name)
    raises_with(
        TypeError,
        lambda: opt.init({"w": np.array([1, 2])}),
        f"{name}.init:",
        "int64",
        "float",
        "dtype=float",
    )
    state = opt.init([np.zeros(2)])
    raises_with(
        TypeError, lambda: opt.update([np.ones(2)], state, [np.array([1, 2])]), f"{name}.update:"
    )


def test_a_python_int_leaf_is_an_integer_parameter():
    raises_with(TypeError, lambda: optim.adam().init([1.0, 2]), "adam.init:", "leaf 1", "int64")


@pytest.mark.parametrize("name", ["sgd", "adam", "adamw", "rmsprop", "adagrad"])
def test_weight_decay_without_params(name):
    opt = getattr(optim, name)(0.1, weight_decay=0.1)
    state = opt.init([np.zeros(2)])
    raises_with(ValueError, lambda: opt.update([np.ones(2)], state), f"{name}.update:", "params")


def test_a_schedule_that_returns_a_negative_rate():
    opt = optim.adam(lambda step: 0.1 - 0.1 * step)
    state = opt.init([0.0])
    _, state = opt.update([1.0], state)
    _, state = opt.update([1.0], state)
    raises_with(ValueError, lambda: opt.update([1.0], state), "adam.update:", "-0.1 at step 2")


def test_apply_updates_of_another_structure():
    raises_with(
        ValueError,
        lambda: optim.apply_updates({"w": 1.0}, {"v": 1.0}),
        "apply_updates:",
        "params have the tree structure",
    )
    raises_with(
        ValueError,
        lambda: optim.apply_updates([np.zeros(2)], [np.zeros((2, 2))]),
        "apply_updates:",
        "shape (2, 2)",
    )


def test_chain_given_another_state():
    opt = optim.chain(optim.clip_by_global_norm(1.0), optim.sgd(0.1))
    raises_with(
        ValueError, lambda: opt.update([1.0], (optim.EmptyState(),)), "chain.update:", "2 states"
    )
