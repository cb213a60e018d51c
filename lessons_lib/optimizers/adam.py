r"""Adam, AMSGrad and AdamW (``torch.optim.Adam`` and ``torch.optim.AdamW``)."""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from .._checks import check_bool, check_nonneg, check_positive
from ._base import LearningRate, Optimizer, apply_weight_decay, check_betas

__all__ = ["Adam", "AdamW", "AdamState"]


class AdamState(NamedTuple):
    step: int
    exp_avg: Any  # m: running average of g (first moment)
    exp_avg_sq: Any  # v: running average of g² (second moment)
    max_exp_avg_sq: Any  # max of v so far (amsgrad only, else None)


class Adam(Optimizer):
    r"""Adam (Kingma & Ba, 2015), as ``torch.optim.Adam`` (Algorithm 1 of the paper).

    .. math::

        g_t &\leftarrow g_t + \lambda\theta_{t-1}
            \quad\text{or, decoupled (AdamW):}\quad \theta_{t-1} \leftarrow (1 - \eta_t\lambda)\,\theta_{t-1} \\
        m_t &= \beta_1 m_{t-1} + (1-\beta_1) g_t \\
        v_t &= \beta_2 v_{t-1} + (1-\beta_2) g_t^2 \\
        \hat v_t^{\max} &= \max(\hat v_{t-1}^{\max}, v_t) \quad\text{(AMSGrad: used in place of } v_t\text{)} \\
        \hat m_t &= m_t / (1-\beta_1^t), \qquad \hat v_t = v_t / (1-\beta_2^t) \\
        \theta_t &= \theta_{t-1} - \eta_t\, \hat m_t / (\sqrt{\hat v_t} + \epsilon)

    **Keras form** (``eps_hat=True``, or :meth:`from_keras`): Keras adds its :math:`\hat\epsilon` to the root of
    the *uncorrected* :math:`v_t`, :math:`\theta_t = \theta_{t-1} - \eta_t \frac{\sqrt{1-\beta_2^t}}{1-\beta_1^t}
    \, m_t / (\sqrt{v_t} + \hat\epsilon)`, which is torch's formula with a time-varying
    :math:`\epsilon_t = \hat\epsilon/\sqrt{1-\beta_2^t}` (31.6 times larger at :math:`t = 1` for
    :math:`\beta_2 = 0.999`). Keras's default is :math:`\hat\epsilon = 10^{-7}` and its ``weight_decay`` is always
    decoupled. AMSGrad takes the maximum over the raw :math:`v_t` in torch and Keras (optax takes it over
    :math:`\hat v_t`).
    """

    _slots = ("exp_avg", "exp_avg_sq", "max_exp_avg_sq")
    _state_class = AdamState

    def __init__(self, lr: LearningRate = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, amsgrad: bool = False, *, decoupled_weight_decay: bool = False,
                 eps_hat: bool = False) -> None:
        super().__init__(lr)
        self.betas = check_betas(betas)
        self.eps = check_positive("eps", eps)
        self.weight_decay = check_nonneg("weight_decay", weight_decay)
        self.amsgrad = check_bool("amsgrad", amsgrad)
        self.decoupled_weight_decay = check_bool("decoupled_weight_decay", decoupled_weight_decay)
        self.eps_hat = check_bool("eps_hat", eps_hat)

    @classmethod
    def from_keras(cls, learning_rate: LearningRate = 0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                   epsilon: float = 1e-7, amsgrad: bool = False, weight_decay: float | None = None) -> "Adam":
        """The optimizer that reproduces ``keras.optimizers.Adam`` with these (Keras-named) arguments and defaults."""
        return cls(lr=learning_rate, betas=(beta_1, beta_2), eps=epsilon, amsgrad=amsgrad,
                   weight_decay=weight_decay or 0.0, decoupled_weight_decay=True, eps_hat=True)

    def _init_leaf(self, p: np.ndarray) -> tuple:
        return (np.zeros_like(p), np.zeros_like(p), np.zeros_like(p) if self.amsgrad else None)

    def _update_leaf(self, p, g, slots, t, lr, extra):
        m, v, v_max = slots
        b1, b2 = self.betas
        p, g = apply_weight_decay(p, g, lr, self.weight_decay, self.decoupled_weight_decay)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        if self.amsgrad:
            v_max = np.maximum(v_max, v)
        v_used = v_max if self.amsgrad else v
        bc1 = 1 - b1**t
        bc2 = 1 - b2**t
        if self.eps_hat:
            step = lr * math.sqrt(bc2) / bc1
            return p - step * m / (np.sqrt(v_used) + self.eps), (m, v, v_max)
        m_hat = m / bc1
        v_hat = v_used / bc2
        return p - lr * m_hat / (np.sqrt(v_hat) + self.eps), (m, v, v_max)


class AdamW(Adam):
    r"""AdamW (Loshchilov & Hutter, 2019), as ``torch.optim.AdamW``: Adam with decoupled weight decay.

    Before the Adam step, :math:`\theta_{t-1} \leftarrow (1 - \eta_t\lambda)\,\theta_{t-1}`: the decay shrinks the
    weights directly instead of passing through the adaptive scaling as an L2 gradient would. The default
    :math:`\lambda` is 0.01 in torch, 0.004 in Keras and 1e-4 in optax.
    """

    def __init__(self, lr: LearningRate = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *, eps_hat: bool = False) -> None:
        super().__init__(lr, betas, eps, weight_decay, amsgrad, decoupled_weight_decay=True, eps_hat=eps_hat)

    @classmethod
    def from_keras(cls, learning_rate: LearningRate = 0.001, weight_decay: float = 0.004, beta_1: float = 0.9,
                   beta_2: float = 0.999, epsilon: float = 1e-7, amsgrad: bool = False) -> "AdamW":  # type: ignore[override]
        """The optimizer that reproduces ``keras.optimizers.AdamW`` with these (Keras-named) arguments and defaults."""
        return cls(lr=learning_rate, betas=(beta_1, beta_2), eps=epsilon, weight_decay=weight_decay,
                   amsgrad=amsgrad, eps_hat=True)
