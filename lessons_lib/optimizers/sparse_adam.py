r"""SparseAdam: Adam that updates only the coordinates a sparse gradient touches (``torch.optim.SparseAdam``)."""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from .._checks import check_bool, check_positive
from ._base import LearningRate, Optimizer, check_betas

__all__ = ["SparseAdam", "SparseAdamState"]


class SparseAdamState(NamedTuple):
    step: int
    exp_avg: Any  # m: changed only where the gradient is nonzero
    exp_avg_sq: Any  # v: likewise


class SparseAdam(Optimizer):
    r"""Masked Adam for sparse gradients (embedding tables), as ``torch.optim.SparseAdam``, on dense arrays.

    torch receives a sparse gradient (for example from ``nn.Embedding(sparse=True)``) and updates the moments
    and the parameter **only at the gradient's stored entries**. Here the gradient is a dense array and the
    stored entries are its nonzero ones, :math:`M = \{i : g_{t,i} \ne 0\}`. For :math:`i \in M`:

    .. math::

        m_{t,i} &= m_{t-1,i} + (1-\beta_1)(g_{t,i} - m_{t-1,i}) \\
        v_{t,i} &= v_{t-1,i} + (1-\beta_2)(g_{t,i}^2 - v_{t-1,i}) \\
        \theta_{t,i} &= \theta_{t-1,i} - \eta_t\,\frac{\sqrt{1-\beta_2^t}}{1-\beta_1^t}\,
            \frac{m_{t,i}}{\sqrt{v_{t,i}} + \epsilon}

    and every other coordinate keeps its :math:`m`, :math:`v` and :math:`\theta` (dense Adam would decay
    their moments and keep moving them). One case a dense array cannot express: a zero that torch's sparse
    gradient *stores* explicitly is updated there (its moments decay) and left alone here. The step count
    :math:`t` is shared by the whole tensor and counts every update, even one whose gradient is all zeros. Note that :math:`\epsilon` is added to :math:`\sqrt{v}`,
    not to :math:`\sqrt{\hat v}` as in ``torch.optim.Adam``: SparseAdam uses the "epsilon hat" form of Keras's
    Adam. No weight decay (it would touch every coordinate). Keras 3 has no SparseAdam.
    """

    _slots = ("exp_avg", "exp_avg_sq")
    _state_class = SparseAdamState

    def __init__(self, lr: LearningRate = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 maximize: bool = False) -> None:
        super().__init__(lr)
        self.betas = check_betas(betas)
        self.eps = check_positive("eps", eps)
        self.maximize = check_bool("maximize", maximize)

    def _init_leaf(self, p: np.ndarray) -> tuple:
        return (np.zeros_like(p), np.zeros_like(p))

    def _update_leaf(self, p, g, slots, t, lr, extra):
        m, v = slots
        b1, b2 = self.betas
        if self.maximize:
            g = -g
        touched = g != 0
        dm = (g - m) * (1 - b1)
        dv = (g * g - v) * (1 - b2)
        m_new = np.where(touched, m + dm, m)
        v_new = np.where(touched, v + dv, v)
        step_size = lr * math.sqrt(1 - b2**t) / (1 - b1**t)
        step = -step_size * ((dm + m) / (np.sqrt(dv + v) + self.eps))
        return np.where(touched, p + step, p), (m_new, v_new)
