"""Data parallelism for real: two processes with DistributedDataParallel (gloo) against one process."""

from __future__ import annotations

import numpy as np
import pytest

from lessons_lib.distributed import global_batches, train_data_parallel, train_single
from lessons_lib.problems import load_dataset


def _gap(a: dict, b: dict) -> float:
    return max(float(np.max(np.abs(a[k] - b[k]))) for k in a)


def test_two_real_processes_equal_one_process_on_the_global_batch() -> None:
    data = load_dataset("digits")
    batches = global_batches(len(data.y_train), batch_size=32, steps=25, seed=3)
    ranks = train_data_parallel(data.X_train, data.y_train, batches=batches, lr=0.05, momentum=0.9, world_size=2)
    single, losses = train_single(data.X_train, data.y_train, batches=batches, lr=0.05, momentum=0.9)
    assert len(ranks) == 2 and _gap(ranks[0], ranks[1]) == 0.0
    assert _gap(ranks[0], single) < 1e-12
    assert losses[-1] < losses[0]  # it trained
    moved = train_single(data.X_train, data.y_train, batches=batches[:1], lr=0.05, momentum=0.9)[0]
    assert _gap(single, moved) > 1e-3  # 25 updates are far from one: the comparison is not trivially true


def test_accumulation_is_the_big_batch_and_the_undivided_loss_multiplies_the_rate() -> None:
    data = load_dataset("digits")
    batches = global_batches(len(data.y_train), batch_size=48, steps=20, seed=1)
    big = train_single(data.X_train, data.y_train, batches=batches, lr=0.1)[0]
    acc = train_single(data.X_train, data.y_train, batches=batches, lr=0.1, accumulation_steps=3)[0]
    undivided = train_single(data.X_train, data.y_train, batches=batches, lr=0.1, accumulation_steps=3,
                             divide_accumulated=False)[0]
    assert _gap(acc, big) < 1e-12
    assert _gap(undivided, train_single(data.X_train, data.y_train, batches=batches, lr=0.3)[0]) < 1e-12


def test_bad_arguments_are_named() -> None:
    with pytest.raises(ValueError, match="batch_size must be at most n=10, got 11"):
        global_batches(10, 11, 1)
    batches = global_batches(20, 6, 2)
    with pytest.raises(ValueError, match="accumulation_steps=4 must divide the batch size 6"):
        train_single(np.zeros((20, 3)), np.zeros(20, dtype=int) + 1, batches=batches, lr=0.1, accumulation_steps=4)
    with pytest.raises(ValueError, match="must be a multiple of world_size=4"):
        train_data_parallel(np.zeros((20, 3)), np.ones(20, dtype=int), batches=batches, lr=0.1, world_size=4)
    b = global_batches(100, 10, 25, seed=0)
    assert b.shape == (25, 10) and all(len(set(row)) == 10 for row in b)
    assert sorted(np.concatenate(b[:10])) == list(range(100))  # one epoch visits every example once
