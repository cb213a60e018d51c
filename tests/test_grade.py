"""The grader: honest, partial, crashing, hanging, memory-hungry and cheating submissions each get what they earned,
in their own process, without disturbing the others."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from lessons_lib.exercises import build
from lessons_lib.grade.grader import grade_submission, main
from lessons_lib.grade.sandbox import unavailable_reason
from lessons_lib.quiz import BANKS

REPO = Path(__file__).resolve().parents[1]
ADAM = REPO / "exercises" / "source" / "adam.py"
UNSAFE = unavailable_reason() is not None  # without a sandbox these behaviours are checked unsandboxed
# (tests/test_grade_sandbox.py then skips, saying why)


def right_answers(chapter: str) -> dict[str, object]:
    """The correct answer of every question of a chapter (an option's index, or the number)."""
    return {q["id"]: (next(i for i, a in enumerate(q["answers"]) if a["correct"]) if q["type"] == "multiple_choice"
                      else q["answer"]) for q in BANKS[chapter]}


def _solution_cells() -> list[str]:
    return [c.source for c in build.build(ADAM, "solution").cells if c.cell_type == "code"]


def _write(tmp: Path, name: str, extra_cells: list[str], base: list[str] | None = None) -> Path:
    cells = [nbformat.v4.new_code_cell(src) for src in (base if base is not None else _solution_cells()) + extra_cells]
    path = tmp / f"{name}.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    return path


@pytest.fixture(scope="module")
def submissions(tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("subs")
    student = [c.source for c in build.build(ADAM, "student").cells if c.cell_type == "code"]
    wrong_adam = ("def adam_step(theta, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-08):\n"
                  "    m = beta1 * m + (1 - beta1) * grad\n    v = beta2 * v + (1 - beta2) * grad**2\n"
                  "    return theta - lr * m / (np.sqrt(v) + eps), m, v")
    quiz = "from lessons_lib.quiz import record_answer\n" + "\n".join(
        f"record_answer('adam', {q!r}, {a!r})" for q, a in right_answers("adam").items())
    return {
        "honest": _write(tmp, "honest", [quiz]),
        "stub": _write(tmp, "stub", [], base=student),
        "partial": _write(tmp, "partial", [wrong_adam]),
        "crash": _write(tmp, "crash", ["raise SystemExit(3)"], base=["import os\nos._exit(1)"]),
        "hang": _write(tmp, "hang", ["while True:\n    pass"]),
        "memory": _write(tmp, "memory", ["x = bytearray(8 * 2**30)",
                                          "def adamw_step(*a, **k):\n    return bytearray(8 * 2**30)"]),
        "slow function": _write(tmp, "slowfn", ["def adam_step(*a, **k):\n    while True:\n        pass"]),
        "monkeypatch": _write(tmp, "monkeypatch", [
            "import lessons_lib.exercises as ex\nex.check = lambda *a, **k: 'passed'",
            "def adam_step(*a, **k):\n    return 0.0"]),
        "fake equality": _write(tmp, "fake", [
            "class Liar:\n    def __eq__(self, o): return True\n    def __array__(self, *a, **k): raise ValueError\n"
            "def adam_step(*a, **k):\n    return Liar()"]),
        "uses library": _write(tmp, "library", [
            "def adam_step(theta, grad, m, v, t, **kw):\n"
            "    from lessons_lib.exercises.catalog import adam_step as ref\n    return ref(theta, grad, m, v, t, **kw)"]),
        "mutates": _write(tmp, "mutates", ["def adamw_step(theta, *a, **k):\n    theta -= 1\n    return theta, theta, theta"]),
    }


@pytest.fixture(scope="module")
def reports(submissions):
    return {name: grade_submission(p, "adam", timeout=15, memory_mb=1024, unsafe_no_sandbox=UNSAFE) for name, p in submissions.items()}


def test_honest_submission_gets_full_marks_and_quiz_credit(reports) -> None:
    r = reports["honest"]  # the solution notebook: its functions and its value-answered exercises
    assert r.exercises == {"adam_step": 1.0, "adamw_step": 1.0, "adam_run": 1.0, "adam_uncorrected_first_step": 1.0,
                           "adam_predict_scale": 1.0}
    assert r.quiz == {f"adam/{q}": 1.0 for q in right_answers("adam")}
    assert r.score == 1.0


def test_stub_scores_zero(reports) -> None:
    stub = reports["stub"]  # as handed out: stubs, no answers, and the debug loop with its bug still in it
    assert stub.exercises == {"adam_step": 0.0, "adamw_step": 0.0, "adam_run": stub.exercises["adam_run"],
                              "adam_uncorrected_first_step": 0.0, "adam_predict_scale": 0.0}
    assert stub.exercises["adam_run"] < 0.5 and "planted bug is still there" in stub.feedback["adam_run"]
    assert "Not implemented yet" in reports["stub"].feedback["adam_step"]


def test_partial_gets_partial_credit_and_named_mistake(reports) -> None:
    r = reports["partial"]
    assert r.exercises["adam_step"] < 1.0 and r.exercises["adamw_step"] == 1.0
    assert "without bias correction" in r.feedback["adam_step"]


@pytest.mark.parametrize("name", ["crash", "hang", "memory"])
def test_broken_notebooks_get_what_they_earned_without_disturbing_others(reports, name) -> None:
    r = reports[name]
    assert r.seconds < 60
    assert reports["honest"].score == 1.0
    if name == "memory":  # the memory limit stops the hog; the correct adam_step still earns its marks
        assert any("MemoryError" in n for n in r.notes)
        assert r.exercises["adam_step"] == 1.0 and r.exercises["adamw_step"] == 0.0
    else:
        assert r.score == 0.0 and r.status.startswith("crashed or timed out")


def test_cheats_change_nothing(reports) -> None:
    assert reports["monkeypatch"].exercises["adam_step"] == 0.0
    assert reports["fake equality"].exercises["adam_step"] == 0.0
    assert "returned a Liar" in reports["fake equality"].feedback["adam_step"]
    assert reports["uses library"].exercises["adam_step"] == 0.0
    assert "cannot be imported while a submission is graded" in reports["uses library"].feedback["adam_step"]
    assert reports["slow function"].exercises["adam_step"] == 0.0
    assert reports["mutates"].exercises["adamw_step"] == 0.0
    assert "changed its inputs" in reports["mutates"].feedback["adamw_step"]


def test_command_line_writes_csv_and_json(submissions, tmp_path) -> None:
    out, js = tmp_path / "r.csv", tmp_path / "r.json"
    assert main([str(submissions["honest"]), str(submissions["stub"]), "--chapter", "adam", "--out", str(out),
                 "--json", str(js), "--timeout", "30"] + (["--unsafe-no-sandbox"] if UNSAFE else [])) == 0
    rows = out.read_text().splitlines()
    assert rows[0].startswith("submission,chapter,score,status") and len(rows) == 3
    data = json.loads(js.read_text())
    assert data[0]["score"] == 1.0 and data[1]["score"] == 0.0


@pytest.mark.parametrize("source", build.sources(REPO), ids=lambda p: p.stem)
def test_every_chapter_solution_grades_full_marks(source, tmp_path) -> None:
    path = tmp_path / "sub.ipynb"
    nbformat.write(build.build(source, "solution"), path)
    r = grade_submission(path, source.stem, timeout=30, unsafe_no_sandbox=UNSAFE)
    assert r.exercises and all(v == 1.0 for v in r.exercises.values()), r.feedback


@pytest.mark.parametrize("source", build.sources(REPO), ids=lambda p: p.stem)
def test_the_shipped_quiz_cell_is_graded(source, tmp_path) -> None:
    """The quiz cell as learners get it (print_questions, then record_answer for each filled answer) counts."""
    nb = build.build(source, "solution")
    chapter = source.stem
    first = BANKS[chapter][0]
    right = next(i for i, a in enumerate(first["answers"]) if a["correct"]) \
        if first["type"] == "multiple_choice" else first["answer"]
    cells = [c for c in nb.cells if c.cell_type == "code" and f'    "{first["id"]}": None,' in c.source]
    assert len(cells) == 1, "the graded quiz cell lists every question with None"
    cells[0].source = cells[0].source.replace(f'    "{first["id"]}": None,', f'    "{first["id"]}": {right!r},')
    path = tmp_path / "sub.ipynb"
    nbformat.write(nb, path)
    r = grade_submission(path, chapter, timeout=30, unsafe_no_sandbox=UNSAFE)
    assert r.quiz.get(f"{chapter}/{first['id']}") == 1.0, (r.quiz, r.feedback)
