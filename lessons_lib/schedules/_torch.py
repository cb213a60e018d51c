"""Helpers shared by the schedules' ``torch_scheduler`` builders."""

from __future__ import annotations

from typing import Any, Callable

from .._lazy import import_torch


def set_base_lr(optimizer: Any, lr: float) -> None:
    """Make ``lr`` every parameter group's starting learning rate (torch schedulers scale ``initial_lr``)."""
    for group in optimizer.param_groups:
        group["lr"] = float(lr)
        group.pop("initial_lr", None)


def lambda_scheduler(optimizer: Any, schedule: Callable[[int], float]) -> Any:
    """``LambdaLR`` that reproduces ``schedule`` exactly: the base lr is set to 1 and the lambda returns ``s(k)``.

    Used where torch has no built-in scheduler with the same closed form. ``LambdaLR`` computes
    ``initial_lr * f(e)``, so with ``initial_lr = 1`` the optimizer's lr is exactly ``s(e)``.
    """
    torch = import_torch()
    set_base_lr(optimizer, 1.0)
    return torch.optim.lr_scheduler.LambdaLR(optimizer, lambda e: float(schedule(int(e))))
