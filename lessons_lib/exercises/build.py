"""Generate the exercise notebooks from their single sources.

A source (``exercises/source/<chapter>.py``) is a percent-format script: cells start with ``# %%`` (code) or
``# %% [markdown]``; solution code sits between ``# BEGIN SOLUTION`` and ``# END SOLUTION`` lines. From it:

* the **student** notebook replaces each solution block by ``raise NotImplementedError("...")`` (same indentation)
  and, unless ``solutions=False``, appends the solution in a collapsed ``<details>`` block after the cell, for
  self-study readers (it renders collapsed in Jupyter, Colab and the HTML book);
* the **solution** notebook keeps the code (used by the tests to prove every check passes).

Two more markers serve the other kinds of exercise:

* ``# BEGIN ANSWER`` / ``# END ANSWER`` around assignments ``name = value`` (derive, predict and diagnose
  exercises, answered with ``check_answer``): the student version assigns ``None`` instead, so the notebook still
  runs top to bottom and the check says "not answered yet";
* ``# BEGIN FIX`` / ``# INSTEAD`` / ``# END FIX`` (debug exercises): the code between ``BEGIN FIX`` and ``INSTEAD``
  is the corrected one, kept in the solution; the student version gets the code between ``INSTEAD`` and ``END FIX``,
  the one with the planted bug, to find and fix.

Usage::

    python -m lessons_lib.exercises.build                 # write exercises/*.ipynb (student versions, with solutions collapsed)
    python -m lessons_lib.exercises.build --no-solutions  # for instructors: student versions without any solution
    python -m lessons_lib.exercises.build --check         # exit 1 if the committed notebooks differ from the sources

The sources live in the repository, not in the installed package: the repository is the one given with
``--root``, else the one around the package (an editable install), else the current folder or one above it
that has ``exercises/source``. Without one, the command stops with an error rather than checking nothing.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

SOURCE_DIR = Path("exercises") / "source"
OUT_DIR = Path("exercises")
_BLOCK = re.compile(r"^(?P<indent>[ \t]*)# BEGIN SOLUTION\n(?P<body>.*?)^[ \t]*# END SOLUTION\n?", re.M | re.S)
_ANSWER = re.compile(r"^(?P<indent>[ \t]*)# BEGIN ANSWER\n(?P<body>.*?)^[ \t]*# END ANSWER\n?", re.M | re.S)
_FIX = re.compile(r"^[ \t]*# BEGIN FIX\n(?P<fixed>.*?)^[ \t]*# INSTEAD\n(?P<buggy>.*?)^[ \t]*# END FIX\n?", re.M | re.S)
_ASSIGN = re.compile(r"^(?P<indent>[ \t]*)(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)")


def _unanswered(body: str) -> str:
    lines = [f"{m['indent']}{m['name']} = None  # your answer" for m in map(_ASSIGN.match, body.splitlines()) if m]
    if not lines:
        raise ValueError(f"a # BEGIN ANSWER block must assign the answer (name = value), got:\n{body}")
    return "\n".join(lines) + "\n"


def _has_solution(code: str) -> bool:
    return any(p.search(code) for p in (_BLOCK, _ANSWER, _FIX))


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
    """Replace every solution block by a NotImplementedError stub at the block's indentation, every answer block by
    ``name = None`` assignments, and every fix block by its buggy version."""
    code = _BLOCK.sub(lambda m: f'{m["indent"]}raise NotImplementedError("your code here")\n', code)
    code = _ANSWER.sub(lambda m: _unanswered(m["body"]), code)
    return _FIX.sub(lambda m: m["buggy"], code).rstrip("\n")


def solution_code(code: str) -> str:
    """Keep the solution (and the fixed code), drop the markers."""
    code = _BLOCK.sub(lambda m: m["body"], code)
    code = _ANSWER.sub(lambda m: m["body"], code)
    return _FIX.sub(lambda m: m["fixed"], code).rstrip("\n")


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
        has_solution = _has_solution(src)
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


def find_root(start: Path | None = None) -> Path:
    """The repository whose ``exercises/source`` holds the exercise sources (see the module docstring)."""
    here = Path(__file__).resolve().parents[2]
    cwd = Path.cwd() if start is None else Path(start).resolve()
    for candidate in (here, cwd, *cwd.parents):
        if any((candidate / SOURCE_DIR).glob("*.py")):
            return candidate
    raise FileNotFoundError(
        f"no exercises/source/*.py found around the installed package ({here}) nor in {cwd} or above it; "
        "run this from the course repository or pass --root")


def sources(root: Path) -> list[Path]:
    """The exercise sources of the repository ``root``, sorted; an error if there are none."""
    found = sorted((Path(root) / SOURCE_DIR).glob("*.py"))
    if not found:
        raise FileNotFoundError(f"root={str(root)!r} has no {SOURCE_DIR}/*.py (is it the course repository?)")
    return found


def write_all(out: Path, solutions: bool = True, root: Path | None = None) -> list[Path]:
    """Write the student notebook of every source of ``root`` into ``out``."""
    root = find_root() if root is None else Path(root)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for source in sources(root):
        path = out / f"{source.stem}.ipynb"
        nbformat.write(build(source, "student", solutions), path)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate the exercise notebooks from exercises/source/.")
    parser.add_argument("--no-solutions", action="store_true", help="omit the collapsed solutions (instructors)")
    parser.add_argument("--root", type=Path, default=None, help="the course repository (default: found, see above)")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: <root>/exercises/)")
    parser.add_argument("--check", action="store_true", help="fail if committed notebooks differ from the sources")
    args = parser.parse_args(argv)
    try:
        root = find_root() if args.root is None else Path(args.root)
        sources(root)
    except FileNotFoundError as exc:
        parser.error(str(exc))
    out = root / OUT_DIR if args.out is None else args.out
    if args.check:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            fresh = {p.name: p.read_bytes() for p in write_all(Path(tmp), root=root)}
        stale = [name for name, data in fresh.items()
                 if not (out / name).exists() or (out / name).read_bytes() != data]
        if stale:
            print("out of date (run python -m lessons_lib.exercises.build):", ", ".join(stale))
            return 1
        print("exercise notebooks match their sources")
        return 0
    for path in write_all(out, solutions=not args.no_solutions, root=root):
        print("wrote", path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
