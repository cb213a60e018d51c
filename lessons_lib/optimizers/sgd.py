r"""Stochastic gradient descent with momentum, dampening, Nesterov and weight decay (``torch.optim.SGD``)."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .._checks import check_bool, check_nonneg, check_unit_interval
from ._base import LearningRate, Optimizer, apply_weight_decay

__all__ = ["SGD", "SGDState"]


class SGDState(NamedTuple):
    step: int
    momentum_buffer: Any  # b (torch form) or the velocity v (Keras form); zeros until the first update; None without momentum


class SGD(Optimizer):
    r"""Gradient descent, with optional momentum, as ``torch.optim.SGD``.

    For update :math:`t = 1, 2, \dots` with gradient :math:`g_t`, momentum :math:`\mu`, dampening :math:`\tau`
    and weight decay :math:`\lambda`:

    .. math::

        g_t &\leftarrow g_t + \lambda\theta_{t-1} \\
        b_t &= g_t \ (t = 1), \qquad b_t = \mu b_{t-1} + (1-\tau) g_t \ (t > 1) \\
        d_t &= g_t + \mu b_t \ \text{(Nesterov)}, \qquad d_t = b_t \ \text{(otherwise)} \\
        \theta_t &= \theta_{t-1} - \eta_t d_t

    With ``momentum=0`` this is plain (stochastic) gradient descent :math:`\theta_t = \theta_{t-1} - \eta_t g_t`.

    **Keras form** (``lr_in_velocity=True``, or :meth:`from_keras`): ``keras.optimizers.SGD`` keeps the learning
    rate inside a velocity that starts at zero, :math:`v_t = \mu v_{t-1} - \eta_t g_t`, and sets
    :math:`\theta_t = \theta_{t-1} + v_t` (Nesterov: :math:`\theta_{t-1} + \mu v_t - \eta_t g_t`). At a constant
    learning rate this is the same algorithm (:math:`v = -\eta b`); when :math:`\eta` changes, torch applies the
    new rate to the whole accumulated step and Keras only to the new gradient. Keras has no dampening, and its
    ``weight_decay`` is decoupled (``decoupled_weight_decay=True``: :math:`\theta \leftarrow \theta - \eta\lambda\theta`
    before the update).
    """

    _slots = ("momentum_buffer",)
    _state_class = SGDState

    def __init__(self, lr: LearningRate = 1e-3, momentum: float = 0.0, dampening: float = 0.0,
                 weight_decay: float = 0.0, nesterov: bool = False, maximize: bool = False, *,
                 lr_in_velocity: bool = False, decoupled_weight_decay: bool = False) -> None:
        super().__init__(lr)
        self.momentum = check_nonneg("momentum", momentum)
        self.dampening = check_unit_interval("dampening", dampening, closed_right=True)
        self.weight_decay = check_nonneg("weight_decay", weight_decay)
        self.nesterov = check_bool("nesterov", nesterov)
        self.maximize = check_bool("maximize", maximize)
        self.lr_in_velocity = check_bool("lr_in_velocity", lr_in_velocity)
        self.decoupled_weight_decay = check_bool("decoupled_weight_decay", decoupled_weight_decay)
        if nesterov and (self.momentum <= 0 or self.dampening != 0):
            raise ValueError(
                f"nesterov=True requires momentum > 0 and dampening == 0, got momentum={momentum!r}, "
                f"dampening={dampening!r}"
            )
        if lr_in_velocity and self.dampening != 0:
            raise ValueError(f"dampening must be 0 with lr_in_velocity=True (Keras has no dampening), got {dampening!r}")

    @classmethod
    def from_keras(cls, learning_rate: LearningRate = 0.01, momentum: float = 0.0, nesterov: bool = False,
                   weight_decay: float | None = None) -> "SGD":
        """The optimizer that reproduces ``keras.optimizers.SGD`` with these (Keras-named) arguments and defaults.

        As in Keras, ``momentum`` must lie in [0, 1], and ``nesterov=True`` with ``momentum=0`` is plain SGD.
        """
        momentum = check_unit_interval("momentum", momentum, closed_right=True)
        nesterov = check_bool("nesterov", nesterov)
        return cls(lr=learning_rate, momentum=momentum, nesterov=nesterov and momentum > 0,
                   weight_decay=weight_decay or 0.0, lr_in_velocity=True, decoupled_weight_decay=True)

    def _init_leaf(self, p: np.ndarray) -> tuple:
        return (np.zeros_like(p) if self.momentum > 0 else None,)  # plain SGD keeps no state, as torch's

    def _update_leaf(self, p, g, slots, t, lr, extra):
        (b,) = slots
        if self.maximize:
            g = -g
        p, g = apply_weight_decay(p, g, lr, self.weight_decay, self.decoupled_weight_decay)
        mu = self.momentum
        if self.lr_in_velocity:  # Keras: the velocity holds the learning rate
            if mu == 0:
                return p - lr * g, (b,)
            v = mu * b - lr * g
            return (p + mu * v - lr * g if self.nesterov else p + v), (v,)
        if mu == 0:
            return p - lr * g, (b,)
        b = g if t == 1 else mu * b + (1 - self.dampening) * g
        d = g + mu * b if self.nesterov else b
        return p - lr * d, (b,)
