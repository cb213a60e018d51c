"""lessons_lib.precision against PyTorch's and Keras's own arithmetic and loss scalers."""

from __future__ import annotations

import numpy as np
import pytest

from lessons_lib.precision import FORMATS, loss_scale_sequence, round_to, ulp, update_loss_scale, update_survives

TORCH_DTYPES = {"float32": "float32", "float16": "float16", "bfloat16": "bfloat16"}
# A planted run: finite steps, single and repeated overflows, long finite stretches.
FLAGS = [0, 0, 0, 1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0]


def _torch_scales(flags, **kw):
    import torch

    scaler = torch.amp.GradScaler("cpu", **kw)
    w = torch.nn.Parameter(torch.ones(2))
    opt = torch.optim.SGD([w], lr=0.1)
    scales, applied = [], []
    for f in flags:
        opt.zero_grad()
        scales.append(scaler.get_scale())
        loss = (w * (float("inf") if f else 1.0)).sum()
        scaler.scale(loss).backward()
        before = w.detach().clone()
        scaler.step(opt)
        scaler.update()
        applied.append(not torch.equal(before, w.detach()))
    return np.array(scales), np.array(applied)


def _keras_scales(flags, initial_scale=2.0 ** 15, growth=2000):
    from lessons_lib._lazy import import_keras

    keras = import_keras()
    v = keras.Variable(np.ones(2, dtype="float32"))
    opt = keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(0.1), initial_scale=initial_scale,
                                              dynamic_growth_steps=growth)
    scales, applied, iterations = [], [], []
    for f in flags:
        scales.append(float(opt.dynamic_scale.numpy()) if opt.built else float(initial_scale))
        old = np.array(v.numpy())
        g = np.array([np.inf if f else 1.0, 1.0], dtype="float32")
        opt.apply([keras.ops.convert_to_tensor(g)], [v])
        applied.append(bool(np.any(np.array(v.numpy()) != old)))
        iterations.append(int(opt.iterations.numpy()))
    return np.array(scales), np.array(applied), np.array(iterations)


@pytest.mark.parametrize("kw", [dict(init_scale=4.0, growth_interval=2),
                                dict(init_scale=2.0 ** 16, growth_interval=3, growth_factor=4.0, backoff_factor=0.25),
                                dict(init_scale=1.0, growth_interval=1), dict()])
def test_loss_scale_sequence_matches_torch_gradscaler(kw) -> None:
    scales, applied = _torch_scales(FLAGS, **kw)
    ours = loss_scale_sequence(FLAGS, **kw)
    np.testing.assert_array_equal(ours[0], scales)
    np.testing.assert_array_equal(ours[1], applied)


def test_torch_keeps_the_scale_when_growing_would_overflow() -> None:
    big = float(np.float32(2.0 ** 127))
    scales, _ = _torch_scales([0, 0, 0], init_scale=big, growth_interval=1)
    assert list(scales) == [big] * 3
    assert list(loss_scale_sequence([0, 0, 0], init_scale=big, growth_interval=1)[0]) == [big] * 3
    assert np.isinf(loss_scale_sequence([0, 0, 0], init_scale=big, growth_interval=1, framework="keras")[0][-1])


@pytest.mark.parametrize("init, growth", [(4.0, 2), (2.0 ** 15, 3), (1.0, 1)])
def test_loss_scale_sequence_matches_keras(init: float, growth: int) -> None:
    scales, applied, iterations = _keras_scales(FLAGS, init, growth)
    ours = loss_scale_sequence(FLAGS, init_scale=init, growth_interval=growth, framework="keras")
    np.testing.assert_array_equal(ours[0], scales)
    np.testing.assert_array_equal(ours[1], applied)
    np.testing.assert_array_equal(iterations, np.cumsum(applied))  # a skipped step does not advance iterations


def test_defaults_differ_between_frameworks() -> None:
    import inspect

    import torch

    from lessons_lib._lazy import import_keras

    keras = import_keras()
    tp = inspect.signature(torch.amp.GradScaler.__init__).parameters
    kp = inspect.signature(keras.optimizers.LossScaleOptimizer.__init__).parameters
    assert tp["init_scale"].default == 2.0 ** 16 == loss_scale_sequence([0])[0][0]
    assert kp["initial_scale"].default == 2.0 ** 15 == loss_scale_sequence([0], framework="keras")[0][0]
    assert tp["growth_interval"].default == kp["dynamic_growth_steps"].default == 2000


def test_update_loss_scale_rule_and_inputs() -> None:
    assert update_loss_scale(8.0, 5, True) == (4.0, 0)
    assert update_loss_scale(8.0, 1998, False) == (8.0, 1999)
    assert update_loss_scale(8.0, 1999, False) == (16.0, 0)
    assert update_loss_scale(8.0, 0, False, growth_interval=1, growth_factor=3.0) == (24.0, 0)
    for bad in [dict(scale=0.0), dict(scale=np.inf), dict(good_steps=-1), dict(growth_factor=1.0),
                dict(backoff_factor=1.0), dict(growth_interval=0)]:
        args = dict(scale=1.0, good_steps=0, found_inf=False) | bad
        with pytest.raises(ValueError, match=next(iter(bad))):
            update_loss_scale(**args)
    with pytest.raises(ValueError, match="framework"):
        loss_scale_sequence([0], framework="jax")
    with pytest.raises(ValueError, match="fixed factors"):
        loss_scale_sequence([0], growth_factor=4.0, framework="keras")


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_formats_and_ulp_match_torch(fmt: str) -> None:
    import torch

    dt = getattr(torch, TORCH_DTYPES[fmt])
    fi = torch.finfo(dt)
    bits, exp_bits, p, e_min, e_max = FORMATS[fmt]
    assert (fi.bits, fi.eps, fi.tiny) == (bits, 2.0 ** -p, 2.0 ** e_min)
    assert fi.max == (2 - 2.0 ** -p) * 2.0 ** e_max and exp_bits == bits - 1 - p
    rng = np.random.default_rng(3)
    x = rng.standard_normal(4000) * np.exp(rng.uniform(-40, 40, 4000)) if fmt != "float16" else \
        rng.standard_normal(4000) * np.exp(rng.uniform(-18, 10, 4000))
    v = torch.tensor(x).to(dt)
    v = v[torch.isfinite(v) & (v.abs() < fi.max)]
    up = torch.nextafter(v.abs(), torch.full_like(v, float("inf"))).double() - v.abs().double()
    np.testing.assert_array_equal(ulp(v.double().numpy(), fmt), up.numpy())
    assert ulp(0.0, fmt) == torch.nextafter(torch.zeros((), dtype=dt), torch.ones((), dtype=dt)).item()


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_round_to_matches_torch_casts(fmt: str) -> None:
    import torch

    rng = np.random.default_rng(4)
    # float32 inputs: torch casts them to 16 bits in one rounding (float64 -> bfloat16 goes through float32)
    x = (rng.standard_normal(20000) * np.exp(rng.uniform(-30, 30, 20000))).astype(np.float32).astype(np.float64)
    x = np.concatenate([x, [0.0, -0.0, 65504.0, 65519.9, 65520.0, 1e6, np.inf, -np.inf, 1 + 2.0 ** -8]])
    with np.errstate(over="ignore"):
        expected = torch.tensor(x, dtype=torch.float32).to(getattr(torch, TORCH_DTYPES[fmt])).double().numpy()
    np.testing.assert_array_equal(round_to(x, fmt), expected)


def test_round_to_float64_inputs_is_a_single_rounding() -> None:
    # Just above a tie of bfloat16 in float64 but exactly on it in float32: torch's two roundings go the wrong way.
    x = 1 + 2.0 ** -8 + 2.0 ** -40
    import torch

    assert torch.tensor(x, dtype=torch.float64).to(torch.bfloat16).item() == 1.0
    assert round_to(x, "bfloat16") == 1 + 2.0 ** -7


def test_update_survives() -> None:
    import torch

    assert not update_survives(1.0, 1e-3, "bfloat16") and update_survives(1.0, 1e-3, "float16")
    assert not update_survives(1.0, 2.0 ** -8, "bfloat16")  # exactly half an ulp: ties to the even 1.0
    assert update_survives(1 + 2.0 ** -7, 2.0 ** -8, "bfloat16")  # from an odd neighbour it rounds away
    w = np.float32([1.0, 1000.0, 0.01, 3.0])
    d = np.float32([1e-3, 0.3, 1e-6, -1e-2])
    tw = torch.tensor(w).to(torch.bfloat16)
    expected = (tw + torch.tensor(d).to(torch.bfloat16)) != tw
    np.testing.assert_array_equal(update_survives(w, d.astype(np.float64), "bfloat16"), expected.numpy())


def test_inputs_are_validated() -> None:
    with pytest.raises(ValueError, match="fmt='float8'"):
        ulp(1.0, "float8")
    with pytest.raises(ValueError, match="largest finite"):
        ulp(1e5, "float16")
    with pytest.raises(ValueError, match="finite"):
        ulp(np.nan, "float32")


def test_keras_grows_the_scale_to_inf_and_skipped_steps_do_not_count_in_torch_adam() -> None:
    from lessons_lib._lazy import import_keras
    import torch

    keras = import_keras()
    big = float(np.float32(2.0 ** 127))
    v = keras.Variable(np.ones(1, dtype="float32"))
    opt = keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(0.1), initial_scale=big, dynamic_growth_steps=1)
    opt.apply([keras.ops.convert_to_tensor(np.ones(1, dtype="float32"))], [v])
    assert np.isinf(float(opt.dynamic_scale.numpy()))  # no guard, unlike torch

    w = torch.nn.Parameter(torch.ones(2))
    adam = torch.optim.Adam([w], lr=0.1)
    scaler = torch.amp.GradScaler("cpu", init_scale=4.0)
    for f in [0, 1, 1, 0]:
        adam.zero_grad()
        scaler.scale((w * (float("inf") if f else 1.0)).sum()).backward()
        scaler.step(adam)
        scaler.update()
    assert int(adam.state[w]["step"]) == 2  # the two skipped steps did not advance Adam's t
