r"""Muon (Jordan et al., 2024): momentum, orthogonalised by Newton-Schulz, for matrix parameters.

``Muon`` has ``torch.optim.Muon``'s names and defaults; :meth:`Muon.from_keras` reproduces
``keras.optimizers.Muon``, which hands every parameter that is not a matrix to an AdamW update.
"""

from __future__ import annotations

import math
import re
from typing import Any, NamedTuple, Optional, Sequence

import numpy as np

from .._checks import check_bool, check_choice, check_int, check_nonneg, check_positive, check_unit_interval
from ._base import LearningRate, Optimizer, check_betas

__all__ = ["Muon", "MuonState", "newton_schulz", "NS_COEFFICIENTS"]

NS_COEFFICIENTS = (3.4445, -4.7750, 2.0315)  # Keller Jordan's quintic: steepest slope at 0, torch's and Keras's default


def newton_schulz(g: np.ndarray, steps: int = 5, coefficients: Sequence[float] = NS_COEFFICIENTS,
                  eps: float = 1e-7, *, eps_added: bool = False) -> np.ndarray:
    r"""Push every singular value of the matrix ``g`` towards 1, keeping its singular vectors.

    Scale :math:`X_0 = G / \lVert G\rVert_F` (so every singular value is at most 1), then ``steps`` times

    .. math:: X_{k+1} = a X_k + (b\, X_k X_k^\top + c\, (X_k X_k^\top)^2)\, X_k ,

    which maps each singular value :math:`\sigma` to :math:`p(\sigma) = a\sigma + b\sigma^3 + c\sigma^5`. With
    the default coefficients :math:`p` has slope 3.4 at 0, so small singular values grow fast, and after five
    steps they all lie roughly in [0.7, 1.2]: the result is close to :math:`U V^\top` of the SVD
    :math:`G = U\Sigma V^\top`. A tall matrix is transposed so that :math:`X X^\top` is the smaller Gram matrix.
    torch divides by :math:`\max(\lVert G\rVert_F, \epsilon)` and Keras by :math:`\lVert G\rVert_F + \epsilon`
    (``eps_added=True``). torch runs the iteration in bfloat16; this reference runs it in the input's dtype.
    """
    if g.ndim != 2:
        raise ValueError(f"newton_schulz needs a matrix (2 axes), got an array of shape {g.shape}")
    a, b, c = coefficients
    tall = g.shape[0] > g.shape[1]
    x = g.T if tall else g
    norm = float(np.linalg.norm(x))
    x = x / (norm + eps if eps_added else max(norm, eps))
    for _ in range(steps):
        gram = x @ x.T
        x = a * x + (b * gram + c * gram @ gram) @ x
    return x.T if tall else x


class MuonState(NamedTuple):
    step: int
    momentum_buffer: Any  # B: momentum of the gradient (for the Adam-handled parameters of the Keras form: m)
    exp_avg_sq: Any  # v of the Adam-handled parameters (Keras form only; None elsewhere)


class Muon(Optimizer):
    r"""Muon, as ``torch.optim.Muon``: the momentum of the gradient, orthogonalised, as the step of a matrix.

    For a weight matrix :math:`W \in \mathbb R^{A\times B}`:

    .. math::

        B_t &= \mu B_{t-1} + (1-\mu) G_t \\
        D_t &= (1-\mu) G_t + \mu B_t \ \text{(Nesterov, the default)}, \qquad D_t = B_t \ \text{(otherwise)} \\
        O_t &= \operatorname{NS}_k(D_t) \approx U V^\top \quad\text{(} k = \texttt{ns\_steps}
            \text{ Newton-Schulz steps, } :func:`newton_schulz`\text{)} \\
        W_t &= (1 - \eta_t\lambda)\, W_{t-1} - \eta_t\, s(A, B)\, O_t

    The step has every singular value near 1: it moves the weights the same amount along every direction the
    momentum points in, however ill-conditioned the gradient is. The scale :math:`s` is ``adjust_lr_fn``:
    ``"original"`` (default) :math:`\sqrt{\max(1, A/B)}`, ``"match_rms_adamw"`` :math:`0.2\sqrt{\max(A, B)}`
    (Moonlight: an update with AdamW's typical RMS, so AdamW's learning rate and weight decay carry over).

    **Only matrices.** Like torch, ``Muon`` raises for a parameter that does not have exactly two axes: biases,
    normalisation scales and embeddings belong to another optimizer (usually AdamW).

    **Keras form** (:meth:`from_keras`): ``keras.optimizers.Muon`` keeps :math:`B_t = \mu B_{t-1} + G_t` and
    :math:`D_t = G_t + \mu B_t` (a scale of :math:`1/(1-\mu)`, which the normalisation removes), divides by
    :math:`\lVert D\rVert_F + 10^{-7}`, multiplies the step by ``rms_rate`` :math:`\sqrt{\max(A, B)}` (default 0.2,
    Moonlight's rule; ``rms_rate=None``: 1), and gives every parameter that is not a matrix, or whose name matches
    ``exclude_layers`` or contains "embedding", an AdamW update (Keras's epsilon-hat form) with rate
    ``adam_lr_ratio`` :math:`\eta_t` and decay ``adam_weight_decay``.
    """

    _slots = ("momentum_buffer", "exp_avg_sq")
    _state_class = MuonState

    def __init__(self, lr: LearningRate = 1e-3, weight_decay: float = 0.1, momentum: float = 0.95,
                 nesterov: bool = True, ns_coefficients: tuple[float, float, float] = NS_COEFFICIENTS,
                 eps: float = 1e-7, ns_steps: int = 5, adjust_lr_fn: Optional[str] = None) -> None:
        super().__init__(lr)
        self.weight_decay = check_nonneg("weight_decay", weight_decay)
        self.momentum = check_unit_interval("momentum", momentum)
        self.nesterov = check_bool("nesterov", nesterov)
        if not isinstance(ns_coefficients, (tuple, list)) or len(ns_coefficients) != 3:
            raise TypeError(f"ns_coefficients must be three numbers (a, b, c), got {ns_coefficients!r}")
        self.ns_coefficients = tuple(float(c) for c in ns_coefficients)
        self.eps = check_positive("eps", eps)
        self.ns_steps = check_int("ns_steps", ns_steps, minimum=0)
        self.adjust_lr_fn = None if adjust_lr_fn is None else check_choice(
            "adjust_lr_fn", adjust_lr_fn, ("original", "match_rms_adamw"))
        self.keras: Optional[dict[str, Any]] = None  # set by from_keras

    @classmethod
    def from_keras(cls, learning_rate: LearningRate = 0.001, adam_beta_1: float = 0.9, adam_beta_2: float = 0.999,
                   adam_weight_decay: float = 0.004, epsilon: float = 1e-7, weight_decay: float = 0.004,
                   exclude_layers: Sequence[str] = (), exclude_embeddings: bool = True,
                   muon_a: float = 3.4445, muon_b: float = -4.7750, muon_c: float = 2.0315,
                   adam_lr_ratio: float = 1.0, momentum: float = 0.95, ns_steps: int = 5, nesterov: bool = True,
                   rms_rate: Optional[float] = 0.2) -> "Muon":
        """The optimizer that reproduces ``keras.optimizers.Muon`` with these (Keras-named) arguments and defaults.

        With a dict of parameters, the names play the role of Keras's variable paths for ``exclude_layers``
        (regular expressions) and ``exclude_embeddings``.
        """
        opt = cls(lr=learning_rate, weight_decay=weight_decay, momentum=momentum, nesterov=nesterov,
                  ns_coefficients=(muon_a, muon_b, muon_c), ns_steps=ns_steps)
        opt.keras = {
            "betas": check_betas((adam_beta_1, adam_beta_2)),
            "adam_weight_decay": check_nonneg("adam_weight_decay", adam_weight_decay),
            "epsilon": check_positive("epsilon", epsilon),
            "exclude_layers": tuple(exclude_layers),
            "exclude_embeddings": check_bool("exclude_embeddings", exclude_embeddings),
            "adam_lr_ratio": check_nonneg("adam_lr_ratio", adam_lr_ratio),
            "rms_rate": None if rms_rate is None else check_nonneg("rms_rate", rms_rate),
        }
        return opt

    def uses_adam(self, p: np.ndarray, name: str = "") -> bool:
        """Whether the Keras form gives this parameter an AdamW update (always False in torch form)."""
        if self.keras is None:
            return False
        if p.ndim != 2 or (self.keras["exclude_embeddings"] and "embedding" in name.lower()):
            return True
        return any(re.search(k, name) for k in self.keras["exclude_layers"])

    def init(self, params: Any) -> MuonState:
        names = _names(params)
        for name, p in names.items():
            p = np.asarray(p)
            if self.keras is None and p.ndim != 2:
                where = f" {name!r}" if name else ""
                raise ValueError(
                    f"Muon only updates matrices, but parameter{where} has shape {p.shape}: give biases, "
                    "normalisation scales and other non-matrix parameters to another optimizer (AdamW), or use "
                    "Muon.from_keras(...), which hands them to AdamW itself")
        state = super().init(params)
        if self.keras is None:
            return state
        v = _map_named(lambda n, p: np.zeros_like(p) if self.uses_adam(p, n) else None, params)
        return state._replace(exp_avg_sq=v)

    def _init_leaf(self, p: np.ndarray) -> tuple:
        return (np.zeros_like(p), None)

    def _needs_slot(self, name: str, shape: Optional[tuple[int, ...]]) -> bool:
        return name == "momentum_buffer" and shape is not None

    def _update_leaf(self, p, g, slots, t, lr, extra):
        buf, v = slots
        mu = self.momentum
        if self.keras is None:
            buf = buf + (1 - mu) * (g - buf)
            d = g + mu * (buf - g) if self.nesterov else buf
            o = newton_schulz(d, self.ns_steps, self.ns_coefficients, self.eps)
            a, b = p.shape
            scale = {None: math.sqrt(max(1.0, a / b)), "original": math.sqrt(max(1.0, a / b)),
                     "match_rms_adamw": 0.2 * math.sqrt(max(a, b))}[self.adjust_lr_fn]
            return p * (1 - lr * self.weight_decay) - lr * scale * o, (buf, None)
        k = self.keras
        if v is not None:  # the AdamW update of keras.optimizers.Muon (epsilon-hat form)
            b1, b2 = k["betas"]
            p = p * (1 - lr * k["adam_weight_decay"])
            alr = lr * k["adam_lr_ratio"]
            buf = buf + (g - buf) * (1 - b1)
            v = v + (g * g - v) * (1 - b2)
            return p - buf * (alr * math.sqrt(1 - b2**t) / (1 - b1**t)) / (np.sqrt(v) + k["epsilon"]), (buf, v)
        p = p * (1 - lr * self.weight_decay)
        buf = buf + (g + buf * (mu - 1))
        d = g + mu * buf if self.nesterov else buf
        o = newton_schulz(d, self.ns_steps, self.ns_coefficients, 1e-7, eps_added=True)
        scale = 1.0 if k["rms_rate"] is None else math.sqrt(max(p.shape)) * k["rms_rate"]
        return p - lr * o * scale, (buf, None)


def _names(params: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(params, dict):
        out: dict[str, Any] = {}
        for key, value in params.items():
            out.update(_names(value, f"{prefix}/{key}" if prefix else str(key)))
        return out
    return {prefix: params}


def _map_named(fn: Any, params: Any, prefix: str = "") -> Any:
    if isinstance(params, dict):
        return {k: _map_named(fn, v, f"{prefix}/{k}" if prefix else str(k)) for k, v in params.items()}
    return fn(prefix, np.asarray(params))
