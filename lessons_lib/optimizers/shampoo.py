r"""Shampoo (Gupta, Koren & Singer, 2018) for vectors and small matrices, written to be read."""

from __future__ import annotations

from typing import Any, NamedTuple, Optional

import numpy as np

from .._checks import check_positive
from ._base import LearningRate, Optimizer

__all__ = ["Shampoo", "ShampooState", "inverse_root"]


def inverse_root(a: np.ndarray, p: int) -> np.ndarray:
    r""":math:`A^{-1/p}` of a symmetric positive-definite matrix, from its eigendecomposition
    :math:`A = Q \Lambda Q^\top`: :math:`Q \Lambda^{-1/p} Q^\top`."""
    lam, q = np.linalg.eigh(a)
    return (q * lam ** (-1.0 / p)) @ q.T


class ShampooState(NamedTuple):
    step: int
    left: Any  # L = eps I + sum G G^T (rows x rows); for a vector, the full eps I + sum g g^T
    right: Any  # R = eps I + sum G^T G (cols x cols); None for a vector


class Shampoo(Optimizer):
    r"""Shampoo: a preconditioner per axis of each parameter, combined as a Kronecker product.

    For a weight matrix :math:`W \in \mathbb R^{m\times n}` with gradient :math:`G_t`:

    .. math::

        L_t &= L_{t-1} + G_t G_t^\top, \qquad R_t = R_{t-1} + G_t^\top G_t
            \qquad (L_0 = \epsilon I_m,\ R_0 = \epsilon I_n) \\
        W_t &= W_{t-1} - \eta_t\, L_t^{-1/4}\, G_t\, R_t^{-1/4}

    This is full-matrix AdaGrad with its :math:`mn \times mn` preconditioner replaced by the Kronecker product
    :math:`L^{1/4} \otimes R^{1/4}`: two small matrices (:math:`m^2 + n^2` numbers) that still capture how the
    gradient is correlated *across* coordinates, which a diagonal method (Adam, AdaGrad) cannot see: on a rotated
    ill-conditioned quadratic Shampoo is as fast as on an axis-aligned one. A vector (order 1) gets
    :math:`L_t^{-1/2} g_t` with the full :math:`L_t = \epsilon I + \sum g g^\top`: full-matrix AdaGrad. Each
    inverse root costs an eigendecomposition, :math:`O(m^3 + n^3)` per update; large-scale versions recompute them
    every few hundred steps, add momentum and grafting, and run them in parallel (distributed Shampoo, SOAP).
    ``pytorch_optimizer.Shampoo`` computes the same with ``momentum=0``; ``eps`` is its ``matrix_eps``.
    """

    _slots = ("left", "right")
    _state_class = ShampooState

    def __init__(self, lr: LearningRate = 1e-3, eps: float = 1e-6) -> None:
        super().__init__(lr)
        self.eps = check_positive("eps", eps)

    def init(self, params: Any) -> ShampooState:
        from ..tree import tree_leaves

        for p in tree_leaves(params):
            if np.ndim(p) not in (1, 2):
                raise ValueError(f"Shampoo here handles vectors and matrices; got a parameter of shape {np.shape(p)}"
                                 " (reshape it to a matrix, or give it to another optimizer)")
        return super().init(params)

    def _needs_slot(self, name: str, shape: Optional[tuple[int, ...]]) -> bool:
        return shape is not None and (name == "left" or len(shape) == 2)

    def _slot_shape(self, name: str, shape: tuple[int, ...]) -> tuple[int, ...]:
        if name == "left" and len(shape) >= 1:
            return (shape[0], shape[0])
        if name == "right" and len(shape) == 2:
            return (shape[1], shape[1])
        return shape

    def _init_leaf(self, p: np.ndarray) -> tuple:
        if p.ndim == 0:
            return (np.zeros(()), None)
        eye = lambda k: self.eps * np.eye(k, dtype=p.dtype)  # noqa: E731
        return (eye(p.shape[0]), eye(p.shape[1]) if p.ndim == 2 else None)

    def _update_leaf(self, p, g, slots, t, lr, extra):
        left, right = slots
        if p.ndim == 1:
            left = left + np.outer(g, g)
            return p - lr * inverse_root(left, 2) @ g, (left, None)
        left = left + g @ g.T
        right = right + g.T @ g
        return p - lr * inverse_root(left, 4) @ g @ inverse_root(right, 4), (left, right)
