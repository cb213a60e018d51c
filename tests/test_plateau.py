"""ReduceLROnPlateau: the same metric sequences through ours (both countings), torch's scheduler and Keras's callback."""

from __future__ import annotations

import numpy as np
import pytest

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


def keras_sequence(metrics, mode, **kw) -> list[float]:
    import keras

    class _Model:
        pass

    floatx = keras.config.floatx()
    keras.config.set_floatx("float64")
    try:
        model = _Model()
        model.optimizer = keras.optimizers.SGD(learning_rate=0.1)
        cb = ReduceLROnPlateau.from_keras(0.1, mode=mode, **kw).keras_callback(monitor="val_loss")
        cb.set_model(model)
        cb.on_train_begin()
        out = []
        for epoch, m in enumerate(metrics):
            cb.on_epoch_end(epoch, logs={"val_loss": float(m)})
            out.append(float(model.optimizer.learning_rate.numpy()))
    finally:
        keras.config.set_floatx(floatx)
    return out


def _mode(name: str) -> str:
    return "max" if "max" in name else "min"


@pytest.mark.parametrize("name", sorted(SEQUENCES))
@pytest.mark.parametrize("setting", range(len(SETTINGS)))
@pytest.mark.parametrize("threshold_mode", ["rel", "abs"])
def test_torch_counting_matches_torch(name: str, setting: int, threshold_mode: str) -> None:
    kw = SETTINGS[setting]
    ours = ReduceLROnPlateau(0.1, mode=_mode(name), threshold_mode=threshold_mode, **kw)
    got = [ours.step(m) for m in SEQUENCES[name]]
    np.testing.assert_allclose(got, torch_sequence(SEQUENCES[name], _mode(name), threshold_mode, **kw), rtol=1e-15)


@pytest.mark.parametrize("name", sorted(SEQUENCES))
@pytest.mark.parametrize("setting", range(len(SETTINGS)))
def test_keras_counting_matches_keras_callback(name: str, setting: int) -> None:
    kw = dict(SETTINGS[setting])
    if "threshold" in kw:
        kw["min_delta"] = kw.pop("threshold")
    ours = ReduceLROnPlateau.from_keras(0.1, mode=_mode(name), **kw)
    got = [ours.step(m) for m in SEQUENCES[name]]
    np.testing.assert_allclose(got, keras_sequence(SEQUENCES[name], _mode(name), **kw), rtol=1e-15)


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
