"""The parity issue's schedule twins against the frameworks' own classes, built directly (not through our builders).

1200 float64 updates each (the learning rate update t uses, read before optimizer.step()); bounds from
lessons_lib.frameworks.COVERAGE. Also: where Keras's and torch's restart arithmetic miss a restart, and why
the Keras builder refuses to call the exact schedule its equivalent.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from lessons_lib import schedules as S
from lessons_lib.frameworks import COVERAGE

N = 1200
K = np.arange(N)
LS = "torch.optim.lr_scheduler."


def rel_err(a, b) -> float:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-300)))


def torch_run(make, n: int = N, base_lr: float = 0.1, step=None) -> tuple[np.ndarray, np.ndarray]:
    """Rates (and momenta) of a torch scheduler ``make(optimizer)`` stepped once per update."""
    import torch

    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=base_lr, momentum=0.9)
    sched = make(opt)
    lrs, moms = [], []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for k in range(n):
            lrs.append(opt.param_groups[0]["lr"])
            moms.append(opt.param_groups[0]["momentum"])
            p.grad = torch.zeros(1)
            opt.step()
            sched.step() if step is None else step(sched, k + 1)
    return np.array(lrs), np.array(moms)


def L():
    import torch

    return torch.optim.lr_scheduler


def test_constant_lr() -> None:
    ours = S.Constant(0.1, factor=0.25, total_iters=300)
    theirs, _ = torch_run(lambda o: L().ConstantLR(o, factor=0.25, total_iters=300))
    assert rel_err(ours(K), theirs) <= COVERAGE[LS + "ConstantLR"].bound
    ks = ours.keras_schedule()
    assert rel_err(ours(K), [float(ks(int(k))) for k in K]) <= COVERAGE[LS + "ConstantLR"].bound


def test_multiplicative_lr() -> None:
    f = lambda k: 0.999 if k % 3 else 0.997  # noqa: E731
    theirs, _ = torch_run(lambda o: L().MultiplicativeLR(o, f))
    assert rel_err(S.Multiplicative(f, lr=0.1)(K), theirs) <= COVERAGE[LS + "MultiplicativeLR"].bound


def test_chained_scheduler_of_factor_schedulers() -> None:
    ours = S.Chained([S.StepDecay(0.1, 150, 0.7), S.ExponentialDecay(0.1, 0.9995),
                      S.Constant(0.1, factor=0.5, total_iters=100), S.MultiStep(0.1, [400, 900], 0.5)])

    def make(o):
        members = [L().StepLR(o, 150, 0.7), L().ExponentialLR(o, 0.9995), L().ConstantLR(o, 0.5, 100),
                   L().MultiStepLR(o, [400, 900], 0.5)]
        return L().ChainedScheduler(members, optimizer=o)

    theirs, _ = torch_run(make)
    assert rel_err(ours(K), theirs) <= COVERAGE[LS + "ChainedScheduler"].bound


def test_chained_with_recursive_cosine_is_not_a_product() -> None:
    """torch's CosineAnnealingLR, chained, steps its recursive form on the already-decayed rate: not a factor."""
    ours = S.Chained([S.CosineAnnealing(0.1, 1000), S.ExponentialDecay(0.1, 0.999)])
    theirs, _ = torch_run(lambda o: L().ChainedScheduler([L().CosineAnnealingLR(o, 1000),
                                                           L().ExponentialLR(o, 0.999)], optimizer=o))
    assert rel_err(ours(K), theirs) > 1e-2  # the builder therefore uses LambdaLR (checked in the conformance file)


def test_cyclic_lr_scale_fn_and_momentum() -> None:
    fn = lambda c: 1.0 / (1.0 + 0.5 * (c - 1))  # noqa: E731
    ours = S.Cyclic(0.001, 0.1, step_size_up=60, step_size_down=90, scale_fn=fn, scale_mode="cycle")
    lrs, moms = torch_run(lambda o: L().CyclicLR(o, 0.001, 0.1, step_size_up=60, step_size_down=90, scale_fn=fn,
                                                 scale_mode="cycle"))
    assert rel_err(ours(K), lrs) <= COVERAGE[LS + "CyclicLR"].bound
    assert rel_err(ours.momentum(K), moms) <= COVERAGE[LS + "CyclicLR"].bound
    it = S.Cyclic(0.001, 0.1, step_size_up=80, scale_fn=lambda k: 0.9993**k, scale_mode="iterations",
                  cycle_momentum=False)
    lrs, moms = torch_run(lambda o: L().CyclicLR(o, 0.001, 0.1, step_size_up=80, scale_fn=lambda k: 0.9993**k,
                                                 scale_mode="iterations", cycle_momentum=False))
    assert rel_err(it(K), lrs) <= COVERAGE[LS + "CyclicLR"].bound
    assert it.momentum(K) is None and np.all(moms == 0.9)  # torch leaves the optimizer's momentum alone


def test_one_cycle_epochs_and_steps_per_epoch() -> None:
    ours = S.OneCycle(0.1, epochs=12, steps_per_epoch=100, pct_start=0.2, cycle_momentum=False)
    assert ours.total_steps == N and ours.momentum(5) is None
    lrs, moms = torch_run(lambda o: L().OneCycleLR(o, 0.1, epochs=12, steps_per_epoch=100, pct_start=0.2,
                                                   cycle_momentum=False))
    assert rel_err(ours(K), lrs) <= COVERAGE[LS + "OneCycleLR"].bound and np.all(moms == 0.9)
    with pytest.raises(ValueError, match="give total_steps, or both epochs and steps_per_epoch"):
        S.OneCycle(0.1, epochs=3)


def test_linear_lr_is_polynomial_decay_of_power_one() -> None:
    ours = S.PolynomialDecay(0.1 * 0.2, 400, end_lr=0.1 * 0.9, power=1.0)
    theirs, _ = torch_run(lambda o: L().LinearLR(o, start_factor=0.2, end_factor=0.9, total_iters=400))
    assert rel_err(ours(K), theirs) <= COVERAGE[LS + "LinearLR"].bound


def fractional(sched, k: int, n: int) -> None:
    epoch, i = divmod(k, n)
    sched.step(epoch + i / n)


def test_warm_restarts_with_fractional_epochs() -> None:
    """torch's documented loop: scheduler.step(epoch + i / iters) after every batch."""
    ours = S.CosineWarmRestarts(0.1, T_0=2, T_mult=2, eta_min=0.001, steps_per_epoch=25,
                                restart_arithmetic="torch_epoch")
    theirs, _ = torch_run(lambda o: L().CosineAnnealingWarmRestarts(o, T_0=2, T_mult=2, eta_min=0.001),
                          step=lambda s, k: fractional(s, k, 25))
    assert rel_err(ours(K), theirs) <= COVERAGE[LS + "CosineAnnealingWarmRestarts"].bound
    exact = S.CosineWarmRestarts(0.1, T_0=2, T_mult=2, eta_min=0.001, steps_per_epoch=25)
    assert rel_err(exact(K), theirs) <= 1e-12  # no restart is missed here: the two arithmetics agree


def test_keras_misses_the_restart_at_847_and_torch_counting_does_not() -> None:
    import keras

    keras_sched = keras.optimizers.schedules.CosineDecayRestarts(np.float64(1.0), 7, t_mul=np.float64(3.0))
    k = np.arange(840, 850)
    theirs = np.array([float(keras_sched(int(j))) for j in k])  # step by step, as the optimizer calls it
    twin = S.CosineWarmRestarts(1.0, T_0=7, T_mult=3, restart_arithmetic="keras")
    assert rel_err(twin(k), theirs) <= COVERAGE["keras.optimizers.schedules.CosineDecayRestarts"].bound
    assert math.log(243) / math.log(3) < 5 and theirs[847 - 840] == 0.0  # Keras: still at the trough
    exact = S.CosineWarmRestarts(1.0, T_0=7, T_mult=3)
    torch_lrs, _ = torch_run(lambda o: L().CosineAnnealingWarmRestarts(o, T_0=7, T_mult=3), n=850, base_lr=1.0)
    assert exact(847) == 1.0 and torch_lrs[847] == 1.0  # restarted
    # torch's step(epoch) path uses the same kind of logarithm and misses it too
    epoch_lrs, _ = torch_run(lambda o: L().CosineAnnealingWarmRestarts(o, T_0=7, T_mult=3), n=850, base_lr=1.0,
                             step=lambda s, j: s.step(j))
    assert epoch_lrs[847] == 0.0 == S.CosineWarmRestarts(1.0, 7, 3, restart_arithmetic="torch_epoch")(847)


def test_keras_builder_names_the_first_differing_step() -> None:
    exact = S.CosineWarmRestarts(1.0, T_0=7, T_mult=3)
    with pytest.raises(S.NoEquivalentError, match=r"first differs at k = 847: cycle 4 where .* gives cycle 5"):
        exact.keras_schedule(horizon=1000)
    ks = exact.keras_schedule(horizon=847)  # training that stops before k = 847 is served exactly
    assert rel_err(exact(np.arange(847)), [float(ks(int(j))) for j in range(0, 847, 1)]) <= 1e-12


def test_keras_non_integer_t_mul() -> None:
    ours = S.CosineWarmRestarts(0.1, T_0=10, T_mult=1.5, eta_min=0.001, peak_decay=0.8)  # exact boundaries
    ks = ours.keras_schedule()  # Keras finds the same cycles here: the builder returns CosineDecayRestarts
    assert rel_err(ours(K), [float(ks(int(k))) for k in K]) <= COVERAGE[
        "keras.optimizers.schedules.CosineDecayRestarts"].bound
    with pytest.raises(ValueError, match="T_mult must be a number >= 1"):
        S.CosineWarmRestarts(0.1, T_0=10, T_mult=0.5)


def test_keras_learning_rate_scheduler_callback_applies_the_schedule_per_epoch() -> None:
    import keras

    class _Model:
        pass

    s = S.StepDecay(0.1, step_size=3, gamma=0.5)
    floatx = keras.config.floatx()
    keras.config.set_floatx("float64")
    try:
        model = _Model()
        model.optimizer = keras.optimizers.SGD(learning_rate=1.0)
        cb = s.keras_callback()
        cb.set_model(model)
        used = []
        for epoch in range(20):
            cb.on_epoch_begin(epoch)
            used.append(float(model.optimizer.learning_rate.numpy()))
    finally:
        keras.config.set_floatx(floatx)
    assert rel_err(s(np.arange(20)), used) <= COVERAGE["keras.callbacks.LearningRateScheduler"].bound


@pytest.mark.parametrize("arithmetic", ["exact", "keras", "torch_epoch"])
def test_every_restart_arithmetic_keeps_the_schedule_contract(arithmetic: str) -> None:
    s = S.CosineWarmRestarts(0.1, T_0=7, T_mult=3, eta_min=0.001, steps_per_epoch=2, restart_arithmetic=arithmetic)
    assert isinstance(s(5), float) and s(np.arange(40).reshape(5, 8)).shape == (5, 8)
    assert [s(int(k)) for k in range(40)] == list(s(np.arange(40)))
