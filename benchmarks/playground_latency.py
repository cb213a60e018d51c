"""Latency of the optimizer playground's compute step: 4 optimizers x 200 steps, per test function.

The target (issue 3) is a median under 100 ms. Two sets of four optimizers are timed: the playground's default
(SGD, SGD+momentum, RMSprop, Adam) and the four with the most arithmetic per update (Adam, AdamW, NAdam, RAdam).
For comparison, the last column runs the same default set through the generic ``train.minimize`` loop, whose
``Optimizer.update`` re-validates its inputs on every call (the playground's ``descend`` gives identical results).

Run: python benchmarks/playground_latency.py [--repeats N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from typing import Callable

import numpy as np

from lessons_lib.problems import OBJECTIVES
from lessons_lib.train import minimize
from lessons_lib.widgets.playground import compute_trajectories, make_optimizer

DEFAULT = [{"optimizer": "SGD", "lr": 1.5e-3}, {"optimizer": "SGD+momentum", "lr": 1.5e-3, "momentum": 0.9},
           {"optimizer": "RMSprop", "lr": 1e-2}, {"optimizer": "Adam", "lr": 5e-2}]
HEAVY = [{"optimizer": name, "lr": 5e-2} for name in ("Adam", "AdamW", "NAdam", "RAdam")]
STEPS = 200


def times_ms(fn: Callable[[], object], repeats: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU times (ms, sorted) of ``repeats`` calls after one warm-up call.

    On a busy machine the wall time includes waiting for a core; the process's CPU time does not.
    """
    fn()
    wall, cpu = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - t0) * 1e3)
        cpu.append((time.process_time() - c0) * 1e3)
    return sorted(wall), sorted(cpu)


def p90(ts: list[float]) -> float:
    return float(np.percentile(ts, 90))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    print(f"4 optimizers x {STEPS} steps, {args.repeats} repeats after one warm-up; "
          f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs\n")
    print("Wall-clock ms (CPU ms in brackets).\n")
    print("| function | default four: median | p90 | Adam family four: median | p90 "
          "| default four via train.minimize: median |")
    print("|---|---:|---:|---:|---:|---:|")
    medians = []
    for name, obj in OBJECTIVES.items():
        fast, fast_cpu = times_ms(lambda: compute_trajectories(name, DEFAULT, steps=STEPS), args.repeats)
        heavy, heavy_cpu = times_ms(lambda: compute_trajectories(name, HEAVY, steps=STEPS), args.repeats)
        opts = [make_optimizer(c["optimizer"], **{k: v for k, v in c.items() if k != "optimizer"}) for c in DEFAULT]
        generic, generic_cpu = times_ms(lambda: [minimize(o, obj.f, obj.grad, obj.start, STEPS) for o in opts],
                                        args.repeats)
        med = statistics.median
        medians += [med(fast), med(heavy)]
        print(f"| {name} | {med(fast):.1f} [{med(fast_cpu):.1f}] | {p90(fast):.1f} | {med(heavy):.1f} "
              f"[{med(heavy_cpu):.1f}] | {p90(heavy):.1f} | {med(generic):.1f} [{med(generic_cpu):.1f}] |")
    print(f"\nworst wall-clock median: {max(medians):.1f} ms (target < 100 ms); "
          f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
