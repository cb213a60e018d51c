r"""Adafactor (Shazeer & Stern, 2018) as ``torch.optim.Adafactor``; Keras's variant through :meth:`from_keras`."""

from __future__ import annotations

import math
from typing import Any, NamedTuple, Optional

import numpy as np

from .._checks import check_bool, check_nonneg, check_number, check_positive
from ._base import LearningRate, Optimizer

__all__ = ["Adafactor", "AdafactorState", "factored_second_moment"]


class AdafactorState(NamedTuple):
    step: int
    row_var: Any  # R: running mean of g² over the last axis, shape (..., rows, 1); None for vectors
    col_var: Any  # C: running mean of g² over the second-to-last axis, shape (..., 1, cols); None for vectors
    variance: Any  # V: full running mean of g² for vectors and scalars; None for matrices


def factored_second_moment(row_var: np.ndarray, col_var: np.ndarray, eps1: float = 0.0) -> np.ndarray:
    r"""The rank-one estimate :math:`\hat V = R\,C / \operatorname{mean}(R)` of a matrix of second moments.

    ``row_var`` has shape ``(..., n, 1)`` (the mean of :math:`g^2` along each row), ``col_var`` shape
    ``(..., 1, m)``; the result has shape ``(..., n, m)``. It is exact when :math:`g^2` is itself rank one, and it
    keeps :math:`n + m` numbers instead of :math:`n m`.
    """
    return row_var @ col_var / np.maximum(row_var.mean(axis=-2, keepdims=True), eps1)


class Adafactor(Optimizer):
    r"""Adafactor (Shazeer & Stern, 2018), with ``torch.optim.Adafactor``'s names and defaults.

    No first moment. For update :math:`t` with :math:`\hat\beta_{2,t} = 1 - t^{c}` (``beta2_decay`` :math:`c = -0.8`):

    .. math::

        \rho_t &= \min(\eta_t, 1/\sqrt t), \qquad
        \alpha_t = \max(\epsilon_2, \operatorname{RMS}(\theta_{t-1}))\, \rho_t \qquad\text{(a relative step)} \\
        \theta_{t-1} &\leftarrow (1 - \eta_t\lambda)\,\theta_{t-1} \\
        R_t &= \hat\beta_{2,t} R_{t-1} + (1-\hat\beta_{2,t}) \operatorname{mean}_{\text{cols}}(g_t^2), \quad
        C_t = \hat\beta_{2,t} C_{t-1} + (1-\hat\beta_{2,t}) \operatorname{mean}_{\text{rows}}(g_t^2) \\
        \hat V_t &= R_t C_t / \max(\operatorname{mean}(R_t), \epsilon_1)
            \qquad\text{(matrices; vectors keep the full } V_t\text{)} \\
        U_t &= g_t / \sqrt{\max(\hat V_t, \epsilon_1^2)}, \qquad
        \theta_t = \theta_{t-1} - \frac{\alpha_t}{\max(1, \operatorname{RMS}(U_t)/d)}\, U_t

    The factored second moment (:func:`factored_second_moment`) is the memory saving: for an
    :math:`n \times m` weight it stores :math:`n + m` numbers instead of Adam's :math:`2nm`. Tensors with more
    than two axes are factored over their last two. ``eps=(eps1, eps2)`` with ``eps1=None`` meaning the machine
    epsilon of the parameter's dtype, as in torch.

    **Keras form** (:meth:`from_keras`, ``keras_form=True``): ``keras.optimizers.Adafactor`` adds
    :math:`\epsilon_1` (default :math:`10^{-30}`) to :math:`g_t^2` before averaging instead of clamping
    :math:`\hat V_t`, calls the clip threshold :math:`d` ``clip_threshold``, applies the weight decay before
    :math:`\alpha_t` is computed (so :math:`\operatorname{RMS}` sees the decayed weights) and always takes
    :math:`\rho_t = \min(\eta_t, 1/\sqrt t)`, so its ``relative_step`` switch changes nothing (measured).
    """

    _slots = ("row_var", "col_var", "variance")
    _state_class = AdafactorState

    def __init__(self, lr: LearningRate = 1e-2, beta2_decay: float = -0.8,
                 eps: tuple[Optional[float], float] = (None, 1e-3), d: float = 1.0, weight_decay: float = 0.0,
                 maximize: bool = False, *, keras_form: bool = False) -> None:
        super().__init__(lr)
        self.beta2_decay = check_number("beta2_decay", beta2_decay)
        if self.beta2_decay > 0:
            raise ValueError(f"beta2_decay must be <= 0 (beta2_t = 1 - t**beta2_decay), got {beta2_decay!r}")
        if not isinstance(eps, (tuple, list)) or len(eps) != 2:
            raise TypeError(f"eps must be a pair (eps1 or None, eps2), got {eps!r}")
        self.eps = (None if eps[0] is None else check_nonneg("eps[0]", eps[0]), check_nonneg("eps[1]", eps[1]))
        self.d = check_positive("d", d)
        self.weight_decay = check_nonneg("weight_decay", weight_decay)
        self.maximize = check_bool("maximize", maximize)
        self.keras_form = check_bool("keras_form", keras_form)

    @classmethod
    def from_keras(cls, learning_rate: LearningRate = 0.001, beta_2_decay: float = -0.8, epsilon_1: float = 1e-30,
                   epsilon_2: float = 1e-3, clip_threshold: float = 1.0, relative_step: bool = True,
                   weight_decay: float | None = None) -> "Adafactor":
        """The optimizer that reproduces ``keras.optimizers.Adafactor`` with these (Keras-named) arguments.

        ``relative_step`` is accepted and checked but, as in Keras 3, has no effect.
        """
        check_bool("relative_step", relative_step)
        return cls(lr=learning_rate, beta2_decay=beta_2_decay, eps=(epsilon_1, epsilon_2), d=clip_threshold,
                   weight_decay=weight_decay or 0.0, keras_form=True)

    def _init_leaf(self, p: np.ndarray) -> tuple:
        if p.ndim > 1:
            return (np.zeros(p.shape[:-1] + (1,), p.dtype), np.zeros(p.shape[:-2] + (1, p.shape[-1]), p.dtype), None)
        return (None, None, np.zeros_like(p))

    def _needs_slot(self, name: str, shape: Optional[tuple[int, ...]]) -> bool:
        if shape is None:
            return False
        return (len(shape) > 1) == (name in ("row_var", "col_var"))

    def _slot_shape(self, name: str, shape: tuple[int, ...]) -> tuple[int, ...]:
        if len(shape) > 1 and name == "row_var":
            return shape[:-1] + (1,)
        if len(shape) > 1 and name == "col_var":
            return shape[:-2] + (1, shape[-1])
        return shape

    def _update_leaf(self, p, g, slots, t, lr, extra):
        row, col, var = slots
        eps1 = float(np.finfo(p.dtype).eps) if self.eps[0] is None else self.eps[0]
        eps2 = self.eps[1]
        if self.maximize:
            g = -g
        one_minus_beta2 = t**self.beta2_decay
        rho = min(lr, 1 / math.sqrt(t))
        if self.keras_form:
            p = p * (1 - lr * self.weight_decay)
        alpha = max(eps2, _rms(p)) * rho
        if not self.keras_form:
            p = p * (1 - lr * self.weight_decay)
        g2 = g * g + eps1 if self.keras_form else g * g
        if p.ndim > 1:
            row = row + one_minus_beta2 * (g2.mean(axis=-1, keepdims=True) - row)
            col = col + one_minus_beta2 * (g2.mean(axis=-2, keepdims=True) - col)
            v_hat = factored_second_moment(row, col, 0.0 if self.keras_form else eps1)
        else:
            var = var + one_minus_beta2 * (g2 - var)
            v_hat = var
        u = g / np.sqrt(v_hat if self.keras_form else np.maximum(v_hat, eps1 * eps1))
        return p - alpha / max(1.0, _rms(u) / self.d) * u, (row, col, var)


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x)))) if x.size else 0.0
