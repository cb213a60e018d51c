r"""Averaged SGD: plain SGD steps plus a running (Polyak–Ruppert) average of the iterates (``torch.optim.ASGD``)."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .._checks import check_bool, check_nonneg
from ._base import LearningRate, Optimizer

__all__ = ["ASGD", "ASGDState"]


class ASGDState(NamedTuple):
    step: int
    ax: Any  # the averaged iterate (read it at the end of training: it is the point ASGD is about)
    eta: float  # the step size used by the latest update
    mu: float  # the averaging weight used by the latest update


class ASGD(Optimizer):
    r"""Averaged stochastic gradient descent (Polyak & Juditsky, 1992), as ``torch.optim.ASGD``.

    For update :math:`t = 1, 2, \dots` with gradient :math:`g_t`:

    .. math::

        g_t &\leftarrow g_t + \lambda_{wd}\,\theta_{t-1} \\
        \theta_t &= \theta_{t-1}(1 - \lambda\,\eta_t) - \eta_t\, g_t \\
        \bar\theta_t &= \bar\theta_{t-1} + \mu_t(\theta_t - \bar\theta_{t-1}) \quad (\bar\theta_t = \theta_t
            \text{ while } \mu_t = 1)

    with the step size and the averaging weight computed from the *previous* update's count and rate
    (torch stores them at the end of each step):

    .. math::

        \eta_1 = \eta_{(0)}, \quad \eta_t = \frac{\eta_{(t-2)}}{(1 + \lambda\,\eta_{(t-2)}\,(t-1))^{\alpha}}, \qquad
        \mu_1 = 1, \quad \mu_t = \frac{1}{\max(1,\ t - 1 - t_0)}

    where :math:`\eta_{(k)}` is the learning rate (schedule) at index :math:`k`. With the default
    :math:`t_0 = 10^6` the average is just the current iterate for a million updates. ``state.ax`` holds
    :math:`\bar\theta_t`; torch keeps it in ``optimizer.state[p]["ax"]``. torch stores :math:`\eta_t` and
    :math:`\mu_t` as tensors of the *default* dtype, so with float64 parameters they are still rounded to float32
    unless ``torch.set_default_dtype(torch.float64)`` (about 1e-7 apart after a few hundred updates). Keras 3 has
    no ASGD.
    """

    _slots = ("ax",)
    _state_class = ASGDState

    def __init__(self, lr: LearningRate = 1e-2, lambd: float = 1e-4, alpha: float = 0.75, t0: float = 1e6,
                 weight_decay: float = 0.0, maximize: bool = False) -> None:
        super().__init__(lr)
        self.lambd = check_nonneg("lambd", lambd)
        self.alpha = check_nonneg("alpha", alpha)
        self.t0 = check_nonneg("t0", t0)
        self.weight_decay = check_nonneg("weight_decay", weight_decay)
        self.maximize = check_bool("maximize", maximize)

    def _init_leaf(self, p: np.ndarray) -> tuple:
        return (np.zeros_like(p),)

    def _init_extra(self) -> dict[str, Any]:
        return {"eta": float(self.learning_rate(0)), "mu": 1.0}

    def _step_extra(self, state: Any, t: int) -> dict[str, Any]:
        if t == 1:
            return {"eta": self.learning_rate(0), "mu": 1.0}
        lr_prev, step_prev = self.learning_rate(t - 2), float(t - 1)
        eta = lr_prev / ((1 + self.lambd * lr_prev * step_prev) ** self.alpha)
        return {"eta": eta, "mu": 1 / max(1, step_prev - self.t0)}

    def _update_leaf(self, p, g, slots, t, lr, extra):
        (ax,) = slots
        eta, mu = extra["eta"], extra["mu"]
        if self.maximize:
            g = -g
        if self.weight_decay != 0:
            g = g + self.weight_decay * p
        p = p * (1 - self.lambd * eta) - eta * g
        ax = ax + (p - ax) * mu if mu != 1 else p.copy()
        return p, (ax,)
