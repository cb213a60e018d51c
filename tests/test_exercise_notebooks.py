"""The exercise notebooks: generated from single sources without drift; with solutions every check passes; as
handed to students every check reports "not implemented yet" (nbmake also executes them in the normal run)."""

from __future__ import annotations

from pathlib import Path

import pytest

from lessons_lib.exercises import EXERCISES, Result
from lessons_lib.exercises import build

SOURCES = sorted(build.SOURCES.glob("*.py"))


def run_cells(nb) -> list[Result]:
    """Execute a notebook's code cells in-process (IPython magics dropped) and collect every check() result."""
    results: list[Result] = []
    from lessons_lib import exercises

    def recording_check(exercise_id, fn, **kw):
        r = exercises.check(exercise_id, fn, **kw)
        results.append(r)
        return r

    ns: dict = {"__name__": "__main__"}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if "find_spec" in cell.source:  # the Colab setup cell: lessons_lib is installed here
            continue
        code = cell.source
        exec(compile(code, "<exercise notebook>", "exec"), ns)
        ns["check"] = recording_check
    return results


def test_committed_notebooks_match_the_generator() -> None:
    assert build.main(["--check"]) == 0
    assert sorted(p.stem for p in build.OUT.glob("*.ipynb")) == [s.stem for s in SOURCES]


def test_every_exercise_appears_in_exactly_one_notebook() -> None:
    text = {s.stem: s.read_text() for s in SOURCES}
    for eid, ex in EXERCISES.items():
        homes = [stem for stem, t in text.items() if f'check("{eid}"' in t]
        assert homes == [ex.chapter], (eid, homes)


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_solution_version_passes_every_check(source: Path) -> None:
    results = run_cells(build.build(source, "solution"))
    assert results and all(r.passed for r in results), "\n".join(str(r) for r in results if not r.passed)


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_student_version_reports_not_implemented(source: Path) -> None:
    nb = build.build(source, "student")
    results = run_cells(nb)
    assert results and all(r.status == "not implemented" for r in results)
    assert "BEGIN SOLUTION" not in nb.cells[3].source


def test_instructor_version_has_no_solutions(tmp_path: Path) -> None:
    build.main(["--no-solutions", "--out", str(tmp_path)])
    for path in tmp_path.glob("*.ipynb"):
        text = path.read_text()
        assert "Show a solution" not in text and "NotImplementedError" in text
