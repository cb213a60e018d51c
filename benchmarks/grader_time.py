"""Grader run time per submission: the generated solution notebook of each chapter, graded in its sandbox.

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"median of {args.repeats} gradings per submission (fresh sandbox process each time)\n")
    print("| submission (solutions) | exercises | score | median s |")
    print("|---|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for source in build.sources(build.find_root()):
            path = Path(tmp) / f"{source.stem}.ipynb"
            nbformat.write(build.build(source, "solution"), path)
            reports = [grade_submission(path) for _ in range(args.repeats)]
            times = [r.seconds for r in reports]
            print(f"| {source.stem} | {len(reports[0].exercises)} | {reports[0].score:.2f} | "
                  f"{statistics.median(times):.2f} |")


if __name__ == "__main__":
    main()
