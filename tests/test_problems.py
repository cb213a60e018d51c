"""Test problems: analytic gradients agree with finite differences, minima are minima, data sets are well formed."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lessons_lib.problems import (
    OBJECTIVES,
    linear_regression_data,
    load_dataset,
    logistic_data,
    numerical_gradient,
    quadratic,
    standardize,
    validation_split,
)

points = st.tuples(st.floats(-2, 2), st.floats(-2, 2)).map(np.array)


@pytest.mark.parametrize("name", sorted(OBJECTIVES))
@settings(max_examples=30, deadline=None)
@given(x=points)
def test_gradient_matches_central_differences(name: str, x: np.ndarray) -> None:
    obj = OBJECTIVES[name]
    num = numerical_gradient(obj.f, x, h=1e-5)
    scale = max(1.0, float(np.max(np.abs(num))))
    assert np.max(np.abs(obj.grad(x) - num)) < 1e-5 * scale


@pytest.mark.parametrize("name", sorted(OBJECTIVES))
def test_minima_are_stationary_with_the_stated_value(name: str) -> None:
    obj = OBJECTIVES[name]
    for m in obj.minima:
        m = np.array(m)
        assert np.max(np.abs(obj.grad(m))) < 1e-4
        assert abs(float(obj.f(m)) - obj.f_min) < 1e-8
        # nothing nearby is lower: it is a local minimum
        rng = np.random.default_rng(0)
        near = m + 1e-3 * rng.standard_normal((200, 2))
        assert np.all(obj.f(near) >= obj.f_min - 1e-12)


def test_batched_evaluation_matches_pointwise() -> None:
    rng = np.random.default_rng(1)
    X = rng.uniform(-2, 2, size=(5, 7, 2))
    for obj in OBJECTIVES.values():
        batched = obj.f(X)
        assert batched.shape == (5, 7)
        assert np.allclose(batched[2, 3], obj.f(X[2, 3]))
        assert np.allclose(obj.grad(X)[4, 1], obj.grad(X[4, 1]))


def test_quadratic_curvatures_and_validation() -> None:
    q = quadratic(L=25.0, mu=0.5, angle=0.7)
    assert np.isclose(q.L, 25.0) and np.isclose(q.mu, 0.5) and np.isclose(q.kappa, 50.0)
    with pytest.raises(ValueError, match="mu must be <= L"):
        quadratic(L=1.0, mu=2.0)
    with pytest.raises(ValueError, match="L must be a finite number > 0, got -1"):
        quadratic(L=-1.0)
    with pytest.raises(ValueError, match="last dimension 2"):
        q.f(np.zeros(3))


def test_synthetic_data_is_seeded() -> None:
    a = linear_regression_data(n=50, d=3, seed=4)
    b = linear_regression_data(n=50, d=3, seed=4)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    X, y = logistic_data(n=100, d=4, seed=2)
    assert X.shape == (100, 4) and set(np.unique(y)) == {0.0, 1.0}
    with pytest.raises(ValueError, match="scales must have one entry per feature"):
        linear_regression_data(d=2, scales=(1.0,))


@pytest.mark.parametrize("name", ["digits", "breast_cancer", "diabetes"])
def test_bundled_datasets_load_standardized(name: str) -> None:
    ds = load_dataset(name)
    assert len(ds.X_train) > len(ds.X_test) > 0
    assert np.allclose(ds.X_train.mean(axis=0), 0, atol=1e-9)
    stds = ds.X_train.std(axis=0)
    assert np.all((np.abs(stds - 1) < 1e-9) | (stds == 0))
    with pytest.raises(ValueError, match="name must be one of"):
        load_dataset("mnist")


def test_standardize_uses_training_statistics_only() -> None:
    tr = np.array([[0.0, 1.0], [2.0, 1.0]])
    te = np.array([[4.0, 3.0]])
    s_tr, s_te = standardize(tr, te)
    assert np.allclose(s_tr, [[-1, 0], [1, 0]]) and np.allclose(s_te, [[3, 2]])


def test_validation_split_partitions_the_training_set() -> None:
    ds = load_dataset("digits", seed=0)
    X_fit, y_fit, X_val, y_val = validation_split(ds.X_train, ds.y_train, fraction=0.2, seed=0)
    n = len(ds.y_train)
    assert len(y_val) == n // 5 and len(y_fit) == n - n // 5
    # together the two parts are the training set, each example exactly once
    rows = np.concatenate([X_fit, X_val])
    order = np.lexsort(rows.T[::-1])
    np.testing.assert_array_equal(rows[order], ds.X_train[np.lexsort(ds.X_train.T[::-1])])
    np.testing.assert_array_equal(np.sort(np.concatenate([y_fit, y_val])), np.sort(ds.y_train))
    # seeded: the same seed gives the same split, another seed another one
    again = validation_split(ds.X_train, ds.y_train, fraction=0.2, seed=0)
    np.testing.assert_array_equal(again[3], y_val)
    assert not np.array_equal(validation_split(ds.X_train, ds.y_train, seed=1)[2], X_val)


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.1, 1e-6])
def test_validation_split_rejects_a_fraction_that_empties_a_set(fraction: float) -> None:
    with pytest.raises(ValueError, match="fraction"):
        validation_split(np.zeros((10, 2)), np.zeros(10), fraction=fraction)


def test_validation_split_rejects_mismatched_lengths() -> None:
    with pytest.raises(ValueError, match="same number"):
        validation_split(np.zeros((10, 2)), np.zeros(9))
