r"""Adadelta: steps in the units of the parameters, from two running averages (``torch.optim.Adadelta``)."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .._checks import check_bool, check_nonneg, check_positive, check_unit_interval
from ._base import LearningRate, Optimizer, apply_weight_decay

__all__ = ["Adadelta", "AdadeltaState"]


class AdadeltaState(NamedTuple):
    step: int
    square_avg: Any  # v: running average of g²
    acc_delta: Any  # u: running average of the squared steps Δ²


class Adadelta(Optimizer):
    r"""Adadelta (Zeiler, 2012), as ``torch.optim.Adadelta`` (Keras and optax compute the same).

    .. math::

        g_t &\leftarrow g_t + \lambda\theta_{t-1} \\
        v_t &= \rho v_{t-1} + (1-\rho) g_t^2 \\
        \Delta_t &= \frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}}\, g_t \\
        u_t &= \rho u_{t-1} + (1-\rho) \Delta_t^2 \\
        \theta_t &= \theta_{t-1} - \eta_t \Delta_t

    Only the defaults differ: torch uses :math:`\eta = 1`, :math:`\rho = 0.9`, :math:`\epsilon = 10^{-6}`; Keras
    :math:`\eta = 10^{-3}`, :math:`\rho = 0.95`, :math:`\epsilon = 10^{-7}` (about 2000 times smaller first steps).
    """

    _slots = ("square_avg", "acc_delta")
    _state_class = AdadeltaState

    def __init__(self, lr: LearningRate = 1.0, rho: float = 0.9, eps: float = 1e-6, weight_decay: float = 0.0, *,
                 decoupled_weight_decay: bool = False) -> None:
        super().__init__(lr)
        self.rho = check_unit_interval("rho", rho, closed_right=True)
        self.eps = check_positive("eps", eps)
        self.weight_decay = check_nonneg("weight_decay", weight_decay)
        self.decoupled_weight_decay = check_bool("decoupled_weight_decay", decoupled_weight_decay)

    @classmethod
    def from_keras(cls, learning_rate: LearningRate = 0.001, rho: float = 0.95, epsilon: float = 1e-7,
                   weight_decay: float | None = None) -> "Adadelta":
        """The optimizer that reproduces ``keras.optimizers.Adadelta`` with these (Keras-named) arguments and defaults."""
        return cls(lr=learning_rate, rho=rho, eps=epsilon, weight_decay=weight_decay or 0.0,
                   decoupled_weight_decay=True)

    def _init_leaf(self, p: np.ndarray) -> tuple:
        return (np.zeros_like(p), np.zeros_like(p))

    def _update_leaf(self, p, g, slots, t, lr, extra):
        v, u = slots
        p, g = apply_weight_decay(p, g, lr, self.weight_decay, self.decoupled_weight_decay)
        rho, eps = self.rho, self.eps
        v = rho * v + (1 - rho) * g * g
        delta = np.sqrt(u + eps) / np.sqrt(v + eps) * g
        u = rho * u + (1 - rho) * delta * delta
        return p - lr * delta, (v, u)
