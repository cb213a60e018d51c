r"""AdaGrad: per-coordinate steps shrinking with the sum of squared gradients (``torch.optim.Adagrad``)."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .._checks import check_bool, check_nonneg, check_positive
from ._base import LearningRate, Optimizer, apply_weight_decay

__all__ = ["Adagrad", "AdagradState"]


class AdagradState(NamedTuple):
    step: int
    sum: Any  # s: the running sum of squared gradients, starting at initial_accumulator_value


class Adagrad(Optimizer):
    r"""AdaGrad (Duchi et al., 2011), as ``torch.optim.Adagrad``.

    .. math::

        g_t &\leftarrow g_t + \lambda\theta_{t-1} \\
        \tilde\eta_t &= \eta_t / (1 + (t-1)\,\text{lr\_decay}) \\
        s_t &= s_{t-1} + g_t^2 \qquad (s_0 = \text{initial\_accumulator\_value}) \\
        \theta_t &= \theta_{t-1} - \tilde\eta_t\, g_t / (\sqrt{s_t} + \epsilon)

    Keras and optax put :math:`\epsilon` inside the root, :math:`g_t/\sqrt{s_t + \epsilon}`
    (``eps_inside_sqrt=True``), start from :math:`s_0 = 0.1` and use :math:`\epsilon = 10^{-7}`: see :meth:`from_keras`.
    """

    _slots = ("sum",)
    _state_class = AdagradState

    def __init__(self, lr: LearningRate = 1e-2, lr_decay: float = 0.0, weight_decay: float = 0.0,
                 initial_accumulator_value: float = 0.0, eps: float = 1e-10, *, eps_inside_sqrt: bool = False,
                 decoupled_weight_decay: bool = False) -> None:
        super().__init__(lr)
        self.lr_decay = check_nonneg("lr_decay", lr_decay)
        self.weight_decay = check_nonneg("weight_decay", weight_decay)
        self.initial_accumulator_value = check_nonneg("initial_accumulator_value", initial_accumulator_value)
        self.eps = check_positive("eps", eps)
        self.eps_inside_sqrt = check_bool("eps_inside_sqrt", eps_inside_sqrt)
        self.decoupled_weight_decay = check_bool("decoupled_weight_decay", decoupled_weight_decay)

    @classmethod
    def from_keras(cls, learning_rate: LearningRate = 0.001, initial_accumulator_value: float = 0.1,
                   epsilon: float = 1e-7, weight_decay: float | None = None) -> "Adagrad":
        """The optimizer that reproduces ``keras.optimizers.Adagrad`` with these (Keras-named) arguments and defaults."""
        return cls(lr=learning_rate, initial_accumulator_value=initial_accumulator_value, eps=epsilon,
                   weight_decay=weight_decay or 0.0, eps_inside_sqrt=True, decoupled_weight_decay=True)

    def _init_leaf(self, p: np.ndarray) -> tuple:
        return (np.full_like(p, self.initial_accumulator_value),)

    def _update_leaf(self, p, g, slots, t, lr, extra):
        (s,) = slots
        p, g = apply_weight_decay(p, g, lr, self.weight_decay, self.decoupled_weight_decay)
        clr = lr / (1 + (t - 1) * self.lr_decay)
        s = s + g * g
        denom = np.sqrt(s + self.eps) if self.eps_inside_sqrt else np.sqrt(s) + self.eps
        return p - clr * g / denom, (s,)
