r"""NAdam: Adam with Nesterov momentum and a momentum schedule (``torch.optim.NAdam``)."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from .._checks import check_bool, check_nonneg, check_positive
from ._base import LearningRate, Optimizer, apply_weight_decay, check_betas

__all__ = ["NAdam", "NAdamState"]


class NAdamState(NamedTuple):
    step: int
    exp_avg: Any  # m
    exp_avg_sq: Any  # v
    mu_product: float  # Π_t = μ_1 ⋯ μ_t, shared by all parameters


class NAdam(Optimizer):
    r"""NAdam (Dozat, 2016), as ``torch.optim.NAdam``.

    With the momentum schedule :math:`\mu_t = \beta_1 (1 - \tfrac12\, 0.96^{t\psi})` (``momentum_decay`` :math:`\psi`)
    and :math:`\Pi_t = \prod_{i \le t}\mu_i`:

    .. math::

        m_t &= \beta_1 m_{t-1} + (1-\beta_1) g_t, \qquad v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2 \\
        d_t &= \sqrt{v_t / (1-\beta_2^t)} + \epsilon \\
        \theta_t &= \theta_{t-1} - \eta_t \frac{1-\mu_t}{1-\Pi_t} \frac{g_t}{d_t}
                   - \eta_t \frac{\mu_{t+1}}{1-\Pi_t\mu_{t+1}} \frac{m_t}{d_t}

    One family covers the three frameworks: :math:`\psi = 0.004` is torch, :math:`\psi = 1` is Keras 3's ``Nadam``
    (:meth:`from_keras`), and :math:`\psi \to \infty` (:math:`\mu_t = \beta_1`) is optax's ``nadam``.
    Weight decay is L2 (or decoupled with ``decoupled_weight_decay=True``, as in Keras).

    Unlike its ``Adam``, Keras's ``Nadam`` adds :math:`\epsilon` to the root of the bias-corrected
    :math:`v_t/(1-\beta_2^t)`, exactly as torch does, so NAdam needs no ``eps_hat`` switch: the Keras form differs
    only in :math:`\psi`, the defaults (:math:`\eta = 10^{-3}`, :math:`\epsilon = 10^{-7}`) and decoupled decay.
    """

    _slots = ("exp_avg", "exp_avg_sq")
    _state_class = NAdamState

    def __init__(self, lr: LearningRate = 2e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, momentum_decay: float = 4e-3, *,
                 decoupled_weight_decay: bool = False) -> None:
        super().__init__(lr)
        self.betas = check_betas(betas)
        self.eps = check_positive("eps", eps)
        self.weight_decay = check_nonneg("weight_decay", weight_decay)
        self.momentum_decay = check_nonneg("momentum_decay", momentum_decay)
        self.decoupled_weight_decay = check_bool("decoupled_weight_decay", decoupled_weight_decay)

    @classmethod
    def from_keras(cls, learning_rate: LearningRate = 0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                   epsilon: float = 1e-7, weight_decay: float | None = None) -> "NAdam":
        """The optimizer that reproduces ``keras.optimizers.Nadam`` (ψ = 1) with Keras's names and defaults."""
        return cls(lr=learning_rate, betas=(beta_1, beta_2), eps=epsilon, weight_decay=weight_decay or 0.0,
                   momentum_decay=1.0, decoupled_weight_decay=True)

    def mu(self, t: Any) -> Any:
        r"""The momentum schedule :math:`\mu_t = \beta_1(1 - \tfrac12 \cdot 0.96^{t\psi})` (vectorised over t)."""
        return self.betas[0] * (1.0 - 0.5 * 0.96 ** (np.asarray(t, dtype=float) * self.momentum_decay))

    def _init_leaf(self, p: np.ndarray) -> tuple:
        return (np.zeros_like(p), np.zeros_like(p))

    def _init_extra(self) -> dict[str, Any]:
        return {"mu_product": 1.0}

    def _step_extra(self, state: Any, t: int) -> dict[str, Any]:
        return {"mu_product": state.mu_product * float(self.mu(t))}

    def _update_leaf(self, p, g, slots, t, lr, extra):
        m, v = slots
        b1, b2 = self.betas
        p, g = apply_weight_decay(p, g, lr, self.weight_decay, self.decoupled_weight_decay)
        mu_t, mu_next = float(self.mu(t)), float(self.mu(t + 1))
        prod = extra["mu_product"]  # Π_t
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        denom = np.sqrt(v / (1 - b2**t)) + self.eps
        p = p - lr * (1 - mu_t) / (1 - prod) * g / denom
        p = p - lr * mu_next / (1 - prod * mu_next) * m / denom
        return p, (m, v)
