r"""RMSprop: steps scaled by a running root-mean-square of the gradients (``torch.optim.RMSprop``)."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .._checks import check_bool, check_nonneg, check_positive, check_unit_interval
from ._base import LearningRate, Optimizer, apply_weight_decay

__all__ = ["RMSprop", "RMSpropState"]


class RMSpropState(NamedTuple):
    step: int
    square_avg: Any  # v: running average of g²
    grad_avg: Any  # ḡ: running average of g (centered only, else None)
    momentum_buffer: Any  # b (momentum > 0 only, else None)


class RMSprop(Optimizer):
    r"""RMSprop (Tieleman & Hinton, 2012), as ``torch.optim.RMSprop``.

    .. math::

        g_t &\leftarrow g_t + \lambda\theta_{t-1} \\
        v_t &= \alpha v_{t-1} + (1-\alpha) g_t^2 \\
        \bar g_t &= \alpha \bar g_{t-1} + (1-\alpha) g_t \quad\text{(centered)} \\
        a_t &= \sqrt{v_t - \bar g_t^2} + \epsilon \ \text{(centered)}, \qquad a_t = \sqrt{v_t} + \epsilon \ \text{(otherwise)} \\
        b_t &= \mu b_{t-1} + g_t / a_t, \quad \theta_t = \theta_{t-1} - \eta_t b_t \quad (\mu > 0) \\
        \theta_t &= \theta_{t-1} - \eta_t\, g_t / a_t \quad (\mu = 0)

    Keras calls :math:`\alpha` ``rho`` (default 0.9, torch 0.99), puts :math:`\epsilon` inside the root
    (``eps_inside_sqrt=True``: :math:`\sqrt{v_t + \epsilon}`) and keeps the learning rate inside the momentum buffer
    (``lr_in_momentum=True``: :math:`b_t = \mu b_{t-1} + \eta_t g_t/a_t`, :math:`\theta_t = \theta_{t-1} - b_t`).
    See :meth:`from_keras`.

    A trap of the centered form, shared with torch: for a constant gradient the variance estimate
    :math:`v_t - \bar g_t^2 = \alpha^t(1-\alpha^t) g^2` shrinks to the rounding error of :math:`v_t`; from then on
    the step divides by the root of rounding noise (huge, erratic steps) and, once the noise is negative, by NaN.
    Keras's form, with :math:`\epsilon` inside the root, absorbs rounding errors smaller than :math:`\epsilon`.
    """

    _slots = ("square_avg", "grad_avg", "momentum_buffer")
    _state_class = RMSpropState

    def __init__(self, lr: LearningRate = 1e-2, alpha: float = 0.99, eps: float = 1e-8, weight_decay: float = 0.0,
                 momentum: float = 0.0, centered: bool = False, *, eps_inside_sqrt: bool = False,
                 lr_in_momentum: bool = False, decoupled_weight_decay: bool = False) -> None:
        super().__init__(lr)
        self.alpha = check_unit_interval("alpha", alpha, closed_right=True)
        self.eps = check_positive("eps", eps)
        self.weight_decay = check_nonneg("weight_decay", weight_decay)
        self.momentum = check_nonneg("momentum", momentum)
        self.centered = check_bool("centered", centered)
        self.eps_inside_sqrt = check_bool("eps_inside_sqrt", eps_inside_sqrt)
        self.lr_in_momentum = check_bool("lr_in_momentum", lr_in_momentum)
        self.decoupled_weight_decay = check_bool("decoupled_weight_decay", decoupled_weight_decay)

    @classmethod
    def from_keras(cls, learning_rate: LearningRate = 0.001, rho: float = 0.9, momentum: float = 0.0,
                   epsilon: float = 1e-7, centered: bool = False, weight_decay: float | None = None) -> "RMSprop":
        """The optimizer that reproduces ``keras.optimizers.RMSprop`` with these (Keras-named) arguments and defaults."""
        return cls(lr=learning_rate, alpha=rho, eps=epsilon, momentum=momentum, centered=centered,
                   weight_decay=weight_decay or 0.0, eps_inside_sqrt=True, lr_in_momentum=True,
                   decoupled_weight_decay=True)

    def _init_leaf(self, p: np.ndarray) -> tuple:
        return (np.zeros_like(p), np.zeros_like(p) if self.centered else None,
                np.zeros_like(p) if self.momentum > 0 else None)

    def _update_leaf(self, p, g, slots, t, lr, extra):
        v, gbar, b = slots
        p, g = apply_weight_decay(p, g, lr, self.weight_decay, self.decoupled_weight_decay)
        a = self.alpha
        v = a * v + (1 - a) * g * g
        if self.centered:
            gbar = a * gbar + (1 - a) * g
            var = v - gbar * gbar
        else:
            var = v
        denom = np.sqrt(var + self.eps) if self.eps_inside_sqrt else np.sqrt(var) + self.eps
        if self.momentum > 0:
            if self.lr_in_momentum:
                b = self.momentum * b + lr * g / denom
                return p - b, (v, gbar, b)
            b = self.momentum * b + g / denom
            return p - lr * b, (v, gbar, b)
        return p - lr * g / denom, (v, gbar, b)
