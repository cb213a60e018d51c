"""ReduceLROnPlateau: the same metric sequences through ours (both countings), torch's scheduler and Keras's callback."""

from __future__ import annotations

import numpy as np
import pytest

from lessons_lib.frameworks.coverage import PLATEAU_TOL
from lessons_lib.schedules import NoEquivalentError, ReduceLROnPlateau

rng = np.random.default_rng(7)
SEQUENCES = {
    "constant": [1.0] * 25,
    "improving": list(np.linspace(2.0, 0.5, 25)),
    "plateaus": [1.0, 0.9, 0.9, 0.9, 0.9, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.5] + [0.5] * 13,
    "noisy": list(1.0 / np.arange(1, 41) + 0.05 * rng.standard_normal(40)),
    "tiny improvements": list(1.0 - 5e-5 * np.arange(30)),
    "rising (max mode)": list(np.minimum(np.arange(30) / 10.0, 1.5)),
}

SETTINGS = [
    dict(factor=0.5, patience=2, cooldown=0),
    dict(factor=0.5, patience=2, cooldown=1),
    dict(factor=0.5, patience=2, cooldown=3, min_lr=0.01),
    dict(factor=0.3, patience=0, cooldown=0),
    dict(factor=0.1, patience=4, cooldown=2, threshold=1e-3),
]


def torch_sequence(metrics, mode, threshold_mode="rel", **kw) -> list[float]:
    import torch

    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.1)
    ours = ReduceLROnPlateau(0.1, mode=mode, threshold_mode=threshold_mode, **kw)
    sched = ours.torch_scheduler(opt)
    out = []
    for m in metrics:
        sched.step(m)
        out.append(opt.param_groups[0]["lr"])
    return out


def _run_keras_callback(cb, metrics, monitor: str = "val_loss", model_metrics=None) -> list[tuple]:
    """Drive a Keras ReduceLROnPlateau callback over ``metrics`` on a stand-in model whose learning-rate variable
    is float64; returns (lr, wait, cooldown_counter) after each epoch."""
    import keras

    class _Model:  # the callback only needs model.optimizer (and model.metrics for mode='auto')
        pass

    floatx = keras.config.floatx()
    keras.config.set_floatx("float64")
    try:
        model = _Model()
        model.optimizer = keras.optimizers.SGD(learning_rate=0.1)
        if model_metrics is not None:
            model.metrics = model_metrics
        cb.set_model(model)
        cb.on_train_begin()
        out = []
        for epoch, m in enumerate(metrics):
            cb.on_epoch_end(epoch, logs={monitor: float(m)})
            out.append((float(model.optimizer.learning_rate.numpy()), cb.wait, cb.cooldown_counter))
    finally:
        keras.config.set_floatx(floatx)
    return out


def keras_sequence(metrics, mode, **kw) -> list[float]:
    cb = ReduceLROnPlateau.from_keras(0.1, mode=mode, **kw).keras_callback(monitor="val_loss")
    return [lr for lr, _, _ in _run_keras_callback(cb, metrics)]


def _mode(name: str) -> str:
    return "max" if "max" in name else "min"


@pytest.mark.parametrize("name", sorted(SEQUENCES))
@pytest.mark.parametrize("setting", range(len(SETTINGS)))
@pytest.mark.parametrize("threshold_mode", ["rel", "abs"])
def test_torch_counting_matches_torch(name: str, setting: int, threshold_mode: str) -> None:
    kw = SETTINGS[setting]
    ours = ReduceLROnPlateau(0.1, mode=_mode(name), threshold_mode=threshold_mode, **kw)
    got = [ours.step(m) for m in SEQUENCES[name]]
    np.testing.assert_allclose(got, torch_sequence(SEQUENCES[name], _mode(name), threshold_mode, **kw), rtol=PLATEAU_TOL)


@pytest.mark.parametrize("name", sorted(SEQUENCES))
@pytest.mark.parametrize("setting", range(len(SETTINGS)))
def test_keras_counting_matches_keras_callback(name: str, setting: int) -> None:
    kw = dict(SETTINGS[setting])
    if "threshold" in kw:
        kw["min_delta"] = kw.pop("threshold")
    ours = ReduceLROnPlateau.from_keras(0.1, mode=_mode(name), **kw)
    got = [ours.step(m) for m in SEQUENCES[name]]
    np.testing.assert_allclose(got, keras_sequence(SEQUENCES[name], _mode(name), **kw), rtol=PLATEAU_TOL)


def _cut_indices(lrs: list[float]) -> list[int]:
    return [i for i in range(len(lrs)) if lrs[i] < (lrs[i - 1] if i else 0.1)]


@pytest.mark.parametrize("cooldown", [0, 1, 2, 3])
def test_keras_cuts_one_epoch_earlier_and_its_cooldown_is_one_shorter(cooldown: int) -> None:
    """The reference sheet's table, computed from both frameworks: constant metric, patience=2."""
    metrics = [1.0] * 12
    kw = dict(factor=0.5, patience=2, cooldown=cooldown)
    torch_cuts = _cut_indices(torch_sequence(metrics, "min", **kw))
    keras_cuts = _cut_indices(keras_sequence(metrics, "min", **kw))
    assert torch_cuts[0] == 3 and keras_cuts[0] == 2  # the (patience+1)-th bad epoch vs the patience-th
    # spacing between cuts: torch patience + 1 + cooldown; Keras patience + max(cooldown - 1, 0) ... measured:
    assert all(b - a == 3 + cooldown for a, b in zip(torch_cuts, torch_cuts[1:]))
    assert all(b - a == 2 + max(cooldown - 1, 0) for a, b in zip(keras_cuts, keras_cuts[1:]))
    assert ReduceLROnPlateau(0.1, counting="keras", threshold_mode="abs", **kw).cuts == []  # nothing before steps
    ours = ReduceLROnPlateau.from_keras(0.1, **kw)
    for m in metrics:
        ours.step(m)
    assert ours.cuts == keras_cuts


def test_bad_arguments_and_missing_equivalents() -> None:
    with pytest.raises(ValueError, match=r"factor must be in \[0, 1\).*got 1.5"):
        ReduceLROnPlateau(0.1, factor=1.5)
    with pytest.raises(ValueError, match=r"mode must be one of 'min', 'max', got 'auto'"):
        ReduceLROnPlateau(0.1, mode="auto")
    with pytest.raises(ValueError, match=r"patience must be an integer >= 0, got -1"):
        ReduceLROnPlateau(0.1, patience=-1)
    with pytest.raises(TypeError, match=r"metric must be a real number, got 'x'"):
        ReduceLROnPlateau(0.1).step("x")
    with pytest.raises(NoEquivalentError, match="counting='torch'"):
        ReduceLROnPlateau.from_keras(0.1).torch_scheduler(None)
    with pytest.raises(NoEquivalentError, match="from_keras"):
        ReduceLROnPlateau(0.1).keras_callback()


# ---------------------------------------------------------------------------- state, min_lr, groups, mode='auto'
def keras_states(metrics, monitor="val_loss", model_metrics=None, **kw):
    """Keras's callback itself, with its learning-rate variable in float64: (lr, wait, cooldown_counter) per epoch."""
    import keras

    cb = keras.callbacks.ReduceLROnPlateau(monitor=monitor, **kw)
    return _run_keras_callback(cb, metrics, monitor, model_metrics)


def our_states(ours, metrics):
    return [(ours.step(m), ours.wait, ours.cooldown_counter) for m in metrics]


@pytest.mark.parametrize("min_lr, factor", [(1e-4, 0.5), (0.0, 1e-3), (0.003, 0.3)])
def test_keras_counting_matches_the_callbacks_state_at_min_lr(min_lr: float, factor: float) -> None:
    """Under NumPy 2 Keras compares old_lr > float32(min_lr) in float32: no no-op cuts at min_lr = 1e-4 (which
    float32 rounds down), and no cuts once the rate underflows float32 (min_lr = 0, factor 1e-3)."""
    import numpy as np

    if int(np.__version__.split(".")[0]) < 2:
        pytest.skip("the real callback is compared on the NumPy 2 path")
    metrics = [1.0] * 60
    kw = dict(factor=factor, patience=2, cooldown=2, min_lr=min_lr)
    theirs = keras_states(metrics, mode="min", min_delta=1e-4, **kw)
    ours = our_states(ReduceLROnPlateau.from_keras(0.1, mode="min", **kw), metrics)
    assert [s[1:] for s in ours] == [s[1:] for s in theirs]  # wait and cooldown, epoch by epoch
    np.testing.assert_allclose([s[0] for s in ours], [s[0] for s in theirs], rtol=PLATEAU_TOL, atol=0)


def test_numpy1_comparison_makes_no_op_cuts_at_a_min_lr_float32_rounds_down() -> None:
    """The same callback under NumPy 1.26 (value-based casting widens float32(1e-4) to float64): rates agree,
    counters do not."""
    metrics = [1.0] * 40
    kw = dict(factor=0.5, patience=2, cooldown=2, min_lr=1e-4)
    np2 = ReduceLROnPlateau.from_keras(0.1, min_lr_compare="float32", **kw)
    np1 = ReduceLROnPlateau.from_keras(0.1, min_lr_compare="float64", **kw)
    a, b = our_states(np2, metrics), our_states(np1, metrics)
    assert [s[0] for s in a] == [s[0] for s in b]
    assert len(np1.cuts) > len(np2.cuts) and a[-1][1:] != b[-1][1:]
    assert np1.lr == np2.lr == 1e-4 and float(np.float32(1e-4)) < 1e-4


def test_torch_per_group_min_lr() -> None:
    import torch

    metrics = [1.0] * 40
    ours = ReduceLROnPlateau([0.1, 0.05], factor=0.5, patience=1, cooldown=1, min_lr=[0.01, 0.02])
    got = [ours.step(m) for m in metrics]
    ps = [torch.zeros(1, requires_grad=True) for _ in range(2)]
    opt = torch.optim.SGD([{"params": [ps[0]]}, {"params": [ps[1]]}], lr=1.0)
    sched = ReduceLROnPlateau([0.1, 0.05], factor=0.5, patience=1, cooldown=1, min_lr=[0.01, 0.02]
                              ).torch_scheduler(opt)
    theirs = []
    for m in metrics:
        sched.step(m)
        theirs.append([g["lr"] for g in opt.param_groups])
    np.testing.assert_allclose(got, theirs, rtol=PLATEAU_TOL)
    assert got[-1] == [0.01, 0.02]
    with pytest.raises(NoEquivalentError, match="one min_lr"):
        ours.keras_callback()


def test_keras_mode_auto() -> None:
    from keras.src.trainers.compile_utils import MetricsList

    import keras

    metrics = list(np.minimum(np.arange(30) / 10.0, 1.5))
    kw = dict(factor=0.5, patience=2, cooldown=1)
    ours = ReduceLROnPlateau.from_keras(0.1, mode="auto", monitor="val_accuracy", metric_direction="up", **kw)
    assert ours.mode == "max"
    acc = MetricsList([keras.metrics.BinaryAccuracy(name="accuracy")])
    theirs = keras_states(metrics, monitor="val_accuracy", model_metrics=[acc], mode="auto", min_delta=1e-4, **kw)
    assert our_states(ours, metrics) == theirs
    loss = [1.0] * 20
    ours = ReduceLROnPlateau.from_keras(0.1, mode="auto", monitor="val_loss", **kw)
    assert our_states(ours, loss) == keras_states(loss, mode="auto", min_delta=1e-4, **kw)
    assert ours.keras_callback().mode == "auto"
    with pytest.raises(ValueError, match="metric_direction='up' or 'down'"):
        ReduceLROnPlateau.from_keras(0.1, mode="auto", monitor="val_f1")
