r"""Composing schedules: linear warmup before any schedule, sequences of schedules, products of schedules
(torch's ChainedScheduler), per-epoch schedules."""

from __future__ import annotations

from typing import Any, Sequence as Seq

import numpy as np

from .._checks import check_int, check_nonneg
from .._lazy import import_keras, import_torch
from ._base import NoEquivalentError, Schedule
from ._torch import lambda_scheduler, set_base_lr
from .cyclic import CosineAnnealing

__all__ = ["LinearWarmup", "Sequence", "PerEpoch", "per_epoch", "warmup_cosine", "Chained"]


class LinearWarmup(Schedule):
    r"""Linear warmup over :math:`W` updates, then ``after`` (which restarts its own count at 0):

    .. math::
        \eta_k = \eta_{\text{start}} + (\eta^{\text{after}}_0 - \eta_{\text{start}})\,k/W \ \ (k < W), \qquad
        \eta_k = \eta^{\text{after}}_{k-W} \ \ (k \ge W)

    torch: ``SequentialLR([LinearLR, <after's scheduler>], milestones=[W])`` when ``start_lr > 0`` (``LinearLR``
    needs a positive start factor), else ``LambdaLR``. Keras: ``CosineDecay(..., warmup_target, warmup_steps)`` when
    ``after`` is a clamped :class:`CosineAnnealing`.
    """

    def __init__(self, after: Schedule, warmup_steps: int, start_lr: float = 0.0) -> None:
        if not isinstance(after, Schedule):
            raise TypeError(f"after must be a lessons_lib schedule, got {after!r}")
        self.after = after
        self.warmup_steps = check_int("warmup_steps", warmup_steps, minimum=1)
        self.start_lr = check_nonneg("start_lr", start_lr)

    def _value(self, k: np.ndarray) -> np.ndarray:
        W = self.warmup_steps
        peak = float(self.after(0))
        ramp = self.start_lr + (peak - self.start_lr) * np.minimum(k, W) / W
        rest = self.after(np.maximum(k - W, 0))
        return np.where(k < W, ramp, rest)

    def torch_scheduler(self, optimizer: Any) -> Any:
        peak = float(self.after(0))
        native = type(self.after).torch_scheduler is not Schedule.torch_scheduler
        if self.start_lr > 0 and peak > 0 and self.start_lr <= peak and native and _has_native_torch(self.after):
            torch = import_torch()
            set_base_lr(optimizer, peak)
            warm = torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=self.start_lr / peak, end_factor=1.0,
                                                     total_iters=self.warmup_steps)
            rest = self.after.torch_scheduler(optimizer)
            return torch.optim.lr_scheduler.SequentialLR(optimizer, [warm, rest], milestones=[self.warmup_steps])
        return lambda_scheduler(optimizer, self)

    def keras_schedule(self) -> Any:
        a = self.after
        if isinstance(a, CosineAnnealing) and not a.periodic and a.lr > 0:
            keras = import_keras()
            return keras.optimizers.schedules.CosineDecay(
                np.float64(self.start_lr), a.T_max, alpha=np.float64(a.eta_min / a.lr),
                warmup_target=np.float64(a.lr), warmup_steps=self.warmup_steps)
        raise NoEquivalentError(
            "Keras has a built-in warmup only inside CosineDecay(warmup_target=..., warmup_steps=...), i.e. linear "
            f"warmup followed by a clamped cosine; warmup before {type(a).__name__} needs a custom LearningRateSchedule."
        )


def _has_native_torch(s: Schedule) -> bool:
    """Whether ``s`` maps to a built-in torch scheduler (not the LambdaLR fallback, which resets base lr to 1)."""
    from . import decay

    if isinstance(s, CosineAnnealing):
        return s.periodic
    return isinstance(s, (decay.StepDecay, decay.MultiStep, decay.ExponentialDecay, decay.Constant))


def warmup_cosine(peak_lr: float, warmup_steps: int, decay_steps: int, start_lr: float = 0.0,
                  end_lr: float = 0.0) -> LinearWarmup:
    r"""Linear warmup from ``start_lr`` to ``peak_lr`` over ``warmup_steps``, then a cosine down to ``end_lr`` over
    ``decay_steps`` more updates (the transformer recipe). The total length is ``warmup_steps + decay_steps``, as in
    Keras's ``CosineDecay(warmup_steps=...)``; optax's ``warmup_cosine_decay_schedule`` counts the warmup *inside*
    its ``decay_steps``."""
    return LinearWarmup(CosineAnnealing(peak_lr, decay_steps, eta_min=end_lr), warmup_steps, start_lr=start_lr)


class Sequence(Schedule):
    r"""Schedules one after another: ``schedules[i]`` runs for :math:`b_{i-1} \le k < b_i` and receives
    :math:`k - b_{i-1}` (optax ``join_schedules`` semantics). torch: ``LambdaLR`` (torch's ``SequentialLR``
    restarts each scheduler from the optimizer's base lr, which differs unless they share it)."""

    def __init__(self, schedules: Seq[Schedule], boundaries: Seq[int]) -> None:
        if len(schedules) != len(boundaries) + 1:
            raise ValueError(f"schedules must have one more entry than boundaries ({len(boundaries) + 1}), "
                             f"got {len(schedules)}")
        for i, s in enumerate(schedules):
            if not isinstance(s, Schedule):
                raise TypeError(f"schedules[{i}] must be a lessons_lib schedule, got {s!r}")
        bs = [check_int(f"boundaries[{i}]", b, minimum=1) for i, b in enumerate(boundaries)]
        if any(b2 <= b1 for b1, b2 in zip(bs, bs[1:])):
            raise ValueError(f"boundaries must be strictly increasing, got {list(boundaries)!r}")
        self.schedules, self.boundaries = list(schedules), bs

    def _value(self, k: np.ndarray) -> np.ndarray:
        starts = np.array([0] + self.boundaries)
        idx = np.searchsorted(np.array(self.boundaries), k, side="right")
        out = np.empty(k.shape)
        for i, s in enumerate(self.schedules):
            here = idx == i
            if here.any():
                out[here] = s(k[here] - starts[i])
        return out

    def torch_scheduler(self, optimizer: Any) -> Any:
        return lambda_scheduler(optimizer, self)

    def keras_schedule(self) -> Any:
        raise NoEquivalentError(
            "Keras has no built-in sequence of schedules (optax has join_schedules). Nearest: a LearningRateSchedule "
            "subclass that switches with keras.ops.where, or a per-epoch keras_callback()."
        )


class PerEpoch(Schedule):
    r"""Hold ``schedule(e)`` for the whole epoch :math:`e = \lfloor k / \text{steps\_per\_epoch} \rfloor`.

    This converts a per-epoch schedule (what torch's ``StepLR`` and friends mean when stepped once an epoch, and
    what Keras's ``LearningRateScheduler`` callback applies) into a function of the update index.
    """

    def __init__(self, schedule: Schedule, steps_per_epoch: int) -> None:
        if not isinstance(schedule, Schedule):
            raise TypeError(f"schedule must be a lessons_lib schedule, got {schedule!r}")
        self.schedule = schedule
        self.steps_per_epoch = check_int("steps_per_epoch", steps_per_epoch, minimum=1)

    def _value(self, k: np.ndarray) -> np.ndarray:
        return self.schedule(k // self.steps_per_epoch)

    def torch_scheduler(self, optimizer: Any) -> Any:
        return lambda_scheduler(optimizer, self)

    def keras_schedule(self) -> Any:
        raise NoEquivalentError(
            "For a per-epoch schedule in Keras use the callback: schedule.keras_callback() (a LearningRateScheduler "
            "called at each epoch start with the 0-based epoch)."
        )


def per_epoch(schedule: Schedule, steps_per_epoch: int) -> PerEpoch:
    """``schedule`` of the epoch index, as a schedule of the update index (see :class:`PerEpoch`)."""
    return PerEpoch(schedule, steps_per_epoch)


class Chained(Schedule):
    r"""Several schedules applied at once to the same base rate :math:`\eta`; their factors multiply
    (torch ``ChainedScheduler``):

    .. math:: \eta_k = \eta \prod_i \frac{s_i(k)}{\eta}

    Every member must start from the same ``lr`` (in torch they all act on one optimizer). torch's
    ``ChainedScheduler`` steps each member's *recursive* form, which multiplies the current rate by the member's
    ratio :math:`s_i(k)/s_i(k-1)`; for factor schedules (``StepLR``, ``MultiStepLR``, ``ExponentialLR``,
    ``ConstantLR``, ``MultiplicativeLR``) that is exactly this product, and :meth:`torch_scheduler` builds the real
    ``ChainedScheduler`` of them. With other members (the recursive ``CosineAnnealingLR`` is not a factor of the
    current rate) torch computes something else, and the builder reproduces the product with ``LambdaLR`` instead.
    Keras has no product of schedules.
    """

    def __init__(self, schedules: Seq[Schedule]) -> None:
        schedules = list(schedules)
        if not schedules:
            raise ValueError("schedules must contain at least one schedule, got an empty sequence")
        for i, s in enumerate(schedules):
            if not isinstance(s, Schedule) or not hasattr(s, "lr"):
                raise TypeError(f"schedules[{i}] must be a lessons_lib schedule with a base rate lr, got {s!r}")
        lrs = [s.lr for s in schedules]
        if any(v != lrs[0] for v in lrs):
            raise ValueError(f"every chained schedule must start from the same lr (one optimizer), got lr={lrs}")
        if lrs[0] <= 0:
            raise ValueError(f"the chained schedules' lr must be > 0 (the factors are s_i(k) / lr), got {lrs[0]!r}")
        self.schedules, self.lr = schedules, float(lrs[0])

    def _value(self, k: np.ndarray) -> np.ndarray:
        out = np.full(k.shape, self.lr)
        for s in self.schedules:
            out = out * (s(k) / self.lr)
        return out

    def _native(self) -> bool:
        from . import decay

        factors = (decay.StepDecay, decay.MultiStep, decay.Constant, decay.Multiplicative, decay.ExponentialDecay)
        return all(isinstance(s, factors) for s in self.schedules)

    def torch_scheduler(self, optimizer: Any) -> Any:
        if not self._native():
            return lambda_scheduler(optimizer, self)
        torch = import_torch()
        members = []
        for s in self.schedules:
            before = [g["lr"] for g in optimizer.param_groups]
            members.append(s.torch_scheduler(optimizer))  # resets lr to the base, then applies its own start factor
            if len(members) > 1:  # keep the earlier members' factors: multiply this one's start factor in
                for g, b in zip(optimizer.param_groups, before):
                    g["lr"] = b * (g["lr"] / self.lr)
        return torch.optim.lr_scheduler.ChainedScheduler(members, optimizer=optimizer)

    def keras_schedule(self) -> Any:
        raise NoEquivalentError(
            "Keras has no product of schedules (torch's ChainedScheduler). Nearest: a LearningRateSchedule subclass "
            "whose __call__ multiplies the members' values divided by the base rate."
        )
