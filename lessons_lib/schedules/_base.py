"""The schedule contract shared by every schedule in :mod:`lessons_lib.schedules`.

A schedule is a callable ``s(k) -> lr`` of the 0-based update index ``k`` (update ``t = k + 1`` uses
``s(k)``, which is what Keras and optax pass and what torch gives when its scheduler is stepped once per update,
after ``optimizer.step()``). It accepts an int or an integer array and returns a float or a float64 array, so
``s(np.arange(1000))`` is the whole curve for a plot.

Each schedule can build its exact framework equivalents:

* ``s.torch_scheduler(optimizer)`` returns a ``torch.optim.lr_scheduler`` object to be stepped once per update;
* ``s.keras_schedule()`` returns a ``keras.optimizers.schedules.LearningRateSchedule`` (or a float);
* ``s.keras_callback()`` returns a ``LearningRateScheduler`` callback that applies ``s`` per epoch;

and raises :class:`NoEquivalentError` naming the nearest equivalent and the difference where none exists.
"""

from __future__ import annotations

import numbers
from typing import Any, Union

import numpy as np

__all__ = ["Schedule", "NoEquivalentError", "as_index"]

Index = Union[int, np.ndarray]


class NoEquivalentError(NotImplementedError):
    """Raised by ``torch_scheduler``/``keras_schedule`` when the framework has no exact equivalent."""


def as_index(k: Any) -> np.ndarray:
    """Validate ``k`` (an int >= 0 or an array of them) and return it as an int64 array."""
    if isinstance(k, bool):
        raise TypeError(f"k must be an integer update index >= 0, got {k!r}")
    if isinstance(k, numbers.Integral):
        arr = np.asarray(int(k), dtype=np.int64)
    else:
        arr = np.asarray(k)
        if arr.dtype.kind == "f" and np.all(np.isfinite(arr)) and np.all(arr == np.floor(arr)):
            arr = arr.astype(np.int64)
        if arr.dtype.kind not in "iu":
            raise TypeError(f"k must be an integer update index >= 0 (or an array of them), got {k!r}")
        arr = arr.astype(np.int64)
    if np.any(arr < 0):
        raise ValueError(f"k must be >= 0 (the 0-based update index), got {k!r}")
    return arr


class Schedule:
    """Base class. Subclasses implement ``_value(k: int64 ndarray) -> float64 ndarray``."""

    def __call__(self, k: Index) -> Any:
        arr = as_index(k)
        out = np.asarray(self._value(arr), dtype=np.float64)
        out = np.broadcast_to(out, arr.shape)
        return float(out) if out.ndim == 0 else out.copy()

    def _value(self, k: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def torch_scheduler(self, optimizer: Any) -> Any:
        raise NoEquivalentError(f"{type(self).__name__} has no torch scheduler")

    def keras_schedule(self) -> Any:
        raise NoEquivalentError(f"{type(self).__name__} has no Keras schedule")

    def keras_callback(self, verbose: int = 0) -> Any:
        """A ``keras.callbacks.LearningRateScheduler`` applying this schedule **per epoch** (``k`` = 0-based epoch).

        Keras calls it at the start of each epoch with the 0-based epoch index (its logs print ``Epoch 1``).
        Use this for per-epoch schedules; for per-update schedules pass :meth:`keras_schedule` to the optimizer.
        """
        from .._lazy import import_keras

        keras = import_keras()
        return keras.callbacks.LearningRateScheduler(lambda epoch: float(self(int(epoch))), verbose=verbose)

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if not k.startswith("_"))
        return f"{type(self).__name__}({fields})"
