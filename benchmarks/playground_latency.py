"""Latency of the optimizer playground's compute step: 4 optimizers x 200 steps, per test function.

The target (issue 3) is under 100 ms median. Run: python benchmarks/playground_latency.py [--repeats N]
"""

from __future__ import annotations

import argparse
import statistics
import time

from lessons_lib.problems import OBJECTIVES
from lessons_lib.widgets.playground import compute_trajectories

CONFIGS = [{"optimizer": "GD", "lr": 1e-3}, {"optimizer": "Momentum", "lr": 1e-3, "momentum": 0.9},
           {"optimizer": "RMSprop", "lr": 1e-2}, {"optimizer": "Adam", "lr": 5e-2}]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    print(f"4 optimizers x 200 steps, {args.repeats} repeats after one warm-up\n")
    print("| function | median ms | p90 ms | max ms |")
    print("|---|---:|---:|---:|")
    for name in OBJECTIVES:
        compute_trajectories(name, CONFIGS, steps=200)
        times = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            compute_trajectories(name, CONFIGS, steps=200)
            times.append((time.perf_counter() - t0) * 1e3)
        times.sort()
        p90 = times[int(0.9 * (len(times) - 1))]
        print(f"| {name} | {statistics.median(times):.1f} | {p90:.1f} | {times[-1]:.1f} |")


if __name__ == "__main__":
    main()
