"""Generate the exercise notebooks from their single sources.

A source (``exercises/source/<chapter>.py``) is a percent-format script: cells start with ``# %%`` (code) or
``# %% [markdown]``; solution code sits between ``# BEGIN SOLUTION`` and ``# END SOLUTION`` lines. From it:

* the **student** notebook replaces each solution block by ``raise NotImplementedError("...")`` (same indentation)
  and, unless ``solutions=False``, appends the solution in a collapsed ``<details>`` block after the cell, for
  self-study readers (it renders collapsed in Jupyter, Colab and the HTML book);
* the **solution** notebook keeps the code (used by the tests to prove every check passes).

Usage::

    python -m lessons_lib.exercises.build                 # write exercises/*.ipynb (student versions, with solutions collapsed)
    python -m lessons_lib.exercises.build --no-solutions  # for instructors: student versions without any solution
    python -m lessons_lib.exercises.build --check         # exit 1 if the committed notebooks differ from the sources
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "exercises" / "source"
OUT = ROOT / "exercises"
_BLOCK = re.compile(r"^(?P<indent>[ \t]*)# BEGIN SOLUTION\n(?P<body>.*?)^[ \t]*# END SOLUTION\n?", re.M | re.S)


def parse_cells(text: str) -> list[tuple[str, str, list[str]]]:
    """(kind, source, tags) for each cell of a percent-format script."""
    cells = []
    for block in ("\n" + text).split("\n# %%")[1:]:
        header, _, body = block.partition("\n")
        body = body.strip("\n")
        if header.strip().startswith("[markdown]"):
            lines = [ln[2:] if ln.startswith("# ") else ln.lstrip("#") for ln in body.splitlines()]
            cells.append(("markdown", "\n".join(lines), []))
        else:
            cells.append(("code", body, header.split()))
    return cells


def student_code(code: str) -> str:
    """Replace every solution block by a NotImplementedError stub at the block's indentation."""
    return _BLOCK.sub(lambda m: f'{m["indent"]}raise NotImplementedError("your code here")\n', code).rstrip("\n")


def solution_code(code: str) -> str:
    """Keep the solution, drop the markers."""
    return _BLOCK.sub(lambda m: m["body"], code).rstrip("\n")


def _notebook(cells: list) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                   "language_info": {"name": "python"}}
    for i, c in enumerate(nb.cells):
        c["id"] = f"cell-{i:02d}"
    return nb


def build(source: Path, version: str = "student", solutions: bool = True) -> nbformat.NotebookNode:
    """The notebook for one source: ``version`` is ``"student"`` or ``"solution"``."""
    cells = []
    for kind, src, tags in parse_cells(source.read_text()):
        if kind == "markdown":
            cells.append(nbformat.v4.new_markdown_cell(src))
            continue
        has_solution = bool(_BLOCK.search(src))
        code = solution_code(src) if version == "solution" else student_code(src)
        cell = nbformat.v4.new_code_cell(code)
        if tags:
            cell.metadata["tags"] = tags
        cells.append(cell)
        if has_solution and version == "student" and solutions:
            cells.append(nbformat.v4.new_markdown_cell(
                "<details>\n<summary>Show a solution</summary>\n\n```python\n" + solution_code(src) +
                "\n```\n\n</details>"))
    return _notebook(cells)


def write_all(out: Path = OUT, solutions: bool = True) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for source in sorted(SOURCES.glob("*.py")):
        path = out / f"{source.stem}.ipynb"
        nbformat.write(build(source, "student", solutions), path)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate the exercise notebooks from exercises/source/.")
    parser.add_argument("--no-solutions", action="store_true", help="omit the collapsed solutions (instructors)")
    parser.add_argument("--out", type=Path, default=OUT, help="output folder (default: exercises/)")
    parser.add_argument("--check", action="store_true", help="fail if committed notebooks differ from the sources")
    args = parser.parse_args(argv)
    if args.check:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            fresh = {p.name: p.read_bytes() for p in write_all(Path(tmp))}
        stale = [name for name, data in fresh.items()
                 if not (OUT / name).exists() or (OUT / name).read_bytes() != data]
        if stale:
            print("out of date (run python -m lessons_lib.exercises.build):", ", ".join(stale))
            return 1
        print("exercise notebooks match their sources")
        return 0
    for path in write_all(args.out, solutions=not args.no_solutions):
        print("wrote", path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
