r"""Lion (Chen et al., 2023): sign descent with two momentum coefficients (``keras.optimizers.Lion``)."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .._checks import check_bool, check_nonneg
from ._base import LearningRate, Optimizer, check_betas

__all__ = ["Lion", "LionState"]


class LionState(NamedTuple):
    step: int
    exp_avg: Any  # m: momentum, tracked with beta2


class Lion(Optimizer):
    r"""Lion, "EvoLved Sign Momentum" (Chen et al., 2023, Algorithm 2), with decoupled weight decay.

    .. math::

        c_t &= \beta_1 m_{t-1} + (1-\beta_1) g_t \qquad\text{(the direction: interpolate with } \beta_1\text{)} \\
        \theta_t &= \theta_{t-1} - \eta_t \left(\operatorname{sign}(c_t) + \lambda\theta_{t-1}\right) \\
        m_t &= \beta_2 m_{t-1} + (1-\beta_2) g_t \qquad\text{(the memory: track with } \beta_2\text{)}

    Every coordinate moves by exactly :math:`\eta_t` (plus the decay): the update has the largest possible norm
    for its size, so Lion wants a learning rate 3-10 times smaller than AdamW's and a weight decay 3-10 times
    larger (the paper's advice). The defaults are the paper's: ``lr=1e-4``, ``betas=(0.9, 0.99)``.
    ``lion-pytorch`` computes the same; ``keras.optimizers.Lion`` too (:meth:`from_keras`, whose default
    learning rate is 1e-3). Only one state buffer per parameter, against Adam's two.
    """

    _slots = ("exp_avg",)
    _state_class = LionState

    def __init__(self, lr: LearningRate = 1e-4, betas: tuple[float, float] = (0.9, 0.99),
                 weight_decay: float = 0.0, maximize: bool = False) -> None:
        super().__init__(lr)
        self.betas = check_betas(betas)
        self.weight_decay = check_nonneg("weight_decay", weight_decay)
        self.maximize = check_bool("maximize", maximize)

    @classmethod
    def from_keras(cls, learning_rate: LearningRate = 0.001, beta_1: float = 0.9, beta_2: float = 0.99,
                   weight_decay: float | None = None) -> "Lion":
        """The optimizer that reproduces ``keras.optimizers.Lion`` with these (Keras-named) arguments and defaults."""
        return cls(lr=learning_rate, betas=(beta_1, beta_2), weight_decay=weight_decay or 0.0)

    def _init_leaf(self, p: np.ndarray) -> tuple:
        return (np.zeros_like(p),)

    def _update_leaf(self, p, g, slots, t, lr, extra):
        (m,) = slots
        b1, b2 = self.betas
        if self.maximize:
            g = -g
        p = p * (1 - lr * self.weight_decay)
        p = p - lr * np.sign(b1 * m + (1 - b1) * g)
        return p, (b2 * m + (1 - b2) * g,)
