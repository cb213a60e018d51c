"""Latency of the schedule explorer's compute step (``schedule_curves``), per schedule and per framework.

Each schedule of ``SCHEDULES`` with its default parameters, over 300 and 1000 updates: the time for the
``lessons_lib`` curve, for the PyTorch curve (a real scheduler stepped once per update) and for the Keras curve (the
real ``LearningRateSchedule`` evaluated on the vector of iteration counts), median of the repeats after one warm-up
call (which pays the framework imports). "-" marks a framework without an equivalent.

Run: python benchmarks/schedule_explorer_latency.py [--repeats N]
"""

from __future__ import annotations

import argparse
import os
import statistics

from lessons_lib.widgets.schedule_explorer import SCHEDULES, schedule_curves


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    print(f"median of {args.repeats} repeats after one warm-up; load average before: {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} CPUs\n")
    print("| schedule | updates | lessons_lib ms | PyTorch ms | Keras ms | total ms |")
    print("|---|---:|---:|---:|---:|---:|")
    worst = 0.0
    for steps in (300, 1000):
        for name in SCHEDULES:
            schedule_curves(name, steps=steps)
            runs = [schedule_curves(name, steps=steps) for _ in range(args.repeats)]
            cells = []
            for fw in ("lessons_lib", "torch", "keras"):
                if fw != "lessons_lib" and runs[0][fw] is None:
                    cells.append("-")
                else:
                    cells.append(f"{statistics.median(r['seconds'][fw] for r in runs) * 1e3:.1f}")
            total = statistics.median(sum(r["seconds"].values()) for r in runs) * 1e3
            worst = max(worst, total)
            print(f"| {name} | {steps} | {' | '.join(cells)} | {total:.1f} |")
    print(f"\nworst median total: {worst:.0f} ms; load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
