"""Print how long each notebook took when it was last executed (by ``make test`` or ``make book``).

The times come from the execution records that ``tools/nbexec.py`` writes into ``_build/executed``. They are
wall-clock seconds of one notebook while others may run beside it (``make test`` runs two at a time on two
cores), so they overstate the time of one notebook on a quiet machine; for that, execute one alone::

    python -m pytest -p no:cacheprovider -o addopts= book/part1/05_adam.ipynb

Also checks that every notebook was executed exactly once, by one run, and says which.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools import nbexec  # noqa: E402


def main() -> int:
    rows = nbexec.times()
    if not rows:
        print("no executed notebooks in _build/executed: run `make test` or `make book` first")
        return 1
    runs = {json.loads(nbexec.executed_path(nbexec.ROOT / name).read_text())["metadata"][nbexec.KEY]["run_id"]
            for name, _ in rows}
    width = max(len(name) for name, _ in rows)
    print(f"| {'notebook':<{width}} | seconds |")
    print(f"|{'-' * (width + 2)}|--------:|")
    for name, seconds in rows:
        print(f"| {name:<{width}} | {seconds:7.1f} |")
    total = sum(s for _, s in rows)
    print(f"\n{len(rows)} notebooks, {total:.0f} s of execution in total, from run(s): {', '.join(sorted(runs))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
