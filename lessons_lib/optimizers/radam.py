r"""RAdam: Adam with the variance of its adaptive step rectified (``torch.optim.RAdam``)."""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from .._checks import check_bool, check_nonneg, check_positive
from ._base import LearningRate, Optimizer, apply_weight_decay, check_betas

__all__ = ["RAdam", "RAdamState"]


class RAdamState(NamedTuple):
    step: int
    exp_avg: Any  # m
    exp_avg_sq: Any  # v


class RAdam(Optimizer):
    r"""Rectified Adam (Liu et al., 2020), as ``torch.optim.RAdam``.

    With :math:`\rho_\infty = 2/(1-\beta_2) - 1` and :math:`\rho_t = \rho_\infty - 2t\beta_2^t/(1-\beta_2^t)`:

    .. math::

        m_t &= \beta_1 m_{t-1} + (1-\beta_1) g_t, \quad v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,
            \quad \hat m_t = m_t/(1-\beta_1^t) \\
        r_t &= \sqrt{\frac{(\rho_t-4)(\rho_t-2)\rho_\infty}{(\rho_\infty-4)(\rho_\infty-2)\rho_t}} \\
        \theta_t &= \theta_{t-1} - \eta_t\, \hat m_t\, r_t \frac{\sqrt{1-\beta_2^t}}{\sqrt{v_t} + \epsilon}
            \quad\text{if } \rho_t > 5, \qquad
        \theta_t = \theta_{t-1} - \eta_t \hat m_t \quad\text{otherwise.}

    While the variance of the adaptive step is not yet defined (:math:`\rho_t \le 5`, the first five updates for
    :math:`\beta_2 = 0.999`), RAdam takes plain momentum steps; the rectification :math:`r_t` then grows towards 1,
    acting like a built-in warmup. Note that :math:`\epsilon` is added to :math:`\sqrt{v_t}` here (the ε̂ form),
    unlike torch's Adam. Keras 3 has no RAdam.
    """

    _slots = ("exp_avg", "exp_avg_sq")
    _state_class = RAdamState

    def __init__(self, lr: LearningRate = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, *, decoupled_weight_decay: bool = False) -> None:
        super().__init__(lr)
        self.betas = check_betas(betas)
        self.eps = check_positive("eps", eps)
        self.weight_decay = check_nonneg("weight_decay", weight_decay)
        self.decoupled_weight_decay = check_bool("decoupled_weight_decay", decoupled_weight_decay)

    def rho(self, t: Any) -> Any:
        r""":math:`\rho_t`, the length of the approximated simple moving average (vectorised over t)."""
        b2 = self.betas[1]
        t = np.asarray(t, dtype=float)
        rho_inf = 2 / (1 - b2) - 1
        return rho_inf - 2 * t * b2**t / (1 - b2**t)

    def rectification(self, t: Any) -> Any:
        r""":math:`r_t` where :math:`\rho_t > 5`, and NaN where RAdam falls back to momentum SGD."""
        b2 = self.betas[1]
        rho_inf = 2 / (1 - b2) - 1
        rho_t = np.asarray(self.rho(t), dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            r = np.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
        return np.where(rho_t > 5, r, np.nan)

    def _init_leaf(self, p: np.ndarray) -> tuple:
        return (np.zeros_like(p), np.zeros_like(p))

    def _update_leaf(self, p, g, slots, t, lr, extra):
        m, v = slots
        b1, b2 = self.betas
        p, g = apply_weight_decay(p, g, lr, self.weight_decay, self.decoupled_weight_decay)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat = m / (1 - b1**t)
        rho_t = float(self.rho(t))
        if rho_t > 5:
            r = float(self.rectification(t))
            adaptive = math.sqrt(1 - b2**t) / (np.sqrt(v) + self.eps)
            return p - lr * m_hat * r * adaptive, (m, v)
        return p - lr * m_hat, (m, v)
