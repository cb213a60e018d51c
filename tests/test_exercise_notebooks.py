"""The exercise notebooks: generated from single sources without drift; with solutions every check passes; as
handed to students every check reports "not implemented yet" (nbmake also executes them in the normal run)."""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path

import pytest

from lessons_lib.exercises import ANSWERS, EXERCISES, Result
from lessons_lib.exercises import build
from lessons_lib.quiz import BANKS

REPO = Path(__file__).resolve().parents[1]
SOURCES = build.sources(REPO)  # an error (not an empty list) if the repository layout is absent


def run_cells(nb) -> list:
    """Execute a notebook's code cells in-process (IPython magics dropped) and collect every check() and
    check_answer() result, in order."""
    results: list = []
    from lessons_lib import exercises

    def recording_check(exercise_id, fn, **kw):
        r = exercises.check(exercise_id, fn, **kw)
        results.append(r)
        return r

    def recording_answer(exercise_id, value):
        r = exercises.check_answer(exercise_id, value)
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
        if "check_answer" in ns:
            ns["check_answer"] = recording_answer
    return results


def test_committed_notebooks_match_the_generator() -> None:
    assert len(SOURCES) >= 13
    assert build.main(["--check", "--root", str(REPO)]) == 0
    assert sorted(p.stem for p in (REPO / "exercises").glob("*.ipynb")) == [s.stem for s in SOURCES]


def test_generator_finds_this_repository_from_inside_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO / "book")
    assert build.find_root() == REPO


def test_generator_refuses_a_folder_without_sources(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(FileNotFoundError, match="has no exercises/source"):
        build.sources(tmp_path)
    with pytest.raises(SystemExit):
        build.main(["--check", "--root", str(tmp_path)])
    assert "has no exercises/source" in capsys.readouterr().err


def test_every_exercise_appears_in_exactly_one_notebook() -> None:
    text = {s.stem: s.read_text() for s in SOURCES}
    for eid, ex in EXERCISES.items():
        homes = [stem for stem, t in text.items() if f'check("{eid}"' in t]
        assert homes == [ex.chapter], (eid, homes)
    for aid, a in ANSWERS.items():
        homes = [stem for stem, t in text.items() if f'check_answer("{aid}"' in t]
        assert homes == [a.chapter], (aid, homes)


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_solution_version_passes_every_check(source: Path) -> None:
    results = run_cells(build.build(source, "solution"))
    assert results and all(r.passed for r in results), "\n".join(str(r) for r in results if not r.passed)


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_student_version_reports_not_implemented(source: Path) -> None:
    """As handed out: implement exercises say "not implemented", debug ones fail with their planted bug named,
    value-answered ones say "not answered"."""
    nb = build.build(source, "student")
    results = run_cells(nb)
    chapter_ids = [eid for eid, ex in EXERCISES.items() if ex.chapter == source.stem]
    answer_ids = [aid for aid, a in ANSWERS.items() if a.chapter == source.stem]
    assert [r.exercise for r in results if r.exercise in EXERCISES] == chapter_ids
    assert sorted(r.exercise for r in results if r.exercise not in EXERCISES) == sorted(answer_ids)
    for r in results:
        if r.exercise in ANSWERS:
            assert r.status == "not answered", str(r)
        elif EXERCISES[r.exercise].kind == "debug":
            assert r.status == "failed" and f"Looks like: {EXERCISES[r.exercise].variants[0].name}" in str(r), str(r)
        else:
            assert r.status == "not implemented" and "Not implemented yet" in str(r), str(r)
    for cell in nb.cells:
        assert "BEGIN SOLUTION" not in cell.source and "END SOLUTION" not in cell.source
        if cell.cell_type == "code":  # solution lines appear only inside the collapsed <details> blocks
            for line in _solution_lines(source):
                assert line not in cell.source, (line, cell.source)


def _solution_lines(source: Path) -> list[str]:
    """The distinctive lines between the solution markers of a source (long enough, not also outside them)."""
    text = source.read_text()
    outside = build._BLOCK.sub("", text)  # e.g. a docstring may state the same formula
    lines = []
    for block in build._BLOCK.finditer(text):
        lines += [ln.strip() for ln in block["body"].splitlines() if len(ln.strip()) > 12 and ln.strip() not in outside]
    return lines


def test_instructor_version_has_no_solutions(tmp_path: Path) -> None:
    build.main(["--no-solutions", "--root", str(REPO), "--out", str(tmp_path)])
    assert sorted(p.stem for p in tmp_path.glob("*.ipynb")) == [s.stem for s in SOURCES]
    for source in SOURCES:
        text = (tmp_path / f"{source.stem}.ipynb").read_text()
        assert "Show a solution" not in text and "NotImplementedError" in text
        for line in _solution_lines(source):
            assert json.dumps(line)[1:-1] not in text, line


def test_student_notebooks_collapse_each_solution_after_its_exercise() -> None:
    for source in SOURCES:
        nb = build.build(source, "student")
        details = [i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and c.source.startswith("<details>")]
        with_solution = [src for kind, src, _ in build.parse_cells(source.read_text())
                         if kind == "code" and build._has_solution(src)]
        assert details and len(details) == len(with_solution)
        assert all(nb.cells[i - 1].cell_type == "code" for i in details)
        stubs = [i for i, c in enumerate(nb.cells) if "raise NotImplementedError" in c.source]
        assert set(i + 1 for i in stubs) <= set(details)


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_sources_define_the_registry_signatures(source: Path) -> None:
    ns: dict = {}
    for cell in build.build(source, "solution").cells:
        if cell.cell_type == "code" and cell.source.lstrip().startswith("def "):
            exec(compile(cell.source, str(source), "exec"), {"np": __import__("numpy"), "math": __import__("math")}
                 | ns, ns)
    for eid, ex in EXERCISES.items():
        if ex.chapter == source.stem:
            name = ex.signature.split("(")[0]
            assert f"{name}{inspect.signature(ns[name])}" == ex.signature


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_graded_quiz_cell_lists_every_question_of_the_bank(source: Path) -> None:
    text = source.read_text()
    ids = re.findall(r'^    "([\w-]+)": None,$', text, flags=re.M)
    assert ids == [q["id"] for q in BANKS[source.stem]]
    assert f'print_questions("{source.stem}")' in text and f'record_answer("{source.stem}", question, answer)' in text
