"""Grader run time per submission: the generated solution notebook of each chapter, graded in its bubblewrap
sandbox and, for comparison, without one (``--unsafe-no-sandbox``).

Run: python benchmarks/grader_time.py [--repeats N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

import nbformat

from lessons_lib.exercises import build
from lessons_lib.grade.grader import grade_submission
from lessons_lib.grade.sandbox import bwrap_path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    modes = [("sandbox", False)] if bwrap_path() else []
    modes.append(("no sandbox", True))
    if not bwrap_path():
        print("bubblewrap is not installed: timing without the sandbox only\n")
    print(f"median of {args.repeats} gradings per submission (a fresh process each time)\n")
    print("| submission (solutions) | exercises | score | " + " | ".join(f"{m} s" for m, _ in modes) + " |")
    print("|---|---:|---:|" + "---:|" * len(modes))
    totals: dict[str, list[float]] = {m: [] for m, _ in modes}
    with tempfile.TemporaryDirectory() as tmp:
        for source in build.sources(build.find_root()):
            path = Path(tmp) / f"{source.stem}.ipynb"
            nbformat.write(build.build(source, "solution"), path)
            cells, first = [], None
            for mode, unsafe in modes:
                reports = [grade_submission(path, source.stem, unsafe_no_sandbox=unsafe) for _ in range(args.repeats)]
                first = first or reports[0]
                median = statistics.median(r.seconds for r in reports)
                totals[mode].append(median)
                cells.append(f"{median:.2f}")
            print(f"| {source.stem} | {len(first.exercises)} | {sum(first.exercises.values()):.0f} of "
                  f"{len(first.exercises)} | " + " | ".join(cells) + " |")
    print("\nmean per submission: " + ", ".join(f"{m} {statistics.mean(t):.2f} s" for m, t in totals.items()))


if __name__ == "__main__":
    main()
