"""Models' hand-written gradients, the training loops and gradient clipping."""

from __future__ import annotations

import numpy as np
import pytest

from lessons_lib.problems import logistic_data, numerical_gradient
from lessons_lib.train import (
    MLP,
    LinearRegression,
    LogisticRegression,
    SoftmaxRegression,
    clip_by_global_norm,
    minibatches,
)


def _check_model_gradient(model, X, y, seed=0):
    rng = np.random.default_rng(seed)
    params = {k: v + 0.1 * rng.standard_normal(v.shape) for k, v in model.init(seed).items()}
    _, grads = model.loss_and_grad(params, X, y)
    for key in params:
        def f(v, key=key):
            p = dict(params)
            p[key] = v
            return model.loss_and_grad(p, X, y)[0]

        num = numerical_gradient(f, params[key], h=1e-6)
        assert np.allclose(grads[key], num, atol=1e-6, rtol=1e-5), key


def test_linear_regression_gradient() -> None:
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((30, 3)), rng.standard_normal(30)
    _check_model_gradient(LinearRegression(3), X, y)


def test_logistic_regression_gradient() -> None:
    X, y = logistic_data(n=40, d=3, seed=1)
    _check_model_gradient(LogisticRegression(3, l2=0.1), X, y)


def test_softmax_and_mlp_gradients() -> None:
    rng = np.random.default_rng(2)
    X, y = rng.standard_normal((25, 4)), rng.integers(0, 3, 25)
    _check_model_gradient(SoftmaxRegression(4, 3), X, y)
    _check_model_gradient(MLP(4, 5, 3), X, y)


def test_minibatches_cover_every_example_once() -> None:
    rng = np.random.default_rng(0)
    batches = list(minibatches(10, 3, rng))
    assert [len(b) for b in batches] == [3, 3, 3, 1]
    assert sorted(np.concatenate(batches).tolist()) == list(range(10))
    with pytest.raises(ValueError, match="batch_size must be an integer >= 1, got 0"):
        list(minibatches(10, 0, rng))


def test_clip_by_global_norm() -> None:
    g = {"a": np.array([3.0, 0.0]), "b": np.array([[4.0]])}
    clipped, norm = clip_by_global_norm(g, 1.0)
    assert norm == 5.0
    assert np.isclose(np.sqrt(sum(np.sum(v**2) for v in clipped.values())), 1.0)
    same, _ = clip_by_global_norm(g, 10.0)
    assert np.array_equal(same["a"], g["a"])
