r"""Decay schedules: constant, multiplicative, step, multi-step, exponential, inverse-time, polynomial,
piecewise-constant, lambda.

Every schedule is a function of the 0-based update index :math:`k` (update :math:`t = k+1` uses
:math:`\eta_k`). To decay per epoch instead, wrap it: ``per_epoch(StepDecay(...), steps_per_epoch)``.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from .._checks import check_bool, check_int, check_nonneg, check_number, check_positive
from .._lazy import import_keras, import_torch
from ._base import NoEquivalentError, Schedule
from ._torch import lambda_scheduler, set_base_lr

__all__ = ["Constant", "Multiplicative", "StepDecay", "MultiStep", "ExponentialDecay", "InverseTimeDecay", "PolynomialDecay",
           "PiecewiseConstant", "Lambda"]


def _f64(x: float) -> np.float64:
    """Keras schedules compute in the dtype of their initial value: float64 values keep them exact."""
    return np.float64(x)


class Constant(Schedule):
    r"""A constant rate, optionally scaled by ``factor`` for the first ``total_iters`` updates (torch ``ConstantLR``):

    .. math:: \eta_k = \eta\,\text{factor} \ \ (k < K), \qquad \eta_k = \eta \ \ (k \ge K), \qquad
        K = \text{total\_iters}
    """

    def __init__(self, lr: float, factor: float = 1.0, total_iters: int = 0) -> None:
        self.lr = check_nonneg("lr", lr)
        f = check_number("factor", factor)
        if not 0 <= f <= 1:
            raise ValueError(f"factor must be in [0, 1] (the multiplier before total_iters), got {factor!r}")
        self.factor = f
        self.total_iters = check_int("total_iters", total_iters, minimum=0)

    def _value(self, k: np.ndarray) -> np.ndarray:
        return np.where(k < self.total_iters, self.lr * self.factor, self.lr)

    def torch_scheduler(self, optimizer: Any) -> Any:
        torch = import_torch()
        set_base_lr(optimizer, self.lr)
        return torch.optim.lr_scheduler.ConstantLR(optimizer, factor=self.factor, total_iters=self.total_iters)

    def keras_schedule(self) -> Any:
        if self.total_iters == 0 or self.factor == 1:
            return self.lr
        keras = import_keras()  # Keras keeps the earlier value while k <= boundary
        return keras.optimizers.schedules.PiecewiseConstantDecay([self.total_iters - 1],
                                                                 [_f64(self.lr * self.factor), _f64(self.lr)])


class Multiplicative(Schedule):
    r"""Each update multiplies the rate by ``fn(k)`` (torch ``MultiplicativeLR``):

    .. math:: \eta_0 = \eta, \qquad \eta_k = \eta_{k-1}\, f(k) = \eta \prod_{j=1}^{k} f(j)

    The product is accumulated in order, as torch multiplies the optimizer's rate in place. Keras: an arbitrary
    Python function has no exact ``LearningRateSchedule``; its two-argument ``LearningRateScheduler`` callback,
    ``schedule(epoch, lr) -> lr * f(epoch)``, compounds the same way per epoch.
    """

    def __init__(self, fn: Callable[[int], float], lr: float = 1.0) -> None:
        if not callable(fn):
            raise TypeError(f"fn must be a callable f(k) -> factor, got {fn!r}")
        self.fn = fn
        self.lr = check_nonneg("lr", lr)

    def _value(self, k: np.ndarray) -> np.ndarray:
        top = int(k.max()) if k.size else 0
        rates = np.empty(top + 1)
        rate = self.lr
        rates[0] = rate
        for j in range(1, top + 1):
            rate = rate * float(self.fn(j))
            rates[j] = rate
        return rates[k]

    def torch_scheduler(self, optimizer: Any) -> Any:
        torch = import_torch()
        set_base_lr(optimizer, self.lr)
        return torch.optim.lr_scheduler.MultiplicativeLR(optimizer, lambda e: float(self.fn(int(e))))

    def keras_schedule(self) -> Any:
        raise NoEquivalentError(
            "Keras calls a LearningRateSchedule inside compiled TensorFlow code, so an arbitrary Python factor "
            "function has no exact Keras schedule. Nearest: keras.callbacks.LearningRateScheduler with a two-argument "
            "schedule(epoch, lr) returning lr * f(epoch) (per epoch)."
        )


class StepDecay(Schedule):
    r"""Step decay: :math:`\eta_k = \eta\,\gamma^{\lfloor k/s \rfloor}`, multiplied by :math:`\gamma` every
    ``step_size`` updates (torch ``StepLR``; Keras ``ExponentialDecay(staircase=True)``)."""

    def __init__(self, lr: float, step_size: int, gamma: float = 0.1) -> None:
        self.lr = check_nonneg("lr", lr)
        self.step_size = check_int("step_size", step_size, minimum=1)
        self.gamma = check_nonneg("gamma", gamma)

    def _value(self, k: np.ndarray) -> np.ndarray:
        return self.lr * self.gamma ** (k // self.step_size)

    def torch_scheduler(self, optimizer: Any) -> Any:
        torch = import_torch()
        set_base_lr(optimizer, self.lr)
        return torch.optim.lr_scheduler.StepLR(optimizer, step_size=self.step_size, gamma=self.gamma)

    def keras_schedule(self) -> Any:
        keras = import_keras()
        return keras.optimizers.schedules.ExponentialDecay(_f64(self.lr), self.step_size, _f64(self.gamma),
                                                           staircase=True)


class MultiStep(Schedule):
    r"""Multi-step decay: :math:`\eta_k = \eta\,\gamma^{\#\{m_i \le k\}}`, multiplied by :math:`\gamma` *at* each
    milestone :math:`m_i` (a repeated milestone multiplies twice, as in torch ``MultiStepLR``).

    Keras ``PiecewiseConstantDecay`` switches one update later (at :math:`k = b + 1`), so its boundaries are the
    milestones minus one.
    """

    def __init__(self, lr: float, milestones: Sequence[int], gamma: float = 0.1) -> None:
        self.lr = check_nonneg("lr", lr)
        ms = [check_int(f"milestones[{i}]", m, minimum=1) for i, m in enumerate(milestones)]
        if ms != sorted(ms):
            raise ValueError(f"milestones must be non-decreasing, got {list(milestones)!r}")
        self.milestones = ms
        self.gamma = check_nonneg("gamma", gamma)

    def _value(self, k: np.ndarray) -> np.ndarray:
        passed = np.searchsorted(np.asarray(self.milestones), k, side="right")
        return self.lr * self.gamma**passed

    def torch_scheduler(self, optimizer: Any) -> Any:
        torch = import_torch()
        set_base_lr(optimizer, self.lr)
        return torch.optim.lr_scheduler.MultiStepLR(optimizer, milestones=self.milestones, gamma=self.gamma)

    def keras_schedule(self) -> Any:
        keras = import_keras()
        bounds = sorted(set(self.milestones))
        values = [float(self(0))] + [float(self(b)) for b in bounds]
        return keras.optimizers.schedules.PiecewiseConstantDecay([b - 1 for b in bounds], [_f64(v) for v in values])


class ExponentialDecay(Schedule):
    r"""Exponential decay :math:`\eta_k = \eta\, r^{k/D}` (``staircase``: :math:`r^{\lfloor k/D \rfloor}`), as
    Keras ``ExponentialDecay``. With :math:`D = 1` this is torch ``ExponentialLR(gamma=r)``."""

    def __init__(self, lr: float, decay_rate: float, decay_steps: int = 1, staircase: bool = False) -> None:
        self.lr = check_nonneg("lr", lr)
        self.decay_rate = check_nonneg("decay_rate", decay_rate)
        self.decay_steps = check_int("decay_steps", decay_steps, minimum=1)
        self.staircase = check_bool("staircase", staircase)

    def _value(self, k: np.ndarray) -> np.ndarray:
        p = k // self.decay_steps if self.staircase else k / self.decay_steps
        return self.lr * self.decay_rate**p

    def torch_scheduler(self, optimizer: Any) -> Any:
        torch = import_torch()
        if self.staircase and self.decay_steps > 1:
            return StepDecay(self.lr, self.decay_steps, self.decay_rate).torch_scheduler(optimizer)
        set_base_lr(optimizer, self.lr)
        return torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=self.decay_rate ** (1 / self.decay_steps))

    def keras_schedule(self) -> Any:
        keras = import_keras()
        return keras.optimizers.schedules.ExponentialDecay(_f64(self.lr), self.decay_steps, _f64(self.decay_rate),
                                                           staircase=self.staircase)


class InverseTimeDecay(Schedule):
    r"""Time-based (inverse-time) decay :math:`\eta_k = \eta / (1 + r\,k/D)` (``staircase``:
    :math:`\lfloor k/D \rfloor`), as Keras ``InverseTimeDecay``. torch has no built-in; ``LambdaLR`` reproduces it."""

    def __init__(self, lr: float, decay_rate: float, decay_steps: int = 1, staircase: bool = False) -> None:
        self.lr = check_nonneg("lr", lr)
        self.decay_rate = check_nonneg("decay_rate", decay_rate)
        self.decay_steps = check_int("decay_steps", decay_steps, minimum=1)
        self.staircase = check_bool("staircase", staircase)

    @classmethod
    def legacy_keras_decay(cls, lr: float, decay: float) -> "InverseTimeDecay":
        r"""What old Keras computed for ``Adam(lr=lr, decay=decay)``: :math:`\eta_k = \eta/(1 + \text{decay}\cdot k)`
        per *batch* (Keras ≤ 2.10; Keras 3 ignores ``decay=`` with a warning). The modern equivalent is
        ``keras.optimizers.schedules.InverseTimeDecay(lr, decay_steps=1, decay_rate=decay)``."""
        return cls(lr, decay_rate=decay, decay_steps=1)

    def _value(self, k: np.ndarray) -> np.ndarray:
        p = k // self.decay_steps if self.staircase else k / self.decay_steps
        return self.lr / (1 + self.decay_rate * p)

    def torch_scheduler(self, optimizer: Any) -> Any:
        return lambda_scheduler(optimizer, self)

    def keras_schedule(self) -> Any:
        keras = import_keras()
        return keras.optimizers.schedules.InverseTimeDecay(_f64(self.lr), self.decay_steps, _f64(self.decay_rate),
                                                           staircase=self.staircase)


class PolynomialDecay(Schedule):
    r"""Polynomial decay from :math:`\eta` to :math:`\eta_{\text{end}}` over :math:`D` updates, as Keras
    ``PolynomialDecay``:

    .. math:: \eta_k = (\eta - \eta_{\text{end}})\,(1 - k'/D')^p + \eta_{\text{end}}

    with :math:`k' = \min(k, D)`, :math:`D' = D`; or, with ``cycle=True``, :math:`k' = k` and
    :math:`D' = D\lceil k/D \rceil` (:math:`D' = D` at :math:`k = 0`), so each new cycle restarts from a lower
    value rather than from :math:`\eta`. torch's ``PolynomialLR`` is the case :math:`\eta_{\text{end}} = 0`, no cycle.
    Note Keras's default ``end_learning_rate`` is 1e-4; here it is 0.
    """

    def __init__(self, lr: float, decay_steps: int, end_lr: float = 0.0, power: float = 1.0, cycle: bool = False) -> None:
        self.lr = check_nonneg("lr", lr)
        self.decay_steps = check_int("decay_steps", decay_steps, minimum=1)
        self.end_lr = check_nonneg("end_lr", end_lr)
        self.power = check_positive("power", power)
        self.cycle = check_bool("cycle", cycle)

    def _value(self, k: np.ndarray) -> np.ndarray:
        D = self.decay_steps
        if self.cycle:
            Dp = D * np.maximum(1, np.ceil(k / D))
            frac = k / Dp
        else:
            frac = np.minimum(k, D) / D
        return (self.lr - self.end_lr) * (1 - frac) ** self.power + self.end_lr

    def torch_scheduler(self, optimizer: Any) -> Any:
        if self.end_lr == 0 and not self.cycle:
            torch = import_torch()
            set_base_lr(optimizer, self.lr)
            return torch.optim.lr_scheduler.PolynomialLR(optimizer, total_iters=self.decay_steps, power=self.power)
        return lambda_scheduler(optimizer, self)  # torch's PolynomialLR always ends at 0 and never cycles

    def keras_schedule(self) -> Any:
        keras = import_keras()
        return keras.optimizers.schedules.PolynomialDecay(_f64(self.lr), self.decay_steps,
                                                          end_learning_rate=_f64(self.end_lr),
                                                          power=_f64(self.power), cycle=self.cycle)


class PiecewiseConstant(Schedule):
    r"""``values[i]`` for :math:`b_{i-1} \le k < b_i`: the value changes *at* each boundary (torch and optax
    convention). Keras ``PiecewiseConstantDecay`` keeps the earlier value while :math:`k \le b`, one update longer,
    so its boundaries are :math:`b - 1`."""

    def __init__(self, boundaries: Sequence[int], values: Sequence[float]) -> None:
        bs = [check_int(f"boundaries[{i}]", b, minimum=1) for i, b in enumerate(boundaries)]
        if any(b2 <= b1 for b1, b2 in zip(bs, bs[1:])):
            raise ValueError(f"boundaries must be strictly increasing, got {list(boundaries)!r}")
        vs = [check_nonneg(f"values[{i}]", v) for i, v in enumerate(values)]
        if len(vs) != len(bs) + 1:
            raise ValueError(f"values must have one more entry than boundaries ({len(bs) + 1}), got {len(vs)}")
        self.boundaries, self.values = bs, vs

    def _value(self, k: np.ndarray) -> np.ndarray:
        return np.asarray(self.values)[np.searchsorted(np.asarray(self.boundaries), k, side="right")]

    def torch_scheduler(self, optimizer: Any) -> Any:
        return lambda_scheduler(optimizer, self)

    def keras_schedule(self) -> Any:
        keras = import_keras()
        return keras.optimizers.schedules.PiecewiseConstantDecay([b - 1 for b in self.boundaries],
                                                                 [_f64(v) for v in self.values])


class Lambda(Schedule):
    r"""A custom schedule :math:`\eta_k = \eta \cdot f(k)` from any Python function ``f`` of the update index.

    torch: ``LambdaLR(optimizer, f)`` with base lr :math:`\eta`. Keras's optimizer calls schedules inside compiled
    TensorFlow code, so an arbitrary Python function has no exact ``LearningRateSchedule``; use
    :meth:`keras_callback` for a per-epoch schedule, or subclass ``keras.optimizers.schedules.LearningRateSchedule``.
    """

    def __init__(self, fn: Callable[[int], float], lr: float = 1.0) -> None:
        if not callable(fn):
            raise TypeError(f"fn must be a callable f(k) -> factor, got {fn!r}")
        self.fn = fn
        self.lr = check_nonneg("lr", lr)

    def _value(self, k: np.ndarray) -> np.ndarray:
        return np.array([self.lr * float(self.fn(int(i))) for i in k.ravel()]).reshape(k.shape)

    def torch_scheduler(self, optimizer: Any) -> Any:
        torch = import_torch()
        set_base_lr(optimizer, self.lr)
        return torch.optim.lr_scheduler.LambdaLR(optimizer, lambda e: float(self.fn(int(e))))

    def keras_schedule(self) -> Any:
        raise NoEquivalentError(
            "Keras calls a LearningRateSchedule inside compiled TensorFlow code, so an arbitrary Python function "
            "has no exact Keras schedule. Nearest: keras.callbacks.LearningRateScheduler (per epoch, see "
            "keras_callback()), or a LearningRateSchedule subclass written with keras.ops."
        )
