r"""Data-parallel training with ``torch.distributed``, small enough to run on two CPU processes.

Data parallelism splits each global batch of :math:`B` examples into :math:`N` shards of :math:`B/N`, one per
process (*rank*); every rank holds a full copy of the model, computes the gradient of the mean loss over its shard,
and an **all-reduce** averages the :math:`N` gradients, so every rank applies the same update:

.. math:: g = \frac1N \sum_{r=1}^{N} \nabla \Big( \frac{N}{B} \sum_{i \in \text{shard}_r} \ell_i \Big)
          = \nabla \Big( \frac1B \sum_{i=1}^{B} \ell_i \Big),

the gradient of the global batch's mean loss, whenever the shards are equal in size. ``DistributedDataParallel``
(DDP) does the all-reduce during ``backward()``. :func:`train_data_parallel` runs it for real: it starts
``world_size`` processes with ``torch.multiprocessing`` and the ``gloo`` backend (CPU); the same code runs on GPUs
with the ``nccl`` backend, one process per GPU, usually launched with ``torchrun``. :func:`train_single` is the
one-process reference on the same global batches.

The model is a one-hidden-layer tanh MLP (as :class:`lessons_lib.train.MLP`) in float64, trained with
``torch.optim.SGD`` on batches drawn from a seeded permutation, so that the two runs can be compared update by
update.
"""

from __future__ import annotations

import os
import socket
import tempfile
from typing import Any

import numpy as np

from ._checks import check_int, check_positive

__all__ = ["train_single", "train_data_parallel", "global_batches", "free_port"]


def global_batches(n: int, batch_size: int, steps: int, seed: int = 0) -> np.ndarray:
    """``steps`` global batches of ``batch_size`` indices into ``range(n)``, from reshuffled epochs (shape
    ``(steps, batch_size)``); incomplete batches at an epoch's end are dropped, as ``DistributedSampler`` with
    ``drop_last=True`` does."""
    n = check_int("n", n, minimum=1)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    steps = check_int("steps", steps, minimum=0)
    if batch_size > n:
        raise ValueError(f"batch_size must be at most n={n}, got {batch_size}")
    rng = np.random.default_rng(seed)
    out: list[np.ndarray] = []
    while len(out) < steps:
        order = rng.permutation(n)
        out += [order[i:i + batch_size] for i in range(0, n - batch_size + 1, batch_size)]
    return np.array(out[:steps], dtype=np.int64).reshape(steps, batch_size)


def _model(n_features: int, n_hidden: int, n_classes: int, seed: int) -> Any:
    import torch

    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(n_features, n_hidden), torch.nn.Tanh(),
                               torch.nn.Linear(n_hidden, n_classes)).double()


def _params(model: Any) -> dict[str, np.ndarray]:
    return {k: v.detach().cpu().numpy().copy() for k, v in model.state_dict().items()}


def train_single(X: np.ndarray, y: np.ndarray, *, batches: np.ndarray, lr: float, n_hidden: int = 32,
                 momentum: float = 0.0, seed: int = 0, accumulation_steps: int = 1,
                 divide_accumulated: bool = True) -> tuple[dict[str, np.ndarray], list[float]]:
    """One process, one update per global batch; returns the final parameters and the loss of every batch.

    With ``accumulation_steps = k`` each batch is split into ``k`` micro-batches whose gradients are accumulated
    before the update (the loss of each divided by ``k`` unless ``divide_accumulated=False``, the classic mistake
    that multiplies the effective learning rate by ``k``).
    """
    import torch

    lr = check_positive("lr", lr)
    k = check_int("accumulation_steps", accumulation_steps, minimum=1)
    torch.set_num_threads(1)  # tiny matrices: one thread, as the DDP workers use
    if batches.shape[1] % k:
        raise ValueError(f"accumulation_steps={k} must divide the batch size {batches.shape[1]}")
    model = _model(X.shape[1], n_hidden, int(y.max()) + 1, seed)
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    Xt, yt = torch.from_numpy(np.asarray(X, np.float64)), torch.from_numpy(np.asarray(y, np.int64))
    losses = []
    for idx in batches:
        opt.zero_grad()
        total = 0.0
        for micro in np.split(idx, k):
            loss = torch.nn.functional.cross_entropy(model(Xt[micro]), yt[micro])
            (loss / k if divide_accumulated else loss).backward()
            total += loss.item() / k
        opt.step()
        losses.append(total)
    return _params(model), losses


def _worker(rank: int, world_size: int, port: int, X: np.ndarray, y: np.ndarray, batches: np.ndarray, lr: float,
            n_hidden: int, momentum: float, seed: int, out_dir: str) -> None:
    import torch
    import torch.distributed as dist
    from torch.nn.parallel import DistributedDataParallel

    os.environ["MASTER_ADDR"], os.environ["MASTER_PORT"] = "127.0.0.1", str(port)
    torch.set_num_threads(1)
    dist.init_process_group("gloo", rank=rank, world_size=world_size)
    try:
        model = DistributedDataParallel(_model(X.shape[1], n_hidden, int(y.max()) + 1, seed))
        opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
        Xt, yt = torch.from_numpy(np.asarray(X, np.float64)), torch.from_numpy(np.asarray(y, np.int64))
        for idx in batches:
            shard = idx[rank::world_size]  # this rank's share of the global batch
            opt.zero_grad()
            torch.nn.functional.cross_entropy(model(Xt[shard]), yt[shard]).backward()  # DDP all-reduces here
            opt.step()
        params = _params(model.module)
        np.savez(os.path.join(out_dir, f"rank{rank}.npz"), **params)
    finally:
        dist.destroy_process_group()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (for the rendezvous of the processes)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def train_data_parallel(X: np.ndarray, y: np.ndarray, *, batches: np.ndarray, lr: float, world_size: int = 2,
                        n_hidden: int = 32, momentum: float = 0.0, seed: int = 0) -> list[dict[str, np.ndarray]]:
    """Train with ``DistributedDataParallel`` in ``world_size`` real processes (``gloo``); returns each rank's final
    parameters. Every global batch must split evenly over the ranks."""
    import torch.multiprocessing as mp

    world_size = check_int("world_size", world_size, minimum=1)
    if batches.shape[1] % world_size:
        raise ValueError(f"the global batch size {batches.shape[1]} must be a multiple of world_size={world_size}")
    with tempfile.TemporaryDirectory() as out_dir:
        mp.spawn(_worker, args=(world_size, free_port(), X, y, batches, lr, n_hidden, momentum, seed, out_dir),
                 nprocs=world_size, join=True)
        results = []
        for rank in range(world_size):
            with np.load(os.path.join(out_dir, f"rank{rank}.npz")) as f:
                results.append({k: f[k].copy() for k in f.files})
    return results
