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

  Keras also guards each cut with ``old_lr > np.float32(min_lr)``. Under NumPy 2 a Python float meeting a
  ``float32`` is converted to float32 (NEP 50), so the comparison is made in float32: Keras stops cutting once the
  rate underflows float32 (below about 1.4e-45 with ``min_lr=0``), and once the rate has reached a ``min_lr`` that
  float32 rounds *down* (1e-4 becomes 9.99999974e-05) it makes no more cuts, so ``wait`` keeps growing and no
  cooldown starts. Under NumPy 1.x the float32 value was widened to float64 instead, and at such a ``min_lr``
  every further plateau made a no-op cut (the rate stays at ``min_lr``, but ``wait`` resets and a cooldown starts).
  ``min_lr_compare="auto"`` follows the installed NumPy; ``"float32"``/``"float64"`` choose explicitly. The
  rates agree either way; the counters (``wait``, ``cooldown_counter``, ``cuts``) differ.

``mode="auto"`` (Keras) picks ``min`` for a monitor named ``loss``/``val_loss`` and otherwise the direction of the
compiled metric of that name (``metric_direction``, its ``_direction``: ``"up"`` or ``"down"``).

Several parameter groups (torch): give ``lr`` and/or ``min_lr`` as lists, one entry per group; every group is cut
at the same epochs, each down to its own ``min_lr``.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from .._checks import check_choice, check_int, check_nonneg, check_number

__all__ = ["ReduceLROnPlateau", "keras_auto_mode"]


class ReduceLROnPlateau:
    """Cut the learning rate by ``factor`` when a metric plateaus; call :meth:`step` once per epoch."""

    def __init__(self, lr: float | Sequence[float], mode: str = "min", factor: float = 0.1, patience: int = 10,
                 threshold: float = 1e-4, threshold_mode: str = "rel", cooldown: int = 0,
                 min_lr: float | Sequence[float] = 0.0, eps: float = 1e-8, counting: str = "torch", *,
                 min_lr_compare: str = "auto") -> None:
        lrs, min_lrs = _per_group("lr", lr), _per_group("min_lr", min_lr)
        if len(lrs) == 1 and len(min_lrs) > 1:
            lrs = lrs * len(min_lrs)
        if len(min_lrs) == 1 and len(lrs) > 1:
            min_lrs = min_lrs * len(lrs)
        if len(lrs) != len(min_lrs):
            raise ValueError(f"lr and min_lr must have one entry per parameter group, got {len(lrs)} and "
                             f"{len(min_lrs)}")
        self._groups = isinstance(lr, (list, tuple)) or isinstance(min_lr, (list, tuple))
        self.lrs, self.min_lrs = lrs, min_lrs
        self.mode = check_choice("mode", mode, ("min", "max"))
        f = check_number("factor", factor)
        if not 0 <= f < 1:
            raise ValueError(f"factor must be in [0, 1) (the multiplier applied at a cut), got {factor!r}")
        self.factor = f
        self.patience = check_int("patience", patience, minimum=0)
        self.threshold = check_nonneg("threshold", threshold)
        self.threshold_mode = check_choice("threshold_mode", threshold_mode, ("rel", "abs"))
        self.cooldown = check_int("cooldown", cooldown, minimum=0)
        self.eps = check_nonneg("eps", eps)
        self.counting = check_choice("counting", counting, ("torch", "keras"))
        compare = check_choice("min_lr_compare", min_lr_compare, ("auto", "float32", "float64"))
        if compare == "auto":
            compare = "float32" if int(np.__version__.split(".")[0]) >= 2 else "float64"
        self.min_lr_compare = compare
        self.keras_mode = self.mode  # what keras_callback passes as mode (from_keras may keep "auto")
        self.monitor = "val_loss"  # the metric keras_callback watches by default (from_keras sets it)
        self.best: float | None = None
        self.num_bad = 0
        self.cooldown_counter = 0
        self.history: list[Any] = []  # the learning rate after each step (a list per step with several groups)
        self.cuts: list[int] = []  # 0-based indices of the steps that cut

    @property
    def lr(self) -> Any:
        """The current rate (a list, one per parameter group, when built with lists)."""
        return list(self.lrs) if self._groups else self.lrs[0]

    @property
    def min_lr(self) -> Any:
        return list(self.min_lrs) if self._groups else self.min_lrs[0]

    @property
    def wait(self) -> int:
        """Keras's name for the count of bad epochs (torch: ``num_bad_epochs``)."""
        return self.num_bad

    @classmethod
    def from_keras(cls, learning_rate: float, mode: str = "min", factor: float = 0.1, patience: int = 10,
                   min_delta: float = 1e-4, cooldown: int = 0, min_lr: float = 0.0, *, monitor: str = "val_loss",
                   metric_direction: str | None = None, min_lr_compare: str = "auto") -> "ReduceLROnPlateau":
        """Reproduce ``keras.callbacks.ReduceLROnPlateau`` (Keras names and defaults; ``min_delta`` is absolute).

        ``mode="auto"`` resolves as Keras does: ``min`` for ``monitor`` ``loss``/``val_loss``, else from
        ``metric_direction`` (the compiled metric's ``_direction``, ``"up"`` or ``"down"``).
        """
        resolved = keras_auto_mode(monitor, metric_direction) if mode == "auto" else mode
        out = cls(learning_rate, mode=resolved, factor=factor, patience=patience, threshold=min_delta,
                  threshold_mode="abs", cooldown=cooldown, min_lr=min_lr, counting="keras",
                  min_lr_compare=min_lr_compare)
        out.keras_mode, out.monitor = mode, monitor
        return out

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
        """Cut every group's rate: torch skips a cut smaller than ``eps``; Keras needs ``old > float32(min_lr)``."""
        cut = False
        for i, (old, floor) in enumerate(zip(self.lrs, self.min_lrs)):
            new = max(old * self.factor, floor)
            if self.counting == "torch":
                allowed = old - new > self.eps
            elif self.min_lr_compare == "float32":  # NumPy 2: the Python float is cast to float32
                allowed = bool(np.float32(old) > np.float32(floor))
            else:  # NumPy 1.x: the float32 min_lr is widened to float64
                allowed = old > float(np.float32(floor))
            if allowed:
                self.lrs[i] = new
                cut = True
        if cut:
            self.cuts.append(index)
        return cut

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
        if self._groups:
            if len(optimizer.param_groups) != len(self.lrs):
                raise ValueError(f"this schedule has {len(self.lrs)} parameter groups, the optimizer has "
                                 f"{len(optimizer.param_groups)}")
            for group, lr in zip(optimizer.param_groups, self.lrs):
                group["lr"] = lr
                group.pop("initial_lr", None)
        else:
            set_base_lr(optimizer, self.lrs[0])
        return torch.optim.lr_scheduler.ReduceLROnPlateau(
            optimizer, mode=self.mode, factor=self.factor, patience=self.patience, threshold=self.threshold,
            threshold_mode=self.threshold_mode, cooldown=self.cooldown, min_lr=self.min_lr, eps=self.eps)

    def keras_callback(self, monitor: str | None = None) -> Any:
        """``keras.callbacks.ReduceLROnPlateau`` with the same settings (Keras counting, absolute threshold only)."""
        from ._base import NoEquivalentError

        if self._groups:
            raise NoEquivalentError("keras.callbacks.ReduceLROnPlateau has one min_lr for the whole optimizer; "
                                    "per-group lr/min_lr lists are torch's")
        if self.counting != "keras" or self.threshold_mode != "abs":
            raise NoEquivalentError("keras.callbacks.ReduceLROnPlateau counts like counting='keras' and its "
                                    "min_delta is absolute (threshold_mode='abs'); use ReduceLROnPlateau.from_keras")
        from .._lazy import import_keras

        keras = import_keras()
        return keras.callbacks.ReduceLROnPlateau(monitor=monitor or self.monitor, mode=self.keras_mode,
                                                 factor=self.factor, patience=self.patience,
                                                 min_delta=self.threshold, cooldown=self.cooldown, min_lr=self.min_lr)

    def __repr__(self) -> str:
        return (f"ReduceLROnPlateau(lr={self.lr!r}, min_lr={self.min_lr!r}, mode={self.mode!r}, factor={self.factor!r}, "
                f"patience={self.patience!r}, counting={self.counting!r}, best={self.best!r}, "
                f"num_bad={self.num_bad!r}, cooldown_counter={self.cooldown_counter!r})")


def _f32(x: float) -> float:
    return float(np.float32(x))


def _per_group(name: str, value: Any) -> list[float]:
    if isinstance(value, (list, tuple)):
        if not value:
            raise ValueError(f"{name} must be a number or a non-empty list (one per parameter group), got {value!r}")
        return [check_nonneg(f"{name}[{i}]", v) for i, v in enumerate(value)]
    return [check_nonneg(name, value)]


def keras_auto_mode(monitor: str, metric_direction: str | None = None) -> str:
    """The direction Keras's ``mode="auto"`` picks: ``min`` for ``loss``/``val_loss``; otherwise that of the
    compiled metric named like ``monitor`` (its ``_direction``: ``"up"`` gives ``max``, ``"down"`` ``min``)."""
    if monitor.removeprefix("val_") == "loss":
        return "min"
    if metric_direction is None:
        raise ValueError(f"mode='auto' cannot infer the direction of monitor={monitor!r} (Keras raises too, unless "
                         "the model has a compiled metric of that name): pass metric_direction='up' or 'down', or "
                         "mode='min'/'max'")
    return {"up": "max", "down": "min"}[check_choice("metric_direction", metric_direction, ("up", "down"))]
