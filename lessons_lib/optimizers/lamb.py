r"""Layer-wise trust ratios for large batches: LAMB (You et al., 2020) and LARS (You et al., 2017)."""

from __future__ import annotations

from typing import Any, NamedTuple, Optional

import numpy as np

from .._checks import check_bool, check_choice, check_nonneg, check_positive, check_unit_interval
from ._base import LearningRate, Optimizer, check_betas

__all__ = ["Lamb", "LambState", "LARS", "LARSState", "trust_ratio"]


def trust_ratio(weight_norm: float, update_norm: float, eps: float = 0.0) -> float:
    r"""``||w|| / (||u|| + eps)``, and 1 where either norm is zero (a fresh zero tensor, or a zero update)."""
    if weight_norm == 0 or update_norm == 0:
        return 1.0
    return float(weight_norm / (update_norm + eps))


class LambState(NamedTuple):
    step: int
    exp_avg: Any  # m
    exp_avg_sq: Any  # v


class Lamb(Optimizer):
    r"""LAMB (You et al., 2020, Algorithm 2): Adam's direction, rescaled per tensor by a trust ratio.

    For each parameter tensor :math:`w` (a layer's weight matrix, a bias vector, ...):

    .. math::

        m_t &= \beta_1 m_{t-1} + (1-\beta_1) g_t, \qquad v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2 \\
        r_t &= \frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon} + \lambda w_{t-1}
            \qquad (\hat m_t = m_t/(1-\beta_1^t),\ \hat v_t = v_t/(1-\beta_2^t)) \\
        w_t &= w_{t-1} - \eta_t\, \frac{\phi(\lVert w_{t-1}\rVert)}{\lVert r_t\rVert}\, r_t

    The trust ratio :math:`\lVert w\rVert / \lVert r\rVert` makes every tensor move by :math:`\eta_t` times its own
    norm, whatever the scale of its gradients: a layer cannot take a step that is huge relative to its weights,
    which is what breaks Adam and SGD at very large batches. It is computed **per tensor**, not per element
    (per element it would be :math:`|w|`, i.e. sign descent scaled by the weights). :math:`\phi` is the identity
    here, or a clip to ``max_weight_norm``; the ratio is 1 where either norm is zero.

    Implementations differ in three places, each a switch here:

    * ``bias_correction``: ``"moments"`` (paper, Keras) corrects :math:`m` and :math:`v` before the ratio;
      ``pytorch_optimizer.Lamb`` uses the raw moments and divides the final step by :math:`1-\beta_1^t`
      (``"step"``), which the trust ratio does not cancel: its first steps are 10 times larger for
      :math:`\beta_1 = 0.9`; ``"none"`` corrects nothing;
    * ``decoupled_weight_decay``: Keras decays :math:`w \leftarrow (1-\eta\lambda) w` *before* the step and
      leaves :math:`\lambda w` out of :math:`r_t` (so out of the trust ratio); the paper puts it in;
    * ``trust_eps`` and ``max_weight_norm``: ``pytorch_optimizer.Lamb`` divides by :math:`\lVert r\rVert + \epsilon`
      and clips :math:`\lVert w\rVert` at 10.
    """

    _slots = ("exp_avg", "exp_avg_sq")
    _state_class = LambState

    def __init__(self, lr: LearningRate = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-6,
                 weight_decay: float = 0.0, *, bias_correction: str = "moments", decoupled_weight_decay: bool = False,
                 trust_eps: float = 0.0, max_weight_norm: Optional[float] = None) -> None:
        super().__init__(lr)
        self.betas = check_betas(betas)
        self.eps = check_positive("eps", eps)
        self.weight_decay = check_nonneg("weight_decay", weight_decay)
        self.bias_correction = check_choice("bias_correction", bias_correction, ("moments", "step", "none"))
        self.decoupled_weight_decay = check_bool("decoupled_weight_decay", decoupled_weight_decay)
        self.trust_eps = check_nonneg("trust_eps", trust_eps)
        self.max_weight_norm = None if max_weight_norm is None else check_positive("max_weight_norm", max_weight_norm)

    @classmethod
    def from_keras(cls, learning_rate: LearningRate = 0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                   epsilon: float = 1e-7, weight_decay: float | None = None) -> "Lamb":
        """The optimizer that reproduces ``keras.optimizers.Lamb`` with these (Keras-named) arguments and defaults."""
        return cls(lr=learning_rate, betas=(beta_1, beta_2), eps=epsilon, weight_decay=weight_decay or 0.0,
                   decoupled_weight_decay=True)

    def _init_leaf(self, p: np.ndarray) -> tuple:
        return (np.zeros_like(p), np.zeros_like(p))

    def _update_leaf(self, p, g, slots, t, lr, extra):
        m, v = slots
        b1, b2 = self.betas
        if self.decoupled_weight_decay:
            p = p * (1 - lr * self.weight_decay)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        c1, c2 = (1 - b1**t, 1 - b2**t) if self.bias_correction == "moments" else (1.0, 1.0)
        step = lr / (1 - b1**t) if self.bias_correction == "step" else lr
        r = (m / c1) / (np.sqrt(v / c2) + self.eps)
        if not self.decoupled_weight_decay:
            r = r + self.weight_decay * p
        w_norm = float(np.linalg.norm(p))
        if self.max_weight_norm is not None:
            w_norm = min(w_norm, self.max_weight_norm)
        return p - step * trust_ratio(w_norm, float(np.linalg.norm(r)), self.trust_eps) * r, (m, v)


class LARSState(NamedTuple):
    step: int
    momentum_buffer: Any  # b, zeros until the first update (None when momentum == 0)


class LARS(Optimizer):
    r"""LARS (You, Gitman & Ginsburg, 2017): SGD with momentum and a per-tensor learning-rate scale.

    For each parameter tensor :math:`w` with more than one dimension:

    .. math::

        \rho_t &= \gamma\, \frac{\lVert w_{t-1}\rVert}{\lVert g_t\rVert + \lambda \lVert w_{t-1}\rVert}
            \qquad(\gamma\text{: the trust coefficient}) \\
        b_t &= \mu b_{t-1} + (1-\tau)\, \rho_t (g_t + \lambda w_{t-1}) \\
        w_t &= w_{t-1} - \eta_t b_t \qquad(\text{Nesterov: } w_{t-1} - \eta_t(\rho_t(g_t+\lambda w_{t-1}) + \mu b_t))

    :math:`\rho_t` is 1 where :math:`\lVert w\rVert` or the denominator is zero. Vectors and scalars (biases,
    normalisation scales) take a plain momentum-SGD step with neither the scale nor weight decay
    (``exclude_vectors=True``, as ``pytorch_optimizer.LARS`` and the common large-batch recipes do); with
    ``exclude_vectors=False`` every tensor is scaled as in the paper. Unlike torch's SGD, the momentum buffer
    starts at zero, so the first step is :math:`(1-\tau)` times the scaled gradient.
    """

    _slots = ("momentum_buffer",)
    _state_class = LARSState

    def __init__(self, lr: LearningRate = 1e-3, momentum: float = 0.9, dampening: float = 0.0,
                 weight_decay: float = 0.0, trust_coefficient: float = 1e-3, nesterov: bool = False, *,
                 exclude_vectors: bool = True) -> None:
        super().__init__(lr)
        self.momentum = check_unit_interval("momentum", momentum)
        self.dampening = check_unit_interval("dampening", dampening)
        self.weight_decay = check_nonneg("weight_decay", weight_decay)
        self.trust_coefficient = check_positive("trust_coefficient", trust_coefficient)
        self.nesterov = check_bool("nesterov", nesterov)
        self.exclude_vectors = check_bool("exclude_vectors", exclude_vectors)
        if nesterov and self.momentum == 0:
            raise ValueError(f"nesterov=True requires momentum > 0, got momentum={momentum!r}")

    def _init_leaf(self, p: np.ndarray) -> tuple:
        return (np.zeros_like(p) if self.momentum > 0 else None,)

    def _update_leaf(self, p, g, slots, t, lr, extra):
        (b,) = slots
        if p.ndim > 1 or not self.exclude_vectors:
            w_norm, g_norm = float(np.linalg.norm(p)), float(np.linalg.norm(g))
            denom = g_norm + self.weight_decay * w_norm
            rho = self.trust_coefficient * w_norm / denom if w_norm > 0 and denom > 0 else 1.0
            g = rho * (g + self.weight_decay * p)
        if self.momentum == 0:
            return p - lr * g, (None,)
        b = self.momentum * b + (1 - self.dampening) * g
        d = g + self.momentum * b if self.nesterov else b
        return p - lr * d, (b,)
