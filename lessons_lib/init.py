r"""Initialisation scales and the effective learning rate of scale-invariant weights.

Initialisation (the formulas of ``torch.nn.init`` and Keras's initializers). A layer computes
:math:`z = W h` with :math:`W` of shape ``(fan_out, fan_in)``. With independent zero-mean weights of variance
:math:`\sigma^2`,

.. math:: \operatorname{Var}[z_i] = \text{fan\_in}\,\sigma^2\,\mathbb{E}[h_j^2],

so :math:`\sigma = \text{gain}/\sqrt{\text{fan\_in}}` keeps the forward signal's size (He/Kaiming, ``mode="fan_in"``),
:math:`\sigma = \text{gain}/\sqrt{\text{fan\_out}}` keeps the backward signal's (``mode="fan_out"``), and Xavier/Glorot
compromises, :math:`\sigma = \text{gain}\sqrt{2/(\text{fan\_in} + \text{fan\_out})}`. The *gain* corrects for the
nonlinearity (:func:`calculate_gain`: :math:`\sqrt 2` for ReLU, which zeroes half its inputs). A uniform distribution
on :math:`[-b, b]` has standard deviation :math:`b/\sqrt 3`, so the uniform variants use the bound
:math:`b = \sqrt 3\,\sigma` (:func:`init_bound`).

Scale invariance. When a normalisation layer follows a weight :math:`w`, the loss satisfies
:math:`L(cw) = L(w)` for every :math:`c > 0`; then :math:`\nabla L(w) \perp w` and
:math:`\nabla L(cw) = \nabla L(w)/c`, and a step of size :math:`\eta` turns the direction :math:`w/\lVert w\rVert`
as a step of size :math:`\eta/\lVert w\rVert^2` would on the unit sphere: :func:`effective_learning_rate`. Under SGD
with coupled weight decay :math:`\lambda` (PyTorch's ``SGD(weight_decay=...)``),
:math:`\lVert w_{t+1}\rVert^2 = (1-\eta\lambda)^2\lVert w_t\rVert^2 + \eta^2 G_t^2/\lVert w_t\rVert^2` with
:math:`G_t = \lVert w_t\rVert\,\lVert\nabla L(w_t)\rVert` the gradient's norm at the unit-norm point
(:func:`sq_norm_history`), whose fixed point is :func:`equilibrium_sq_norm`.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from ._checks import check_choice, check_int, check_nonneg, check_number, check_positive

__all__ = ["calculate_gain", "fans", "init_std", "init_bound", "effective_learning_rate", "sq_norm_history",
           "equilibrium_sq_norm"]

_GAINS = {"linear": 1.0, "identity": 1.0, "conv1d": 1.0, "conv2d": 1.0, "conv3d": 1.0, "sigmoid": 1.0,
          "tanh": 5.0 / 3.0, "relu": math.sqrt(2.0), "selu": 3.0 / 4.0}


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    r"""The gain of ``torch.nn.init.calculate_gain``: 1 for linear and sigmoid, :math:`5/3` for tanh, :math:`\sqrt 2`
    for ReLU, :math:`\sqrt{2/(1 + a^2)}` for leaky ReLU with negative slope ``param`` (default 0.01), 3/4 for SELU."""
    if nonlinearity == "leaky_relu":
        a = 0.01 if param is None else check_number("param", param)
        return math.sqrt(2.0 / (1.0 + a * a))
    if nonlinearity not in _GAINS:
        raise ValueError(f"nonlinearity must be one of {', '.join(map(repr, [*_GAINS, 'leaky_relu']))}, "
                         f"got {nonlinearity!r}")
    return _GAINS[nonlinearity]


def fans(shape: Sequence[int]) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight tensor of ``shape`` as PyTorch counts them: a linear weight is
    ``(out_features, in_features)``; a convolution's ``(out, in, *kernel)`` multiplies both by the kernel size."""
    shape = tuple(check_int("shape entry", s, minimum=1) for s in shape)
    if len(shape) < 2:
        raise ValueError(f"shape must have at least 2 dimensions to have fans, got {shape!r}")
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def init_std(fan_in: int, fan_out: int, scheme: str = "kaiming", mode: str = "fan_in", gain: float = 1.0) -> float:
    r"""The standard deviation of an initialisation.

    ``scheme="xavier"``: :math:`\text{gain}\sqrt{2/(\text{fan\_in}+\text{fan\_out})}` (``xavier_normal_``;
    ``mode`` is ignored). ``scheme="kaiming"``: :math:`\text{gain}/\sqrt{\text{fan}}` with ``fan`` chosen by ``mode``
    (``kaiming_normal_`` with ``gain = calculate_gain(nonlinearity, a)``). The uniform variants have the same
    standard deviation; their bound is :func:`init_bound`.
    """
    fan_in = check_int("fan_in", fan_in, minimum=1)
    fan_out = check_int("fan_out", fan_out, minimum=1)
    check_choice("scheme", scheme, ("xavier", "kaiming"))
    check_choice("mode", mode, ("fan_in", "fan_out"))
    gain = check_positive("gain", gain)
    if scheme == "xavier":
        return gain * math.sqrt(2.0 / (fan_in + fan_out))
    return gain / math.sqrt(fan_in if mode == "fan_in" else fan_out)


def init_bound(fan_in: int, fan_out: int, scheme: str = "kaiming", mode: str = "fan_in", gain: float = 1.0) -> float:
    r"""The bound :math:`b = \sqrt 3\,\sigma` of the uniform variant (``xavier_uniform_``, ``kaiming_uniform_``),
    whose samples on :math:`[-b, b]` have the standard deviation :math:`\sigma` of :func:`init_std`."""
    return math.sqrt(3.0) * init_std(fan_in, fan_out, scheme, mode, gain)


def effective_learning_rate(lr: float, weight: Any) -> float:
    r""":math:`\eta/\lVert w\rVert^2`: the rate at which a step of size ``lr`` turns the direction of a
    scale-invariant ``weight`` (any array or tensor; its norm is over all entries)."""
    lr = check_nonneg("lr", lr)
    sq = float(np.sum(np.square(np.asarray(weight.detach().cpu() if hasattr(weight, "detach") else weight,
                                           dtype=np.float64))))
    if sq == 0.0:
        raise ValueError("weight must be nonzero: a scale-invariant weight of norm 0 has no direction")
    return lr / sq


def sq_norm_history(sq_norm0: float, lr: float, weight_decay: float, unit_grad_sq_norms: Sequence[float]) -> np.ndarray:
    r"""The squared norms :math:`\rho_0, \dots, \rho_T` of a scale-invariant weight under SGD with coupled decay:

    .. math:: \rho_{t+1} = (1-\eta\lambda)^2 \rho_t + \eta^2 G_t^2/\rho_t,

    where ``unit_grad_sq_norms[t]`` is :math:`G_t^2 = \rho_t \lVert\nabla L(w_t)\rVert^2`, the squared gradient norm
    at the unit-norm point of the same direction (exact, because the gradient is orthogonal to :math:`w_t`)."""
    rho = check_positive("sq_norm0", sq_norm0)
    lr, wd = check_nonneg("lr", lr), check_nonneg("weight_decay", weight_decay)
    out = [rho]
    for G2 in np.asarray(unit_grad_sq_norms, dtype=np.float64).ravel():
        if not np.isfinite(G2) or G2 < 0:
            raise ValueError(f"unit_grad_sq_norms must be finite and >= 0, got {G2!r}")
        rho = (1.0 - lr * wd) ** 2 * rho + lr * lr * G2 / rho
        out.append(rho)
    return np.array(out)


def equilibrium_sq_norm(lr: float, weight_decay: float, unit_grad_sq_norm: float) -> float:
    r"""The fixed point of :func:`sq_norm_history` for a constant :math:`G^2`:

    .. math:: \rho^* = \frac{\eta G}{\sqrt{1 - (1-\eta\lambda)^2}} \approx G\sqrt{\frac{\eta}{2\lambda}},

    at which the effective rate is :math:`\eta/\rho^* \approx \sqrt{2\eta\lambda}/G`. Requires
    :math:`0 < \eta\lambda < 2`."""
    lr, wd = check_positive("lr", lr), check_positive("weight_decay", weight_decay)
    G2 = check_nonneg("unit_grad_sq_norm", unit_grad_sq_norm)
    if not lr * wd < 2:
        raise ValueError(f"lr * weight_decay must be < 2 for an equilibrium, got {lr * wd!r}")
    return lr * math.sqrt(G2) / math.sqrt(1.0 - (1.0 - lr * wd) ** 2)
