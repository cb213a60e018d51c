"""Every schedule, over at least 1000 updates, against its torch scheduler and its Keras schedule.

torch: a real optimizer on a dummy parameter; the learning rate that update t uses is ``param_groups[0]['lr']``
read before ``optimizer.step()``, and the scheduler is stepped after it. Keras: the schedule evaluated at the
optimizer's iteration count (0, 1, 2, ...), and once through a real optimizer's updates to prove the index
convention. Worst relative error ≤ 1e-12.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from lessons_lib import schedules as S

from lessons_lib.frameworks.coverage import SCHEDULE_TOL

N = 1200
TOL = SCHEDULE_TOL  # the bound lessons_lib.frameworks.COVERAGE states for every schedule twin
K = np.arange(N)

CASES: dict[str, S.Schedule] = {
    "Constant": S.Constant(0.05),
    "StepDecay": S.StepDecay(0.1, step_size=97, gamma=0.7),
    "MultiStep": S.MultiStep(0.1, milestones=[100, 250, 250, 900], gamma=0.5),
    "Exponential smooth": S.ExponentialDecay(0.1, decay_rate=0.5, decay_steps=200),
    "Exponential per-step": S.ExponentialDecay(0.1, decay_rate=0.997),
    "Exponential staircase": S.ExponentialDecay(0.1, decay_rate=0.5, decay_steps=150, staircase=True),
    "InverseTime": S.InverseTimeDecay(0.1, decay_rate=0.5, decay_steps=100),
    "InverseTime staircase": S.InverseTimeDecay(0.1, decay_rate=2.0, decay_steps=100, staircase=True),
    "InverseTime legacy Keras decay": S.InverseTimeDecay.legacy_keras_decay(1e-3, 1e-3),
    "Polynomial to 0": S.PolynomialDecay(0.1, decay_steps=800, power=2.0),
    "Polynomial end_lr": S.PolynomialDecay(0.1, decay_steps=700, end_lr=1e-3, power=0.5),
    "Polynomial cycle": S.PolynomialDecay(0.1, decay_steps=300, end_lr=1e-3, power=1.5, cycle=True),
    "PiecewiseConstant": S.PiecewiseConstant([200, 500, 501], [0.1, 0.05, 0.02, 0.001]),
    "Cosine clamped": S.CosineAnnealing(0.1, T_max=700, eta_min=0.002),
    "Cosine periodic": S.CosineAnnealing(0.1, T_max=300, eta_min=0.01, periodic=True),
    "WarmRestarts": S.CosineWarmRestarts(0.1, T_0=100, T_mult=1, eta_min=0.001),
    "WarmRestarts T_mult=2": S.CosineWarmRestarts(0.1, T_0=50, T_mult=2, eta_min=0.001),
    "WarmRestarts peak_decay": S.CosineWarmRestarts(0.1, T_0=50, T_mult=2, eta_min=0.001, peak_decay=0.6),
    "Cyclic triangular": S.Cyclic(0.001, 0.1, step_size_up=100),
    "Cyclic triangular2": S.Cyclic(0.001, 0.1, step_size_up=70, step_size_down=130, mode="triangular2"),
    "Cyclic exp_range": S.Cyclic(0.001, 0.1, step_size_up=90, mode="exp_range", gamma=0.999),
    "OneCycle cos": S.OneCycle(0.1, total_steps=N),
    "OneCycle linear three-phase": S.OneCycle(0.1, total_steps=N, pct_start=0.25, anneal_strategy="linear",
                                              three_phase=True, div_factor=10.0, final_div_factor=100.0),
    "Warmup+cosine": S.warmup_cosine(0.1, warmup_steps=100, decay_steps=900, start_lr=0.0, end_lr=0.001),
    "Warmup(start>0)+step": S.LinearWarmup(S.StepDecay(0.1, 200, 0.5), warmup_steps=50, start_lr=0.01),
    "Warmup+exponential": S.LinearWarmup(S.ExponentialDecay(0.1, 0.998), warmup_steps=80, start_lr=0.001),
    "Sequence": S.Sequence([S.Constant(0.01), S.CosineAnnealing(0.1, 400), S.Constant(0.001)], [100, 500]),
    "Per-epoch step": S.per_epoch(S.StepDecay(0.1, step_size=3, gamma=0.5), steps_per_epoch=50),
    "Lambda": S.Lambda(lambda k: 1.0 / np.sqrt(1 + k), lr=0.1),
    # the parity issue's additions (tests/test_schedule_twins.py compares them with the frameworks' own classes)
    "Constant factor (ConstantLR)": S.Constant(0.1, factor=0.25, total_iters=300),
    "Multiplicative": S.Multiplicative(lambda k: 0.999 if k % 3 else 0.997, lr=0.1),
    "Chained factors": S.Chained([S.StepDecay(0.1, 150, 0.7), S.ExponentialDecay(0.1, 0.9995),
                                  S.Constant(0.1, factor=0.5, total_iters=100)]),
    "Chained with cosine (LambdaLR)": S.Chained([S.CosineAnnealing(0.1, 1000), S.ExponentialDecay(0.1, 0.999)]),
    "Cyclic scale_fn per cycle": S.Cyclic(0.001, 0.1, step_size_up=60, step_size_down=90,
                                          scale_fn=lambda c: 1.0 / (1.0 + 0.5 * (c - 1)), scale_mode="cycle"),
    "Cyclic scale_fn per iteration": S.Cyclic(0.001, 0.1, step_size_up=80, scale_fn=lambda k: 0.9993**k,
                                              scale_mode="iterations", cycle_momentum=False),
    "OneCycle epochs x steps_per_epoch": S.OneCycle(0.1, epochs=12, steps_per_epoch=100, pct_start=0.2),
    "WarmRestarts fractional epochs": S.CosineWarmRestarts(0.1, T_0=2, T_mult=2, eta_min=0.001, steps_per_epoch=25,
                                                           restart_arithmetic="torch_epoch"),
    "WarmRestarts T_mult=3 Keras arithmetic": S.CosineWarmRestarts(0.1, T_0=7, T_mult=3, eta_min=0.001,
                                                                   restart_arithmetic="keras"),
    "WarmRestarts T_mult=1.5 Keras arithmetic": S.CosineWarmRestarts(0.1, T_0=10, T_mult=1.5, eta_min=0.001,
                                                                     peak_decay=0.8, restart_arithmetic="keras"),
}

KERAS_NONE = {"Cosine periodic", "Cyclic triangular", "Cyclic triangular2", "Cyclic exp_range", "OneCycle cos",
              "OneCycle linear three-phase", "Warmup(start>0)+step", "Warmup+exponential", "Sequence",
              "Per-epoch step", "Lambda", "Multiplicative", "Chained factors", "Chained with cosine (LambdaLR)",
              "Cyclic scale_fn per cycle", "Cyclic scale_fn per iteration", "OneCycle epochs x steps_per_epoch"}


def rel_err(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300)))


def torch_lrs(schedule: S.Schedule, n: int = N) -> np.ndarray:
    import torch

    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=123.0, momentum=0.9)  # a base lr the scheduler must replace
    sched = schedule.torch_scheduler(opt)
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. the wrong-order warning must not fire
        for _ in range(n):
            out.append(opt.param_groups[0]["lr"])
            p.grad = torch.zeros(1)
            opt.step()
            sched.step()
    return np.array(out)


@pytest.mark.parametrize("name", sorted(CASES))
def test_against_torch(name: str) -> None:
    s = CASES[name]
    ours = s(K)
    assert ours.shape == (N,) and np.all(np.isfinite(ours)) and np.all(ours >= 0)
    n = N if not isinstance(s, S.OneCycle) else s.total_steps
    assert rel_err(ours[:n], torch_lrs(s, n)) <= TOL


@pytest.mark.parametrize("name", sorted(set(CASES) - KERAS_NONE))
def test_against_keras(name: str) -> None:
    import keras

    ks = CASES[name].keras_schedule()
    theirs = np.array([float(ks) if isinstance(ks, float) else float(ks(int(k))) for k in K])
    assert rel_err(CASES[name](K), theirs) <= TOL


@pytest.mark.parametrize("name", sorted(KERAS_NONE))
def test_keras_without_equivalent_says_why(name: str) -> None:
    with pytest.raises(S.NoEquivalentError, match="(?i)keras|nearest"):
        CASES[name].keras_schedule()


def test_keras_optimizer_uses_schedule_at_iterations_before_increment() -> None:
    """Update t of a real Keras optimizer uses s(t - 1): recover the rate from plain SGD's parameter change."""
    import keras

    s = S.MultiStep(0.5, milestones=[3, 5], gamma=0.5)
    floatx = keras.config.floatx()
    keras.config.set_floatx("float64")
    try:
        opt = keras.optimizers.SGD(learning_rate=s.keras_schedule())
        x = keras.Variable(np.zeros(1), dtype="float64")
        used = []
        for _ in range(8):
            before = float(x.numpy()[0])
            opt.apply_gradients([(keras.ops.ones((1,), dtype="float64"), x)])
            used.append(before - float(x.numpy()[0]))
    finally:
        keras.config.set_floatx(floatx)
    np.testing.assert_allclose(used, s(np.arange(8)), rtol=1e-12)


def test_cyclic_and_onecycle_momentum_match_torch() -> None:
    import torch

    for s in (S.Cyclic(0.001, 0.1, step_size_up=40, mode="triangular2"),
              S.OneCycle(0.1, total_steps=300, three_phase=True)):
        p = torch.zeros(1, requires_grad=True)
        opt = torch.optim.SGD([p], lr=0.1, momentum=0.9)
        sched = s.torch_scheduler(opt)
        n = 300
        moms = []
        for _ in range(n):
            moms.append(opt.param_groups[0]["momentum"])
            p.grad = torch.zeros(1)
            opt.step()
            sched.step()
        np.testing.assert_allclose(s.momentum(np.arange(n)), moms, rtol=1e-12)


def test_keras_piecewise_boundary_is_one_step_later_than_torch() -> None:
    """The same boundary list means different things: Keras keeps the earlier value while k <= b."""
    import keras

    raw = keras.optimizers.schedules.PiecewiseConstantDecay([3], [np.float64(1.0), np.float64(0.1)])
    assert [float(raw(k)) for k in range(5)] == [1.0, 1.0, 1.0, 1.0, 0.1]
    ours = S.PiecewiseConstant([3], [1.0, 0.1])
    assert list(ours(np.arange(5))) == [1.0, 1.0, 1.0, 0.1, 0.1]
    assert [float(ours.keras_schedule()(k)) for k in range(5)] == list(ours(np.arange(5)))


def test_torch_cosine_is_periodic_and_ours_clamps_by_default() -> None:
    clamped = S.CosineAnnealing(1.0, T_max=10, eta_min=0.1)
    periodic = S.CosineAnnealing(1.0, T_max=10, eta_min=0.1, periodic=True)
    assert clamped(15) == pytest.approx(0.1) and periodic(15) == pytest.approx(0.55)
    assert torch_lrs(periodic, 21)[20] == pytest.approx(1.0)
