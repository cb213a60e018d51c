"""Clipping as PyTorch and Keras do it, and the sharpness estimate against the exact Hessian."""

from __future__ import annotations

import numpy as np
import pytest

from lessons_lib.stability import clip_by_global_norm, clip_by_norm, clip_by_value, global_norm, sharpness

RNG = np.random.default_rng(5)
GRADS = {"W": 3.0 * RNG.standard_normal((4, 3)), "b": 0.1 * RNG.standard_normal(3)}  # one big, one small tensor


def _torch_clipped(kind: str, c: float) -> dict:
    import torch

    ts = {k: torch.zeros(v.shape, dtype=torch.float64, requires_grad=True) for k, v in GRADS.items()}
    for k, t in ts.items():
        t.grad = torch.tensor(GRADS[k])
    if kind == "norm":
        torch.nn.utils.clip_grad_norm_(list(ts.values()), c)
    else:
        torch.nn.utils.clip_grad_value_(list(ts.values()), c)
    return {k: t.grad.numpy() for k, t in ts.items()}


def _keras_clipped(c: float, **clip: float) -> dict:
    from lessons_lib._lazy import import_keras

    keras = import_keras()
    floatx = keras.config.floatx()
    keras.config.set_floatx("float64")
    try:
        opt = keras.optimizers.SGD(learning_rate=1.0, **{k: c for k in clip})
        vs = {k: keras.Variable(np.zeros(v.shape), dtype="float64") for k, v in GRADS.items()}
        opt.apply_gradients([(keras.ops.convert_to_tensor(GRADS[k]), vs[k]) for k in GRADS])
        return {k: -np.array(v.numpy()) for k, v in vs.items()}  # lr = 1 from zero: the update is -clipped grad
    finally:
        keras.config.set_floatx(floatx)


@pytest.mark.parametrize("c", [0.5, 2.0, 100.0])
def test_global_norm_clipping_matches_torch_and_keras(c: float) -> None:
    ours_torch = clip_by_global_norm(GRADS, c, eps=1e-6)[0]
    for k, v in _torch_clipped("norm", c).items():
        np.testing.assert_allclose(ours_torch[k], v, rtol=1e-14)
    ours_keras = clip_by_global_norm(GRADS, c)[0]
    for k, v in _keras_clipped(c, global_clipnorm=1).items():
        np.testing.assert_allclose(ours_keras[k], v, rtol=1e-6)  # Keras casts clip_norm to float32


@pytest.mark.parametrize("c", [0.5, 2.0])
def test_per_tensor_and_value_clipping_match_keras_and_torch(c: float) -> None:
    for k, v in _keras_clipped(c, clipnorm=1).items():
        np.testing.assert_allclose(clip_by_norm(GRADS, c)[k], v, rtol=1e-6)
    for k, v in _keras_clipped(c, clipvalue=1).items():
        np.testing.assert_allclose(clip_by_value(GRADS, c)[k], v, rtol=1e-6)
    for k, v in _torch_clipped("value", c).items():
        np.testing.assert_allclose(clip_by_value(GRADS, c)[k], v, rtol=0)


def test_per_tensor_clipping_changes_the_balance_global_clipping_keeps_it() -> None:
    per, (glob, norm) = clip_by_norm(GRADS, 1.0), clip_by_global_norm(GRADS, 1.0)
    assert norm == pytest.approx(global_norm(GRADS)) and global_norm(glob) == pytest.approx(1.0)
    ratio = lambda g: np.linalg.norm(g["W"]) / np.linalg.norm(g["b"])  # noqa: E731
    assert ratio(glob) == pytest.approx(ratio(GRADS))  # the direction of the whole update is kept
    assert ratio(per) < ratio(GRADS) / 2  # the big tensor was cut, the small one was not
    assert not np.allclose(clip_by_value(GRADS, 0.5)["W"] / 0.5, GRADS["W"] / np.abs(GRADS["W"]).max())


def test_bad_thresholds_are_named() -> None:
    with pytest.raises(ValueError, match="max_norm must be a finite number > 0, got 0"):
        clip_by_norm(GRADS, 0)
    with pytest.raises(ValueError, match="clip_value must be a finite number > 0, got -1"):
        clip_by_value(GRADS, -1)
    with pytest.raises(ValueError, match="eps must be a finite number >= 0"):
        clip_by_global_norm(GRADS, 1.0, eps=-1e-6)


def test_sharpness_equals_the_top_eigenvalue_of_the_exact_hessian() -> None:
    import torch

    torch.manual_seed(0)
    X, y = torch.randn(30, 4, dtype=torch.float64), torch.randn(30, 2, dtype=torch.float64)
    W1 = torch.randn(4, 5, dtype=torch.float64, requires_grad=True)
    W2 = torch.randn(5, 2, dtype=torch.float64, requires_grad=True)

    def loss_of(w1, w2):
        return 0.5 * ((torch.tanh(X @ w1) @ w2 - y) ** 2).sum(1).mean()

    opt = torch.optim.SGD([W1, W2], lr=0.1)
    for _ in range(300):  # near a minimum, where the top eigenvalue is also the largest in magnitude
        opt.zero_grad()
        loss_of(W1, W2).backward()
        opt.step()
    H = torch.autograd.functional.hessian(loss_of, (W1, W2))
    n1, n2 = W1.numel(), W2.numel()
    full = torch.cat([torch.cat([H[0][0].reshape(n1, n1), H[0][1].reshape(n1, n2)], 1),
                      torch.cat([H[1][0].reshape(n2, n1), H[1][1].reshape(n2, n2)], 1)], 0)
    eig = torch.linalg.eigvalsh(full)
    top = float(eig.max())
    assert top > 2 * float(eig.min().abs())  # the top eigenvalue dominates: power iteration converges to it
    assert sharpness(lambda: loss_of(W1, W2), [W1, W2], iters=200) == pytest.approx(top, rel=1e-6)
