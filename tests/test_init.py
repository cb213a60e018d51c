"""Initialisation scales against torch.nn.init (and Keras), and the norm recursion of a scale-invariant weight
against a real PyTorch SGD run."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lessons_lib.init import (calculate_gain, effective_learning_rate, equilibrium_sq_norm, fans, init_bound,
                              init_std, sq_norm_history)


@pytest.mark.parametrize("nl,param", [("linear", None), ("sigmoid", None), ("tanh", None), ("relu", None),
                                      ("leaky_relu", None), ("leaky_relu", 0.2), ("selu", None), ("conv2d", None)])
def test_gains_match_torch(nl: str, param: float | None) -> None:
    import torch

    assert calculate_gain(nl, param) == pytest.approx(torch.nn.init.calculate_gain(nl, param), rel=1e-15)


def _seeded(fill, shape, *args, **kwargs):
    import torch

    torch.manual_seed(3)
    w = torch.empty(shape, dtype=torch.float64)
    fill(w, *args, **kwargs)
    return w


@pytest.mark.parametrize("shape", [(30, 70), (70, 30), (8, 4, 3, 3)])
def test_scales_match_torch_init_draw_for_draw(shape: tuple[int, ...]) -> None:
    """Same seed: torch's initialiser equals the unit draw times our std (normal) or bound (uniform)."""
    import torch

    fan_in, fan_out = fans(shape)
    unit_normal = _seeded(torch.nn.init.normal_, shape, 0.0, 1.0)
    unit_uniform = _seeded(torch.nn.init.uniform_, shape, -1.0, 1.0)
    checks = [
        (_seeded(torch.nn.init.xavier_normal_, shape, gain=1.7), unit_normal, init_std(fan_in, fan_out, "xavier", gain=1.7)),
        (_seeded(torch.nn.init.xavier_uniform_, shape, gain=0.6), unit_uniform,
         init_bound(fan_in, fan_out, "xavier", gain=0.6)),
        (_seeded(torch.nn.init.kaiming_normal_, shape, nonlinearity="relu"), unit_normal,
         init_std(fan_in, fan_out, "kaiming", gain=math.sqrt(2))),
        (_seeded(torch.nn.init.kaiming_normal_, shape, mode="fan_out", nonlinearity="relu"), unit_normal,
         init_std(fan_in, fan_out, "kaiming", "fan_out", gain=math.sqrt(2))),
        (_seeded(torch.nn.init.kaiming_uniform_, shape, a=0.2, nonlinearity="leaky_relu"), unit_uniform,
         init_bound(fan_in, fan_out, "kaiming", gain=calculate_gain("leaky_relu", 0.2))),
        # nn.Linear's own default: kaiming_uniform_ with a = sqrt(5), i.e. the bound 1/sqrt(fan_in)
        (_seeded(torch.nn.init.kaiming_uniform_, shape, a=math.sqrt(5)), unit_uniform, 1 / math.sqrt(fan_in)),
    ]
    for got, unit, scale in checks:
        np.testing.assert_allclose(got.numpy(), scale * unit.numpy(), rtol=1e-12, atol=1e-15)


def test_uniform_bound_gives_the_same_std_and_keras_agrees() -> None:
    from lessons_lib._lazy import import_keras

    keras = import_keras()
    fan_in, fan_out = 300, 200
    for init, bound in [(keras.initializers.GlorotUniform(seed=1), init_bound(fan_in, fan_out, "xavier")),
                        (keras.initializers.HeUniform(seed=1), init_bound(fan_in, fan_out, gain=math.sqrt(2)))]:
        w = np.asarray(init((fan_in, fan_out)))  # Keras kernels are (fan_in, fan_out)
        assert np.abs(w).max() <= bound * (1 + 1e-6) and np.abs(w).max() > 0.99 * bound
        assert w.std() == pytest.approx(bound / math.sqrt(3), rel=0.02)
    assert isinstance(keras.layers.Dense(3).kernel_initializer, keras.initializers.GlorotUniform)  # the default


def test_torch_linear_default_is_a_uniform_bound_of_one_over_sqrt_fan_in() -> None:
    import torch

    w = torch.nn.Linear(400, 300).weight.detach().double().numpy()
    assert np.abs(w).max() <= 1 / math.sqrt(400) and np.abs(w).max() > 0.999 / math.sqrt(400)
    assert w.std() == pytest.approx(init_std(400, 300, gain=1 / math.sqrt(3)), rel=0.01)


def test_fans_follow_pytorch_layouts() -> None:
    import torch

    for shape in [(5, 3), (6, 2, 3, 3), (4, 7, 5)]:
        assert fans(shape) == torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))


def test_inputs_are_validated() -> None:
    with pytest.raises(ValueError, match="scheme"):
        init_std(3, 4, "lecun")
    with pytest.raises(ValueError, match="mode"):
        init_std(3, 4, mode="avg")
    with pytest.raises(ValueError, match="fan_in"):
        init_std(0, 4)
    with pytest.raises(ValueError, match="nonlinearity"):
        calculate_gain("gelu")
    with pytest.raises(ValueError, match="weight must be nonzero"):
        effective_learning_rate(0.1, np.zeros(3))
    with pytest.raises(ValueError, match="lr \\* weight_decay"):
        equilibrium_sq_norm(1.0, 3.0, 1.0)
    with pytest.raises(ValueError, match="shape"):
        fans((3,))


def _bn_run(weight_decay: float, steps: int = 25):
    """A float64 net whose first weight is followed by batch norm (eps = 1e-30, below float64 rounding of the variance: exactly scale invariant; PyTorch refuses eps = 0)."""
    import torch

    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(5, 8, bias=False), torch.nn.BatchNorm1d(8, eps=1e-30), torch.nn.Tanh(),
                              torch.nn.Linear(8, 3)).double()
    X, y = torch.randn(32, 5, dtype=torch.float64), torch.randint(0, 3, (32,))
    w = net[0].weight
    opt = torch.optim.SGD([{"params": [w], "weight_decay": weight_decay},
                           {"params": list(net.parameters())[1:], "weight_decay": 0.0}], lr=0.3)
    sq, G2 = [], []
    for _ in range(steps):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(net(X), y).backward()
        sq.append(float(w.detach().pow(2).sum()))
        G2.append(float(w.grad.pow(2).sum()) * sq[-1])
        assert abs(float((w.grad * w.detach()).sum())) < 1e-12 * math.sqrt(G2[-1])  # gradient orthogonal to w
        opt.step()
    sq.append(float(w.detach().pow(2).sum()))
    return np.array(sq), np.array(G2)


@pytest.mark.parametrize("weight_decay", [0.0, 0.2])
def test_norm_recursion_matches_torch_sgd(weight_decay: float) -> None:
    sq, G2 = _bn_run(weight_decay)
    np.testing.assert_allclose(sq_norm_history(sq[0], 0.3, weight_decay, G2), sq, rtol=1e-12)
    if weight_decay == 0.0:
        assert np.all(np.diff(sq) > 0)  # without decay the norm only grows


def test_equilibrium_is_the_fixed_point() -> None:
    rho = equilibrium_sq_norm(0.1, 0.05, 2.5)
    assert sq_norm_history(rho, 0.1, 0.05, [2.5] * 3) == pytest.approx([rho] * 4, rel=1e-12)
    assert rho == pytest.approx(math.sqrt(2.5 * 0.1 / (2 * 0.05)), rel=0.01)  # the sqrt rule, to first order
    assert sq_norm_history(50.0, 0.1, 0.05, [2.5] * 3000)[-1] == pytest.approx(rho, rel=1e-9)  # attracting
    assert effective_learning_rate(0.1, np.full(4, 0.5)) == pytest.approx(0.1)
