r"""ReduceLROnPlateau: the one stateful schedule, driven by a metric after each epoch.

Both frameworks cut the learning rate by ``factor`` when the metric has stopped improving, but they count
differently (measured against both frameworks; ``tests/test_plateau.py`` reproduces it):

* **torch** (``counting="torch"``): a bad epoch increments ``num_bad``; the cut comes when
  ``num_bad > patience``, i.e. on the (patience+1)-th consecutive bad epoch; after a cut, ``cooldown`` epochs are
  ignored. An epoch is an improvement if ``a < best·(1 − threshold)`` (``rel``) or ``a < best − threshold``
  (``abs``) in ``min`` mode. A cut smaller than ``eps`` is skipped.
* **Keras** (``counting="keras"``): the cut comes when ``wait >= patience``, one epoch earlier; the cooldown
  counter is decremented *before* the epoch is judged, so the cooldown is effectively one epoch shorter
  (``cooldown=1`` does nothing); ``min_delta`` is absolute; the first epoch always counts as an improvement; and the
  comparison is made in float32 (``keras.ops.less`` on Python floats), which decides ties differently.
"""

from __future__ import annotations

import math
from typing import Any

from .._checks import check_choice, check_int, check_nonneg, check_number

__all__ = ["ReduceLROnPlateau"]


class ReduceLROnPlateau:
    """Cut the learning rate by ``factor`` when a metric plateaus; call :meth:`step` once per epoch."""

    def __init__(self, lr: float, mode: str = "min", factor: float = 0.1, patience: int = 10, threshold: float = 1e-4,
                 threshold_mode: str = "rel", cooldown: int = 0, min_lr: float = 0.0, eps: float = 1e-8,
                 counting: str = "torch") -> None:
        self.lr = check_nonneg("lr", lr)
        self.mode = check_choice("mode", mode, ("min", "max"))
        f = check_number("factor", factor)
        if not 0 <= f < 1:
            raise ValueError(f"factor must be in [0, 1) (the multiplier applied at a cut), got {factor!r}")
        self.factor = f
        self.patience = check_int("patience", patience, minimum=0)
        self.threshold = check_nonneg("threshold", threshold)
        self.threshold_mode = check_choice("threshold_mode", threshold_mode, ("rel", "abs"))
        self.cooldown = check_int("cooldown", cooldown, minimum=0)
        self.min_lr = check_nonneg("min_lr", min_lr)
        self.eps = check_nonneg("eps", eps)
        self.counting = check_choice("counting", counting, ("torch", "keras"))
        self.best: float | None = None
        self.num_bad = 0
        self.cooldown_counter = 0
        self.history: list[float] = []  # the learning rate after each step
        self.cuts: list[int] = []  # 0-based indices of the steps that cut

    @classmethod
    def from_keras(cls, learning_rate: float, mode: str = "min", factor: float = 0.1, patience: int = 10,
                   min_delta: float = 1e-4, cooldown: int = 0, min_lr: float = 0.0) -> "ReduceLROnPlateau":
        """Reproduce ``keras.callbacks.ReduceLROnPlateau`` (Keras names and defaults; ``min_delta`` is absolute)."""
        return cls(learning_rate, mode=mode, factor=factor, patience=patience, threshold=min_delta,
                   threshold_mode="abs", cooldown=cooldown, min_lr=min_lr, counting="keras")

    def is_improvement(self, metric: float) -> bool:
        """Whether ``metric`` beats the best so far by the threshold."""
        if self.best is None:
            return True
        thr = self.threshold
        if self.counting == "keras" and self.threshold_mode == "abs":
            # Keras's own arithmetic, to the last bit: keras.ops.less/greater on Python floats compare in float32.
            shifted = metric + thr if self.mode == "min" else metric - thr
            a, b = _f32(shifted), _f32(self.best)
            return a < b if self.mode == "min" else a > b
        if self.mode == "min":
            return metric < (self.best * (1 - thr) if self.threshold_mode == "rel" else self.best - thr)
        return metric > (self.best * (1 + thr) if self.threshold_mode == "rel" else self.best + thr)

    def step(self, metric: float) -> float:
        """Record one epoch's metric; return the learning rate for the next epoch."""
        try:
            metric = float(metric)
        except (TypeError, ValueError):
            raise TypeError(f"metric must be a real number, got {metric!r}") from None
        index = len(self.history)
        if self.counting == "torch":
            self._step_torch(metric, index)
        else:
            self._step_keras(metric, index)
        self.history.append(self.lr)
        return self.lr

    def _cut(self, index: int) -> bool:
        new = max(self.lr * self.factor, self.min_lr)
        if self.counting == "torch":
            if self.lr - new <= self.eps:
                return False
        elif not self.lr > float(_f32(self.min_lr)):
            return False
        self.lr = new
        self.cuts.append(index)
        return True

    def _step_torch(self, metric: float, index: int) -> None:
        if self.best is None:
            self.best = math.inf if self.mode == "min" else -math.inf
        if self.is_improvement(metric):
            self.best = metric
            self.num_bad = 0
        else:
            self.num_bad += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad = 0
        if self.num_bad > self.patience:
            self._cut(index)
            self.cooldown_counter = self.cooldown
            self.num_bad = 0

    def _step_keras(self, metric: float, index: int) -> None:
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad = 0
        if self.is_improvement(metric):
            self.best = metric
            self.num_bad = 0
        elif not self.cooldown_counter > 0:
            self.num_bad += 1
            if self.num_bad >= self.patience and self._cut(index):
                self.cooldown_counter = self.cooldown
                self.num_bad = 0

    def torch_scheduler(self, optimizer: Any) -> Any:
        """``torch.optim.lr_scheduler.ReduceLROnPlateau`` with the same settings (torch counting only)."""
        if self.counting != "torch":
            from ._base import NoEquivalentError

            raise NoEquivalentError("torch's ReduceLROnPlateau counts patience and cooldown one epoch later than "
                                    "Keras; use counting='torch' for a torch equivalent")
        from .._lazy import import_torch
        from ._torch import set_base_lr

        torch = import_torch()
        set_base_lr(optimizer, self.lr)
        return torch.optim.lr_scheduler.ReduceLROnPlateau(
            optimizer, mode=self.mode, factor=self.factor, patience=self.patience, threshold=self.threshold,
            threshold_mode=self.threshold_mode, cooldown=self.cooldown, min_lr=self.min_lr, eps=self.eps)

    def keras_callback(self, monitor: str = "val_loss") -> Any:
        """``keras.callbacks.ReduceLROnPlateau`` with the same settings (Keras counting, absolute threshold only)."""
        from ._base import NoEquivalentError

        if self.counting != "keras" or self.threshold_mode != "abs":
            raise NoEquivalentError("keras.callbacks.ReduceLROnPlateau counts like counting='keras' and its "
                                    "min_delta is absolute (threshold_mode='abs'); use ReduceLROnPlateau.from_keras")
        from .._lazy import import_keras

        keras = import_keras()
        return keras.callbacks.ReduceLROnPlateau(monitor=monitor, mode=self.mode, factor=self.factor,
                                                 patience=self.patience, min_delta=self.threshold,
                                                 cooldown=self.cooldown, min_lr=self.min_lr)

    def __repr__(self) -> str:
        return (f"ReduceLROnPlateau(lr={self.lr!r}, mode={self.mode!r}, factor={self.factor!r}, "
                f"patience={self.patience!r}, counting={self.counting!r}, best={self.best!r}, "
                f"num_bad={self.num_bad!r}, cooldown_counter={self.cooldown_counter!r})")


def _f32(x: float) -> float:
    import numpy as np

    return float(np.float32(x))
