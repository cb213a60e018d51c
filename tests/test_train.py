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


def test_fit_reports_accuracy_of_a_binary_model_from_its_probabilities() -> None:
    """LogisticRegression.predict returns probabilities: fit must threshold them at 0.5, not compare them to 0/1."""
    from lessons_lib.optimizers import SGD
    from lessons_lib.problems import load_dataset
    from lessons_lib.train import LogisticRegression, fit

    data = load_dataset("breast_cancer", seed=0)
    model = LogisticRegression(n_features=data.X_train.shape[1])
    params, hist = fit(model, SGD(lr=0.1), data.X_train, data.y_train, epochs=5, batch_size=32, seed=0,
                       X_test=data.X_test, y_test=data.y_test)
    expected = np.mean((model.predict(params, data.X_test) >= 0.5) == data.y_test)
    assert hist.epoch_test_accuracy[-1] == pytest.approx(expected)
    assert hist.epoch_test_accuracy[-1] > 0.9


def test_glue_returns_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    """A cell ending in glue(...) must not echo the value (it used to be returned, and printed by Jupyter)."""
    from lessons_lib.book import glue

    assert glue("x", np.float64(1.5), display=False) is None


def test_checked_with_names_the_installed_versions() -> None:
    import importlib.metadata
    import platform

    from lessons_lib.book import checked_with, versions

    v = versions()
    assert v["Python"] == platform.python_version()
    assert v["NumPy"] == importlib.metadata.version("numpy")
    text = checked_with().data
    assert text.startswith("*The comparisons on this page were run with Python ") and f"NumPy {v['NumPy']}" in text
