"""Time one exercise check of an ordinary (correct) function, as a learner's notebook runs it.

Prints, for a few exercises, the median and the slowest of several checks, with the function run in a forked child
(the default on Linux and macOS) and in the checker's own process (the fallback without ``fork``), then the time to
check every exercise once. The learner's functions are the catalogue's reference solutions compiled outside the
library, as a notebook cell would define them. Run: python benchmarks/exercise_check_time.py [--repeats N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np

from lessons_lib.exercises import EXERCISES, _isolate, catalog, check


def learner_copies() -> dict:
    src = Path(catalog.__file__).read_text().replace("from ._core import", "from lessons_lib.exercises._core import") \
        .replace("from .._exercise_inputs import", "from lessons_lib._exercise_inputs import")
    ns: dict = {"__name__": "learner_notebook"}
    exec(compile(src, "<learner>", "exec"), ns)
    return {e.id: e.reference for e in ns["EXERCISES"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args()
    fns = learner_copies()
    modes = [("forked child", True), ("in-process", False)] if _isolate.AVAILABLE else [("in-process", False)]
    print(f"{'exercise':18s} {'cases':>5s}  " + "  ".join(f"{name + ' median / max (ms)':>32s}" for name, _ in modes))
    for eid in ["gd_step", "adam_step", "minibatches", "plateau_decision", "newton_schulz"]:
        cells = []
        for _, fork in modes:
            _isolate.AVAILABLE = fork
            check(eid, fns[eid])  # warm-up
            times = []
            for _ in range(args.repeats):
                t0 = time.perf_counter()
                assert check(eid, fns[eid]).passed
                times.append(1000 * (time.perf_counter() - t0))
            cells.append(f"{statistics.median(times):23.1f} / {max(times):6.1f}")
        n = len(EXERCISES[eid].cases(np.random.default_rng(0)))
        print(f"{eid:18s} {n:5d}  " + "  ".join(f"{c:>32s}" for c in cells))
    for name, fork in modes:
        _isolate.AVAILABLE = fork
        t0 = time.perf_counter()
        for eid in EXERCISES:
            check(eid, fns[eid])
        print(f"all {len(EXERCISES)} exercises once, {name}: {time.perf_counter() - t0:.2f} s")


if __name__ == "__main__":
    main()
