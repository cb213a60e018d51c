"""Learning-rate curves of a schedule as the frameworks really produce them.

``torch_lr_curve`` steps a real torch optimizer and the schedule's ``torch_scheduler`` once per update and records
the rate each update used; ``keras_lr_curve`` evaluates the schedule's ``keras_schedule`` at Keras's iteration
counts 0, 1, 2, ... (the value update ``t`` uses is ``schedule(t - 1)``). Chapters compare these with ``s(k)``.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .._lazy import import_keras, import_torch

__all__ = ["torch_lr_curve", "keras_lr_curve"]


def torch_lr_curve(schedule: Any, steps: int) -> np.ndarray:
    """The learning rate of updates 1..steps with ``schedule.torch_scheduler`` stepped after each ``optimizer.step()``."""
    torch = import_torch()
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=1.0, momentum=0.9)
    sched = schedule.torch_scheduler(opt)
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for _ in range(steps):
            out.append(opt.param_groups[0]["lr"])
            p.grad = torch.zeros(1)
            opt.step()
            sched.step()
    return np.array(out)


def keras_lr_curve(schedule: Any, steps: int) -> np.ndarray:
    """``schedule.keras_schedule()`` evaluated at Keras's iteration counts 0..steps-1."""
    import_keras()
    ks = schedule.keras_schedule()
    if isinstance(ks, float):
        return np.full(steps, ks)
    return np.array([float(ks(k)) for k in range(steps)])
