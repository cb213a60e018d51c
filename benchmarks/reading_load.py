"""How much code a reader of each chapter page sees, and how many checks each chapter runs.

Prints one row per notebook in the table of contents: visible non-blank code lines (cells not folded or removed
with the tags hide-input, hide-cell, remove-input or remove-cell), folded code lines, code cells, and the number of
checks (``assert`` statements and ``assert_*`` helper calls) (visible and folded: folding a check must not remove it). The book's target is at most 90
visible code lines per chapter page. Run: python benchmarks/reading_load.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tools import nbexec  # noqa: E402
from tools.reading import TARGET, load  # noqa: E402

def main() -> int:
    rows = [(str(p.relative_to(nbexec.ROOT)), load(p)) for p in nbexec.toc_notebooks() if "/exercises/" not in f"/{p}"]
    rows = [(n, r) for n, r in rows if n.startswith("book/")]
    print(f"| chapter | visible code lines | folded | code cells | asserts |")
    print("|---|---:|---:|---:|---:|")
    for name, r in rows:
        flag = "" if r["visible"] <= TARGET else " (over)"
        print(f"| {name} | {r['visible']}{flag} | {r['folded']} | {r['cells']} | {r['asserts']} |")
    vis = sorted(r["visible"] for _, r in rows)
    print(f"\n{len(rows)} pages; visible code lines: median {vis[len(vis) // 2]}, max {vis[-1]}, "
          f"{sum(v > TARGET for v in vis)} over {TARGET}; asserts in all: {sum(r['asserts'] for _, r in rows)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
