r"""Adamax (``torch.optim.Adamax``; Keras's form through :meth:`Adamax.from_keras`)."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .._checks import check_bool, check_nonneg, check_positive
from ._base import LearningRate, Optimizer, apply_weight_decay, check_betas

__all__ = ["Adamax", "AdamaxState"]


class AdamaxState(NamedTuple):
    step: int
    exp_avg: Any  # m: running average of g
    exp_inf: Any  # u: exponentially weighted infinity norm, max(beta2 * u, |g|)


class Adamax(Optimizer):
    r"""Adamax (Kingma & Ba, 2015, section 7.1): Adam with the infinity norm in place of the root mean square.

    .. math::

        g_t &\leftarrow g_t + \lambda\theta_{t-1} \\
        m_t &= \beta_1 m_{t-1} + (1-\beta_1) g_t \\
        u_t &= \max(\beta_2 u_{t-1},\ |g_t| + \epsilon) \\
        \theta_t &= \theta_{t-1} - \frac{\eta_t}{1-\beta_1^t}\, \frac{m_t}{u_t}

    :math:`u_t` needs no bias correction: it is a maximum, not an average that starts at zero. The step of each
    coordinate is at most :math:`\eta_t` in size (since :math:`|m_t| \le (1-\beta_1^t) \max_s |g_s|`), whatever the
    scale of the gradients.

    **Keras form** (``eps_in_max=False``, or :meth:`from_keras`): ``keras.optimizers.Adamax`` takes
    :math:`u_t = \max(\beta_2 u_{t-1}, |g_t|)` and divides by :math:`u_t + \hat\epsilon` (default
    :math:`10^{-7}`); its ``weight_decay`` is decoupled. The two forms differ only while :math:`|g|` is within a
    few :math:`\epsilon` of zero.
    """

    _slots = ("exp_avg", "exp_inf")
    _state_class = AdamaxState

    def __init__(self, lr: LearningRate = 2e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, maximize: bool = False, *, eps_in_max: bool = True,
                 decoupled_weight_decay: bool = False) -> None:
        super().__init__(lr)
        self.betas = check_betas(betas)
        self.eps = check_positive("eps", eps)
        self.weight_decay = check_nonneg("weight_decay", weight_decay)
        self.maximize = check_bool("maximize", maximize)
        self.eps_in_max = check_bool("eps_in_max", eps_in_max)
        self.decoupled_weight_decay = check_bool("decoupled_weight_decay", decoupled_weight_decay)

    @classmethod
    def from_keras(cls, learning_rate: LearningRate = 0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                   epsilon: float = 1e-7, weight_decay: float | None = None) -> "Adamax":
        """The optimizer that reproduces ``keras.optimizers.Adamax`` with these (Keras-named) arguments and defaults."""
        return cls(lr=learning_rate, betas=(beta_1, beta_2), eps=epsilon, weight_decay=weight_decay or 0.0,
                   eps_in_max=False, decoupled_weight_decay=True)

    def _init_leaf(self, p: np.ndarray) -> tuple:
        return (np.zeros_like(p), np.zeros_like(p))

    def _update_leaf(self, p, g, slots, t, lr, extra):
        m, u = slots
        b1, b2 = self.betas
        if self.maximize:
            g = -g
        p, g = apply_weight_decay(p, g, lr, self.weight_decay, self.decoupled_weight_decay)
        m = b1 * m + (1 - b1) * g
        if self.eps_in_max:
            u = np.maximum(b2 * u, np.abs(g) + self.eps)
            return p - lr / (1 - b1**t) * m / u, (m, u)
        u = np.maximum(b2 * u, np.abs(g))
        return p - lr * m / ((1 - b1**t) * (u + self.eps)), (m, u)
