r"""Stability tools: gradient clipping as each framework does it, and the sharpness of a loss.

Clipping (NumPy; ``grads`` is an array or a dict of arrays, as everywhere in ``lessons_lib``):

* :func:`clip_by_value`: every entry into :math:`[-c, c]` (``torch.nn.utils.clip_grad_value_``, Keras
  ``clipvalue``); it changes the gradient's direction;
* :func:`clip_by_norm`: **each tensor** scaled to norm at most :math:`c`, :math:`g \cdot c / \max(\lVert g\rVert, c)`
  (Keras ``clipnorm``); the direction of each tensor is kept, the balance between tensors is not;
* :func:`clip_by_global_norm`: **all tensors together** scaled by :math:`\min(1, c / (\lVert g\rVert + \epsilon))`
  where :math:`\lVert g\rVert` is the norm of all of them (Keras ``global_clipnorm`` and optax with
  :math:`\epsilon = 0`; ``torch.nn.utils.clip_grad_norm_`` with :math:`\epsilon = 10^{-6}`): the whole update's
  direction is kept.

Sharpness (PyTorch): :func:`sharpness` estimates the largest eigenvalue of the Hessian of a loss by power
iteration on Hessian-vector products (double backpropagation), never forming the Hessian. Gradient descent with
rate :math:`\eta` is stable on a quadratic only while the sharpness is below :math:`2/\eta` (chapter 1).
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from ._checks import check_int, check_nonneg, check_positive
from .tree import tree_leaves, tree_map

__all__ = ["clip_by_value", "clip_by_norm", "clip_by_global_norm", "global_norm", "sharpness"]


def clip_by_value(grads: Any, clip_value: float) -> Any:
    """Every entry clipped into ``[-clip_value, clip_value]``."""
    c = check_positive("clip_value", clip_value)
    return tree_map(lambda g: np.clip(g, -c, c), grads)


def clip_by_norm(grads: Any, max_norm: float) -> Any:
    """Each tensor separately scaled to L2 norm at most ``max_norm`` (Keras ``clipnorm``)."""
    c = check_positive("max_norm", max_norm)

    def one(g: np.ndarray) -> np.ndarray:
        norm = float(np.sqrt(np.sum(np.square(g))))
        return g * (c / max(norm, c))

    return tree_map(one, grads)


def global_norm(grads: Any) -> float:
    """The L2 norm of all the tensors together."""
    return float(np.sqrt(sum(float(np.sum(np.square(g))) for g in tree_leaves(grads))))


def clip_by_global_norm(grads: Any, max_norm: float, eps: float = 0.0) -> tuple[Any, float]:
    """All tensors scaled by ``min(1, max_norm / (global_norm + eps))``; returns the clipped gradients and the norm
    before clipping. ``eps=1e-6`` is ``torch.nn.utils.clip_grad_norm_``; ``eps=0`` is Keras's ``global_clipnorm``."""
    c = check_positive("max_norm", max_norm)
    eps = check_nonneg("eps", eps)
    norm = global_norm(grads)
    scale = min(1.0, c / (norm + eps)) if norm + eps > 0 else 1.0
    return tree_map(lambda g: g * scale, grads), norm


def sharpness(loss_fn: Callable[[], Any], params: Sequence[Any], iters: int = 20, seed: int = 0) -> float:
    r"""The largest eigenvalue of the Hessian of ``loss_fn()`` with respect to ``params`` (torch tensors with
    ``requires_grad``), by ``iters`` steps of power iteration :math:`v \leftarrow Hv / \lVert Hv\rVert` on
    Hessian-vector products.

    The estimate is the Rayleigh quotient :math:`v^\top H v` of the last iterate. Power iteration finds the
    eigenvalue of largest *magnitude*; for the losses here (near a minimum, or along training) that is the top one.
    """
    import torch

    iters = check_int("iters", iters, minimum=1)
    params = list(params)
    loss = loss_fn()
    grads = torch.autograd.grad(loss, params, create_graph=True)
    gen = torch.Generator().manual_seed(seed)
    v = [torch.randn(p.shape, generator=gen, dtype=p.dtype).to(p.device) for p in params]
    value = 0.0
    for _ in range(iters):
        norm = torch.sqrt(sum((x * x).sum() for x in v))
        v = [x / norm for x in v]
        hv = torch.autograd.grad(grads, params, grad_outputs=v, retain_graph=True)
        value = float(sum((a * b).sum() for a, b in zip(hv, v)))
        v = [h.detach() for h in hv]
    return value
