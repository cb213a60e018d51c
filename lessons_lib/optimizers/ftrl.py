r"""FTRL-Proximal: adaptive per-coordinate steps, L1/L2 regularisation in closed form (``keras.optimizers.Ftrl``)."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .._checks import check_nonneg, check_number
from ._base import LearningRate, Optimizer

__all__ = ["Ftrl", "FtrlState"]


class FtrlState(NamedTuple):
    step: int
    accumulator: Any  # n: the running sum of squared gradients, from initial_accumulator_value
    linear: Any  # z: the "linear" term


class Ftrl(Optimizer):
    r"""Follow-the-regularized-leader, proximal form (McMahan et al., 2013), as ``keras.optimizers.Ftrl``.

    With :math:`p` = ``learning_rate_power`` (:math:`\le 0`; -1/2 gives AdaGrad-like steps), :math:`\lambda_1`,
    :math:`\lambda_2`, :math:`\lambda_{sh}` the L1, L2 and L2-shrinkage strengths and :math:`\beta`:

    .. math::

        \lambda_2' &= \lambda_2 + \beta / (2\eta_t) \\
        \tilde g_t &= g_t + 2\lambda_{sh}\,\theta_{t-1} \\
        n_t &= n_{t-1} + g_t^2 \\
        z_t &= z_{t-1} + \tilde g_t - \frac{n_t^{-p} - n_{t-1}^{-p}}{\eta_t}\,\theta_{t-1} \\
        \theta_t &= \frac{\operatorname{clip}(z_t, -\lambda_1, \lambda_1) - z_t}{n_t^{-p}/\eta_t + 2\lambda_2'}

    The parameter is *recomputed* from :math:`z` each update rather than moved by a step, so any coordinate with
    :math:`|z| \le \lambda_1` is exactly zero: that is how FTRL produces sparse models. Names and defaults are
    Keras's (``lr`` is its ``learning_rate``); ``weight_decay`` is Keras's decoupled decay
    (:math:`\theta \leftarrow \theta - \eta\lambda\theta` before the update). PyTorch has no FTRL optimizer.
    """

    _slots = ("accumulator", "linear")
    _state_class = FtrlState

    def __init__(self, lr: LearningRate = 1e-3, learning_rate_power: float = -0.5,
                 initial_accumulator_value: float = 0.1, l1_regularization_strength: float = 0.0,
                 l2_regularization_strength: float = 0.0, l2_shrinkage_regularization_strength: float = 0.0,
                 beta: float = 0.0, weight_decay: float = 0.0) -> None:
        super().__init__(lr)
        power = check_number("learning_rate_power", learning_rate_power)
        if power > 0:
            raise ValueError(f"learning_rate_power must be <= 0, got {learning_rate_power!r}")
        self.learning_rate_power = power
        self.initial_accumulator_value = check_nonneg("initial_accumulator_value", initial_accumulator_value)
        self.l1_regularization_strength = check_nonneg("l1_regularization_strength", l1_regularization_strength)
        self.l2_regularization_strength = check_nonneg("l2_regularization_strength", l2_regularization_strength)
        self.l2_shrinkage_regularization_strength = check_nonneg("l2_shrinkage_regularization_strength",
                                                                 l2_shrinkage_regularization_strength)
        self.beta = check_nonneg("beta", beta)
        self.weight_decay = check_nonneg("weight_decay", weight_decay)
        self.decoupled_weight_decay = True  # Keras's only kind

    @classmethod
    def from_keras(cls, learning_rate: LearningRate = 0.001, **kwargs: Any) -> "Ftrl":
        """Same as the constructor, with Keras's ``learning_rate`` name (``weight_decay=None`` means 0)."""
        if kwargs.get("weight_decay") is None:
            kwargs["weight_decay"] = 0.0
        return cls(lr=learning_rate, **kwargs)

    def _init_leaf(self, p: np.ndarray) -> tuple:
        return (np.full_like(p, self.initial_accumulator_value), np.zeros_like(p))

    def _update_leaf(self, p, g, slots, t, lr, extra):
        n, z = slots
        if self.weight_decay:
            p = p - p * self.weight_decay * lr
        q = -self.learning_rate_power
        l1 = self.l1_regularization_strength
        l2 = self.l2_regularization_strength + self.beta / (2.0 * lr)
        g_shrunk = g + 2 * self.l2_shrinkage_regularization_strength * p
        n_new = n + g * g
        z = z + (g_shrunk - (n_new**q - n**q) / lr * p)
        quadratic = n_new**q / lr + 2 * l2
        p = (np.clip(z, -l1, l1) - z) / quadratic
        return p, (n_new, z)
