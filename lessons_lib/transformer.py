r"""A tiny Transformer encoder, a sorting task to train it on, and the training loop of the capstone chapter.

The model is the encoder of Vaswani et al. (2017) written out in a few lines, with one twist that makes seeds cheap:
``TinyTransformer(..., members=k)`` holds ``k`` *independent* models whose parameters are stacked along a leading
axis. Member :math:`j` sees its own data and has its own initialisation; because the loss is the *sum* of the
members' losses, each member's gradient is exactly the gradient of its own loss, and because Adam and AdamW act
entry by entry, one optimizer over the stacked tensors is ``k`` separate optimizers. Only a *global* quantity
(the gradient norm for clipping) has to be taken per member, which :func:`train` does. ``members=1`` is
an ordinary model, checked against ``torch.nn.TransformerEncoderLayer`` in ``tests/test_transformer.py``.

One encoder layer maps :math:`h \in \mathbb{R}^{n \times d}` to

.. math::

    \text{post-norm:}\quad h \leftarrow \mathrm{LN}\big(h + \mathrm{Attn}(h)\big),\quad
        h \leftarrow \mathrm{LN}\big(h + \mathrm{FF}(h)\big) \\
    \text{pre-norm:}\quad h \leftarrow h + \mathrm{Attn}(\mathrm{LN}(h)),\quad
        h \leftarrow h + \mathrm{FF}(\mathrm{LN}(h))

(pre-norm adds a final LayerNorm before the output layer), as ``norm_first=False`` / ``True`` in PyTorch.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Sequence

import numpy as np

from lessons_lib._lazy import import_torch

torch = import_torch()
F = torch.nn.functional

__all__ = ["TinyTransformer", "sorting_batch", "sorting_loss", "train", "evaluate"]


def _positive_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name}={value!r} must be a positive integer")
    return int(value)


def sorting_batch(batch: int, seq_len: int, vocab: int, generator: Any = None, device: Any = None) -> tuple:
    r"""A batch of the sorting task: ``x`` holds ``seq_len`` tokens drawn uniformly from ``0 .. vocab-1``, the
    target ``y`` is ``x`` sorted in increasing order, position by position. Both are ``(batch, seq_len)`` int64.

    A model that guesses uniformly scores a cross-entropy of :math:`\ln(\text{vocab})`.
    ``generator`` is a ``torch.Generator`` (on the CPU; the batch is then moved to ``device``).
    """
    batch, seq_len, vocab = (_positive_int(n, v) for n, v in (("batch", batch), ("seq_len", seq_len),
                                                              ("vocab", vocab)))
    if vocab < 2:
        raise ValueError(f"vocab={vocab} must be at least 2 (one token cannot be sorted)")
    x = torch.randint(0, vocab, (batch, seq_len), generator=generator)
    y = torch.sort(x, dim=1).values
    return x.to(device), y.to(device)


class TinyTransformer(torch.nn.Module):
    """``members`` independent Transformer encoders (token + learned position embedding, ``n_layers`` layers of
    ``n_heads``-head self-attention and a ReLU feed-forward of width ``4 * d_model``, a linear read-out per position).

    ``norm="post"`` puts LayerNorm after each residual addition (the original Transformer, PyTorch's default
    ``norm_first=False``); ``norm="pre"`` inside each residual branch, plus a final LayerNorm. A list gives each
    member its own placement (all members then compute both LayerNorms and keep their own). ``seeds`` (one per
    member, default ``0 .. members-1``) make member ``j`` identical to ``TinyTransformer(..., members=1,
    seeds=[seeds[j]])``. Initialisation follows PyTorch's encoder layer: Xavier-uniform attention projections with
    zero biases, ``nn.Linear``'s uniform :math:`\\pm 1/\\sqrt{\\text{fan-in}}` elsewhere, standard-normal token
    embeddings scaled by :math:`\\sqrt{d}` in the forward pass.

    Input ``(members, batch, seq_len)`` integer tokens (or ``(batch, seq_len)`` when ``members == 1``); output
    logits ``(members, batch, seq_len, vocab)`` (or without the first axis).
    """

    def __init__(self, vocab: int, seq_len: int, d_model: int = 32, n_heads: int = 4, n_layers: int = 2,
                 norm: str = "post", members: int = 1, seeds: Sequence[int] | None = None) -> None:
        super().__init__()
        vocab, seq_len, d_model, n_heads, n_layers, members = (
            _positive_int(n, v) for n, v in (("vocab", vocab), ("seq_len", seq_len), ("d_model", d_model),
                                             ("n_heads", n_heads), ("n_layers", n_layers), ("members", members)))
        if d_model % n_heads:
            raise ValueError(f"d_model={d_model} must be a multiple of n_heads={n_heads}")
        norms = [norm] * members if isinstance(norm, str) else list(norm)
        if len(norms) != members or any(n not in ("post", "pre") for n in norms):
            raise ValueError(f"norm={norm!r} must be 'post' or 'pre', or a list of those with one per member "
                             f"(members={members})")
        seeds = list(range(members)) if seeds is None else [int(s) for s in seeds]
        if len(seeds) != members:
            raise ValueError(f"seeds has {len(seeds)} entries; it needs one per member (members={members})")
        self.vocab, self.seq_len, self.d_model, self.n_heads = vocab, seq_len, d_model, n_heads
        self.n_layers, self.members, self.seeds = n_layers, members, seeds
        self.norm = norms[0] if len(set(norms)) == 1 else norms  # "post", "pre", or one per member
        self.register_buffer("_pre", torch.tensor([n == "pre" for n in norms]).view(-1, 1, 1, 1), persistent=False)
        d, ff = d_model, 4 * d_model

        def init(shape: tuple, fn: Callable) -> torch.nn.Parameter:
            return torch.nn.Parameter(torch.stack([fn(torch.empty(shape), g) for g in gens]))

        def linear(fan_in: int) -> Callable:
            bound = 1 / math.sqrt(fan_in)
            return lambda t, g: t.uniform_(-bound, bound, generator=g)

        def xavier(fan_in: int, fan_out: int) -> Callable:
            bound = math.sqrt(6 / (fan_in + fan_out))
            return lambda t, g: t.uniform_(-bound, bound, generator=g)

        zeros, ones = (lambda t, g: t.zero_()), (lambda t, g: t.fill_(1.0))
        gens = [torch.Generator().manual_seed(s) for s in seeds]
        self.embed = init((vocab, d), lambda t, g: t.normal_(generator=g))
        self.pos = init((seq_len, d), lambda t, g: t.normal_(0.0, 0.02, generator=g))
        self.layers = torch.nn.ModuleList()
        for _ in range(n_layers):
            layer = torch.nn.ParameterDict({
                "w_qkv": init((d, 3 * d), xavier(d, 3 * d)), "b_qkv": init((3 * d,), zeros),
                "w_o": init((d, d), linear(d)), "b_o": init((d,), zeros),
                "w_1": init((d, ff), linear(d)), "b_1": init((ff,), linear(d)),
                "w_2": init((ff, d), linear(ff)), "b_2": init((d,), linear(ff)),
                "ln1_w": init((d,), ones), "ln1_b": init((d,), zeros),
                "ln2_w": init((d,), ones), "ln2_b": init((d,), zeros)})
            self.layers.append(layer)
        has_pre = "pre" in norms  # the final LayerNorm (post-norm members leave theirs unused)
        self.final_w = init((d,), ones) if has_pre else None
        self.final_b = init((d,), zeros) if has_pre else None
        self.w_out, self.b_out = init((d, vocab), linear(d)), init((vocab,), linear(d))

    @staticmethod
    def _ln(h: Any, w: Any, b: Any) -> Any:
        return F.layer_norm(h, h.shape[-1:]) * w[:, None, None] + b[:, None, None]

    @staticmethod
    def _lin(h: Any, w: Any, b: Any) -> Any:
        return torch.baddbmm(b[:, None], h.flatten(1, 2), w).view(*h.shape[:3], -1)

    def _attn(self, h: Any, p: Any) -> Any:
        k, bsz, n, d = h.shape
        q, kk, v = self._lin(h, p["w_qkv"], p["b_qkv"]).view(k, bsz, n, 3, self.n_heads, -1).unbind(3)
        out = F.scaled_dot_product_attention(q.transpose(2, 3), kk.transpose(2, 3), v.transpose(2, 3))
        return self._lin(out.transpose(2, 3).reshape(k, bsz, n, d), p["w_o"], p["b_o"])

    def _ff(self, h: Any, p: Any) -> Any:
        return self._lin(F.relu(self._lin(h, p["w_1"], p["b_1"])), p["w_2"], p["b_2"])

    def _block(self, h: Any, block: Callable, p: Any, w: Any, b: Any) -> Any:
        """Post-norm: LN(h + F(h)); pre-norm: h + F(LN(h)); for mixed members, each member its own."""
        if self.norm == "post":
            return self._ln(h + block(h, p), w, b)
        if self.norm == "pre":
            return h + block(self._ln(h, w, b), p)
        r = h + block(torch.where(self._pre, self._ln(h, w, b), h), p)
        return torch.where(self._pre, r, self._ln(r, w, b))

    def forward(self, x: Any) -> Any:
        single = x.dim() == 2
        if single:
            if self.members != 1:
                raise ValueError(f"x has shape {tuple(x.shape)}; a model with members={self.members} needs "
                                 f"(members, batch, seq_len)")
            x = x[None]
        if x.dim() != 3 or x.shape[0] != self.members or x.shape[2] != self.seq_len:
            raise ValueError(f"x has shape {tuple(x.shape)}; allowed: ({self.members}, batch, {self.seq_len})")
        idx = torch.arange(self.members, device=x.device)[:, None, None]
        h = self.embed[idx, x] * math.sqrt(self.d_model) + self.pos[:, None]
        for p in self.layers:
            h = self._block(h, self._attn, p, p["ln1_w"], p["ln1_b"])
            h = self._block(h, self._ff, p, p["ln2_w"], p["ln2_b"])
        if self.norm == "pre":
            h = self._ln(h, self.final_w, self.final_b)
        elif self.norm != "post":  # mixed members: the final LayerNorm for the pre-norm ones only
            h = torch.where(self._pre, self._ln(h, self.final_w, self.final_b), h)
        logits = self._lin(h, self.w_out, self.b_out)
        return logits[0] if single else logits


def sorting_loss(logits: Any, y: Any) -> Any:
    """Per-member mean cross-entropy, shape ``(members,)``, for logits ``(members, batch, seq_len, vocab)``."""
    k, vocab = logits.shape[0], logits.shape[-1]
    return F.cross_entropy(logits.reshape(-1, vocab), y.reshape(-1), reduction="none").view(k, -1).mean(1)


def _per_member(name: str, value: Any, members: int, allow_inf: bool = False) -> Any:
    arr = np.broadcast_to(np.asarray(value, dtype=float), (members,)) if np.ndim(value) <= 1 else None
    if arr is None or not np.all(arr >= 0) or not (allow_inf or np.all(np.isfinite(arr))):
        raise ValueError(f"{name}={value!r} must be a non-negative number or one per member ({members})"
                         + (", inf meaning 'off'" if allow_inf else ""))
    return torch.tensor(arr, dtype=torch.float32)


def train(model: TinyTransformer, lr: Any, batch: int = 16, weight_decay: Any = 0.0, clip: Any = float("inf"),
          ema_decay: Any = None, betas: tuple = (0.9, 0.999), eps: float = 1e-8, device: Any = None) -> dict:
    r"""Train every member of ``model`` on the sorting task with AdamW, each with its own settings.

    ``lr`` is the learning rate of each update, shape ``(steps,)`` (all members) or ``(steps, members)``: any
    schedule, precomputed. ``weight_decay``, ``clip`` (a global-norm threshold, ``inf`` for none) and ``ema_decay``
    are numbers or one per member. Member :math:`j` at step :math:`t` does exactly what ``torch.optim.AdamW`` with
    ``clip_grad_norm_`` and an ``AveragedModel(multi_avg_fn=get_ema_multi_avg_fn(decay))`` do for one model:

    .. math::

        g \leftarrow g\,\min\big(1, c/(\lVert g\rVert + 10^{-6})\big),\quad
        m \leftarrow \beta_1 m + (1-\beta_1) g,\quad v \leftarrow \beta_2 v + (1-\beta_2) g^2, \\
        \theta \leftarrow \theta(1 - \eta_t\lambda)
            - \frac{\eta_t}{1-\beta_1^t}\,\frac{m}{\sqrt{v/(1-\beta_2^t)} + \epsilon},\quad
        \bar\theta \leftarrow \theta \text{ (first step)},\ \bar\theta \leftarrow \delta\bar\theta + (1-\delta)\theta.

    (``weight_decay=0`` is Adam.) One parameter is the exception to "exactly": the attention's key bias cannot
    change the output (softmax ignores a shift shared by all keys), so its true gradient is 0 and the computed one is
    rounding noise, which Adam rescales into full-size steps that differ between implementations; the outputs and
    every other parameter agree. Member ``j`` draws its batches from
    ``torch.Generator().manual_seed(1000 + model.seeds[j])``. Returns a dict with ``losses``, ``grad_norms`` (before
    clipping) and ``update_ratio`` (:math:`\lVert\Delta\theta\rVert/\lVert\theta\rVert`), each ``(steps, members)``,
    and ``ema``: a copy of the model holding the averages (``None`` without ``ema_decay``).
    """
    k = model.members
    lr = np.asarray(lr, dtype=float)
    if lr.ndim == 1:
        lr = np.repeat(lr[:, None], k, axis=1)
    if lr.ndim != 2 or lr.shape[1] != k or len(lr) == 0 or not np.all(np.isfinite(lr)) or np.any(lr < 0):
        raise ValueError(f"lr has shape {lr.shape}; allowed: (steps,) or (steps, {k}) of finite rates >= 0")
    batch = _positive_int("batch", batch)
    wd = _per_member("weight_decay", weight_decay, k)
    clip_c = _per_member("clip", clip, k, allow_inf=True)
    decay = None if ema_decay is None else _per_member("ema_decay", ema_decay, k)
    if decay is not None and torch.any(decay > 1):
        raise ValueError(f"ema_decay={ema_decay!r} must lie in [0, 1]")
    b1, b2 = betas
    params = list(model.parameters())
    shape = lambda p: (-1,) + (1,) * (p.dim() - 1)  # noqa: E731  (broadcast a per-member vector over a tensor)
    m = [torch.zeros_like(p) for p in params]
    v = [torch.zeros_like(p) for p in params]
    ema = None
    if decay is not None:
        import copy
        ema = copy.deepcopy(model)
    gens = [torch.Generator().manual_seed(1000 + s) for s in model.seeds]
    steps = len(lr)
    out = {key: np.empty((steps, k)) for key in ("losses", "grad_norms", "update_ratio")}
    dev = params[0].device
    lr_t, wd, clip_c = torch.tensor(lr, dtype=torch.float32, device=dev), wd.to(dev), clip_c.to(dev)
    decay = None if decay is None else decay.to(dev)
    for t in range(steps):
        xs, ys = zip(*(sorting_batch(batch, model.seq_len, model.vocab, g) for g in gens))
        x, y = torch.stack(xs).to(device), torch.stack(ys).to(device)
        model.zero_grad(set_to_none=True)
        loss = sorting_loss(model(x), y)
        loss.sum().backward()  # member j's gradient is the gradient of its own loss
        with torch.no_grad():
            grads = [p.grad for p in params]
            flat = lambda ts: torch.cat([a.flatten(1) for a in ts], 1)  # noqa: E731  (members, all entries)
            norm = flat(grads).pow(2).sum(1).sqrt()
            scale = (clip_c / (norm + 1e-6)).clamp(max=1.0)
            bc1, bc2 = 1 - b1 ** (t + 1), 1 - b2 ** (t + 1)
            g = torch._foreach_mul(grads, [scale.view(shape(p)) for p in params])
            torch._foreach_lerp_(m, g, 1 - b1)
            torch._foreach_mul_(v, b2)
            torch._foreach_addcmul_(v, g, g, value=1 - b2)
            denom = torch._foreach_div(v, bc2)
            torch._foreach_sqrt_(denom)
            torch._foreach_add_(denom, eps)
            delta = torch._foreach_div(m, denom)
            torch._foreach_mul_(delta, [(lr_t[t] / bc1).view(shape(p)) for p in params])
            torch._foreach_add_(delta, torch._foreach_mul(params, [(lr_t[t] * wd).view(shape(p)) for p in params]))
            upd2, par2 = flat(delta).pow(2).sum(1), flat(params).pow(2).sum(1)
            torch._foreach_sub_(params, delta)  # theta(1 - eta*lambda) - eta/bc1 * m/(sqrt(v/bc2) + eps)
            if ema is not None:
                for e, p in zip(ema.parameters(), params):
                    if t == 0:
                        e.copy_(p)
                    else:
                        e.lerp_(p, (1 - decay).view(shape(p)))
        out["losses"][t] = loss.detach().cpu().numpy()
        out["grad_norms"][t] = norm.cpu().numpy()
        out["update_ratio"][t] = (upd2.sqrt() / par2.sqrt()).cpu().numpy()
    out["ema"] = ema
    return out


def evaluate(model: Any, seq_len: int, vocab: int, n: int = 256, seed: int = 12345, device: Any = None) -> np.ndarray:
    """Mean cross-entropy of each member on ``n`` held-out sequences drawn with ``seed`` (the same for all
    members), shape ``(members,)``. ``model`` may be an ``AveragedModel`` wrapping a :class:`TinyTransformer`."""
    inner = getattr(model, "module", model)
    x, y = sorting_batch(n, seq_len, vocab, torch.Generator().manual_seed(seed))
    x, y = x.expand(inner.members, -1, -1).to(device), y.expand(inner.members, -1, -1).to(device)
    with torch.no_grad():
        return sorting_loss(model(x), y).cpu().numpy()
