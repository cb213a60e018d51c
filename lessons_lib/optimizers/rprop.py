r"""Rprop: per-coordinate step sizes that grow while the gradient keeps its sign (``torch.optim.Rprop``)."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .._checks import check_bool, check_nonneg, check_positive
from ._base import LearningRate, Optimizer

__all__ = ["Rprop", "RpropState"]


class RpropState(NamedTuple):
    step: int
    prev: Any  # the gradient used by the previous update (0 where a sign change was detected)
    step_size: Any  # the per-coordinate step sizes, starting at the learning rate


class Rprop(Optimizer):
    r"""Resilient backpropagation (Riedmiller & Braun, 1993), as ``torch.optim.Rprop`` (the "Rprop−" variant).

    Only the *sign* of the gradient is used. With :math:`s_t` the per-coordinate step size
    (:math:`s_0 = \eta`, the learning rate at the first update) and :math:`p_{t-1}` the previous gradient:

    .. math::

        f_t &= \eta_+ \ (g_t p_{t-1} > 0), \quad \eta_- \ (g_t p_{t-1} < 0), \quad 1 \ \text{(otherwise)} \\
        s_t &= \operatorname{clip}(s_{t-1} f_t,\ s_{\min},\ s_{\max}) \\
        g_t &\leftarrow 0 \text{ where } f_t = \eta_- \quad \text{(after a sign change: no step, and no sign next time)} \\
        \theta_t &= \theta_{t-1} - \operatorname{sign}(g_t)\, s_t, \qquad p_t = g_t

    The learning rate only sets :math:`s_0`: torch reads it once, when the state is created, so a scheduler
    changes nothing afterwards (and neither does a schedule here). Keras 3 has no Rprop.
    """

    _slots = ("prev", "step_size")
    _state_class = RpropState

    def __init__(self, lr: LearningRate = 1e-2, etas: tuple[float, float] = (0.5, 1.2),
                 step_sizes: tuple[float, float] = (1e-6, 50), maximize: bool = False) -> None:
        super().__init__(lr)
        if not isinstance(etas, (tuple, list)) or len(etas) != 2:
            raise TypeError(f"etas must be a pair (etaminus, etaplus), got {etas!r}")
        em, ep = check_positive("etas[0]", etas[0]), check_positive("etas[1]", etas[1])
        if not em < 1 < ep:
            raise ValueError(f"etas must satisfy 0 < etaminus < 1 < etaplus, got {tuple(etas)!r}")
        if not isinstance(step_sizes, (tuple, list)) or len(step_sizes) != 2:
            raise TypeError(f"step_sizes must be a pair (min, max), got {step_sizes!r}")
        lo, hi = check_nonneg("step_sizes[0]", step_sizes[0]), check_nonneg("step_sizes[1]", step_sizes[1])
        if lo > hi:
            raise ValueError(f"step_sizes must be (min, max) with min <= max, got {tuple(step_sizes)!r}")
        self.etas = (em, ep)
        self.step_sizes = (lo, hi)
        self.maximize = check_bool("maximize", maximize)

    def _init_leaf(self, p: np.ndarray) -> tuple:
        return (np.zeros_like(p), np.full_like(p, self.learning_rate(0)))

    def _update_leaf(self, p, g, slots, t, lr, extra):
        prev, s = slots
        etaminus, etaplus = self.etas
        if self.maximize:
            g = -g
        sign = np.sign(g * prev)
        f = np.where(sign > 0, etaplus, np.where(sign < 0, etaminus, 1.0))
        s = np.clip(s * f, self.step_sizes[0], self.step_sizes[1])
        g = np.where(f == etaminus, 0.0, g)
        return p - np.sign(g) * s, (g, s)
