r"""Training loops and small NumPy models with hand-written gradients.

Two loops, both taking any :mod:`lessons_lib.optimizers` optimizer (whose ``lr`` may be a schedule):

* :func:`minimize` runs full-batch updates on a function with a gradient (the 2-D test problems) and returns the
  trajectory;
* :func:`fit` runs mini-batch epochs on a :class:`Model` and returns a :class:`History`.

Models are plain objects with ``init(seed) -> params`` and ``loss_and_grad(params, X, y) -> (loss, grads)``, where
``params`` is a dict of arrays, so the same optimizers drive a 2-D point and a neural network.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Protocol

import numpy as np

from ._checks import check_int
from .tree import tree_map

__all__ = [
    "Trajectory",
    "minimize",
    "Model",
    "LinearRegression",
    "LogisticRegression",
    "SoftmaxRegression",
    "MLP",
    "History",
    "minibatches",
    "fit",
    "clip_by_global_norm",
]


@dataclass
class Trajectory:
    """Points ``xs[t]`` after ``t`` updates (``xs[0]`` is the start), losses ``f(xs[t])`` and whether it diverged."""

    xs: np.ndarray
    losses: np.ndarray
    diverged: bool


def minimize(optimizer: Any, f: Callable[[np.ndarray], Any], grad: Callable[[np.ndarray], np.ndarray],
             x0: Any, steps: int, divergence_threshold: float = 1e12) -> Trajectory:
    r"""Apply ``steps`` full-batch updates ``x_t = update(x_{t−1}, ∇f(x_{t−1}))`` from ``x0``.

    Stops early, marking ``diverged``, when the loss or a coordinate exceeds ``divergence_threshold`` or stops
    being finite; the returned arrays then end at the last finite point.
    """
    steps = check_int("steps", steps, minimum=0)
    x = np.array(x0, dtype=float)
    state = optimizer.init(x)
    xs = [x]
    losses = [float(f(x))]
    diverged = False
    for _ in range(steps):
        g = grad(x)
        if not np.all(np.isfinite(g)):
            diverged = True
            break
        x, state = optimizer.update(x, g, state)
        loss = float(f(x))
        if not (np.isfinite(loss) and abs(loss) < divergence_threshold and np.all(np.abs(x) < divergence_threshold)):
            diverged = True
            break
        xs.append(x)
        losses.append(loss)
    return Trajectory(np.array(xs), np.array(losses), diverged)


class Model(Protocol):
    """What :func:`fit` needs from a model."""

    def init(self, seed: int = 0) -> dict[str, np.ndarray]: ...

    def loss_and_grad(self, params: dict[str, np.ndarray], X: np.ndarray, y: np.ndarray) -> tuple[float, dict[str, np.ndarray]]: ...

    def predict(self, params: dict[str, np.ndarray], X: np.ndarray) -> np.ndarray: ...


@dataclass
class LinearRegression:
    r"""``ŷ = X w + b`` with the mean squared error ``L = (1/2n) Σ (ŷ − y)²``.

    Gradients: ``∂L/∂w = Xᵀ(ŷ − y)/n`` and ``∂L/∂b = mean(ŷ − y)``.
    """

    n_features: int

    def init(self, seed: int = 0) -> dict[str, np.ndarray]:
        return {"w": np.zeros(self.n_features), "b": np.zeros(())}

    def predict(self, params: dict[str, np.ndarray], X: np.ndarray) -> np.ndarray:
        return X @ params["w"] + params["b"]

    def loss_and_grad(self, params: dict[str, np.ndarray], X: np.ndarray, y: np.ndarray) -> tuple[float, dict[str, np.ndarray]]:
        r = self.predict(params, X) - y
        n = len(y)
        return float(0.5 * np.mean(r**2)), {"w": X.T @ r / n, "b": np.asarray(r.mean())}


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1 + np.tanh(0.5 * z))  # stable for large |z|


@dataclass
class LogisticRegression:
    r"""``p = σ(X w + b)`` with the mean binary cross-entropy plus ``(l2/2)‖w‖²``.

    Gradients: ``∂L/∂w = Xᵀ(p − y)/n + l2·w`` and ``∂L/∂b = mean(p − y)``.
    """

    n_features: int
    l2: float = 0.0

    def init(self, seed: int = 0) -> dict[str, np.ndarray]:
        return {"w": np.zeros(self.n_features), "b": np.zeros(())}

    def predict(self, params: dict[str, np.ndarray], X: np.ndarray) -> np.ndarray:
        return _sigmoid(X @ params["w"] + params["b"])

    def loss_and_grad(self, params: dict[str, np.ndarray], X: np.ndarray, y: np.ndarray) -> tuple[float, dict[str, np.ndarray]]:
        z = X @ params["w"] + params["b"]
        p = _sigmoid(z)
        # log(1 + e^z) − y z, written stably
        loss = float(np.mean(np.logaddexp(0.0, z) - y * z) + 0.5 * self.l2 * params["w"] @ params["w"])
        r = p - y
        n = len(y)
        return loss, {"w": X.T @ r / n + self.l2 * params["w"], "b": np.asarray(r.mean())}


def _softmax_xent(logits: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of integer labels ``y`` and its gradient with respect to the logits."""
    z = logits - logits.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    n = len(y)
    loss = float(-logp[np.arange(n), y].mean())
    d = np.exp(logp)
    d[np.arange(n), y] -= 1.0
    return loss, d / n


@dataclass
class SoftmaxRegression:
    r"""Multinomial logistic regression ``softmax(X W + b)`` with mean cross-entropy."""

    n_features: int
    n_classes: int

    def init(self, seed: int = 0) -> dict[str, np.ndarray]:
        return {"W": np.zeros((self.n_features, self.n_classes)), "b": np.zeros(self.n_classes)}

    def predict(self, params: dict[str, np.ndarray], X: np.ndarray) -> np.ndarray:
        return np.argmax(X @ params["W"] + params["b"], axis=1)

    def loss_and_grad(self, params: dict[str, np.ndarray], X: np.ndarray, y: np.ndarray) -> tuple[float, dict[str, np.ndarray]]:
        loss, d = _softmax_xent(X @ params["W"] + params["b"], y)
        return loss, {"W": X.T @ d, "b": d.sum(axis=0)}


@dataclass
class MLP:
    r"""A one-hidden-layer network ``softmax(tanh(X W1 + b1) W2 + b2)`` with mean cross-entropy.

    Backpropagation by hand: with ``h = tanh(a1)`` and ``δ2 = ∂L/∂logits``,
    ``∂L/∂W2 = hᵀδ2``, ``δ1 = (δ2 W2ᵀ)(1 − h²)``, ``∂L/∂W1 = Xᵀδ1``. Weights start with Glorot-uniform scale.
    """

    n_features: int
    n_hidden: int
    n_classes: int

    def init(self, seed: int = 0) -> dict[str, np.ndarray]:
        rng = np.random.default_rng(seed)
        a1 = np.sqrt(6.0 / (self.n_features + self.n_hidden))
        a2 = np.sqrt(6.0 / (self.n_hidden + self.n_classes))
        return {
            "W1": rng.uniform(-a1, a1, size=(self.n_features, self.n_hidden)),
            "b1": np.zeros(self.n_hidden),
            "W2": rng.uniform(-a2, a2, size=(self.n_hidden, self.n_classes)),
            "b2": np.zeros(self.n_classes),
        }

    def _forward(self, params: dict[str, np.ndarray], X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        h = np.tanh(X @ params["W1"] + params["b1"])
        return h, h @ params["W2"] + params["b2"]

    def predict(self, params: dict[str, np.ndarray], X: np.ndarray) -> np.ndarray:
        return np.argmax(self._forward(params, X)[1], axis=1)

    def loss_and_grad(self, params: dict[str, np.ndarray], X: np.ndarray, y: np.ndarray) -> tuple[float, dict[str, np.ndarray]]:
        h, logits = self._forward(params, X)
        loss, d2 = _softmax_xent(logits, y)
        d1 = (d2 @ params["W2"].T) * (1 - h**2)
        return loss, {"W1": X.T @ d1, "b1": d1.sum(axis=0), "W2": h.T @ d2, "b2": d2.sum(axis=0)}


def minibatches(n: int, batch_size: int, rng: np.random.Generator, shuffle: bool = True) -> Iterator[np.ndarray]:
    """Index arrays covering ``range(n)`` once, in shuffled order, ``batch_size`` at a time (the last may be smaller)."""
    n = check_int("n", n, minimum=1)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    order = rng.permutation(n) if shuffle else np.arange(n)
    for start in range(0, n, batch_size):
        yield order[start : start + batch_size]


def clip_by_global_norm(grads: Any, max_norm: float) -> tuple[Any, float]:
    r"""Scale all gradients by ``min(1, max_norm / ‖g‖)`` where ``‖g‖`` is the norm of all leaves together.

    Returns the clipped gradients and the norm before clipping (as ``torch.nn.utils.clip_grad_norm_`` does,
    without torch's ``1e-6`` added to the denominator).
    """
    from .tree import tree_leaves

    norm = float(np.sqrt(sum(float(np.sum(np.square(g))) for g in tree_leaves(grads))))
    scale = min(1.0, max_norm / norm) if norm > 0 else 1.0
    return tree_map(lambda g: g * scale, grads), norm


@dataclass
class History:
    """Per-epoch records of a :func:`fit` run, plus the per-update losses and learning rates."""

    epoch_train_loss: list[float] = field(default_factory=list)
    epoch_test_loss: list[float] = field(default_factory=list)
    epoch_test_accuracy: list[float] = field(default_factory=list)
    step_loss: list[float] = field(default_factory=list)
    step_lr: list[float] = field(default_factory=list)
    diverged: bool = False


def fit(model: Any, optimizer: Any, X: np.ndarray, y: np.ndarray, *, epochs: int, batch_size: int, seed: int = 0,
        X_test: np.ndarray | None = None, y_test: np.ndarray | None = None, params: dict[str, np.ndarray] | None = None,
        on_epoch_end: Callable[[int, History], float | None] | None = None) -> tuple[dict[str, np.ndarray], History]:
    r"""Mini-batch training: for each epoch, shuffle, and update once per batch.

    The learning rate of update ``t`` is ``optimizer.learning_rate(t − 1)`` (a schedule of the update index).
    ``on_epoch_end(epoch, history)`` may return a new constant learning rate (used by ReduceLROnPlateau-style
    controllers); it is then assigned to ``optimizer.lr``. Training stops, marking ``diverged``, if the loss
    stops being finite. The training loss of an epoch is the full training set's loss after the epoch.
    """
    epochs = check_int("epochs", epochs, minimum=0)
    rng = np.random.default_rng(seed)
    params = model.init(seed) if params is None else params
    state = optimizer.init(params)
    hist = History()
    for epoch in range(epochs):
        for idx in minibatches(len(y), batch_size, rng):
            with np.errstate(over="ignore", invalid="ignore"):  # divergence is detected and reported below
                loss, grads = model.loss_and_grad(params, X[idx], y[idx])
            if not np.isfinite(loss) or not all(np.all(np.isfinite(g)) for g in grads.values()):
                hist.diverged = True
                return params, hist
            hist.step_lr.append(optimizer.learning_rate(state.step))
            hist.step_loss.append(loss)
            params, state = optimizer.update(params, grads, state)
        with np.errstate(over="ignore", invalid="ignore"):
            train_loss, _ = model.loss_and_grad(params, X, y)
        hist.epoch_train_loss.append(train_loss)
        if X_test is not None and y_test is not None:
            test_loss, _ = model.loss_and_grad(params, X_test, y_test)
            hist.epoch_test_loss.append(test_loss)
            if y_test.dtype.kind in "iu":
                pred = model.predict(params, X_test)
                if pred.dtype.kind == "f":  # a binary model's probabilities: predict class 1 from 0.5 up
                    pred = (pred >= 0.5).astype(y_test.dtype)
                hist.epoch_test_accuracy.append(float(np.mean(pred == y_test)))
        if not np.isfinite(train_loss):
            hist.diverged = True
            return params, hist
        if on_epoch_end is not None:
            new_lr = on_epoch_end(epoch, hist)
            if new_lr is not None:
                optimizer.lr = float(new_lr)
    return params, hist
